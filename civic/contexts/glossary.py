"""The glossary: the city's approved English place names, their review meetings and exports."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from civic.contexts.base import Context
from web.i18n import N_

if TYPE_CHECKING:
    from civic.services import Services
    from projections.runner import View


def _services(built: Services) -> Mapping[str, object]:
    from domain.glossary.service import Glossary

    return {"glossary": Glossary(built.log, built.accounts)}


def _views() -> list[View]:
    from projections.glossary import GlossaryView

    return [GlossaryView()]


def _seed(services: Services) -> Iterator[str]:
    from civic.commands.glossary import seed_demo
    from civic.demo import demo_account

    yield from seed_demo(services, demo_account(services, "demo-translator"), demo_account(services, "demo-staff"))


context = Context(
    name="glossary",
    services=_services,
    views=_views,
    web="web.glossary",
    commands="civic.commands.glossary:glossary",
    help=N_("English names of Kaohsiung's places: check, import and export the approved list."),
    seed=_seed,
    reads_data=("export",),
)
