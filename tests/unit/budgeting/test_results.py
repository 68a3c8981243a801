"""Recording results: counted once when the cycle reaches counting, published at results; the read
model kept up to date equals one rebuilt from the log."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.settings import Settings
from domain.accounts import STAFF, Accounts, PermissionDeniedError
from domain.budgeting.counting import Choices
from domain.budgeting.errors import CycleExistsError, PhaseError
from domain.budgeting.results import CycleResults, Results, results_id_for
from domain.budgeting.service import Budgeting
from domain.budgeting.spec import CycleSpec, parse
from domain.eventlog import SYSTEM_ACTOR, EventLog
from projections.budgeting_results import ResultsView, results_of
from projections.runner import Projector, open_read_db, rebuild, table_rows
from tests.unit.budgeting.conftest import ISSUER

CYCLE = """\
slug = "cianjin-2027"
name_zh = "前金參與式預算 2027"
name_en = "Cianjin Participatory Budgeting 2027"
rule = "greedy"
[ballot]
kind = "approval"
min_choices = 1
max_choices = 2
[[areas]]
code = "east"
name_zh = "東區"
name_en = "East"
districts = ["東區"]
budget = 1000
[[areas.projects]]
code = "E1"
title_zh = "公園"
title_en = "Park"
cost = 600
[[areas.projects]]
code = "E2"
title_zh = "路燈"
title_en = "Street lights"
cost = 500
[[areas]]
code = "west"
name_zh = "西區"
name_en = "West"
districts = ["西區"]
budget = 800
[[areas.projects]]
code = "W1"
title_zh = "圖書館"
title_en = "Library"
cost = 800
"""
BALLOTS: dict[str, list[Choices]] = {
    "east": [{"E1": 1}, {"E1": 1, "E2": 1}, {"E2": 1}, {"E2": 1}],
    "west": [{"W1": 1}],
}


def cycle_spec() -> CycleSpec:
    return parse(CYCLE)


def ballots_of(area: str) -> list[Choices]:
    return BALLOTS[area]


def setup(log: EventLog) -> tuple[Budgeting, Results, str]:
    accounts = Accounts(log)
    staff = str(accounts.grant_from_command_line(ISSUER, "stan", STAFF).result)
    budgeting = Budgeting(log, accounts)
    budgeting.create_cycle(cycle_spec(), staff)
    return budgeting, Results(log, accounts), staff


@pytest.fixture
def log() -> EventLog:
    return EventLog(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})


def test_counting_records_every_area_once_and_results_publish_them(log: EventLog) -> None:
    budgeting, results, staff = setup(log)
    with pytest.raises(PhaseError):  # voting has not even closed
        results.count("cianjin-2027", ballots_of, {}, staff)
    budgeting.advance("cianjin-2027", "counting", staff)
    recorded = results.count("cianjin-2027", ballots_of, {"east": 100, "west": 50}, staff)
    assert recorded.position > 0
    east, west = recorded.result
    # East: E2 has 3 approvals, E1 2; E2 (500) then E1 (600) does not fit in 500.
    assert (east.area, east.selected, east.votes, east.cost) == ("east", ["E2"], {"E1": 2, "E2": 3}, 500)
    assert (west.selected, west.cost, west.budget) == (["W1"], 800, 800)
    stored = log.find(results_id_for("cianjin-2027"), CycleResults)
    assert stored is not None and not stored.published
    # A second count (another node, or the command run again) records nothing and returns the same.
    again = results.count("cianjin-2027", lambda area: [], {}, staff)
    assert again.position == 0 and again.result == recorded.result
    with pytest.raises(PhaseError):  # not yet at results
        results.publish("cianjin-2027", staff)
    budgeting.advance("cianjin-2027", "results", staff)
    assert results.publish("cianjin-2027", staff).position > 0
    published = log.find(results_id_for("cianjin-2027"), CycleResults)
    assert published is not None and published.published


def test_only_staff_count(log: EventLog) -> None:
    budgeting, results, staff = setup(log)
    budgeting.advance("cianjin-2027", "counting", staff)
    resident = str(Accounts(log).sign_in(ISSUER, "alice", "Alice").result)
    with pytest.raises(PermissionDeniedError):
        results.count("cianjin-2027", ballots_of, {}, resident)


def test_counting_at_results_also_publishes(log: EventLog) -> None:
    budgeting, results, staff = setup(log)
    budgeting.advance("cianjin-2027", "results", staff)
    results.count("cianjin-2027", ballots_of, {}, SYSTEM_ACTOR)
    stored = log.find(results_id_for("cianjin-2027"), CycleResults)
    assert stored is not None and stored.published


def test_a_past_election_is_recorded_as_a_closed_cycle_with_its_results(log: EventLog) -> None:
    from domain.budgeting.counting import count_area

    _, results, staff = setup(log)
    spec = parse(CYCLE.replace("cianjin-2027", "cianjin-2019"))
    areas = [count_area(spec, area, {"E1": 600, "E2": 500} if area == "east" else {"W1": 800},
                        BALLOTS[area], 0) for area in ("east", "west")]  # fmt: skip
    assert results.import_past(spec, areas, staff).result == "cianjin-2019"
    assert results.cycle("cianjin-2019").phase == "results"
    stored = log.find(results_id_for("cianjin-2019"), CycleResults)
    assert stored is not None and stored.published and stored.areas == areas
    with pytest.raises(CycleExistsError):
        results.import_past(spec, areas, staff)


# --- the read model ----------------------------------------------------------------------------

steps = st.lists(st.sampled_from(("count", "results", "publish", "import")), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None)
@given(plan=st.lists(st.tuples(st.sampled_from(("count", "results", "publish", "import")),
                               st.integers(min_value=1, max_value=3)), min_size=1, max_size=6))  # fmt: skip
def test_the_results_read_model_kept_up_to_date_equals_one_rebuilt(plan: list[tuple[str, int]]) -> None:
    from domain.budgeting.counting import count_area
    from domain.budgeting.errors import BudgetingError

    with tempfile.TemporaryDirectory() as tmp:
        data = Settings(data_dir=Path(tmp))
        log = EventLog(env=data.event_store_env())
        db = open_read_db(Path(tmp) / "read.db")
        projector = Projector(log, db, [ResultsView()])
        try:
            budgeting, results, staff = setup(log)
            budgeting.advance("cianjin-2027", "counting", staff)
            for number, (step, page) in enumerate(plan):
                try:
                    if step == "count":
                        results.count("cianjin-2027", ballots_of, {"east": 10}, staff)
                    elif step == "results":
                        budgeting.advance("cianjin-2027", "results", staff)
                    elif step == "publish":
                        results.publish("cianjin-2027", staff)
                    else:
                        spec = parse(CYCLE.replace("cianjin-2027", f"past-{number}"))
                        areas = [count_area(spec, "west", {"W1": 800}, BALLOTS["west"], 0)]
                        results.import_past(spec, areas, staff)
                except BudgetingError:
                    pass
                projector.catch_up(page=page)
            rebuilt_path = Path(tmp) / "rebuilt.db"
            rebuild(log, rebuilt_path, [ResultsView()])
            rebuilt = open_read_db(rebuilt_path)
            try:
                tables = db.table_names()
                assert rebuilt.table_names() == tables
                assert table_rows(db, tables) == table_rows(rebuilt, tables)
                outcome = results_of(db, "cianjin-2027")
                if outcome is not None:
                    assert [area.selected for area in outcome.areas] == [["E2"], ["W1"]]
                    assert outcome.areas[0].votes == {"E1": 2, "E2": 3}
            finally:
                rebuilt.close()
        finally:
            db.close()
            log.close()
