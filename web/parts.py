"""What a context's web module offers the platform: ``part = WebPart(...)``, collected by create_app."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database
from starlette.routing import BaseRoute

from web.navigation import NavItem

HomeWidget = Callable[[Database], "dict[str, Any] | None"]


@dataclass(frozen=True)
class AuditWording:
    """How the audit page names a context's events and links to what they changed.

    ``events`` maps an event's name (``"Term.Approved"``) to words marked with ``N_``;
    ``link(kind, aggregate_id)`` gives the path of the page of what changed, or None.
    """

    code: str  # the context's name as the audit view stores it ("glossary")
    context: str  # the context's name in the page's language, marked with N_
    events: Mapping[str, str]
    link: Callable[[str, str], str | None] = lambda kind, aggregate_id: None


@dataclass(frozen=True)
class WebPart:
    """One context's routes (a context's own under one ``Mount``), navigation and helpers.

    ``filters(services)`` returns template filters (such as ``place``); ``errors`` maps the
    context's domain errors to handlers; ``uploads`` are path prefixes whose bodies may be as large
    as an upload; ``home_widgets`` each return a panel for the home page from the read models.
    """

    routes: Sequence[BaseRoute]
    nav: Sequence[NavItem] = ()
    admin_nav: Sequence[NavItem] = ()
    filters: Callable[[Any], Mapping[str, Callable[..., Any]]] = lambda services: {}
    errors: Mapping[type, Callable[..., Any]] = field(default_factory=dict)
    uploads: tuple[str, ...] = ()
    home_widgets: Sequence[HomeWidget] = ()
    audit: AuditWording | None = None
    views: tuple[str, ...] = ()  # the read models its pages read (for "being rebuilt" notices)
