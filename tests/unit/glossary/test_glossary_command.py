"""``civic glossary import|export`` on a real data directory."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from translate.storage.tbx import tbxfile

from civic.cli import main
from civic.commands.glossary import seed_demo
from civic.services import build_services
from civic.settings import Settings
from domain.accounts import STAFF, TRANSLATOR
from projections import glossary as read
from tests.unit.glossary.conftest import ISSUER
from tests.unit.glossary.glossary_data import DATA

STATIONS = DATA / "kaohsiung_metro_stations.csv"


Civic = Callable[..., tuple[int, str, str]]  # civic(*args) → (exit code, stdout, stderr)


@pytest.fixture
def civic(tmp_path: Path) -> Civic:
    runner = CliRunner()
    env = {"CIVIC_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(main, ["--lang", "en", *args], env=env, catch_exceptions=False)
        return result.exit_code, result.stdout, result.stderr

    return run


def test_import_prints_a_summary_and_each_row_it_reports(civic: Civic) -> None:
    code, out, _ = civic("glossary", "import", str(STATIONS), "--approved-column", "en_alt")
    assert code == 0
    assert out.splitlines() == [
        "Imported 47 terms; 0 were already approved; 0 rows rejected.",
        "line 4: stray spaces removed from en",
        "line 30: the same place as line 24: merged into it",
    ]
    code, out, _ = civic("glossary", "import", str(STATIONS), "--approved-column", "en_alt")
    assert out.splitlines()[0] == "Imported 0 terms; 47 were already approved; 0 rows rejected."


def test_rejected_rows_are_listed_by_line(civic: Civic, tmp_path: Path) -> None:
    source = tmp_path / "new.csv"
    source.write_text("zh,en,category\n哈瑪星,Hamasen,neighbourhood\n大東,,mrt_station\n", encoding="utf-8")
    code, out, _ = civic("glossary", "import", str(source))
    assert (code, out.splitlines()) == (
        0,
        ["Imported 1 terms; 0 were already approved; 1 rows rejected.", "line 3: the English name is missing"],
    )


def test_a_file_with_a_wrong_header_fails_and_imports_nothing(civic: Civic, tmp_path: Path) -> None:
    source = tmp_path / "wrong.csv"
    source.write_text("zh,english\n哈瑪星,Hamasen\n", encoding="utf-8")
    code, _, err = civic("glossary", "import", str(source))
    assert code == 1
    assert "The header has unknown columns: english." in err and "Nothing was imported." in err
    code, out, _ = civic("glossary", "export", "--format", "json")
    assert json.loads(out)["terms"] == []


def test_export_in_each_format(civic: Civic, tmp_path: Path) -> None:
    civic("glossary", "import", str(DATA / "kaohsiung_districts.csv"), "--approved-column", "en_alt")

    code, out, _ = civic("glossary", "export")
    assert code == 0 and out.splitlines()[:1] == ["zh,en"] and "鳳山區,Fongshan District" in out.splitlines()

    code, _, err = civic("glossary", "export", "--format", "tbx", "--output", str(tmp_path / "glossary.tbx"))
    assert code == 0 and "Exported 40 terms" in err
    store = tbxfile.parsestring((tmp_path / "glossary.tbx").read_bytes())
    assert {unit.source: unit.target for unit in store.units}["前金區"] == "Cianjin District"

    code, out, _ = civic("glossary", "export", "--format", "json")
    fengshan = next(term for term in json.loads(out)["terms"] if term["zh"] == "鳳山區")
    assert fengshan["variants"] == [{"text": "Fengshan District", "kind": "hanyu"}]


def test_the_demo_imports_the_shared_data_and_records_one_meeting_once(tmp_path: Path) -> None:
    services = build_services(Settings(data_dir=tmp_path / "data"))
    try:
        translator = str(services.accounts.grant_from_command_line(ISSUER, "demo-translator", TRANSLATOR).result)
        staff = str(services.accounts.grant_from_command_line(ISSUER, "demo-staff", STAFF).result)
        first = list(seed_demo(services, translator, staff))
        position = services.log.position()
        second = list(seed_demo(services, translator, staff))
        assert services.log.position() == position  # the second run recorded nothing
        services.catch_up()
        with services.reader() as db:
            minutes = read.meeting(db, next(m["id"] for m in read.meetings(db) if m["kind"] == "review"))
            count = read.approved_count(db)
    finally:
        services.close()
    assert first[-1] == "glossary meeting: 5 decisions" and second[-1] == "glossary meeting: already recorded"
    assert minutes is not None
    assert [(d["outcome"], d["zh"]) for d in minutes["decisions"]] == [
        ("approve_amended", "駁二藝術特區"), ("approve", "哈瑪星"), ("approve", "愛河"), ("reject", "旗津半島"),
        ("defer", "蓮池潭"),
    ]  # fmt: skip
    assert count == 4067 + 3


def test_a_cut_off_file_fails_with_its_line_and_imports_nothing(civic: Civic, tmp_path: Path) -> None:
    source = tmp_path / "cut.csv"
    source.write_text('zh,en,notes\n哈瑪星,Hamasen,"cut off\n', encoding="utf-8")
    code, _, err = civic("glossary", "import", str(source))
    assert code == 1 and "from line 2 on" in err and "Nothing was imported." in err


def test_exporting_and_importing_the_glossary_package_do_not_load_pypinyin(tmp_path: Path) -> None:
    """pypinyin's dictionaries load only when a suggestion is computed (a fresh interpreter, to see)."""
    import subprocess
    import sys

    program = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from civic.cli import main\n"
        "import domain.glossary.service, domain.glossary.importing, projections.glossary\n"
        "result = CliRunner().invoke(main, ['glossary', 'export', '--format', 'tbx'], catch_exceptions=False)\n"
        "assert result.exit_code == 0, result.output\n"
        "print('pypinyin' in sys.modules)\n"
    )
    (tmp_path / "data").mkdir()  # export reads existing data: an empty data directory holds an empty glossary
    env = {"CIVIC_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=120, check=False,
                          cwd=Path(__file__).resolve().parents[3])  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "False"
