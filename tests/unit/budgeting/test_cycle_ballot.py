"""What casting and counting read from the cycle: each area's ballot with its costs, and the day
voting closes (contract 2 of issue 12)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.budgeting.service import Budgeting
from domain.budgeting.spec import parse
from domain.eventlog import EventLog
from projections import budgeting_queries as read
from projections.runner import Projector
from tests.unit.budgeting.conftest import IN_REVIEW, IN_VOTING
from tests.unit.budgeting.test_ballot import LOADED, SLUG, feasible, unscheduled, world  # noqa: F401

World = tuple[Budgeting, EventLog, Projector, list[str]]


def test_an_areas_ballot_is_its_loaded_projects_then_the_proposals_put_on_it_with_their_costs(
    world: World,  # noqa: F811
) -> None:
    budgeting, _log, projector, (staff, reviewer, alice, *_) = world
    budgeting.create_cycle(parse(LOADED), staff)
    pid = feasible(budgeting, alice, reviewer, 450_000)
    budgeting.put_on_ballot(pid, staff, now=IN_REVIEW)

    cycle = budgeting.cycle(SLUG)

    assert cycle.ballot("hamasen") == {"P1": 1_200_000, "H2": 800_000, "P2": 450_000}
    assert cycle.ballot("pier2") == {"B1": 300_000}
    assert cycle.ballot("nowhere") == {}
    # The same entries and costs as the ballot the pages show.
    projector.catch_up()
    row = read.cycle(projector.db, SLUG)
    assert row is not None
    shown = read.ballot(projector.db, row["id"])
    assert {area: {e["code"]: e["cost"] for e in entries} for area, entries in shown.items()} == {
        "hamasen": cycle.ballot("hamasen"), "pier2": cycle.ballot("pier2"),
    }  # fmt: skip


def test_voting_closes_on_the_scheduled_start_of_counting_or_the_day_counting_was_opened(
    world: World,  # noqa: F811
) -> None:
    budgeting, _log, _projector, (staff, *_) = world
    budgeting.create_cycle(parse(LOADED), staff)
    scheduled = budgeting.cycle(SLUG)
    assert "counting" not in scheduled.spec.schedule and scheduled.closing_day() is None

    budgeting.advance(SLUG, "counting", staff, IN_VOTING)

    today = datetime.now(ZoneInfo("Asia/Taipei")).date()
    assert budgeting.cycle(SLUG).closing_day() == today
    text = unscheduled(LOADED) + "\n[schedule]\nvoting = 2027-04-01\ncounting = 2027-05-01\n"
    other = parse(text.replace('slug = "hamasen-2027"', 'slug = "later-2027"'))
    budgeting.create_cycle(other, staff)
    assert str(budgeting.cycle("later-2027").closing_day()) == "2027-05-01"
