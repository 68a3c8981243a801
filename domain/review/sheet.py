"""A score sheet in CSV: one row per score, ``entry,entry_agency,member,member_agency,criterion,score``.

This is how a secretariat checks a paper panel or recounts a published one (``civic review
tally``). Every bad line is reported, not only the first, and nothing is counted from a sheet with
any: a score from a member of the entry's own agency (迴避: the member should not have scored it),
a criterion outside the rubric, a score that is not a whole number within the criterion's range,
the same score twice, or a member's scores for an entry missing a criterion. An empty agency is
an outside member (or an entry without one) and conflicts with nobody.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from domain.review.aggregation import Score
from domain.review.errors import SheetError, SheetProblem
from domain.review.limits import MAX_CODE, MAX_SHEET_BYTES, MAX_SHEET_ROWS
from domain.review.rubric import DEFAULT_INNOVATION_RUBRIC, Rubric

COLUMNS = ("entry", "entry_agency", "member", "member_agency", "criterion", "score")
BOM = "\ufeff"

# Problem codes (``SheetProblem.code``; the words: web/review_text.py).
NOT_UTF8 = "not-utf8"  # line 0
TOO_LARGE = "too-large"  # line 0; params: bytes
TOO_MANY_ROWS = "too-many-rows"  # line 0; params: rows
NO_ROWS = "no-rows"  # line 0: a header and nothing else, or an empty file
BAD_HEADER = "bad-header"  # params: expected, found
COLUMN_COUNT = "column-count"  # params: expected, found
EMPTY_FIELD = "empty-field"  # params: column
TOO_LONG = "too-long"  # params: column, limit
CONTROL_CHARACTER = "control-character"  # params: column
FORMULA = "formula"  # params: column (a cell a spreadsheet would run)
NOT_A_WHOLE_NUMBER = "not-a-whole-number"  # params: value
OUT_OF_RANGE = "out-of-range"  # params: criterion, value, max
UNKNOWN_CRITERION = "unknown-criterion"  # params: criterion
OWN_AGENCY = "own-agency"  # params: entry, member, agency
DUPLICATE = "duplicate"  # params: entry, member, criterion, first (the line it was first given on)
MISSING_CRITERION = "missing-criterion"  # params: entry, member, missing (codes, comma-separated)
ENTRY_AGENCY_CHANGES = "entry-agency-changes"  # params: entry, agency, first (its agency before)
MEMBER_AGENCY_CHANGES = "member-agency-changes"  # params: member, agency, first

_WHOLE = re.compile(r"-?[0-9]+")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@")
_CODE_COLUMNS = ("entry", "entry_agency", "member", "member_agency", "criterion")

Pair: TypeAlias = tuple[str, str]  # (entry, member)


@dataclass(frozen=True)
class Sheet:
    scores: tuple[Score, ...]  # one per entry and member, in the order they first appear
    entry_agencies: dict[str, str]
    member_agencies: dict[str, str]
    lines: dict[Pair, int]  # the line each (entry, member) first appears on


def read_sheet(data: bytes | str, rubric: Rubric = DEFAULT_INNOVATION_RUBRIC) -> Sheet:
    """Read a sheet (bytes as UTF-8, with or without a byte-order mark) or raise ``SheetError``
    with every problem, in line order."""
    if isinstance(data, bytes):
        if len(data) > MAX_SHEET_BYTES:
            raise SheetError([SheetProblem(0, TOO_LARGE, {"bytes": str(MAX_SHEET_BYTES)})])
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SheetError([SheetProblem(0, NOT_UTF8)]) from None
    reader = csv.reader(data.removeprefix(BOM).splitlines())
    header = next(reader, None)
    if header is None:
        raise SheetError([SheetProblem(0, NO_ROWS)])
    if tuple(cell.strip() for cell in header) != COLUMNS:
        raise SheetError([SheetProblem(1, BAD_HEADER, {"expected": ",".join(COLUMNS), "found": ",".join(header)})])
    return _Reading(rubric).read(reader)


class _Rows(Protocol):
    """A ``csv.reader``: rows, and the line the last one ended on."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...
    def __next__(self) -> list[str]: ...


class _Reading:
    def __init__(self, rubric: Rubric) -> None:
        self.rubric = rubric
        self.problems: list[SheetProblem] = []
        self.criterion_scores: dict[Pair, dict[str, int]] = {}
        self.seen: dict[tuple[str, str, str], int] = {}
        self.lines: dict[Pair, int] = {}
        self.conflicts: set[Pair] = set()  # scores that should not exist: none of them is "missing"
        self.entry_agencies: dict[str, tuple[str, int]] = {}
        self.member_agencies: dict[str, tuple[str, int]] = {}

    def read(self, reader: _Rows) -> Sheet:
        rows = 0
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # a blank line (spreadsheets leave them at the end)
            rows += 1
            if rows > MAX_SHEET_ROWS:
                raise SheetError([SheetProblem(0, TOO_MANY_ROWS, {"rows": str(MAX_SHEET_ROWS)})])
            self._row(reader.line_num, row)
        if not rows:
            raise SheetError([SheetProblem(0, NO_ROWS)])
        for (entry, member), given in self.criterion_scores.items():
            missing = [code for code in self.rubric.codes if code not in given]
            if missing and (entry, member) not in self.conflicts:
                self._problem(self.lines[entry, member], MISSING_CRITERION,
                              entry=entry, member=member, missing=",".join(missing))  # fmt: skip
        if self.problems:
            raise SheetError(sorted(self.problems, key=lambda problem: problem.line))
        return Sheet(
            tuple(Score(entry, member, given) for (entry, member), given in self.criterion_scores.items()),
            {entry: agency for entry, (agency, _) in self.entry_agencies.items()},
            {member: agency for member, (agency, _) in self.member_agencies.items()},
            dict(self.lines),
        )

    def _problem(self, line: int, code: str, **params: str) -> None:
        self.problems.append(SheetProblem(line, code, params))

    def _row(self, line: int, row: list[str]) -> None:
        if len(row) != len(COLUMNS):
            self._problem(line, COLUMN_COUNT, expected=str(len(COLUMNS)), found=str(len(row)))
            return
        cells = dict(zip(COLUMNS, (cell.strip() for cell in row), strict=True))
        if not self._cells_ok(line, cells):
            return
        entry, member, code = cells["entry"], cells["member"], cells["criterion"]
        self._agency(line, self.entry_agencies, ENTRY_AGENCY_CHANGES, "entry", entry, cells["entry_agency"])
        self._agency(line, self.member_agencies, MEMBER_AGENCY_CHANGES, "member", member, cells["member_agency"])
        if cells["entry_agency"] and cells["entry_agency"] == cells["member_agency"]:
            self._problem(line, OWN_AGENCY, entry=entry, member=member, agency=cells["entry_agency"])
            self.conflicts.add((entry, member))
        self.lines.setdefault((entry, member), line)
        given = self.criterion_scores.setdefault((entry, member), {})
        if code not in self.rubric.codes:
            self._problem(line, UNKNOWN_CRITERION, criterion=code)
            return
        first = self.seen.setdefault((entry, member, code), line)
        if first != line:
            self._problem(line, DUPLICATE, entry=entry, member=member, criterion=code, first=str(first))
            return
        value = cells["score"]
        if not _WHOLE.fullmatch(value):
            self._problem(line, NOT_A_WHOLE_NUMBER, value=value)
            given[code] = 0  # present, so not also reported missing; the sheet is refused anyway
            return
        score = int(value)
        criterion = self.rubric.criterion(code)
        if not criterion.accepts(score):
            self._problem(line, OUT_OF_RANGE, criterion=code, value=value, max=str(criterion.weight))
        given[code] = score

    def _cells_ok(self, line: int, cells: dict[str, str]) -> bool:
        ok = True
        for column, value in cells.items():
            if _CONTROL.search(value):
                self._problem(line, CONTROL_CHARACTER, column=column)
                ok = False
            elif not value and column not in ("entry_agency", "member_agency"):
                self._problem(line, EMPTY_FIELD, column=column)
                ok = False
            elif column in _CODE_COLUMNS and len(value) > MAX_CODE:
                self._problem(line, TOO_LONG, column=column, limit=str(MAX_CODE))
                ok = False
            elif column in _CODE_COLUMNS and value.startswith(_FORMULA_START):
                self._problem(line, FORMULA, column=column)
                ok = False
        return ok

    def _agency(self, line: int, known: dict[str, tuple[str, int]], code: str, kind: str, name: str,
                agency: str) -> None:  # fmt: skip
        first, _ = known.setdefault(name, (agency, line))
        if first != agency:
            self._problem(line, code, **{kind: name, "agency": agency, "first": first})
