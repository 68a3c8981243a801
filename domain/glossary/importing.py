"""Reading a glossary file into rows to import, and a report of every row left out and why.

CSV has the columns ``zh,en`` and optionally ``category,district,code,en_alt,notes,source``. Staff
say which of ``en`` and ``en_alt`` holds the approved form; the other is kept as a variant of its
kind (in the shared district file ``en`` is the national Hanyu form, ``en_alt`` the Tongyong form
on Kaohsiung's own signs). A row without ``en_alt`` uses ``en``. JSON and TBX files are this
glossary's own exports (see exporting.py) and read back the same way.

A file whose structure is wrong raises ``ImportStructureError``: nothing of it is imported.
Otherwise each row is taken, merged into an earlier row for the same place, or rejected, and
the report says which, by line number (entry number for JSON and TBX).
"""

from __future__ import annotations

import csv
import io
from uuid import UUID

from domain.glossary.errors import ImportStructureError
from domain.glossary.names import HANYU, TONGYONG, Variant, name_problems, tidy, variant_problems
from domain.romanization.romanize import suggest
from domain.romanization.syllables import fold
from domain.glossary.rows import (
    APPROVED_COLUMNS,
    BAD_VARIANT,
    COLUMNS,
    CONFLICTING_DUPLICATE,
    DUPLICATE_COLUMNS,
    EMPTY_FILE,
    FIELD_COUNT,
    MALFORMED,
    MERGED_DUPLICATE,
    MISSING_COLUMNS,
    NOT_UTF8,
    PROBLEM_CODES,
    REQUIRED,
    UNKNOWN_APPROVED_COLUMN,
    UNKNOWN_COLUMNS,
    UNKNOWN_FORMAT,
    WHITESPACE_TIDIED,
    ParsedFile,
    Record,
    RowNote,
    Row,
)
from domain.glossary.tbx import read_tbx
from domain.glossary.jsonfile import read_json

def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportStructureError(NOT_UTF8) from None


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
    parsed = ParsedFile(unit=unit, rejected=list(rejected))
    _collect(parsed, records, category_default)
    parsed.rejected.sort(key=lambda note: note.line)
    return parsed


def read_csv(text: str, approved_column: str) -> tuple[list[Record], list[RowNote]]:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ImportStructureError(EMPTY_FILE)
    try:
        lines = list(_numbered_records(text))
    except csv.Error:
        raise ImportStructureError(MALFORMED, format="csv") from None
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
    """CSV records with the line each starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    numbered = []
    start = 1
    for values in reader:
        numbered.append((start, values))
        start = reader.line_num + 1
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


def _record_from_columns(line: int, row: dict[str, str], approved_column: str) -> Record:
    zh = row["zh"]
    en, en_alt = row["en"], row.get("en_alt", "")
    if approved_column == "en_alt" and tidy(en_alt):
        approved, other, other_column = en_alt, en, "en"
    else:
        approved, other, other_column = en, en_alt, "en_alt"
    variants: tuple[Variant, ...] = ()
    if tidy(other) and tidy(other) != tidy(approved):
        variants = (Variant(tidy(other), variant_kind(tidy(other), zh, other_column)),)
    source = tidy(row.get("source", ""))
    return Record(
        line=line,
        zh=zh,
        en=approved,
        category=row.get("category", ""),
        district=row.get("district", ""),
        code=row.get("code", ""),
        variants=variants,
        notes=row.get("notes", ""),
        sources=(source,) if source else (),
    )


def variant_kind(text: str, zh: str, column: str) -> str:
    """Hanyu or Tongyong, told from the Chinese when the spelling shows it; else by column."""
    suggestion = suggest(tidy(zh))
    if fold(text) == fold(suggestion.tongyong) != fold(suggestion.hanyu):
        return TONGYONG
    if fold(text) == fold(suggestion.hanyu) != fold(suggestion.tongyong):
        return HANYU
    return HANYU if column == "en" else TONGYONG


def _collect(parsed: ParsedFile, records: list[Record], category_default: str) -> None:
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
        else:
            parsed.rows[first[row.term_id]] = merged(earlier, row)
            parsed.notices.append(RowNote(row.line, MERGED_DUPLICATE, {"first_line": earlier.line}))


def _untidy_fields(record: Record) -> list[str]:
    """Names whose whitespace was tidied (Penglai Pier-2 with its trailing space)."""
    return [name for name in ("zh", "en") if tidy(getattr(record, name)) not in ("", getattr(record, name))]


def _row(record: Record, category_default: str) -> Row | RowNote:
    zh, en = tidy(record.zh), tidy(record.en)
    problems = name_problems(zh, en) + variant_problems(record.variants)
    if problems:
        field_name, code = problems[0]
        reason = PROBLEM_CODES.get((field_name, code), BAD_VARIANT)
        return RowNote(record.line, reason, {"code": code} if reason == BAD_VARIANT else {})
    return Row(
        line=record.line,
        zh=zh,
        en=en,
        category=tidy(record.category) or tidy(category_default),
        district=tidy(record.district),
        code=tidy(record.code),
        variants=record.variants,
        notes=tidy(record.notes),
        sources=tuple(tidy(source) for source in record.sources if tidy(source)),
    )


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
