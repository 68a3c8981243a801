"""``civic review tally``: exit codes, the JSON's shape, every bad line named, in both languages,
and nothing recorded (no data directory is even created)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from civic.cli import main
from tests.unit.review.conftest import DATA

PANEL = DATA / "panel_of_five.csv"
THESES = DATA / "two_plus_third.csv"


@pytest.fixture
def civic(tmp_path: Path):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {"CIVIC_DATA_DIR": str(tmp_path / "data")}

    def run(*args: str, lang: str = "en") -> tuple[int, str, str]:
        result = runner.invoke(main, ["--lang", lang, "review", "tally", *args], env=env, catch_exceptions=False)
        assert not (tmp_path / "data").exists()  # recording nothing, it needs no data directory
        return result.exit_code, result.stdout, result.stderr

    return run


def test_json_has_the_method_and_each_entry_with_a_decimal_score(civic) -> None:  # type: ignore[no-untyped-def]
    code, out, err = civic(str(PANEL), "--json")
    document = json.loads(out)
    assert (code, err) == (0, "")
    assert document["method"] == "mean"
    entries = document["entries"]
    assert [entry["entry"] for entry in entries] == ["E1", "E3", "E2", "E4", "E5", "E6"]
    assert entries[0] == {"entry": "E1", "score": "91.00", "tier": "outstanding", "members": 5, "flags": [],
                          "tied": False}  # fmt: skip
    assert {entry["entry"]: entry["score"] for entry in entries}["E4"] == "83.40"
    e2 = next(entry for entry in entries if entry["entry"] == "E2")
    assert (e2["score"], e2["tier"], e2["members"], e2["flags"]) == ("86.50", "excellent", 4, ["recused"])
    assert entries[-1]["tier"] is None
    assert document["vacant"] == []
    assert document["tiers"][0] == {"tier": "outstanding", "name_zh": "特優", "name_en": "Outstanding",
                                    "min_score": "90.00", "cap": None, "prize_ntd": None, "entries": ["E1", "E3"]}  # fmt: skip


def test_caps_cascade_from_the_command_line(civic) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = civic(str(PANEL), "--json", "--caps", "特優=1,優等=1")
    tiers = {entry["entry"]: entry["tier"] for entry in json.loads(out)["entries"]}
    assert code == 0
    # E3 (90.00) loses 特優 to E1 and takes 優等's one place; E2 (86.50) drops to 甲等.
    assert (tiers["E1"], tiers["E3"], tiers["E2"], tiers["E4"]) == ("outstanding", "excellent", "merit", "merit")


def test_trimmed_mean_and_the_third_reviewer(civic) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = civic(str(PANEL), "--method", "trimmed-mean", "--json")
    scores = {entry["entry"]: (entry["score"], entry["flags"]) for entry in json.loads(out)["entries"]}
    assert code == 0
    # E4's totals 80, 95, 82, 81, 79: max − min 16 (≥ 15), M2 14 from the median 81 (≥ 10); the
    # chair's diagnostics flags ride along, never changing the score.
    assert scores["E4"] == ("81.00", ["wide-spread", "far-from-median"])
    assert scores["E2"] == ("86.50", ["recused", "few-to-trim"])
    code, out, _ = civic(str(THESES), "--method", "two-plus-third", "--json")
    found = {entry["entry"]: entry for entry in json.loads(out)["entries"]}
    assert code == 0
    assert (found["T2"]["score"], found["T3"]["score"], found["T4"]["flags"]) == (
        "88.00", "81.50", ["third-used", "third-equidistant", "wide-spread"],
    )  # fmt: skip
    assert json.loads(out)["vacant"] == ["outstanding", "honourable-mention"]


def test_the_table_in_english_and_in_chinese(civic) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = civic(str(PANEL), "--caps", "特優=1")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Method: Mean of the members' totals"
    assert lines[1].split()[:3] == ["Entry", "Score", "Tier"]
    assert lines[2].split()[:3] == ["E1", "91.00", "Outstanding"]
    assert lines[3].split()[:3] == ["E3", "90.00", "Excellent"]
    assert "not every member scored it (recusal)" in out
    code, out, _ = civic(str(PANEL), "--caps", "特優=1", lang="zh_Hant_TW")
    assert code == 0
    assert out.splitlines()[0] == "計分方式：委員總分平均"
    assert out.splitlines()[3].split()[:3] == ["E3", "90.00", "優等"]
    assert "非每位委員皆評分（迴避）" in out


def test_vacant_tiers_and_unbroken_ties_are_said(civic, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "tie.csv"
    sheet.write_text(
        "entry,entry_agency,member,member_agency,criterion,score\n"
        + "".join(
            f"{entry},,{member},,{code},{value}\n"
            for entry, member, values in (("A", "M1", (27, 19, 27, 9, 10)), ("B", "M1", (27, 17, 27, 9, 10)),
                                          ("A", "M2", (27, 17, 27, 9, 10)), ("B", "M2", (27, 19, 27, 9, 10)))
            for code, value in zip(("innovation", "feasibility", "impact", "transferability", "presentation"),
                                   values, strict=True)
        ),
        encoding="utf-8",
    )  # fmt: skip
    code, out, _ = civic(str(sheet), "--caps", "特優=1")
    assert code == 0
    assert "Vacant (從缺): Outstanding, Merit, Honourable mention" in out
    assert "Unbroken tie at a cap, for the chair: A, B" in out
    code, out, _ = civic(str(sheet), "--caps", "特優=1", "--json")
    assert [entry["tied"] for entry in json.loads(out)["entries"]] == [True, True]
    assert json.loads(out)["ties"] == [["A", "B"]]


def test_every_bad_line_is_named_and_the_exit_status_is_2(civic, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    sheet = tmp_path / "bad.csv"
    lines = PANEL.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",27", ",31")  # line 4: E1, M1, impact 31
    lines.insert(5, "E2,工務局,M1,工務局,innovation,20")  # line 6: M1 scores their own agency's entry
    lines[8] = lines[8].replace("feasibility", "originality")  # line 9: E1, M2
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = civic(str(sheet))
    assert (code, out) == (2, "")
    assert "bad.csv: line 4: score 31 for impact is outside 0 to 30" in err
    assert "bad.csv: line 6: member M1 is from 工務局, the agency of entry E2, and must be recused from it" in err
    assert "bad.csv: line 9: unknown criterion 'originality'" in err
    assert "bad.csv: line 8: member M2 gave entry E1 no score for feasibility" in err  # its first line
    assert "no score for feasibility,impact" not in err  # M1 should not score E2 at all: nothing is missing
    assert len(err.splitlines()) == 5
    assert err.splitlines()[-1] == "Nothing was counted."
    code, _, err = civic(str(sheet), lang="zh_Hant_TW")
    assert code == 2
    assert "bad.csv: 第 4 行：impact 的分數 31 超出 0 至 30" in err
    assert "委員 M1 屬於提案 E2 的提案機關 工務局，應予迴避" in err
    assert err.splitlines()[-1] == "未計算任何成績。"


def test_a_method_that_cannot_count_the_sheet_exits_2(civic) -> None:  # type: ignore[no-untyped-def]
    code, out, err = civic(str(PANEL), "--method", "rank-sum")
    assert (code, out) == (2, "")
    assert "The rank sum needs every member to score every entry; not scored: M1 on E2, M2 on E5" in err
    code, _, err = civic(str(PANEL), "--method", "two-plus-third")
    assert code == 2 and "More than three reviewers scored: E1, E2, E3, E4, E5, E6" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--caps", "首獎=1"], "unknown tier 首獎"),
        (["--caps", "特優"], "expected TIER=NUMBER"),
        (["--caps", "特優=-1"], "expected TIER=NUMBER"),
        (["--method", "median"], "Invalid value for '--method'"),
    ],
)
def test_bad_options_exit_2(civic, args: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    code, _, err = civic(str(PANEL), *args)
    assert code == 2 and message in err


def test_a_missing_file_exits_2(civic, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = civic(str(tmp_path / "nowhere.csv"))
    assert code == 2 and "cannot read" in err and "nowhere.csv" in err
