"""Accounts: people who sign in, and their roles. Its pages are the shell's (home, account, admin)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from civic.contexts.base import Context

if TYPE_CHECKING:
    from civic.services import Services
    from projections.runner import View


def _services(built: Services) -> Mapping[str, object]:
    from domain.accounts import Accounts

    return {"accounts": Accounts(built.log)}


def _views() -> list[View]:
    from projections.accounts import AccountsView

    return [AccountsView()]


def _seed(services: Services) -> Iterator[str]:
    from civic.demo import seed_accounts

    yield from seed_accounts(services)


context = Context(name="accounts", services=_services, views=_views, web="web.shell", seed=_seed)
