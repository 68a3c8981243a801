"""``civic cycle census import`` on a real data directory: a summary, or every bad line and exit 2."""

from __future__ import annotations

from pathlib import Path

from civic.services import build_services
from civic.settings import Settings
from domain.budgeting.census import REPORTED_LINES, CensusKeys
from projections.census_queries import census_entry
from tests.census_files import HEADER, census_file, id_number
from tests.unit.budgeting.conftest import SPEC
from tests.unit.budgeting.test_budgeting_command import Civic, log_position
from tests.unit.budgeting.test_budgeting_command import civic as civic
from tests.unit.budgeting.test_budgeting_command import data_dir as data_dir

DISTRICTS = ("鼓山區", "鹽埕區")


def created(civic: Civic, tmp_path: Path) -> None:
    spec = tmp_path / "cycle.toml"
    spec.write_text(SPEC, encoding="utf-8")
    assert civic("cycle", "create", str(spec))[0] == 0


def test_import_prints_the_count_per_district_and_the_same_file_again_records_nothing(
    civic: Civic, tmp_path: Path, data_dir: Path
) -> None:
    created(civic, tmp_path)
    file = tmp_path / "census.csv"
    file.write_bytes(census_file(41, DISTRICTS))

    code, out, _ = civic("cycle", "census", "import", "hamasen-2027", str(file))

    assert code == 0
    assert out.splitlines()[:3] == [
        "hamasen-2027: census imported, 41 eligible residents.", "  鼓山區: 21 eligible", "  鹽埕區: 20 eligible",
    ]  # fmt: skip
    services = build_services(Settings(data_dir=data_dir))
    try:
        with services.reader("census") as db:
            keys = CensusKeys(services.settings.national_id_key())
            assert census_entry(db, "hamasen-2027", keys.person(id_number(3))) is not None
    finally:
        services.close()
    before = log_position(data_dir)
    code, out, _ = civic("cycle", "census", "import", "hamasen-2027", str(file), lang="zh_Hant_TW")
    assert code == 0 and "已登錄" in out.splitlines()[0]
    assert log_position(data_dir) == before


def test_a_bad_file_names_every_bad_line_in_the_chosen_language_and_exits_2(
    civic: Civic, tmp_path: Path, data_dir: Path
) -> None:
    created(civic, tmp_path)
    before = log_position(data_dir)
    lines = [
        HEADER,
        f"{id_number(1)},1990-01-01,鼓山區",
        "A123456788,1990-01-01,鼓山區",
        f"{id_number(2)},1990-02-30,前鎮區",
    ]
    lines += [f"{id_number(1)},1990-01-01,鼓山區"] * (REPORTED_LINES + 5)  # 1,005 copies of line 2
    file = tmp_path / "bad.csv"
    file.write_text("\n".join(lines), encoding="utf-8")

    code, _, err = civic("cycle", "census", "import", "hamasen-2027", str(file))

    assert code == 2
    report = err.splitlines()
    assert report[1:4] == [
        "  Line 3: not a valid national ID or resident certificate number (its format or check digit).",
        "  Line 4: the birth date is not a date written 1990-05-17 or as a 民國 date 079/05/17.",
        "  Line 5: the same number as line 2.",
    ]
    assert "  … and 7 more bad lines." in report and report[-1] == "Nothing was recorded."
    assert log_position(data_dir) == before

    code, _, err = civic("cycle", "census", "import", "hamasen-2027", str(file), lang="zh_Hant_TW")
    assert code == 2 and "第 3 行" in err
    code, _, err = civic("cycle", "census", "import", "no-such-cycle", str(file))
    assert code == 2 and "There is no cycle no-such-cycle." in err
