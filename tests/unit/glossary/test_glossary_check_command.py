"""``civic glossary check FILE``: the import's report without importing (issue 10, build item 3)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from civic.commands.glossary import seed_demo
from civic.services import build_services
from civic.settings import Settings
from domain.accounts import STAFF, TRANSLATOR
from tests.unit.glossary.conftest import ISSUER
from tests.unit.glossary.glossary_data import DATA
from tests.unit.glossary.test_glossary_command import Civic, civic  # noqa: F401  (a fixture)


def _demo(tmp_path: Path) -> None:
    """The demo glossary: the shared files approved in their Tongyong form, one meeting."""
    services = build_services(Settings(data_dir=tmp_path / "data"))
    try:
        translator = str(services.accounts.grant_from_command_line(ISSUER, "tina", TRANSLATOR).result)
        staff = str(services.accounts.grant_from_command_line(ISSUER, "stan", STAFF).result)
        for _ in seed_demo(services, translator, staff):
            pass
    finally:
        services.close()


def test_the_shared_files_report_their_known_tricky_rows(civic: Civic, tmp_path: Path) -> None:  # noqa: F811
    _demo(tmp_path)
    before = sorted(path.name for path in (tmp_path / "data").iterdir())
    code, out, _ = civic("glossary", "check", str(DATA / "kaohsiung_districts.csv"))
    assert code == 1
    assert "line 8: not imported: the glossary already approves other English: Cianjhen District" in out
    assert "line 8: This is Cianjhen District spelled in Hanyu Pinyin; the approved form uses Tongyong Pinyin." in out
    assert "line 25: Use a straight apostrophe: Yong'an instead of Yong’an." in out  # 永安區, Chunghwa Post's
    assert "line 41: 茄 in this place name is read jia, not qie." in out  # 茄萣區 as Qieding
    code, out, _ = civic("glossary", "check", str(DATA / "kaohsiung_metro_stations.csv"), "--json")
    report = json.loads(out)
    assert code == 1 and report["unit"] == "line"
    penglai = [finding for finding in report["findings"] if finding["line"] == 4]
    assert penglai == [
        {"line": 4, "kind": "notice", "code": "whitespace_tidied", "params": {"field": "en"},
         "message": "stray spaces removed from en", "term_id": ""}
    ]  # fmt: skip
    assert sorted(path.name for path in (tmp_path / "data").iterdir()) == before  # nothing recorded


def test_a_clean_file_exits_0_and_a_file_that_cannot_be_read_exits_2(civic: Civic, tmp_path: Path) -> None:  # noqa: F811
    _demo(tmp_path)
    clean = tmp_path / "clean.csv"
    clean.write_text("zh,en,category,district\n月世界,Moon World,landmark,田寮區\n", encoding="utf-8")
    code, out, _ = civic("glossary", "check", str(clean))
    assert code == 0 and out.splitlines() == [
        "1 rows checked, 0 already approved as they are; 0 findings, 0 rows would not be imported."
    ]
    big5 = tmp_path / "big5.csv"
    big5.write_bytes("zh,en\n月世界,Moon World\n".encode("big5"))
    code, _, err = civic("glossary", "check", str(big5))
    assert code == 2 and "iconv -f BIG5 -t UTF-8" in err
    code, _, err = civic("glossary", "check", str(tmp_path / "missing.csv"))
    assert code == 2


def test_unknown_categories_and_duplicates_are_reported_by_line(civic: Civic, tmp_path: Path) -> None:  # noqa: F811
    _demo(tmp_path)
    source = tmp_path / "names.csv"
    source.write_text(
        "zh,en,category,district\n火星港,Mars Port,spaceship,\n愛河,Love river,river,\n愛河,Love river,river,鹽埕區\n",
        encoding="utf-8",
    )
    code, out, _ = civic("glossary", "check", str(source))
    assert code == 1
    assert "line 2: not imported: unknown category: spaceship" in out
    assert "line 3: Capitalize river as River." in out
    assert "line 3: not imported: the glossary already approves other English: Love River" in out
    assert "line 3: 愛河 already has approved English: Love River." not in out  # the same, in other case
    assert "line 4: may be the approved term 愛河 Love River again (the same Chinese name)" in out
    assert out.splitlines()[-1] == (
        "3 rows checked, 0 already approved as they are; 5 findings, 2 rows would not be imported."
    )


def test_without_a_data_directory_the_file_is_checked_alone(civic: Civic, tmp_path: Path) -> None:  # noqa: F811
    copy = tmp_path / "stations.csv"
    shutil.copy(DATA / "kaohsiung_metro_stations.csv", copy)
    code, out, err = civic("glossary", "check", str(copy))
    assert code == 1 and "line 4: stray spaces removed from en" in out and "checked on its own" in err
    assert not (tmp_path / "data").exists()
