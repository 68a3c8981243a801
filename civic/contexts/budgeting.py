"""Participatory budgeting, part 1: cycles, proposals, endorsement and feasibility review."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from civic.contexts.base import Context
from web.i18n import N_

if TYPE_CHECKING:
    from civic.services import Services
    from domain.budgeting.voting import CensusLookup, CensusRecord
    from projections.runner import View


def _services(built: Services) -> Mapping[str, object]:
    from domain.budgeting.ballot_box import BallotKeys
    from domain.budgeting.census import CensusKeys
    from domain.budgeting.census_book import CensusBook
    from domain.budgeting.results import Results
    from domain.budgeting.service import Budgeting
    from domain.budgeting.voting import Voting

    census_keys = CensusKeys(built.settings.national_id_key())
    ballot_keys = BallotKeys(built.settings.ballot_secret())
    voting = Voting(built.log, built.ballot_box, built.accounts, census_keys, ballot_keys, _census_lookup(built))
    return {
        "budgeting": Budgeting(built.log, built.accounts),
        "census": CensusBook(built.log, built.accounts, census_keys),
        "voting": voting,
        "results": Results(built.log, built.accounts),
    }


def _census_lookup(built: Services) -> CensusLookup:
    """Verification reads the census read model through this: the domain reads no read model."""

    def lookup(slug: str, person: str) -> CensusRecord | None:
        from projections.census_queries import census_entry

        with built.reader("census") as db:
            return census_entry(db, slug, person)

    return lookup


def _views() -> list[View]:
    from projections.ballots import BallotsView, BindingsView
    from projections.budgeting import BudgetingView
    from projections.budgeting_results import ResultsView
    from projections.census import CensusView

    return [BudgetingView(), CensusView(), BallotsView(), BindingsView(), ResultsView()]


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
