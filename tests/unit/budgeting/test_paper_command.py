"""``civic cycle paper import`` on a real data directory: a station's batch entered whole, or every
bad line named, exit 2, and nothing recorded (neither in the ballot box nor in the main log)."""

from __future__ import annotations

import re
from pathlib import Path

from civic.services import build_services
from civic.settings import Settings
from projections import ballot_queries
from tests.unit.budgeting.test_budgeting_command import Civic, civic, data_dir, log_position  # noqa: F401
from tests.unit.budgeting.voting_fixtures import ANN, BEN, CHI, KID, OUTSIDER, SPEC, census_csv

SLUG = "hamasen-2027"
HEADER = "station,id_number,birth_date,area,choices"


def in_voting(civic: Civic, tmp_path: Path) -> None:  # noqa: F811
    spec = tmp_path / "cycle.toml"
    spec.write_text(re.sub(r"\[schedule\][^\[]*", "", SPEC.format(kind="approval")), encoding="utf-8")
    census = tmp_path / "census.csv"
    census.write_bytes(census_csv(ANN, BEN, CHI, KID))
    assert civic("cycle", "create", str(spec))[0] == 0
    assert civic("cycle", "census", "import", SLUG, str(census))[0] == 0
    assert civic("cycle", "advance", SLUG, "voting")[0] == 0


def batch(tmp_path: Path, *lines: str) -> str:
    file = tmp_path / "station.csv"
    file.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(file)


def ballots(data_dir: Path) -> list[tuple[str, str, str, int]]:  # noqa: F811
    services = build_services(Settings(data_dir=data_dir))
    try:
        services.catch_up()
        with services.reader("ballots") as db:
            return ballot_queries.turnout(db, SLUG)
    finally:
        services.close()


def test_a_good_batch_is_entered_and_counted_as_paper(civic: Civic, tmp_path: Path, data_dir: Path) -> None:  # noqa: F811
    in_voting(civic, tmp_path)
    file = batch(
        tmp_path, f"鼓山國小,{ANN.number},69/03/04,hamasen,H1;H3", f"鹽埕國中,{CHI.number},1960-07-01,pier2,P9"
    )
    code, out, _err = civic("cycle", "paper", "import", SLUG, file)
    assert code == 0, _err
    assert out.strip().endswith("hamasen-2027: 2 paper ballots entered.")
    assert [(area, channel, count) for area, channel, _band, count in ballots(data_dir)] == [
        ("hamasen", "paper", 1), ("pier2", "paper", 1),
    ]  # fmt: skip


def test_every_bad_line_is_named_and_nothing_is_recorded(civic: Civic, tmp_path: Path, data_dir: Path) -> None:  # noqa: F811
    in_voting(civic, tmp_path)
    before = log_position(data_dir)
    bad_number = ANN.number[:-1] + str((int(ANN.number[-1]) + 1) % 10)
    file = batch(
        tmp_path,
        f"鼓山國小,{BEN.number},1995-12-30,hamasen,H1",  # line 2: good
        f"鼓山國小,{bad_number},1980-03-04,hamasen,H1",  # 3: check digit
        f"鼓山國小,{ANN.number},1980-02-30,hamasen,H1",  # 4: no such date
        f"鼓山國小,{ANN.number},1980-03-04,cijin,H1",  # 5: no such area
        f"鼓山國小,{BEN.number},1995-12-30,hamasen,H2",  # 6: the same person as line 2
        f"鼓山國小,{ANN.number},1980-03-04,hamasen,H1;H2;H3",  # 7: too many
        f"鼓山國小,{ANN.number},1980-03-04,hamasen,H1;Z9",  # 8: not on the ballot
        f"鼓山國小,{OUTSIDER.number},1970-01-01,hamasen,H1",  # 9: not on the census
        f"鹽埕國中,{CHI.number},1960-07-02,pier2,P9",  # 10: wrong birth date
        f"鼓山國小,{KID.number},2011-06-01,hamasen,H1",  # 11: under age
        f"鼓山國小,{ANN.number},1980-03-04,pier2,P9",  # 12: not her area
    )
    code, out, err = civic("cycle", "paper", "import", SLUG, file)
    assert code == 2 and out == ""
    named = [int(number) for number in re.findall(r"^  Line (\d+):", err, re.M)]
    # Lines 3-8 fail on their own; the census is asked only about a file whose every line reads:
    # so this file names those six, and a file without them names the census's refusals.
    assert named == [3, 4, 5, 6, 7, 8], err
    assert "Line 6: the same person as line 2." in err
    assert "Line 7: Too many projects chosen: 3 (at most 2)." in err
    assert "Line 8: Z9 is not on this area's ballot." in err
    assert err.strip().endswith("Nothing was recorded.")
    census_file = batch(tmp_path, *(line for index, line in enumerate(Path(file).read_text().splitlines()[1:], 2)
                                    if index in (2, 9, 10, 11, 12)))  # fmt: skip
    code, _out, err = civic("cycle", "paper", "import", SLUG, census_file, lang="zh_Hant_TW")
    assert code == 2
    lines = [line.strip() for line in err.splitlines() if line.startswith("  ")]
    assert lines[0].startswith("第 3 行") and "名冊" in lines[0], err
    assert len(lines) == 4 and "16" in lines[2]
    assert log_position(data_dir) == before and ballots(data_dir) == []


def test_a_second_paper_ballot_refuses_the_whole_batch(civic: Civic, tmp_path: Path, data_dir: Path) -> None:  # noqa: F811
    in_voting(civic, tmp_path)
    assert (
        civic("cycle", "paper", "import", SLUG, batch(tmp_path, f"鼓山國小,{ANN.number},1980-03-04,hamasen,H1"))[0] == 0
    )
    again = batch(
        tmp_path, f"鼓山國小,{BEN.number},1995-12-30,hamasen,H2", f"龍華國小,{ANN.number},1980-03-04,hamasen,H3"
    )
    code, _out, err = civic("cycle", "paper", "import", SLUG, again)
    assert code == 2 and "Line 3: this person has already voted on paper." in err
    assert [count for *_key, count in ballots(data_dir)] == [1]  # BEN's ballot was not entered either
