"""The census of a cycle: who may vote, read from the city's file and kept only as keyed hashes.

A census file is UTF-8 CSV (with or without a byte-order mark) with the columns
``id_number,birth_date,district``: a Taiwan national ID or resident certificate number (checked
with its check digit, see domain/identity.py), a birth date as ``YYYY-MM-DD`` or as a 民國 date
``YYY/MM/DD``, and the district of residence.

Nothing of a row is kept in the clear. Each entry is two keyed hashes and a district:

- ``person``: the HMAC of the number alone. It names the entry: one entry binds to one account,
  failed attempts are counted per entry, and a ballot's identity derives from it.
- ``proof``: the HMAC of the number and the birth date. A resident proves they are the entry by
  typing both; the birth date they typed then gives their age on the closing day, so the census
  needs no age, and the birth date is never stored.

A file with any bad row is refused whole, with every bad line and why (``CensusFileError``): a
census half imported would turn away the residents on the lines after the first mistake.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date

from domain.identity import InvalidNationalIdError, normalize_national_id

COLUMNS = ("id_number", "birth_date", "district")
MAX_BYTES = 256 * 1024 * 1024  # 2.7 million rows of Kaohsiung are about 90 MB
MIN_KEY_BYTES = 16
EARLIEST_BIRTH = date(1900, 1, 1)
REPORTED_LINES = 1000  # a report naming more lines than this says how many more there are

# Why a line or a file is refused; the web and the command line word each code.
NOT_UTF8 = "not_utf8"
TOO_LARGE = "too_large"
EMPTY_FILE = "empty_file"
MISSING_COLUMNS = "missing_columns"
UNKNOWN_COLUMNS = "unknown_columns"
FIELD_COUNT = "field_count"
BAD_ID_NUMBER = "bad_id_number"
BAD_DATE = "bad_date"
FUTURE_DATE = "future_date"
UNKNOWN_DISTRICT = "unknown_district"
DUPLICATE = "duplicate"

_WESTERN = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MINGUO = re.compile(r"^(\d{1,3})/(\d{1,2})/(\d{1,2})$")
_MINGUO_OFFSET = 1911  # 民國 1 is 1912


@dataclass(frozen=True)
class CensusEntry:
    person: str  # HMAC of the number
    proof: str  # HMAC of the number and the birth date
    district: str


@dataclass(frozen=True)
class BadLine:
    line: int  # the line of the file, counting the header as line 1
    problem: str
    detail: str = ""  # the column, the district as written, or the line it duplicates


class CensusFileError(ValueError):
    """The file is refused whole: ``problems`` names each bad line (or the file's own fault)."""

    def __init__(self, problems: list[BadLine], more: int = 0) -> None:
        super().__init__(", ".join(f"line {bad.line}: {bad.problem}" for bad in problems[:5]))
        self.problems = problems
        self.more = more  # bad lines beyond those named


@dataclass(frozen=True)
class CensusKeys:
    """The secret the census hashes are made with (``CIVIC_ID_HASH_KEY``)."""

    key: bytes = field(repr=False)
    _keyed: hmac.HMAC = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.key) < MIN_KEY_BYTES:
            raise ValueError(f"the ID hash key must be at least {MIN_KEY_BYTES} bytes")
        # Keyed once: copying a keyed HMAC is half the cost of keying one per row.
        object.__setattr__(self, "_keyed", hmac.new(self.key, digestmod=hashlib.sha256))

    def person(self, id_number: str) -> str:
        """Raises InvalidNationalIdError for a number that is not well formed."""
        return self.person_of_checked(normalize_national_id(id_number))

    def proof(self, id_number: str, birth_date: date) -> str:
        return self.proof_of_checked(normalize_national_id(id_number), birth_date)

    # The file reader has checked each number already; checking it twice would cost a second of
    # a 2.7-million-row census.
    def person_of_checked(self, number: str) -> str:
        return self._digest(b"person\0" + number.encode())

    def proof_of_checked(self, number: str, birth_date: date) -> str:
        return self._digest(b"proof\0" + number.encode() + b"\0" + birth_date.isoformat().encode())

    def _digest(self, message: bytes) -> str:
        mac = self._keyed.copy()
        mac.update(message)
        return mac.hexdigest()


def parse_birth_date(text: str, today: date) -> date:
    """``YYYY-MM-DD`` or 民國 ``YYY/MM/DD``; ValueError for anything else or a date out of range."""
    text = text.strip()
    western = _WESTERN.match(text)
    minguo = None if western else _MINGUO.match(text)
    if western:
        year, month, day = (int(part) for part in western.groups())
    elif minguo:
        year, month, day = (int(part) for part in minguo.groups())
        if year < 1:
            raise ValueError(BAD_DATE)  # there is no 民國 0
        year += _MINGUO_OFFSET
    else:
        raise ValueError(BAD_DATE)
    born = date(year, month, day)  # ValueError for 2023-02-30
    if born < EARLIEST_BIRTH:
        raise ValueError(BAD_DATE)
    if born > today:
        raise ValueError(FUTURE_DATE)
    return born


def age_on(born: date, day: date) -> int:
    """Whole years on ``day``; someone born on 29 February turns a year older on 1 March."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def read_census(data: bytes, keys: CensusKeys, districts: Collection[str], today: date) -> list[CensusEntry]:
    """Every entry of the file, or CensusFileError naming each bad line. Pure: records nothing."""
    if len(data) > MAX_BYTES:
        raise CensusFileError([BadLine(0, TOO_LARGE, str(MAX_BYTES))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CensusFileError([BadLine(0, NOT_UTF8)]) from None
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        raise CensusFileError([BadLine(1, EMPTY_FILE)])
    names = [cell.strip().lower() for cell in header]
    missing = [column for column in COLUMNS if column not in names]
    unknown = [name for name in names if name not in COLUMNS]
    if missing or unknown:
        problems = [BadLine(1, MISSING_COLUMNS, ", ".join(missing))] if missing else []
        problems += [BadLine(1, UNKNOWN_COLUMNS, ", ".join(unknown))] if unknown else []
        raise CensusFileError(problems)
    where = (names.index("id_number"), names.index("birth_date"), names.index("district"))
    return _entries(rows, where, len(names), keys, frozenset(districts), today)


def _entries(
    rows: Iterator[list[str]], where: tuple[int, int, int], width: int, keys: CensusKeys,
    districts: frozenset[str], today: date,
) -> list[CensusEntry]:  # fmt: skip
    entries: list[CensusEntry] = []
    problems: list[BadLine] = []
    first_line: dict[str, int] = {}  # person -> the line it was first seen on
    bad = 0
    at_id, at_birth, at_district = where
    for line, cells in enumerate(rows, start=2):
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line (many exports end with one)
        try:
            if len(cells) != width:
                raise _Bad(FIELD_COUNT, str(len(cells)))
            number, born, district = _fields(cells[at_id], cells[at_birth], cells[at_district], districts, today)
            person = keys.person_of_checked(number)
            if person in first_line:
                raise _Bad(DUPLICATE, str(first_line[person]))
        except _Bad as refused:
            bad += 1
            if len(problems) < REPORTED_LINES:
                problems.append(BadLine(line, refused.problem, refused.detail))
            continue
        first_line[person] = line
        entries.append(CensusEntry(person, keys.proof_of_checked(number, born), district))
    if problems:
        raise CensusFileError(problems, more=bad - len(problems))
    return entries


class _Bad(Exception):
    def __init__(self, problem: str, detail: str = "") -> None:
        self.problem, self.detail = problem, detail


def _fields(number: str, birth: str, district: str, districts: frozenset[str], today: date) -> tuple[str, date, str]:
    try:
        number = normalize_national_id(number)
    except InvalidNationalIdError:
        raise _Bad(BAD_ID_NUMBER) from None
    try:
        born = parse_birth_date(birth, today)
    except ValueError as error:
        raise _Bad(FUTURE_DATE if str(error) == FUTURE_DATE else BAD_DATE) from None
    district = district.strip()
    if district not in districts:
        raise _Bad(UNKNOWN_DISTRICT, district[:40])
    return number, born, district
