"""Reading a glossary file into rows to import, and a report of every row left out and why.

CSV has the columns ``zh,en`` and optionally ``category,district,code,en_alt,notes,source``. Staff
say which of ``en`` and ``en_alt`` holds the approved form; the other is kept as a variant of its
kind (in the shared district file ``en`` is the national Hanyu form, ``en_alt`` the Tongyong form
on Kaohsiung's own signs). A row without ``en_alt`` uses ``en``. JSON and TBX files are this
glossary's own exports (see exporting.py) and read back the same way.

A file whose structure is wrong raises ``ImportStructureError``: nothing of it is imported. That
includes a file cut off inside a quote, nested deeper than any glossary file, larger than the
limits, or carrying a control character or a spreadsheet formula anywhere: such a file is corrupt
or hostile, and importing "the rest of it" would approve whatever the damage left.
Otherwise each row is taken, merged into an earlier row for the same place, or rejected, and
the report says which, by line number (entry number for JSON and TBX).
"""

from __future__ import annotations

import codecs
import csv
import io
from uuid import UUID

from domain.glossary import limits
from domain.glossary.errors import ImportStructureError
from domain.glossary.jsonfile import read_json
from domain.glossary.names import (
    HANYU,
    TONGYONG,
    Variant,
    has_control,
    looks_like_formula,
    name_problems,
    place_problems,
    tidy,
    variant_problems,
    variants_from,
)
from domain.glossary.rows import (
    APPROVED_COLUMNS,
    BAD_VARIANT,
    COLUMNS,
    CONFLICTING_DUPLICATE,
    CONTROL_CHARACTER,
    DUPLICATE_COLUMNS,
    EMPTY_FILE,
    FIELD_COUNT,
    FIELD_TOO_LONG,
    FORMULA,
    MALFORMED_AT,
    MERGED_DUPLICATE,
    MISSING_COLUMNS,
    NOT_UTF8,
    PROBLEM_CODES,
    REQUIRED,
    TOO_LARGE,
    TOO_MANY_ROWS,
    TOO_MANY_SOURCES,
    UNKNOWN_APPROVED_COLUMN,
    UNKNOWN_CATEGORY,
    UNKNOWN_COLUMNS,
    UNKNOWN_DISTRICT,
    UNKNOWN_FORMAT,
    WHITESPACE_TIDIED,
    ParsedFile,
    Row,
    RowNote,
)
from domain.glossary.tbx import read_tbx
from domain.romanization import fold, suggest

# Which fields may hold tabs and line breaks (the multi-line ones), and which are names.
_MULTILINE = ("notes", "sources")
_NAMES = ("zh", "en", "variants")


def decode(data: bytes) -> str:
    if len(data) > limits.MAX_IMPORT_BYTES:
        raise ImportStructureError(TOO_LARGE, bytes=limits.MAX_IMPORT_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportStructureError(NOT_UTF8, encoding=_likely_encoding(data)) from None


def _likely_encoding(data: bytes) -> str:
    """The encoding the bytes look like: "big5" (Excel's CSV on a Taiwanese Windows), or ""."""
    try:
        codecs.getincrementaldecoder("cp950")().decode(data[:65536], final=False)  # may end mid-character
    except UnicodeDecodeError:
        return ""
    return "big5"


def parse(text: str, format: str = "csv", approved_column: str = "en", category_default: str = "") -> ParsedFile:
    if approved_column not in APPROVED_COLUMNS:
        raise ImportStructureError(UNKNOWN_APPROVED_COLUMN, column=approved_column)
    if format == "csv":
        unit, records, rejected = "line", *read_csv(text, approved_column)
    elif format == "json":
        unit, records, rejected = "entry", *read_json(text)
    elif format == "tbx":
        unit, records, rejected = "entry", *read_tbx(text)
    else:
        raise ImportStructureError(UNKNOWN_FORMAT, format=format)
    if len(records) + len(rejected) > limits.MAX_IMPORT_ROWS:
        raise ImportStructureError(TOO_MANY_ROWS, rows=limits.MAX_IMPORT_ROWS)
    for record in records:
        _refuse_hostile(record, unit)
    parsed = ParsedFile(unit=unit, rejected=list(rejected))
    _collect(parsed, records, category_default)
    parsed.rejected.sort(key=lambda note: note.line)
    return parsed


def read_csv(text: str, approved_column: str) -> tuple[list[Row], list[RowNote]]:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ImportStructureError(EMPTY_FILE)
    lines = _numbered_records(text)
    columns = [name.strip().lower() for name in lines[0][1]]
    _check_columns(columns, approved_column)
    records, rejected = [], []
    for line, values in lines[1:]:
        if not any(value.strip() for value in values):
            continue  # a blank line holds no row
        if len(values) != len(columns):
            rejected.append(RowNote(line, FIELD_COUNT, {"expected": len(columns), "found": len(values)}))
            continue
        records.append(_record_from_columns(line, dict(zip(columns, values, strict=True)), approved_column))
    return records, rejected


def _numbered_records(text: str) -> list[tuple[int, list[str]]]:
    """CSV records with the line each starts on (a quoted field may span lines).

    Strict: a file cut off inside a quoted field (the quote never closes) or with a stray quote
    is refused whole, at the line where that record starts. The lenient reader took the cut-off
    value as if it were whole, and it was imported as approved.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    numbered = []
    start = 1
    try:
        for values in reader:
            numbered.append((start, values))
            start = reader.line_num + 1
            if len(numbered) > limits.MAX_IMPORT_ROWS + 1:
                raise ImportStructureError(TOO_MANY_ROWS, rows=limits.MAX_IMPORT_ROWS)
    except csv.Error:
        raise ImportStructureError(MALFORMED_AT, format="csv", line=start) from None
    return numbered


def _check_columns(columns: list[str], approved_column: str) -> None:
    duplicates = sorted({name for name in columns if columns.count(name) > 1})
    if duplicates:
        raise ImportStructureError(DUPLICATE_COLUMNS, columns=duplicates)
    unknown = [name for name in columns if name not in COLUMNS]
    if unknown:
        raise ImportStructureError(UNKNOWN_COLUMNS, columns=unknown)
    missing = [name for name in (*REQUIRED, approved_column) if name not in columns]
    if missing:
        raise ImportStructureError(MISSING_COLUMNS, columns=sorted(set(missing)))


def _record_from_columns(line: int, row: dict[str, str], approved_column: str) -> Row:
    zh = row["zh"]
    en, en_alt = row["en"], row.get("en_alt", "")
    if approved_column == "en_alt" and tidy(en_alt):
        approved, other, other_column = en_alt, en, "en"
    else:
        approved, other, other_column = en, en_alt, "en_alt"
    variants: tuple[Variant, ...] = ()
    if tidy(other) and tidy(other) != tidy(approved):
        kind = variant_kind(tidy(other), zh, other_column) if len(zh) <= limits.MAX_ZH else HANYU
        variants = (Variant(other, kind),)
    source = row.get("source", "")
    return Row(
        line=line,
        zh=zh,
        en=approved,
        category=row.get("category", ""),
        district=row.get("district", ""),
        code=row.get("code", ""),
        variants=variants,
        notes=row.get("notes", ""),
        sources=(source,) if tidy(source) else (),
    )


def variant_kind(text: str, zh: str, column: str) -> str:
    """Hanyu or Tongyong, told from the Chinese when the spelling shows it; else by column."""
    suggestion = suggest(tidy(zh))
    if fold(text) == fold(suggestion.tongyong) != fold(suggestion.hanyu):
        return TONGYONG
    if fold(text) == fold(suggestion.hanyu) != fold(suggestion.tongyong):
        return HANYU
    return HANYU if column == "en" else TONGYONG


def _refuse_hostile(record: Row, unit: str) -> None:
    """ImportStructureError when any field holds a control character, or a name a formula."""
    fields: list[tuple[str, str]] = [
        ("zh", record.zh), ("en", record.en), ("category", record.category), ("district", record.district),
        ("code", record.code), ("notes", record.notes),
        *(("sources", source) for source in record.sources), *(("variants", v.text) for v in record.variants),
    ]  # fmt: skip
    for name, value in fields:
        if has_control(value, multiline=name in _MULTILINE):
            raise ImportStructureError(CONTROL_CHARACTER, line=record.line, field=name, unit=unit)
        if name in _NAMES and looks_like_formula(tidy(value)):
            raise ImportStructureError(FORMULA, line=record.line, field=name, unit=unit)


def _collect(parsed: ParsedFile, records: list[Row], category_default: str) -> None:
    """Validates each record; merges records for the same place; rejects conflicting ones."""
    first: dict[UUID, int] = {}  # term id → index in parsed.rows
    for record in records:
        for field_name in _untidy_fields(record):
            parsed.notices.append(RowNote(record.line, WHITESPACE_TIDIED, {"field": field_name}))
        row = _row(record, category_default)
        if isinstance(row, RowNote):
            parsed.rejected.append(row)
        elif row.term_id not in first:
            first[row.term_id] = len(parsed.rows)
            parsed.rows.append(row)
        elif (earlier := parsed.rows[first[row.term_id]]).en != row.en:
            parsed.rejected.append(
                RowNote(row.line, CONFLICTING_DUPLICATE, {"first_line": earlier.line, "first_en": earlier.en})
            )
        elif too_much := _over_bounds(merged(earlier, row), row.line):
            parsed.rejected.append(too_much)  # merging it would carry more than one term may
        else:
            parsed.rows[first[row.term_id]] = merged(earlier, row)
            parsed.notices.append(RowNote(row.line, MERGED_DUPLICATE, {"first_line": earlier.line}))


def _untidy_fields(record: Row) -> list[str]:
    """Names whose whitespace was tidied (Penglai Pier-2 with its trailing space)."""
    return [name for name in ("zh", "en") if tidy(getattr(record, name)) not in ("", getattr(record, name))]


def _row(record: Row, category_default: str) -> Row | RowNote:
    """The row tidied and validated, or the note saying why it is left out."""
    zh, en = tidy(record.zh), tidy(record.en)
    variants = variants_from((variant.text, variant.kind) for variant in record.variants)  # tidied, once each
    problems = name_problems(zh, en) + variant_problems(variants)
    if problems:
        field_name, code = problems[0]
        reason = PROBLEM_CODES.get((field_name, code), BAD_VARIANT)
        return RowNote(record.line, reason, {"code": code} if reason == BAD_VARIANT else {})
    category, district = tidy(record.category) or tidy(category_default), tidy(record.district)
    for field_name, _ in place_problems(category, district):
        if field_name == "category":
            return RowNote(record.line, UNKNOWN_CATEGORY, {"category": category[: limits.MAX_EN]})
        return RowNote(record.line, UNKNOWN_DISTRICT, {"district": district[: limits.MAX_EN]})
    row = Row(
        line=record.line, zh=zh, en=en, category=category, district=district, code=tidy(record.code),
        variants=variants, notes=tidy(record.notes),
        sources=tuple(dict.fromkeys(tidy(source) for source in record.sources if tidy(source))),
    )  # fmt: skip
    return _over_bounds(row, record.line) or row


def _over_bounds(row: Row, line: int) -> RowNote | None:
    """The note for a row (or a merge of rows) that carries more than one term may."""
    for field_name, value, limit in (("code", row.code, limits.MAX_CODE), ("notes", row.notes, limits.MAX_NOTES),
                                     *(("source", source, limits.MAX_SOURCE) for source in row.sources)):  # fmt: skip
        if len(value) > limit:
            return RowNote(line, FIELD_TOO_LONG, {"field": field_name})
    if len(row.sources) > limits.MAX_SOURCES:
        return RowNote(line, TOO_MANY_SOURCES, {"most": limits.MAX_SOURCES})
    if len(row.variants) > limits.MAX_VARIANTS:
        return RowNote(line, BAD_VARIANT, {"code": "too_many"})
    return None


def merged(first: Row, later: Row) -> Row:
    """The same place listed twice (美麗島 on the Red and the Orange line): one term, both codes."""

    def joined(a: str, b: str, separator: str) -> str:
        parts = [part for part in (a, b) if part]
        return separator.join(dict.fromkeys(parts))

    variants = {variant.text: variant for variant in (*first.variants, *later.variants)}
    return Row(
        line=first.line,
        zh=first.zh,
        en=first.en,
        category=first.category,
        district=first.district,
        code=joined(first.code, later.code, " "),
        variants=tuple(variants.values()),
        notes=joined(first.notes, later.notes, " | "),
        sources=tuple(dict.fromkeys((*first.sources, *later.sources))),
    )
