"""Participatory budgeting, part 1: cycles, proposals, endorsement and feasibility review."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from civic.contexts.base import Context
from web.i18n import N_

if TYPE_CHECKING:
    from civic.services import Services
    from projections.runner import View


def _services(built: Services) -> Mapping[str, object]:
    from domain.budgeting.census import CensusKeys
    from domain.budgeting.census_book import CensusBook
    from domain.budgeting.service import Budgeting

    keys = CensusKeys(built.settings.national_id_key())
    return {"budgeting": Budgeting(built.log, built.accounts), "census": CensusBook(built.log, built.accounts, keys)}


def _views() -> list[View]:
    from projections.budgeting import BudgetingView
    from projections.census import CensusView

    return [BudgetingView(), CensusView()]


def _seed(services: Services) -> Iterator[str]:
    from civic.commands.budgeting_demo import seed_demo

    yield from seed_demo(services)


context = Context(
    name="budgeting",
    services=_services,
    views=_views,
    web="web.budgeting",
    commands="civic.commands.budgeting:cycle",
    command_name="cycle",
    help=N_("Participatory budgeting cycles: create one from a file, move it to its next phase."),
    seed=_seed,
)
