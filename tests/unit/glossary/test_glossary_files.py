"""Files that must not get in: cut off, nested too deep, carrying controls or formulas; and
exports that must not carry a formula out to a spreadsheet."""

from __future__ import annotations

import csv
import io
import json

import pytest

from domain.eventlog import SYSTEM_ACTOR, EventLog
from domain.glossary import limits, rows
from domain.glossary.errors import ImportStructureError
from domain.glossary.exporting import export
from domain.glossary.importing import decode
from domain.glossary.names import term_id_for
from domain.glossary.rows import Entry
from domain.glossary.service import Glossary


def imports_nothing(glossary: Glossary, log: EventLog, text: str, format: str) -> ImportStructureError:
    before = log.position()
    with pytest.raises(ImportStructureError) as refusal:
        glossary.import_file(text, SYSTEM_ACTOR, format=format)
    assert log.position() == before
    return refusal.value


def json_file(*terms: dict) -> str:
    return json.dumps({"format": "civic-glossary", "version": 1, "terms": list(terms)}, ensure_ascii=False)


def tbx_file(zh: str, en: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><martif type="TBX-Basic"><text><body>'
        f'<termEntry id="t-1"><langSet xml:lang="zh-Hant"><tig><term>{zh}</term></tig></langSet>'
        f'<langSet xml:lang="en"><tig><term>{en}</term></tig></langSet></termEntry>'
        "</body></text></martif>"
    )


# --- cut off (finding 9) -------------------------------------------------------------------------


def test_a_csv_cut_off_inside_a_quote_is_refused_whole_with_its_line(glossary: Glossary, log: EventLog) -> None:
    text = 'zh,en,notes\n美濃湖,Meinong Lake,fine\n月世界,Moon World,"cut off here\nand here'
    refusal = imports_nothing(glossary, log, text, "csv")
    assert (refusal.code, refusal.params) == (rows.MALFORMED_AT, {"format": "csv", "line": 3})
    assert log.get_or_none(term_id_for("月世界", "", "")) is None


@pytest.mark.parametrize(
    ("text", "format"),
    [
        ('{"format": "civic-glossary", "terms": [{"zh": "美濃湖", "en": "Meinong', "json"),
        (tbx_file("美濃湖", "Meinong Lake")[:-30], "tbx"),
    ],
)
def test_a_cut_off_json_or_tbx_file_is_refused(glossary: Glossary, log: EventLog, text: str, format: str) -> None:
    refusal = imports_nothing(glossary, log, text, format)
    assert refusal.code in (rows.MALFORMED, rows.MALFORMED_AT)


# --- nested, surrogates, oversized (finding 4 and 10) --------------------------------------------


def test_deeply_nested_json_is_refused_before_parsing(glossary: Glossary, log: EventLog) -> None:
    refusal = imports_nothing(glossary, log, '{"terms": ' + "[" * 100_000 + "]" * 100_000 + "}", "json")
    assert refusal.code == rows.TOO_DEEP and refusal.params == {"depth": limits.MAX_NESTING}


def test_deeply_nested_tbx_is_refused(glossary: Glossary, log: EventLog) -> None:
    refusal = imports_nothing(glossary, log, "<martif>" + "<a>" * 100_000 + "</a>" * 100_000 + "</martif>", "tbx")
    assert refusal.code == rows.TOO_DEEP


def test_a_lone_surrogate_in_json_is_a_control_character(glossary: Glossary, log: EventLog) -> None:
    text = '{"terms": [{"zh": "美濃湖", "en": "Meinong \\ud800 Lake", "status": "approved"}]}'
    refusal = imports_nothing(glossary, log, text, "json")
    assert (refusal.code, refusal.params) == (rows.CONTROL_CHARACTER, {"line": 1, "field": "en", "unit": "entry"})


def test_too_many_rows_are_refused(glossary: Glossary, log: EventLog) -> None:
    text = "zh,en\n" + "美濃湖,Meinong Lake\n" * (limits.MAX_IMPORT_ROWS + 1)
    assert imports_nothing(glossary, log, text, "csv").code == rows.TOO_MANY_ROWS


def test_an_oversized_file_is_refused() -> None:
    with pytest.raises(ImportStructureError) as refusal:
        decode(b"x" * (limits.MAX_IMPORT_BYTES + 1))
    assert refusal.value.code == rows.TOO_LARGE


# --- controls and formulas in every format (findings 6, 7, 10) -----------------------------------

CSV_HEADER = "zh,en,category,district,code,en_alt,notes,source\n"


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\u202e", "\u2066"])
@pytest.mark.parametrize("format", ["csv", "json", "tbx"])
def test_a_file_with_a_control_character_imports_nothing(
    glossary: Glossary, log: EventLog, bad: str, format: str
) -> None:
    zh, en = "美濃湖", f"Meinong{bad} Lake"
    text = {
        "csv": CSV_HEADER + f"月世界,Moon World,landmark,,,,,\n{zh},{en},landmark,,,,,\n",
        "json": json_file({"zh": "月世界", "en": "Moon World"}, {"zh": zh, "en": en}),
        "tbx": tbx_file(zh, en.replace("\x00", "&#0;").replace("\x1b", "&#27;")),
    }[format]
    refusal = imports_nothing(glossary, log, text, format)
    assert refusal.code in (rows.CONTROL_CHARACTER, rows.MALFORMED, rows.MALFORMED_AT)
    if refusal.code == rows.CONTROL_CHARACTER:
        assert refusal.params["field"] == "en"


@pytest.mark.parametrize("lead", ["=", "+", "-", "@"])
@pytest.mark.parametrize("format", ["csv", "json", "tbx"])
def test_a_file_with_a_formula_name_imports_nothing(glossary: Glossary, log: EventLog, lead: str, format: str) -> None:
    zh, en = "美濃湖", f"{lead}HYPERLINK(1)"
    text = {
        "csv": CSV_HEADER + f"月世界,Moon World,landmark,,,,,\n{zh},{en},landmark,,,,,\n",
        "json": json_file({"zh": "月世界", "en": "Moon World"}, {"zh": zh, "en": en}),
        "tbx": tbx_file(zh, en),
    }[format]
    refusal = imports_nothing(glossary, log, text, format)
    assert (refusal.code, refusal.params["field"]) == (rows.FORMULA, "en")
    assert refusal.params["line"] == {"csv": 3, "json": 2, "tbx": 1}[format]


@pytest.mark.parametrize("format", ["csv", "json", "tbx"])
def test_wrong_columns_or_shape_import_nothing(glossary: Glossary, log: EventLog, format: str) -> None:
    text = {"csv": "name,english\n美濃湖,Meinong Lake\n", "json": '{"terms": {"zh": "美濃湖"}}', "tbx": "<tbx/>"}[
        format
    ]
    imports_nothing(glossary, log, text, format)


def test_unknown_categories_and_districts_are_rejected_rows(glossary: Glossary) -> None:
    report = glossary.import_file(
        "zh,en,category,district\n美濃湖,Meinong Lake,lake,美濃區\n月世界,Moon World,landmark,月球區\n", SYSTEM_ACTOR
    ).result
    assert [(note.line, note.code) for note in report.rejected] == [
        (2, rows.UNKNOWN_CATEGORY), (3, rows.UNKNOWN_DISTRICT),
    ]  # fmt: skip


# --- exports (finding 7) -------------------------------------------------------------------------


def test_the_csv_export_neutralises_cells_a_spreadsheet_would_run() -> None:
    """Names are refused at the door, but an export must be safe even for history made before."""
    entries = [Entry(id=str(n), zh=zh, en=en, status="approved") for n, (zh, en) in enumerate(
        [("美濃湖", "=HYPERLINK(1)"), ("月世界", "+1"), ("旗山", "-2"), ("大樹", "@SUM(1)"), ("林園", "\tx"),
         ("茄萣", "\rx"), ("湖內", "Hunei")]
    )]  # fmt: skip
    written = list(csv.reader(io.StringIO(export(entries, "csv"))))
    assert [en for _, en in written[1:]] == ["'=HYPERLINK(1)", "'+1", "'-2", "'@SUM(1)", "'\tx", "'\rx", "Hunei"]


def test_the_tbx_export_stays_well_formed_xml_for_history_with_control_characters() -> None:
    """Refused at the door now; a term recorded before that rule still exports as XML that parses."""
    import xml.etree.ElementTree as ET

    entries = [Entry(id="1", zh="美濃\x00湖", en="Meinong\x1b Lake", status="approved", notes="a\x07b\tc")]
    root = ET.fromstring(export(entries, "tbx"))
    assert [term.text for term in root.iter("term")] == ["美濃湖", "Meinong Lake"]
