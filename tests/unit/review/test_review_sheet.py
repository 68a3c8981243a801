"""Reading a score sheet: the good one in tests/data/review, and every kind of bad line, each
reported with its line number, all of them at once."""

from __future__ import annotations

import pytest

from domain.review import sheet as codes
from domain.review.errors import SheetError
from domain.review.limits import MAX_SHEET_BYTES
from domain.review.sheet import read_sheet
from tests.unit.review.conftest import DATA

HEADER = "entry,entry_agency,member,member_agency,criterion,score\n"


def rows(entry: str, entry_agency: str, member: str, member_agency: str, *values: int) -> str:
    names = ("innovation", "feasibility", "impact", "transferability", "presentation")
    return "".join(
        f"{entry},{entry_agency},{member},{member_agency},{name},{value}\n"
        for name, value in zip(names, values, strict=True)
    )


def problems(text: str | bytes) -> list[tuple[int, str]]:
    with pytest.raises(SheetError) as refused:
        read_sheet(text)
    return [(problem.line, problem.code) for problem in refused.value.problems]


def test_the_panel_of_five_reads_with_its_recusals() -> None:
    found = read_sheet((DATA / "panel_of_five.csv").read_bytes())
    assert len(found.scores) == 6 * 5 - 2
    assert found.entry_agencies["E2"] == "工務局" and found.member_agencies["M1"] == "工務局"
    assert ("E2", "M1") not in found.lines  # M1 did not score its own agency's entry
    assert found.member_agencies["M4"] == ""  # an outside expert
    first = found.scores[0]
    assert (first.entry, first.member, first.total) == ("E1", "M1", 92)
    assert found.lines["E1", "M2"] == 7


def test_a_byte_order_mark_and_blank_lines_are_fine() -> None:
    text = "\ufeff" + HEADER + rows("E1", "消防局", "M1", "", 25, 15, 25, 8, 8) + "\n,,,,,\n"
    assert read_sheet(text.encode()).scores[0].total == 81


def test_every_bad_line_is_reported_with_its_number() -> None:
    text = (
        HEADER
        + rows("E1", "消防局", "M1", "消防局", 25, 15, 25, 8, 8)  # lines 2-6: own agency, each line
        + "E2,衛生局,M2,,innovation,31\n"  # 7: out of range
        + "E2,衛生局,M2,,originality,5\n"  # 8: not a criterion
        + "E2,衛生局,M2,,feasibility,15.5\n"  # 9: not a whole number
        + "E2,衛生局,M2,,impact,20\n"  # 10
        + "E2,衛生局,M2,,impact,21\n"  # 11: the same score twice
        + "E2,衛生局,M2,,transferability\n"  # 12: five fields
        + "E3,,M3,,presentation,\n"  # 13: empty score
        + "=cmd,,M3,,presentation,5\n"  # 14: a formula
        + "E2,社會局,M3,,innovation,20\n"  # 15: E2's agency changes
    )
    found = problems(text)
    assert found == [
        (2, codes.OWN_AGENCY), (3, codes.OWN_AGENCY), (4, codes.OWN_AGENCY), (5, codes.OWN_AGENCY),
        (6, codes.OWN_AGENCY),
        (7, codes.OUT_OF_RANGE),
        (7, codes.MISSING_CRITERION),  # M2 on E2: no transferability or presentation
        (8, codes.UNKNOWN_CRITERION),
        (9, codes.NOT_A_WHOLE_NUMBER),
        (11, codes.DUPLICATE),
        (12, codes.COLUMN_COUNT),
        (13, codes.EMPTY_FIELD),
        (14, codes.FORMULA),
        (15, codes.ENTRY_AGENCY_CHANGES),
        (15, codes.MISSING_CRITERION),  # M3 on E2: only innovation
    ]  # fmt: skip


def test_the_problems_name_what_is_wrong() -> None:
    with pytest.raises(SheetError) as refused:
        read_sheet(HEADER + "E2,衛生局,M2,,innovation,31\n" + rows("E3", "", "M2", "", 1, 1, 1, 1, 1)[:-1] + "\n")
    first = refused.value.problems[0]
    assert first.params == {"criterion": "innovation", "value": "31", "max": "30"}
    missing = refused.value.problems[1]
    assert missing.params["missing"] == "feasibility,impact,transferability,presentation"


def test_a_wrong_header_an_empty_sheet_and_bytes_that_are_not_utf8() -> None:
    assert problems("entry,member,score\nE1,M1,80\n") == [(1, codes.BAD_HEADER)]
    assert problems(HEADER) == [(0, codes.NO_ROWS)]
    assert problems("") == [(0, codes.NO_ROWS)]
    assert problems(HEADER.encode() + "E1,消防局".encode("big5") + b",M1,,impact,20\n") == [(0, codes.NOT_UTF8)]
    assert problems(b"x" * (MAX_SHEET_BYTES + 1)) == [(0, codes.TOO_LARGE)]


def test_a_control_character_and_a_member_whose_agency_changes() -> None:
    text = HEADER + rows("E1", "", "M1", "財政局", 1, 1, 1, 1, 1) + "E2,,M1,主計處,impact,3\nE2,,M\x07,,impact,3\n"
    assert problems(text) == [
        (7, codes.MEMBER_AGENCY_CHANGES),
        (7, codes.MISSING_CRITERION),
        (8, codes.CONTROL_CHARACTER),
    ]
