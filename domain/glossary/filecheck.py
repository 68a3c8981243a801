"""Checking a glossary file against the approved glossary without importing it.

``civic glossary check FILE.csv`` and the first step of a web import ("check, then confirm") both
run ``check_file``: every row the import would leave out and why, every remark, and for each row
it would take every warning a proposal of that row would get (the other romanization system,
generic parts, polyphones, forbidden variants, typography, whitespace) and the approved terms it
may duplicate. Nothing is recorded. Rows the glossary already approves with the same English are
not checked again: importing them changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.glossary.checks import (
    SAME_CHINESE,
    SIMILAR_ENGLISH,
    Duplicate,
    GlossaryWarning,
    KnownNames,
    check,
    duplicates,
    similar,
)
from domain.glossary.importing import parse
from domain.glossary.rows import DIFFERS_FROM_APPROVED, WHITESPACE_TIDIED, Row, RowNote
from domain.romanization.syllables import fold

REJECTED = "rejected"  # the import would leave the row out
NOTICE = "notice"  # the import would take the row, with a remark
WARNING = "warning"  # a proposal of the row would get this warning
DUPLICATE = "duplicate"  # the row may be an approved term again


@dataclass(frozen=True)
class Finding:
    line: int
    kind: str  # REJECTED, NOTICE, WARNING or DUPLICATE
    note: RowNote | None = None
    warning: GlossaryWarning | None = None
    duplicate: Duplicate | None = None


@dataclass
class FileReport:
    unit: str  # "line" or "entry"
    checked: int = 0  # rows read from the file
    rows: int = 0  # rows the import would take (new or already approved)
    unchanged: int = 0  # of those, already approved with the same English
    findings: list[Finding] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings

    @property
    def rejected(self) -> int:
        return sum(1 for finding in self.findings if finding.kind == REJECTED)


def check_file(
    text: str, known: KnownNames, *, format: str = "csv", approved_column: str = "en", category_default: str = ""
) -> FileReport:
    """The report for a file's text (ImportStructureError for a file no import could read)."""
    parsed = parse(text, format, approved_column, category_default)
    report = FileReport(unit=parsed.unit, checked=len(parsed.rows) + len(parsed.rejected), rows=len(parsed.rows))
    report.findings += [Finding(note.line, REJECTED, note=note) for note in parsed.rejected]
    report.findings += [Finding(note.line, NOTICE, note=note) for note in parsed.notices]
    tidied = {note.line for note in parsed.notices if note.code == WHITESPACE_TIDIED}
    for row in parsed.rows:
        term_id = str(row.term_id)
        same_chinese = known.approved_for_chinese(row.zh)
        if any(other.term_id == term_id and other.en == row.en for other in same_chinese):
            report.unchanged += 1
            continue
        approved = next((other for other in same_chinese if other.term_id == term_id), None)
        if approved is not None:  # the import would leave it out, and say so
            note = RowNote(row.line, DIFFERS_FROM_APPROVED, {"approved_en": approved.en})
            report.findings.append(Finding(row.line, REJECTED, note=note))
        # The whitespace is already reported as tidied; the rest is checked on the tidied names,
        # against every approved term (the row's own one too: Qianzhen for the approved Cianjhen).
        warnings = check(row.zh, row.en, known)
        report.findings += [
            Finding(row.line, WARNING, warning=warning)
            for warning in warnings
            if not (row.line in tidied and warning.code == "stray_whitespace")
        ]
        report.findings += [Finding(row.line, DUPLICATE, duplicate=d) for d in _file_duplicates(row, known)]
    report.findings.sort(key=lambda finding: finding.line)
    return report


def _file_duplicates(row: Row, known: KnownNames) -> list[Duplicate]:
    """Duplicates worth a look in a file: the same Chinese in the same district (or city-wide),
    and similar English. The same road in another district is the same name, not a duplicate,
    and the same English for other Chinese is already a warning (english_used_elsewhere)."""
    found = []
    for duplicate in duplicates(row.zh, row.en, known, term_id=str(row.term_id)):
        if (
            duplicate.how == SAME_CHINESE
            and (not row.district or not duplicate.district or duplicate.district == row.district)
        ) or (
            duplicate.how == SIMILAR_ENGLISH and fold(duplicate.en) != fold(row.en) and similar(duplicate.en, row.en)
        ):
            found.append(duplicate)
    return found
