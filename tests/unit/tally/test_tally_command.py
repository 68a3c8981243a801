"""``civic tally``: through click's test runner, against the command object itself."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from civic.commands.tally import ProgressLine, columns, cut, natural, pad, tally
from civic.commands.tally_run import json_text
from domain.tally import RULES, applicable
from domain.tally import tally as count
from tests.unit.tally.conftest import (
    FILES,
    LARGE,
    PABULIB,
    election,
    reference,
    rule_of,
)

QUICK = [name for name in FILES if name not in LARGE]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(tally, list(args))
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("name", [pytest.param(n, marks=[pytest.mark.slow] if n not in QUICK else []) for n in FILES])
def test_json_lists_the_selected_projects_by_the_default_rule(name: str) -> None:
    code, out, _ = run(str(PABULIB / name), "--json")
    document = json.loads(out)
    assert code == 0
    assert document["rule"] == "mes-completed"
    assert document["selected"] == sorted(document["selected"])
    assert document["budget"] == reference()["instances"][name]["parsed_budget_limit"]
    expected = {rule_of(key): value for key, value in reference()["expected"][name].items()}
    if "mes-completed" in expected:
        assert document["selected"] == sorted(expected["mes-completed"])


@pytest.mark.parametrize(("name", "rule"), [(n, r) for n in QUICK for r in RULES if applicable(election(n), r)])
def test_every_rule_prints_a_table_with_totals(name: str, rule: str) -> None:
    code, out, err = run(str(PABULIB / name), "--rule", rule)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    votes = {"approval": "Approvals", "choose-1": "Approvals", "cumulative": "Points", "ordinal": "Borda"}
    assert lines[0].split()[:3] == ["ID", "Project", votes[election(name).vote_type.value]]
    assert lines[0].split()[-2:] == ["Cost", "Selected"]
    assert len(lines) == len(election(name).projects) + 3
    assert f"selected by {rule}" in lines[-2]
    assert "counted" in lines[-1] or rule == "phragmen"


def test_explain_shows_the_rounds_and_the_greedy_completion() -> None:
    code, out, _ = run(str(PABULIB / "Netherlands_Assen_2024.pb"), "--explain")
    assert code == 0
    assert "each voter starts with 2,033.48 (843 units added)" in out
    assert "1. [3] PopUp Podium (cost 7,200): 43 supporters paid 167.44 each, 0 paid all they had left" in out
    assert "Not bought: [8] Crossbaan in Peelo (cost 40,000): its 25 supporters had" in out
    assert "[7] RuBox (cost 12,000): added, 11,300 left" in out


@pytest.mark.parametrize("rule", ["greedy", "phragmen"])
def test_explain_for_greedy_and_phragmen(rule: str) -> None:
    code, out, _ = run(str(PABULIB / "Netherlands_Assen_2024.pb"), "--rule", rule, "--explain")
    assert code == 0
    assert (
        "Greedy, best value for money first; 100,000 to spend" if rule == "greedy" else "Sequential Phragmén"
    ) in out


def test_json_explain_carries_the_explanation_as_data() -> None:
    code, out, _ = run(str(PABULIB / "Netherlands_Assen_2024.pb"), "--rule", "mes", "--json", "--explain")
    rounds = json.loads(out)["explanation"]["rounds"]
    assert code == 0
    assert rounds[0]["project"] == "3" and rounds[0]["payments"][0]["full_share"] is True
    assert sum(len(payment["voters"]) for payment in rounds[0]["payments"]) == 43


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;abc\nVOTES\nvoter_id;vote\n",
            "line 7: cost 'abc' is not a number",
        ),
        (
            "META\nkey;value\nbudget;10\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;4\nVOTES\nvoter_id;vote\nv;2\n",
            "line 10: the vote names project 2, which is not in PROJECTS",
        ),
        ("PROJECTS\nproject_id;cost\n", "line 1: the file does not start with a META section"),
        (
            "META\nkey;value\nvote_type;approval\nPROJECTS\nproject_id;cost\nVOTES\nvoter_id;vote\n",
            "line 1: META has no budget",
        ),
    ],
)
def test_a_bad_file_gets_one_line_with_its_line_number_and_status_2(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.pb"
    bad.write_text(content, encoding="utf-8")
    code, out, err = run(str(bad))
    assert (code, out) == (2, "")
    assert err == f"error: {bad} {message}\n"


def test_a_missing_or_binary_file_is_a_one_line_error(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nowhere.pb"))
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1
    binary = tmp_path / "binary.pb"
    binary.write_bytes(b"\xff\xfe\x00META")
    code, _, err = run(str(binary))
    assert (code, err) == (2, f"error: {binary}: cannot read it (not UTF-8 text)\n")


def test_phragmen_on_points_is_refused_in_one_line() -> None:
    name = "Poland_Czestochowa_2024_Srodmiescie.pb"
    code, _, err = run(str(PABULIB / name), "--rule", "phragmen")
    assert code == 2
    assert err == f"error: {PABULIB / name}: rule phragmen needs approval ballots, this file has cumulative\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_count_shows_how_far_it_got_on_a_terminal_and_clears_the_line() -> None:
    ticks = iter(range(1000))
    terminal = Terminal()
    with ProgressLine(terminal, clock=lambda: next(ticks)) as progress:
        outcome = count(election("Netherlands_Assen_2024.pb"), "mes-completed", progress=progress)
    shown = terminal.getvalue()
    assert "units added to each voter's budget so far" in shown
    assert shown.endswith("\r\x1b[2K")
    assert outcome.selected == tuple(sorted(reference()["expected"]["Netherlands_Assen_2024.pb"]["mes_cost_completed"]))


def test_progress_is_silent_off_a_terminal_and_k_only_grows() -> None:
    seen: list[int] = []
    quiet = io.StringIO()
    line = ProgressLine(quiet)
    count(election("Netherlands_Assen_2024.pb"), "mes-completed", progress=lambda k: (seen.append(k), line(k)))
    assert quiet.getvalue() == ""
    assert seen == sorted(seen) and seen[0] == 0 and seen[-1] >= 843  # Assen stops at 843 units


def test_the_table_lists_ids_in_natural_order_with_votes_per_project() -> None:
    code, out, _ = run(str(PABULIB / "Netherlands_Assen_2024.pb"), "--rule", "greedy")
    rows = out.splitlines()[1:-2]
    assert code == 0
    assert [row.split()[0] for row in rows] == [str(number) for number in range(1, 15)]  # 1, 2, ... 10, not 1, 10
    assert rows[2].split()[:3] == ["3", "PopUp", "Podium"] and rows[2].split()[3] == "43"  # 43 approvals


@pytest.mark.parametrize(
    ("name", "rule", "measure"),
    [
        ("Netherlands_Assen_2024.pb", "mes", "Approval ballots, counted with cost satisfaction"),
        ("Netherlands_Assen_2024.pb", "phragmen", "Phragmén shares each project's cost equally"),
        (
            "Poland_Zabrze_2021_Guido.pb",
            "greedy",
            "Choose-1 ballots, counted as approval ballots with cost satisfaction",
        ),
        ("Poland_Czestochowa_2024_Srodmiescie.pb", "greedy", "Cumulative ballots, counted with the points given"),
        ("US_Stanford_Dataset_PB_Dieppe_2015_vote_rankings.pb", "mes", "Ordinal ballots, counted with Borda scores"),
    ],
)
def test_the_table_says_which_satisfaction_measure_counted(name: str, rule: str, measure: str) -> None:
    code, out, _ = run(str(PABULIB / name), "--rule", rule)
    assert code == 0 and measure in out.splitlines()[-1]


def test_json_names_the_measure_and_the_votes() -> None:
    code, out, _ = run(str(PABULIB / "Netherlands_Assen_2024.pb"), "--rule", "greedy", "--json")
    document = json.loads(out)
    assert code == 0
    assert (document["measure"], document["votes"]["3"], document["votes"]["10"]) == ("cost", "43", "19")


@pytest.mark.parametrize(
    ("ids", "ordered"),
    [
        (["10", "2", "1", "11"], ["1", "2", "10", "11"]),
        (["A10", "A2", "B1", "a3"], ["A2", "a3", "A10", "B1"]),
        (["L016", "L1", "7"], ["7", "L1", "L016"]),
    ],
)
def test_ids_sort_naturally(ids: list[str], ordered: list[str]) -> None:
    assert sorted(ids, key=natural) == ordered


@given(st.text(alphabet="aZé0179٣ -_."))  # (٣: an Arabic-Indic three, a digit to int() and to \d)
def test_the_natural_key_cuts_ids_as_the_digits_pattern_did(project_id: str) -> None:
    parts = [part for part in re.split(r"(\d+)", project_id) if part]
    assert natural(project_id) == tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts)


@pytest.mark.parametrize("name", ["Netherlands_Assen_2024.pb", "Poland_Czestochowa_2024_Srodmiescie.pb"])
@pytest.mark.parametrize("rule", RULES)
def test_json_is_written_as_the_json_module_writes_it(name: str, rule: str) -> None:
    code, out, _ = run(str(PABULIB / name), "--rule", rule, "--json", "--explain")
    if code == 0:  # (phragmen refuses points ballots)
        assert out == json.dumps(json.loads(out), ensure_ascii=False) + "\n"


def test_json_text_escapes_strings_as_json_dumps() -> None:
    document = {"名稱": ['quote " and \\', "line\nbreak\ttab\x01", "é 高雄"], "n": [0, -12, True, False, None], "e": {}}
    assert json_text(document) == json.dumps(document, ensure_ascii=False)
    with pytest.raises(TypeError):
        json_text({"x": 1.5})


@given(st.text(st.characters(max_codepoint=0x3000), max_size=12))
def test_columns_count_wide_characters_as_unicodedata_says(text: str) -> None:
    import unicodedata

    assert columns(text) == sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("Park", 10, "Park"),
        ("A very long project name", 10, "A very lo…"),
        ("高雄市立圖書館總館", 10, "高雄市立…"),  # each Chinese character takes two columns
    ],
)
def test_long_names_are_cut_with_an_ellipsis_by_display_width(text: str, limit: int, shown: str) -> None:
    assert cut(text, limit) == shown and columns(cut(text, limit)) <= limit


def test_wide_names_keep_the_columns_aligned() -> None:
    assert columns("高雄 Park") == 9
    assert columns("Łódź Śródmieście, Józsefváros") == 29  # accents: one column, no lookup needed
    assert pad("高雄", 6) == "高雄  " and pad("12", 4, right=True) == "  12"
