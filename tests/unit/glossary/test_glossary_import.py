"""Importing place-name files: the shared data, re-imports, and every row left out reported."""

from __future__ import annotations

import pytest

from domain.eventlog import SYSTEM_ACTOR, EventLog
from domain.glossary import rows
from domain.glossary.errors import ImportStructureError
from domain.glossary.importing import decode, parse
from domain.glossary.meetings import ADOPT_LIST
from domain.glossary.names import HANYU, TONGYONG, Variant, term_id_for
from domain.glossary.rows import RowNote
from domain.glossary.service import Glossary
from domain.glossary.terms import APPROVED
from tests.unit.glossary.conftest import People
from tests.unit.glossary.glossary_data import SHARED_FILES, shared_rows, shared_text


def test_all_the_shared_data_imports_cleanly_and_a_second_time_records_nothing(
    glossary: Glossary, log: EventLog
) -> None:
    reports = [
        glossary.import_file(shared_text(name), SYSTEM_ACTOR, approved_column="en_alt", source=name).result
        for name in SHARED_FILES
    ]
    assert [(r.imported, r.unchanged, r.rejected) for r in reports] == [(40, 0, ()), (47, 0, ()), (3980, 0, ())]
    # The stations file lists 美麗島 twice (Red and Orange lines) and one name with a trailing space.
    assert reports[1].notices == (
        RowNote(4, rows.WHITESPACE_TIDIED, {"field": "en"}),
        RowNote(30, rows.MERGED_DUPLICATE, {"first_line": 24}),
    )
    every_row = sum(len(shared_rows(name)) for name in SHARED_FILES)
    assert sum(r.imported for r in reports) + 1 == every_row  # one row merged, none dropped

    position = log.position()
    again = [
        glossary.import_file(shared_text(name), SYSTEM_ACTOR, approved_column="en_alt").result for name in SHARED_FILES
    ]
    assert [(r.imported, r.unchanged, r.meeting_id) for r in again] == [(0, 40, None), (0, 47, None), (0, 3980, None)]
    assert log.position() == position


def test_an_import_is_one_initial_list_decision_of_a_meeting(glossary: Glossary) -> None:
    report = glossary.import_file(shared_text("kaohsiung_districts.csv"), SYSTEM_ACTOR, source="districts.csv").result
    meeting = glossary.meeting(report.meeting_id)  # type: ignore[arg-type]
    assert [(d.number, d.outcome, d.source, d.term_count) for d in meeting.decisions] == [
        (1, ADOPT_LIST, "districts.csv", 40)
    ]
    fengshan = glossary.term(term_id_for("鳳山區", "district", ""))
    assert (fengshan.status, fengshan.approved_by) == (APPROVED, (report.meeting_id, 1))


@pytest.mark.parametrize(
    ("approved_column", "approved", "variant"),
    [
        ("en_alt", "Fongshan District", Variant("Fengshan District", HANYU)),
        ("en", "Fengshan District", Variant("Fongshan District", TONGYONG)),
    ],
)
def test_staff_say_which_column_is_approved_and_the_other_stays_as_a_variant_of_its_kind(
    glossary: Glossary, approved_column: str, approved: str, variant: Variant
) -> None:
    glossary.import_file(shared_text("kaohsiung_districts.csv"), SYSTEM_ACTOR, approved_column=approved_column)
    fengshan = glossary.term(term_id_for("鳳山區", "district", ""))
    assert (fengshan.en, fengshan.variants) == (approved, (variant,))
    gushan = glossary.term(term_id_for("鼓山區", "district", ""))
    assert gushan.variants == ()  # the same in both systems: no variant


def test_the_kind_of_the_other_column_is_told_from_its_spelling() -> None:
    # 茄萣區: Chunghwa Post's "Qieding" matches neither spelling of the right reading (jia), so
    # it is kept under the kind of its column: the national Hanyu table.
    parsed = parse(shared_text("kaohsiung_districts.csv"), approved_column="en_alt")
    jiading = next(row for row in parsed.rows if row.zh == "茄萣區")
    assert (jiading.en, jiading.variants) == ("Jiading District", (Variant("Qieding District", HANYU),))


def test_every_rejected_row_is_reported_with_its_line_and_reason(glossary: Glossary, log: EventLog) -> None:
    text = (
        "zh,en,category,notes\n"
        "哈瑪星,Hamasen,neighbourhood,\n"
        ",Nameless,road,\n"
        "Hamasen,Hamasen,road,\n"
        '大東,Dadong,mrt_station,"two\nlines"\n'
        "大東,Ta-tung,mrt_station,\n"
        "衛武營,衛武營,mrt_station,\n"
        "中央公園,,mrt_station,\n"
        "真愛碼頭,Love Pier,lrt_station\n"
        "\n"
        "凱旋,Kaisyuan,mrt_station,\n"
    )
    report = glossary.import_file(text, SYSTEM_ACTOR).result
    assert report.imported == 3
    assert [(note.line, note.code, note.params) for note in report.rejected] == [
        (3, rows.MISSING_ZH, {}),
        (4, rows.ZH_NOT_CHINESE, {}),
        (7, rows.CONFLICTING_DUPLICATE, {"first_line": 5, "first_en": "Dadong"}),  # line 5 spans two
        (8, rows.EN_CONTAINS_CHINESE, {}),
        (9, rows.MISSING_EN, {}),
        (10, rows.FIELD_COUNT, {"expected": 4, "found": 3}),
    ]
    assert report.unit == "line"


def test_a_row_conflicting_with_the_glossary_is_reported_not_applied(glossary: Glossary, people: People) -> None:
    glossary.import_file("zh,en,category\n鳳山區,Fongshan District,district\n", SYSTEM_ACTOR)
    glossary.propose("哈瑪星", "Hamasen", people.translator)
    report = glossary.import_file(
        "zh,en,category\n鳳山區,Fengshan District,district\n哈瑪星,Hamasen,\n", SYSTEM_ACTOR
    ).result
    assert (report.imported, [(n.line, n.code, n.params) for n in report.rejected]) == (
        0,
        [
            (2, rows.DIFFERS_FROM_APPROVED, {"approved_en": "Fongshan District"}),
            (3, rows.PENDING_REVIEW, {"status": "proposed"}),
        ],
    )


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("", rows.EMPTY_FILE, {}),
        ("zh,english\n哈瑪星,Hamasen\n", rows.UNKNOWN_COLUMNS, {"columns": ["english"]}),
        ("zh,category\n哈瑪星,neighbourhood\n", rows.MISSING_COLUMNS, {"columns": ["en", "en_alt"]}),
        ("zh,en,zh\n哈瑪星,Hamasen,哈瑪星\n", rows.DUPLICATE_COLUMNS, {"columns": ["zh"]}),
        ("zh,en\n哈瑪星,Hamasen\n", rows.MISSING_COLUMNS, {"columns": ["en_alt"]}),  # approved column
    ],
)
def test_a_file_with_the_wrong_structure_imports_nothing(
    glossary: Glossary, log: EventLog, text: str, code: str, params: dict
) -> None:
    before = log.position()
    with pytest.raises(ImportStructureError) as refused:
        glossary.import_file(text, SYSTEM_ACTOR, approved_column="en_alt")
    assert (refused.value.code, refused.value.params) == (code, params)
    assert log.position() == before


def test_bytes_that_are_not_utf8_are_a_structure_error() -> None:
    with pytest.raises(ImportStructureError) as refused:
        decode("zh,en\n哈瑪星,Hamasen\n".encode("big5"))
    assert refused.value.code == rows.NOT_UTF8
    assert decode("\ufeffzh,en\n".encode()) == "zh,en\n"  # Excel's byte-order mark is fine


def test_a_large_import_reports_progress_and_lands_in_one_save(glossary: Glossary) -> None:
    before = glossary.log.position()
    seen: list[tuple[int, int]] = []
    glossary.import_file(
        shared_text("kaohsiung_roads.csv"), SYSTEM_ACTOR, progress=lambda done, total: seen.append((done, total))
    )
    assert seen[-1] == (3980, 3980)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) == 16  # every 250 rows prepared
    notes = glossary.log.recorder.select_notifications(start=before + 1, limit=10_000)
    assert len(notes) == 2 + 3980  # the meeting, its list decision and every term


def test_a_big5_file_is_refused_with_how_to_convert_it() -> None:
    # issue 10, defect 7: the error said only "not UTF-8"
    from domain.glossary.errors import ImportStructureError
    from web.glossary_text import structure_message

    with pytest.raises(ImportStructureError) as refused:
        decode("zh,en\n壽山動物園,Shoushan Zoo\n".encode("big5"))
    assert refused.value.params == {"encoding": "big5"}
    message = structure_message(refused.value)
    assert "Big5" in message and "CSV UTF-8" in message and "iconv -f BIG5 -t UTF-8" in message
