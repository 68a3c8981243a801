"""``civic cycle advance SLUG counting`` counts; ``civic cycle count --json`` prints the results;
``civic cycle export`` writes an area's shuffled ballots as ``.pb``; ``civic cycle import-pb`` reads
one back as a closed cycle. On a real data directory, ballots cast through the voting service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from civic.cli import main
from civic.services import build_services
from civic.settings import Settings
from domain.eventlog import SYSTEM_ACTOR
from domain.tally.pabulib import parse as parse_pb
from tests.unit.budgeting.voting_fixtures import ANN, BEN, CHI, census_csv

CYCLE = """\
slug = "gushan-2027"
name_zh = "鼓山參與式預算 2027"
name_en = "Gushan Participatory Budgeting 2027"
rule = "greedy"
min_age = 16
[ballot]
kind = "approval"
min_choices = 1
max_choices = 2
[[areas]]
code = "hamasen"
name_zh = "哈瑪星"
name_en = "Hamasen"
districts = ["鼓山區"]
budget = 1000
[[areas.projects]]
code = "H1"
title_zh = "公園"
title_en = "Park"
cost = 600
[[areas.projects]]
code = "H2"
title_zh = "路燈"
title_en = "Street lights"
cost = 500
[[areas]]
code = "pier2"
name_zh = "駁二"
name_en = "Pier-2"
districts = ["鹽埕區"]
budget = 800
[[areas.projects]]
code = "W1"
title_zh = "圖書館"
title_en = "Library"
cost = 800
"""


@pytest.fixture
def civic(tmp_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {"CIVIC_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str, lang: str = "en") -> tuple[int, str, str]:
        result = runner.invoke(main, ["--lang", lang, *args], env=env, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    run.settings = Settings(data_dir=tmp_path / "data")  # type: ignore[attr-defined]
    return run


def census(settings: Settings) -> None:
    services = build_services(settings)
    try:
        services.census.import_census("gushan-2027", census_csv(ANN, BEN, CHI), SYSTEM_ACTOR)
        services.catch_up()
    finally:
        services.close()


def cast(settings: Settings) -> None:
    """Ann and Ben vote in Hamasen, Chi in Pier-2, each verified against the census first."""
    from tests.unit.budgeting.conftest import ISSUER

    services = build_services(settings)
    try:
        for name, person, choices in (("ann", ANN, {"H1": 1}), ("ben", BEN, {"H1": 1, "H2": 1}),
                                      ("chi", CHI, {"W1": 1})):  # fmt: skip
            account = str(services.accounts.sign_in(ISSUER, name, name.title()).result)
            area = services.voting.verify("gushan-2027", account, person.number, person.born).result
            services.voting.cast_online("gushan-2027", account, area, choices)
        services.catch_up()
    finally:
        services.close()


def test_a_cycle_is_counted_when_it_reaches_counting_and_recounts_from_its_export(civic, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = tmp_path / "cycle.toml"
    spec.write_text(CYCLE, encoding="utf-8")
    assert civic("cycle", "create", str(spec))[0] == 0
    census(civic.settings)
    assert civic("cycle", "advance", "gushan-2027", "voting")[0] == 0
    cast(civic.settings)

    code, _, err = civic("cycle", "count", "gushan-2027", "--json")
    assert code == 2 and "voting has not closed" in err

    code, out, _ = civic("cycle", "advance", "gushan-2027", "counting")
    assert code == 0
    code, out, _ = civic("cycle", "count", "gushan-2027", "--json")
    assert code == 0
    document = json.loads(out)
    assert document["published"] is False
    hamasen, pier2 = document["areas"]["hamasen"], document["areas"]["pier2"]
    # Hamasen: H1 2 approvals (600) first, then H2 (500) does not fit in 400.
    assert (hamasen["selected"], hamasen["votes"], hamasen["cost"]) == (["H1"], {"H1": 2, "H2": 1}, 600)
    assert (hamasen["budget"], hamasen["rule"]) == (1000, "greedy")
    assert (pier2["selected"], pier2["cost"]) == (["W1"], 800)

    code, table, _ = civic("cycle", "count", "gushan-2027", lang="zh")
    assert code == 0 and "哈瑪星 Hamasen" in table and "公園 / Park" in table

    exported = tmp_path / "hamasen.pb"
    assert civic("cycle", "export", "gushan-2027", "--area", "hamasen", "--format", "pb", "-o", str(exported))[0] == 0
    election = parse_pb(exported.read_text(encoding="utf-8"))
    assert sorted(sorted(v.ballot.project_ids()) for v in election.voters) == [["H1"], ["H1", "H2"]]
    assert dict(election.meta)["rule"] == "greedy" and dict(election.meta)["currency"] == "TWD"

    code, out, _ = civic("cycle", "import-pb", str(exported), "--slug", "hamasen-recount")
    assert (code, out.strip()) == (0, "hamasen-recount")
    code, out, _ = civic("cycle", "count", "hamasen-recount", "--json")
    recount = json.loads(out)
    assert recount["published"] is True
    assert [area["selected"] for area in recount["areas"].values()] == [["H1"]]

    assert civic("cycle", "advance", "gushan-2027", "results")[0] == 0
    assert json.loads(civic("cycle", "count", "gushan-2027", "--json")[1])["published"] is True


def test_export_of_an_uncounted_area_says_so(civic, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    spec = tmp_path / "cycle.toml"
    spec.write_text(CYCLE, encoding="utf-8")
    civic("cycle", "create", str(spec))
    code, _, err = civic("cycle", "export", "gushan-2027", "--area", "hamasen")
    assert code == 2 and "no counted results" in err


def test_a_broken_pb_file_is_named_with_its_line(civic, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.pb"
    broken.write_text("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;4\nVOTES\nvoter_id;vote\n", "utf-8")
    code, _, err = civic("cycle", "import-pb", str(broken))
    assert code == 2 and "broken.pb line" in err and "vote_type" in err
