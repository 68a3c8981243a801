"""Every context's routes, navigation and template filters, collected in one list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlite_utils import Database
from starlette.routing import BaseRoute

from web import auth, glossary, shell
from web.navigation import NavItem

# Paths whose POST bodies may be large (file uploads) get CIVIC_MAX_UPLOAD_BYTES instead.
UPLOAD_PATHS: tuple[str, ...] = glossary.UPLOAD_PATHS

# Small panels on the home page, each from one context's read model (None: nothing to show).
HOME_WIDGETS: list[Callable[[Database], dict | None]] = [glossary.home_widget]


def all_routes() -> list[BaseRoute]:
    return [*shell.routes, *auth.routes, *glossary.routes]


def all_nav() -> list[NavItem]:
    return [*shell.nav, *glossary.nav, *shell.admin_nav]


def template_filters(services: Any) -> dict[str, Callable[..., Any]]:
    return {"place": glossary.PlaceNames(services)}


def exception_handlers() -> dict:
    return {**glossary.exception_handlers}
