"""``civic cycle create|advance`` on a real data directory: errors name the problem and its line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from civic.cli import main
from civic.services import build_services
from civic.settings import Settings
from domain.eventlog import EventLog
from tests.unit.budgeting.conftest import SPEC

Civic = Callable[..., tuple[int, str, str]]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def civic(data_dir: Path) -> Civic:
    runner = CliRunner()
    env = {"CIVIC_DATA_DIR": str(data_dir)}

    def run(*args: str, lang: str = "en") -> tuple[int, str, str]:
        result = runner.invoke(main, ["--lang", lang, *args], env=env, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


def log_position(data_dir: Path) -> int:
    if not (data_dir / "events.db").exists():
        return 0
    log = EventLog(env=Settings(data_dir=data_dir).event_store_env())
    try:
        return log.position()
    finally:
        log.close()


def test_create_prints_the_slug_and_advance_moves_the_phase(civic: Civic, tmp_path: Path) -> None:
    spec = tmp_path / "cycle.toml"
    spec.write_text(SPEC.replace('[schedule]\nintake = 2027-01-01\nendorsement = 2027-02-01T00:00:00\n'
                                 'review = 2027-03-01\nvoting = 2027-04-01\n', ""), encoding="utf-8")  # fmt: skip
    assert civic("cycle", "create", str(spec))[:2] == (0, "hamasen-2027\n")
    code, out, _ = civic("cycle", "advance", "hamasen-2027", "review")
    assert (code, out) == (0, "hamasen-2027 is now in phase review.\n")
    code, _, err = civic("cycle", "advance", "hamasen-2027", "intake")
    assert code == 2 and "already in that phase" in err
    code, _, err = civic("cycle", "create", str(spec))
    assert code == 2 and "already exists" in err


BROKEN = {
    "unknown rule": (('rule = "mes-completed"', 'rule = "borda"'), 4, "unknown counting rule borda"),
    "budget not a number": (("budget = 2000000", 'budget = "two million"'), 34, "areas.2.budget must be a whole number"),
    "max below min": (("min_choices = 1\nmax_choices = 3", "min_choices = 4\nmax_choices = 3"), 10,
                      "ballot.max_choices (3) is less than min_choices (4)"),
    "area without districts": (('districts = ["鹽埕區"]', "districts = []"), 33, "area pier2 has no districts"),
    "syntax": (("min_age = 16", "min_age = = 16"), 5, "not valid TOML"),
}  # fmt: skip


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_a_file_with_an_error_names_it_and_its_line_exits_2_and_records_nothing(
    civic: Civic, tmp_path: Path, data_dir: Path, case: tuple[tuple[str, str], int, str]
) -> None:
    (old, new), line, words = case
    assert old in SPEC
    spec = tmp_path / "cycle.toml"
    spec.write_text(SPEC.replace(old, new), encoding="utf-8")
    before = log_position(data_dir)
    code, out, err = civic("cycle", "create", str(spec))
    assert code == 2
    assert out == ""
    assert f"cycle.toml: line {line}: " in err and words in err, err
    assert "Nothing was recorded." in err
    assert log_position(data_dir) == before


def test_the_error_is_worded_in_chinese_too(civic: Civic, tmp_path: Path) -> None:
    spec = tmp_path / "cycle.toml"
    spec.write_text(SPEC.replace('rule = "mes-completed"', 'rule = "borda"'), encoding="utf-8")
    code, _, err = civic("cycle", "create", str(spec), lang="zh_Hant_TW")
    assert code == 2 and "第 4 行" in err and "borda" in err


def test_once_voting_opens_the_rule_and_budgets_are_locked(civic: Civic, tmp_path: Path, data_dir: Path) -> None:
    spec = tmp_path / "cycle.toml"
    unscheduled = SPEC.replace("[schedule]\nintake = 2027-01-01\nendorsement = 2027-02-01T00:00:00\n"
                               "review = 2027-03-01\nvoting = 2027-04-01\n", "")  # fmt: skip
    spec.write_text(unscheduled, encoding="utf-8")
    assert civic("cycle", "create", str(spec))[0] == 0
    spec.write_text(unscheduled.replace('rule = "mes-completed"', 'rule = "greedy"'), encoding="utf-8")
    assert civic("cycle", "update", str(spec))[:2] == (0, "hamasen-2027\n")  # before voting: allowed
    assert civic("cycle", "advance", "hamasen-2027", "voting")[0] == 0
    for old, new in (('rule = "greedy"', 'rule = "phragmen"'), ("budget = 2000000", "budget = 2500000")):
        spec.write_text(unscheduled.replace('rule = "mes-completed"', 'rule = "greedy"').replace(old, new),
                        encoding="utf-8")  # fmt: skip
        before = log_position(data_dir)
        code, _, err = civic("cycle", "update", str(spec))
        assert code == 2 and "Voting has opened" in err and "Nothing was recorded." in err
        assert log_position(data_dir) == before
    services = build_services(Settings(data_dir=data_dir))
    try:
        assert services.budgeting.cycle("hamasen-2027").spec.rule == "greedy"  # the published rule stands
    finally:
        services.close()


BAD_PROJECTS = {
    "cost over the area's budget": (("cost = 300000", "cost = 2000001"), 52,
                                    "areas.2.projects.1.cost: the project costs NT$2,000,001, more than its area's "
                                    "budget of NT$2,000,000"),
    "a code used twice in the cycle": (('code = "B1"', 'code = "H2"'), 49, "areas.2.projects.1.code: H2 is used twice"),
    "a missing title": (('title_en = "A sunshade at the Takao Railway Museum"\n', ""), 35,
                        "areas.1.projects.2.title_en is missing"),
}  # fmt: skip


@pytest.mark.parametrize("case", BAD_PROJECTS.values(), ids=BAD_PROJECTS.keys())
def test_a_bad_loaded_project_is_named_with_its_line_exits_2_and_records_nothing(
    civic: Civic, tmp_path: Path, data_dir: Path, case: tuple[tuple[str, str], int, str]
) -> None:
    from tests.unit.budgeting.test_ballot import LOADED

    (old, new), line, words = case
    assert old in LOADED
    spec = tmp_path / "cycle.toml"
    spec.write_text(LOADED.replace(old, new), encoding="utf-8")
    code, out, err = civic("cycle", "create", str(spec))
    assert (code, out) == (2, "")
    assert f"cycle.toml: line {line}: {words}" in err, err
    assert "Nothing was recorded." in err
    assert log_position(data_dir) == 0


def test_a_loaded_ballot_is_created_and_changed_from_the_file_until_voting_opens(
    civic: Civic, tmp_path: Path, data_dir: Path
) -> None:
    from tests.unit.budgeting.test_ballot import LOADED, unscheduled

    spec = tmp_path / "cycle.toml"
    spec.write_text(unscheduled(LOADED), encoding="utf-8")
    assert civic("cycle", "create", str(spec))[:2] == (0, "hamasen-2027\n")
    spec.write_text(unscheduled(LOADED).replace("cost = 800000", "cost = 900000"), encoding="utf-8")
    assert civic("cycle", "update", str(spec))[:2] == (0, "hamasen-2027\n")
    assert civic("cycle", "advance", "hamasen-2027", "voting")[0] == 0
    spec.write_text(unscheduled(LOADED).replace("cost = 800000", "cost = 950000"), encoding="utf-8")
    before = log_position(data_dir)
    code, _, err = civic("cycle", "update", str(spec))
    assert code == 2 and "Voting has opened" in err and log_position(data_dir) == before
    services = build_services(Settings(data_dir=data_dir))
    try:
        services.catch_up()
        with services.reader("budgeting") as db:
            from projections import budgeting_queries as queries

            row = queries.cycle(db, "hamasen-2027")
            assert row is not None
            costs = {e["code"]: e["cost"] for entries in queries.ballot(db, row["id"]).values() for e in entries}
        assert costs == {"P1": 1_200_000, "H2": 900_000, "B1": 300_000}  # the update before voting stands
    finally:
        services.close()
