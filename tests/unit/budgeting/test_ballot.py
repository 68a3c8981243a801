"""Each area's ballot: the cycle file's ``[[areas.projects]]`` from the start, then the proposals staff
put there; codes unique within the cycle; changed with the file before voting, locked after."""

from __future__ import annotations

import tempfile
from pathlib import Path
from uuid import UUID

import pytest

from civic.settings import Settings
from domain.accounts import REVIEWER, STAFF, Accounts
from domain.budgeting.cycles import Cycle
from domain.budgeting.errors import CycleLockedError, SpecError
from domain.budgeting.service import Budgeting
from domain.budgeting.spec import DUPLICATE, MISSING, OVER_BUDGET, Project, parse
from domain.eventlog import SYSTEM_ACTOR, EventLog
from projections import budgeting_queries as read
from projections.budgeting import BudgetingView
from projections.runner import Projector, open_read_db, rebuild, table_rows
from tests.unit.budgeting.conftest import IN_REVIEW, IN_VOTING, ISSUER, SPEC

HAMASEN_PROJECTS = """
[[areas.projects]]
code = "P1"
title_zh = "哈瑪星老街夜間照明"
title_en = "Night lighting for Hamasen's old streets"
cost = 1200000

[[areas.projects]]
code = "H2"
title_zh = "打狗驛故事館前遮陽棚"
title_en = "A sunshade at the Takao Railway Museum"
cost = 800000
"""
PIER2_PROJECTS = """
[[areas.projects]]
code = "B1"
title_zh = "駁二倉庫雙語導覽牌"
title_en = "Bilingual signs for the Pier-2 warehouses"
cost = 300000
"""
PIER2_AREA = '[[areas]]\ncode = "pier2"'
LOADED = SPEC.replace(PIER2_AREA, HAMASEN_PROJECTS.lstrip("\n") + "\n" + PIER2_AREA) + PIER2_PROJECTS
SLUG = "hamasen-2027"


def unscheduled(text: str) -> str:
    return text.replace(
        "[schedule]\nintake = 2027-01-01\nendorsement = 2027-02-01T00:00:00\nreview = 2027-03-01\nvoting = 2027-04-01\n",
        "",
    )


def test_the_file_parses_into_each_areas_projects() -> None:
    spec = parse(LOADED)
    assert spec.area("hamasen").projects == (  # type: ignore[union-attr]
        Project("P1", "哈瑪星老街夜間照明", "Night lighting for Hamasen's old streets", 1_200_000),
        Project("H2", "打狗驛故事館前遮陽棚", "A sunshade at the Takao Railway Museum", 800_000),
    )
    assert spec.project_codes() == {"P1": "hamasen", "H2": "hamasen", "B1": "pier2"}


PROBLEMS = {
    "cost over the area's budget": (("cost = 300000", "cost = 2000001"), OVER_BUDGET, "areas.2.projects.1.cost"),
    "a code used in another area": (('code = "B1"', 'code = "H2"'), DUPLICATE, "areas.2.projects.1.code"),
    "a missing title": (('title_en = "A sunshade at the Takao Railway Museum"\n', ""), MISSING,
                        "areas.1.projects.2.title_en"),
}  # fmt: skip


@pytest.mark.parametrize("case", PROBLEMS.values(), ids=PROBLEMS.keys())
def test_a_bad_project_names_its_key_and_line(case: tuple[tuple[str, str], str, str]) -> None:
    (old, new), code, key = case
    assert old in LOADED
    text = LOADED.replace(old, new)
    with pytest.raises(SpecError) as caught:
        parse(text)
    assert (caught.value.code, caught.value.key) == (code, key)
    line = text.splitlines()[caught.value.line - 1]
    assert line.startswith(key.rsplit(".", 1)[1]) or line == "[[areas.projects]]", line


@pytest.fixture
def world() -> tuple[Budgeting, EventLog, Projector, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        log = EventLog(env=Settings(data_dir=Path(tmp)).event_store_env())
        accounts = Accounts(log)
        staff = str(accounts.grant_from_command_line(ISSUER, "stan", STAFF).result)
        reviewer = accounts.grant_from_command_line(ISSUER, "rex", REVIEWER).result
        people = [str(accounts.sign_in(ISSUER, name, name).result) for name in ("alice", "bob", "carol")]
        budgeting = Budgeting(log, accounts)
        budgeting.register_agency("public-works", "工務局", "Public Works Bureau", SYSTEM_ACTOR)
        budgeting.add_reviewer("public-works", reviewer, SYSTEM_ACTOR)
        db = open_read_db(Path(tmp) / "read.db")
        projector = Projector(log, db, [BudgetingView()])
        try:
            yield budgeting, log, projector, [staff, str(reviewer), *people]
        finally:
            db.close()
            log.close()


def feasible(budgeting: Budgeting, author: str, reviewer: str, cost: int) -> UUID:
    pid = budgeting.submit(SLUG, "hamasen", "鼓山渡輪站候船椅", "增設候船座椅。", "鼓山渡輪站", "public_works",
                           cost, "zh", author, IN_REVIEW.replace(month=1)).result  # fmt: skip
    budgeting.send_to_review(pid, SYSTEM_ACTOR)
    budgeting.assign(pid, "public-works", SYSTEM_ACTOR, now=IN_REVIEW)
    budgeting.answer(pid, True, reviewer, cost=cost, duration_days=60, now=IN_REVIEW)
    return pid


def ballot_of(projector: Projector) -> dict[str, list[tuple[str, str, str, int, str]]]:
    projector.catch_up()
    db = projector.db
    row = read.cycle(db, SLUG)
    assert row is not None
    return {
        area: [(e["code"], e["title_zh"], e["title_en"], e["cost"], e["source"]) for e in entries]
        for area, entries in read.ballot(db, row["id"]).items()
    }


def test_loaded_projects_are_on_the_ballot_from_the_start_and_proposals_join_with_the_next_free_code(
    world: tuple[Budgeting, EventLog, Projector, list[str]],
) -> None:
    budgeting, _log, projector, (staff, reviewer, alice, *_) = world
    budgeting.create_cycle(parse(LOADED), staff)
    assert ballot_of(projector) == {
        "hamasen": [
            ("P1", "哈瑪星老街夜間照明", "Night lighting for Hamasen's old streets", 1_200_000, "file"),
            ("H2", "打狗驛故事館前遮陽棚", "A sunshade at the Takao Railway Museum", 800_000, "file"),
        ],
        "pier2": [("B1", "駁二倉庫雙語導覽牌", "Bilingual signs for the Pier-2 warehouses", 300_000, "file")],
    }
    pid = feasible(budgeting, alice, reviewer, 450_000)
    recorded = budgeting.put_on_ballot(pid, staff, now=IN_REVIEW)
    assert recorded.result == "P2"  # P1 is the file's
    assert ballot_of(projector)["hamasen"][-1] == ("P2", "鼓山渡輪站候船椅", "鼓山渡輪站候船椅", 450_000, "proposal")
    assert budgeting.cycle(SLUG).entries == {"P2": pid}


def test_the_file_may_change_the_projects_before_voting_and_the_ballot_follows_then_they_are_locked(
    world: tuple[Budgeting, EventLog, Projector, list[str]],
) -> None:
    budgeting, log, projector, (staff, reviewer, alice, *_) = world
    budgeting.create_cycle(parse(LOADED), staff)
    pid = feasible(budgeting, alice, reviewer, 450_000)
    budgeting.put_on_ballot(pid, staff, now=IN_REVIEW)  # P2
    changed = LOADED.replace("cost = 800000", "cost = 900000").replace(PIER2_PROJECTS, "")
    before = log.position()
    budgeting.change_settings(parse(changed), staff, now=IN_REVIEW)
    assert log.position() == before + 1  # one event: SettingsChanged, with the new file's projects
    ballot = ballot_of(projector)
    assert [(code, cost) for code, _, _, cost, _ in ballot["hamasen"]] == [("P1", 1_200_000), ("H2", 900_000),
                                                                        ("P2", 450_000)]  # fmt: skip
    assert "pier2" not in ballot  # B1 left the file, so it left the ballot

    # A file may not take a code a proposal already has on the ballot.
    with pytest.raises(SpecError) as caught:
        budgeting.change_settings(parse(changed.replace('code = "H2"', 'code = "P2"')), staff, now=IN_REVIEW)
    assert (caught.value.code, caught.value.key) == (DUPLICATE, "areas.1.projects.2.code")

    budgeting.advance(SLUG, "voting", staff, now=IN_REVIEW)
    before = log.position()
    for locked in (changed.replace("cost = 900000", "cost = 950000"), LOADED):
        with pytest.raises(CycleLockedError):
            budgeting.change_settings(parse(locked), staff, now=IN_VOTING)
    assert log.position() == before
    assert [cost for _, _, _, cost, _ in ballot_of(projector)["hamasen"]] == [1_200_000, 900_000, 450_000]


def test_the_ballot_rebuilt_from_the_log_equals_the_one_kept_up_to_date(
    world: tuple[Budgeting, EventLog, Projector, list[str]],
) -> None:
    budgeting, log, projector, (staff, reviewer, alice, bob, _) = world
    budgeting.create_cycle(parse(unscheduled(LOADED)), staff)
    for author, cost in ((alice, 100_000), (bob, 200_000)):
        budgeting.put_on_ballot(feasible(budgeting, author, reviewer, cost), staff, now=IN_REVIEW)
        projector.catch_up(page=1)
    budgeting.change_settings(parse(unscheduled(LOADED).replace(PIER2_PROJECTS, "")), staff, now=IN_REVIEW)
    projector.catch_up(page=2)
    with tempfile.TemporaryDirectory() as tmp:
        rebuild(log, Path(tmp) / "rebuilt.db", [BudgetingView()])
        rebuilt = open_read_db(Path(tmp) / "rebuilt.db")
        try:
            assert table_rows(projector.db, ["budgeting_ballot"]) == table_rows(rebuilt, ["budgeting_ballot"])
            assert len(table_rows(rebuilt, ["budgeting_ballot"])["budgeting_ballot"]) == 4
        finally:
            rebuilt.close()
    assert isinstance(budgeting.cycle(SLUG), Cycle)
