"""The ``place`` template filter: a place name as the page's language writes it.

Every context shows place names (budgeting areas, proposal sites, districts), and in English they
must be the city's approved ones: this filter is where pages get them, from the glossary's read
model, with an unofficial romanization only where the glossary has none.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from projections import glossary_queries as queries
from projections.readmodels import ViewUnavailableError
from web import i18n
from web.i18n import gettext

VIEW = "glossary"


class PlaceNames:
    """The ``place`` template filter: a place name in the page's language.

    In English it shows the glossary's approved English; a name the glossary does not know shows
    in Chinese with a generated romanization marked as unofficial. Answers are cached until the
    read model moves on.
    """

    def __init__(self, services: Any) -> None:
        self.services = services
        self.cache: dict[tuple[str, str], queries.DisplayName] = {}
        self.generation = -1

    def __call__(self, zh: str, district: str = "") -> Markup:

        if not zh:
            return Markup("")
        if i18n.current_locale.get() == i18n.ZH:
            return Markup('<span lang="zh-Hant-TW">%s</span>') % zh
        try:
            name = self._lookup(zh, district)
        except ViewUnavailableError:  # the glossary is being rebuilt: the Chinese name is still right
            return Markup('<span lang="zh-Hant-TW">%s</span>') % zh
        if name.official:
            return Markup('<span class="place">%s</span>') % name.en
        label = gettext("unofficial romanization")
        return Markup('<span class="place unofficial"><span lang="zh-Hant-TW">%s</span> (%s, %s)</span>') % (
            zh, name.en, label,
        )  # fmt: skip

    def _lookup(self, zh: str, district: str) -> queries.DisplayName:
        # Only the glossary's changes make an answer stale, not a sign-in or a role change.
        generation = self.services.read_models.generation(VIEW)
        if self.generation != generation:
            self.cache, self.generation = {}, generation
        key = (zh, district)
        if key not in self.cache:
            with self.services.reader(VIEW) as db:
                self.cache[key] = queries.display_name(db, zh, district or None)
        return self.cache[key]
