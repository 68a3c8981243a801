"""A polling station's batch of paper ballots, read from its file and entered all or nothing.

The file is UTF-8 CSV with the columns ``station,id_number,birth_date,area,choices``: the station,
the voter's national ID or resident certificate number, their birth date (``YYYY-MM-DD`` or a
民國 date ``YYY/MM/DD``), the area of the ballot and the choices as station files write them
(``P1;P3`` approval and knapsack, ``P1:5;P2:5`` points, ``P3;P1;P2`` ranked in rank order).

``read_paper_file`` is pure: it checks each line alone (number and check digit, date, area,
choices against the cycle's rules for that area's ballot) and across the file (one person once).
``PaperBatch.import_batch`` then hands the lines to ``Voting.cast_paper_batch``, which checks
each person against the census and the ballot box (on the census, the right age, their own
area, no paper ballot yet, and an online one only when the cycle lets paper replace it) and
records every ballot in one save, or none. A file with any bad line is refused whole
(``PaperFileError`` names every bad line and why): a batch half entered would leave the
station's count unknowable.

What is never kept: the numbers and birth dates read here go to the keyed hashes and nowhere else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from domain.accounts import STAFF
from domain.budgeting.ballot_rules import Choices, check_choices, parse_paper_choices
from domain.budgeting.census import BadLine, parse_birth_date
from domain.budgeting.errors import BallotRuleError
from domain.budgeting.service import city_now
from domain.budgeting.spec import VOTING, CycleSpec
from domain.budgeting.voting import PaperBatchError, PaperProblem, PaperRow, Voting
from domain.eventlog import Recorded
from domain.identity import InvalidNationalIdError, normalize_national_id

COLUMNS = ("station", "id_number", "birth_date", "area", "choices")
MAX_BYTES = 16 * 1024 * 1024  # a station's day is a few thousand lines
MAX_STATION = 100
REPORTED_LINES = 1000
PROGRESS_EVERY = 100  # lines between two calls of ``progress``

# Why a line or the file is refused (web/voting_text.py words each); ``detail`` says more.
NOT_UTF8 = "not_utf8"
TOO_LARGE = "too_large"
EMPTY_FILE = "empty_file"
MISSING_COLUMNS = "missing_columns"  # detail: the columns
UNKNOWN_COLUMNS = "unknown_columns"  # detail: the columns
FIELD_COUNT = "field_count"  # detail: how many fields the line has
BAD_STATION = "bad_station"
BAD_ID_NUMBER = "bad_id_number"
BAD_DATE = "bad_date"
FUTURE_DATE = "future_date"
UNKNOWN_AREA = "unknown_area"  # detail: the area as written
DUPLICATE = "duplicate"  # detail: the line with the same person
BAD_CHOICES = "bad_choices"  # problem: the ballot rule's code, params its params
# Against the census and the box (PaperBatch):
NOT_IN_CENSUS = "not_in_census"
WRONG_BIRTH_DATE = "wrong_birth_date"
UNDER_AGE = "under_age"  # params: min_age, closing_day
UNKNOWN_DISTRICT = "unknown_district"  # the census entry's district is in no area of the cycle
AREA_NOT_ALLOWED = "area_not_allowed"  # detail: the area
PAPER_TWICE = "paper_twice"
ONLINE_EXISTS = "online_exists"


@dataclass(frozen=True)
class PaperLine:
    """A line of the file, checked: ``number`` normalized, ``choices`` as the rules store them."""

    line: int
    station: str
    number: str
    birth_date: date
    area: str
    choices: Choices


@dataclass(frozen=True)
class BadPaperLine(BadLine):
    """A bad line; for ``bad_choices`` and ``under_age`` the rule's problem code and its params."""

    rule: str = ""
    params: tuple[tuple[str, object], ...] = ()


class PaperFileError(ValueError):
    """The batch is refused whole: ``problems`` names each bad line (or the file's own fault)."""

    def __init__(self, problems: list[BadPaperLine]) -> None:
        super().__init__(", ".join(f"line {bad.line}: {bad.problem}" for bad in problems[:5]))
        self.problems = problems[:REPORTED_LINES]
        self.more = max(0, len(problems) - REPORTED_LINES)  # bad lines beyond those named


def read_paper_file(
    data: bytes, spec: CycleSpec, ballots: Mapping[str, Mapping[str, int]], today: date,
    progress: Callable[[int, int], None] | None = None,
) -> list[PaperLine]:  # fmt: skip
    """Every line of the file, checked alone and against the others; PaperFileError otherwise.

    ``ballots``: each area's ballot (code → cost), as ``Cycle.ballot`` gives it. Pure.
    ``progress(line, lines)`` is told how far the reading is, every ``PROGRESS_EVERY`` lines.
    """
    if len(data) > MAX_BYTES:
        raise PaperFileError([BadPaperLine(0, TOO_LARGE, str(MAX_BYTES))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PaperFileError([BadPaperLine(0, NOT_UTF8)]) from None
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        raise PaperFileError([BadPaperLine(1, EMPTY_FILE)])
    names = [cell.strip().lower() for cell in header]
    missing = [column for column in COLUMNS if column not in names]
    unknown = [name for name in names if name not in COLUMNS]
    if missing or unknown:
        faults = [BadPaperLine(1, MISSING_COLUMNS, ", ".join(missing))] if missing else []
        faults += [BadPaperLine(1, UNKNOWN_COLUMNS, ", ".join(unknown))] if unknown else []
        raise PaperFileError(faults)
    at = {column: names.index(column) for column in COLUMNS}
    lines: list[PaperLine] = []
    problems: list[BadPaperLine] = []
    seen: dict[str, int] = {}  # number → the line it was first on
    total = text.count("\n") + 1
    for line, cells in enumerate(rows, start=2):
        if progress is not None and line % PROGRESS_EVERY == 0:
            progress(line, total)
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != len(names):
            problems.append(BadPaperLine(line, FIELD_COUNT, str(len(cells))))
            continue
        found = _line(line, {column: cells[index] for column, index in at.items()}, spec, ballots, today)
        if isinstance(found, BadPaperLine):
            problems.append(found)
            continue
        if found.number in seen:
            problems.append(BadPaperLine(line, DUPLICATE, str(seen[found.number])))
            continue
        seen[found.number] = line
        lines.append(found)
    if progress is not None:
        progress(total, total)
    if problems:
        raise PaperFileError(problems)
    if not lines:
        raise PaperFileError([BadPaperLine(1, EMPTY_FILE)])
    return lines


def _line(
    line: int, cells: Mapping[str, str], spec: CycleSpec, ballots: Mapping[str, Mapping[str, int]], today: date
) -> PaperLine | BadPaperLine:
    station = cells["station"].strip()
    if not station or len(station) > MAX_STATION or any(ord(char) < 32 for char in station):
        return BadPaperLine(line, BAD_STATION)
    try:
        number = normalize_national_id(cells["id_number"])
    except InvalidNationalIdError:
        return BadPaperLine(line, BAD_ID_NUMBER)
    try:
        born = parse_birth_date(cells["birth_date"], today)
    except ValueError as bad:
        return BadPaperLine(line, FUTURE_DATE if str(bad) == FUTURE_DATE else BAD_DATE)
    area = cells["area"].strip()
    if spec.area(area) is None:
        return BadPaperLine(line, UNKNOWN_AREA, area[:40])
    try:
        choices = parse_paper_choices(spec.ballot.kind, cells["choices"])
        choices = check_choices(spec, area, ballots.get(area, {}), choices)
    except BallotRuleError as broken:
        return BadPaperLine(line, BAD_CHOICES, rule=broken.problem, params=tuple(broken.params.items()))
    return PaperLine(line, station, number, born, area, choices)


class PaperBatch:
    """Enters a station's file of paper ballots through ``Voting.cast_paper_batch``: all, or none."""

    def __init__(self, voting: Voting) -> None:
        self.voting = voting

    def import_batch(
        self, slug: str, data: bytes, actor: str, progress: Callable[[int, int], None] | None = None,
        now: datetime | None = None,
    ) -> Recorded:  # fmt: skip
        """Result: how many ballots were entered. ``progress(line, lines)`` while the file is read."""
        voting = self.voting
        voting.accounts.require(actor, STAFF)
        moment = now or city_now()
        cycle = voting.cycle(slug)
        cycle.require_phase(moment, "vote", VOTING)
        ballots = {area.code: cycle.ballot(area.code) for area in cycle.spec.areas}
        lines = read_paper_file(data, cycle.spec, ballots, moment.date(), progress)
        rows = [PaperRow(line.line, line.station, line.number, line.birth_date, line.area, line.choices)
                for line in lines]  # fmt: skip
        try:
            return voting.cast_paper_batch(slug, rows, actor, now=moment)
        except PaperBatchError as refused:
            raise PaperFileError([_bad_line(problem) for problem in refused.problems]) from None


# The service's refusals (VerificationError, BallotError, "<field>_<code>") as this file's codes.
_SERVICE_PROBLEMS = {
    "bad_number": BAD_ID_NUMBER, "not_in_census": NOT_IN_CENSUS, "wrong_birth_date": WRONG_BIRTH_DATE,
    "no_area": UNKNOWN_DISTRICT, "area_not_allowed": AREA_NOT_ALLOWED, "paper_twice": PAPER_TWICE,
    "online_exists": ONLINE_EXISTS, "duplicate": DUPLICATE,
}  # fmt: skip


def _bad_line(problem: PaperProblem) -> BadPaperLine:
    params = tuple(problem.params.items())
    if problem.problem == UNDER_AGE:
        return BadPaperLine(problem.line, UNDER_AGE, rule=UNDER_AGE, params=params)
    if problem.problem.startswith("station_"):
        return BadPaperLine(problem.line, BAD_STATION)
    if problem.problem in _SERVICE_PROBLEMS:
        detail = str(problem.params.get("line", problem.params.get("area", "")))
        return BadPaperLine(problem.line, _SERVICE_PROBLEMS[problem.problem], detail)
    return BadPaperLine(problem.line, BAD_CHOICES, rule=problem.problem, params=params)  # a ballot rule
