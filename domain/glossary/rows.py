"""Rows of glossary files: what an import reads and reports (with its codes), what an export writes.

A ``Row`` is one place as a file gives it: the readers (CSV, JSON, TBX) make rows as read, and
the import turns each into a tidied, validated row or a ``RowNote`` saying why not. The codes are
the contract with the web and the command line, which word them for people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from uuid import UUID

from domain.glossary.names import Variant, term_id_for

COLUMNS = ("zh", "en", "category", "district", "code", "en_alt", "notes", "source")
REQUIRED = ("zh", "en")
APPROVED_COLUMNS = ("en", "en_alt")

# Structure error codes (ImportStructureError.code)
NOT_UTF8 = "not_utf8"
EMPTY_FILE = "empty_file"
MISSING_COLUMNS = "missing_columns"  # params: columns
UNKNOWN_COLUMNS = "unknown_columns"  # params: columns
DUPLICATE_COLUMNS = "duplicate_columns"  # params: columns
MALFORMED = "malformed"  # params: format
MALFORMED_AT = "malformed_at"  # params: format, line (a CSV cut off inside a quote, a stray quote)
TOO_DEEP = "too_deep"  # params: depth (the most a JSON or TBX file may nest)
TOO_LARGE = "too_large"  # params: bytes (the most a file may have)
TOO_MANY_ROWS = "too_many_rows"  # params: rows (the most a file may have)
CONTROL_CHARACTER = "control_character"  # params: line, field
FORMULA = "formula"  # params: line, field (a name starting with = + - @)
UNKNOWN_FORMAT = "unknown_format"  # params: format
UNKNOWN_APPROVED_COLUMN = "unknown_approved_column"  # params: column

# Row rejection codes (RowNote.code); params in brackets
FIELD_COUNT = "field_count"  # [expected, found]
MISSING_ZH = "missing_zh"
ZH_NOT_CHINESE = "zh_not_chinese"
ZH_TOO_LONG = "zh_too_long"
MISSING_EN = "missing_en"
EN_CONTAINS_CHINESE = "en_contains_chinese"
EN_TOO_LONG = "en_too_long"
BAD_VARIANT = "bad_variant"  # [code]: unknown_kind, contains_chinese, too_long, too_many
FIELD_TOO_LONG = "field_too_long"  # [field]: code, notes, source
TOO_MANY_SOURCES = "too_many_sources"  # [most]
UNKNOWN_CATEGORY = "unknown_category"  # [category]
UNKNOWN_DISTRICT = "unknown_district"  # [district]
CONFLICTING_DUPLICATE = "conflicting_duplicate"  # [first_line, first_en]
NOT_AN_ENTRY = "not_an_entry"  # a JSON item that is no object, a TBX entry without zh or en
NOT_APPROVED = "not_approved"  # [status]: exports carry retired terms too; they are not imported
# ... and, decided by the service against the glossary:
DIFFERS_FROM_APPROVED = "differs_from_approved"  # [approved_en]
PENDING_REVIEW = "pending_review"  # [status]
RETIRED = "retired"  # [status]: rejected, deprecated or superseded

# Notices: rows taken, with something to say
MERGED_DUPLICATE = "merged_duplicate"  # [first_line]
WHITESPACE_TIDIED = "whitespace_tidied"  # [field]

PROBLEM_CODES = {
    ("zh", "missing"): MISSING_ZH,
    ("zh", "not_chinese"): ZH_NOT_CHINESE,
    ("zh", "too_long"): ZH_TOO_LONG,
    ("en", "missing"): MISSING_EN,
    ("en", "contains_chinese"): EN_CONTAINS_CHINESE,
    ("en", "too_long"): EN_TOO_LONG,
}


@dataclass(frozen=True)
class Row:
    """One place in a file: as read (then any text may be untidy or invalid), or as validated
    and tidied for import (approved as ``en``). ``line`` is the CSV line or the entry number."""

    line: int
    zh: str
    en: str
    category: str = ""
    district: str = ""
    code: str = ""
    variants: tuple[Variant, ...] = ()
    notes: str = ""
    sources: tuple[str, ...] = ()

    @cached_property
    def term_id(self) -> UUID:
        return term_id_for(self.zh, self.category, self.district)


@dataclass(frozen=True)
class RowNote:
    """A row left out (a rejection) or taken with a remark (a notice), by line and code."""

    line: int
    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class ParsedFile:
    unit: str  # "line" (CSV) or "entry" (JSON, TBX): what Row.line counts
    rows: list[Row] = field(default_factory=list)
    rejected: list[RowNote] = field(default_factory=list)
    notices: list[RowNote] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """One term as exported: everything needed to import it again."""

    id: str
    zh: str
    en: str
    status: str
    category: str = ""
    district: str = ""
    code: str = ""
    variants: tuple[Variant, ...] = ()
    notes: str = ""
    sources: tuple[str, ...] = ()
    meeting_id: str = ""  # the meeting whose decision approved the current English
    decision_number: int = 0
    superseded_by: str = ""


@dataclass(frozen=True)
class ImportReport:
    """What an import did: counts, every row left out, every row taken with a remark."""

    unit: str  # "line" or "entry"
    imported: int
    unchanged: int  # already approved with the same English: re-importing changes nothing
    rejected: tuple[RowNote, ...]
    notices: tuple[RowNote, ...]
    meeting_id: UUID | None = None  # the "initial list" meeting, when anything was imported
    decision_number: int = 0
