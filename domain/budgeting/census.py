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

import base64
import csv
import hashlib
import io
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from operator import itemgetter
from typing import Any

from domain.identity import LETTER_VALUES, InvalidNationalIdError, normalize_national_id

COLUMNS = ("id_number", "birth_date", "district")
MAX_BYTES = 256 * 1024 * 1024  # 2.7 million rows of Kaohsiung are about 90 MB
MIN_KEY_BYTES = 16
DIGEST_BYTES = 16  # 128 bits of each HMAC-SHA256 (see CensusKeys)
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
    """The secret the census hashes are made with (``CIVIC_ID_HASH_KEY``).

    Each hash is HMAC-SHA256 cut to its first 128 bits (``DIGEST_BYTES``), written as 32 hex
    digits: a census of millions holds no two alike by chance (that takes about 2^64 entries),
    and the census takes half the room in the log and in the read model.
    """

    key: bytes = field(repr=False)
    _inner: Any = field(init=False, repr=False, compare=False)
    _outer: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.key) < MIN_KEY_BYTES:
            raise ValueError(f"the ID hash key must be at least {MIN_KEY_BYTES} bytes")
        # HMAC (RFC 2104) keyed once: each hash then copies the two padded states, which costs
        # half of what copying a keyed hmac.HMAC does (its Python wrapper) and a third of the
        # one-shot hmac.digest (which keys afresh every call). Same digest as hmac.new.
        block = (hashlib.sha256(self.key).digest() if len(self.key) > 64 else self.key).ljust(64, b"\0")
        object.__setattr__(self, "_inner", hashlib.sha256(bytes(byte ^ 0x36 for byte in block)))
        object.__setattr__(self, "_outer", hashlib.sha256(bytes(byte ^ 0x5C for byte in block)))

    def person(self, id_number: str) -> str:
        """Raises InvalidNationalIdError for a number that is not well formed."""
        return self.person_of_checked(normalize_national_id(id_number))

    def proof(self, id_number: str, birth_date: date) -> str:
        return self.proof_of_checked(normalize_national_id(id_number), birth_date)

    # The file reader has checked each number already; checking it twice would cost a second of
    # a 2.7-million-row census.
    def person_of_checked(self, number: str) -> str:
        return self.digest(b"person\0" + number.encode()).hex()

    def proof_of_checked(self, number: str, birth_date: date) -> str:
        return self.digest(b"proof\0" + number.encode() + b"\0" + birth_date.isoformat().encode()).hex()

    def digest(self, message: bytes) -> bytes:
        """The first ``DIGEST_BYTES`` of HMAC-SHA256(key, message)."""
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        digest: bytes = outer.digest()
        return digest[:DIGEST_BYTES]


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


@dataclass(frozen=True)
class CensusScan:
    """A whole census file, read and checked: each entry packed as ``RECORD_BYTES`` bytes.

    A record is the person's digest, the proof's digest and the index of its district in
    ``districts`` (one byte). Packed records, not an object per entry: 2.7 million entries fit in
    about 90 MB and go into the log in chunks as they are (``pack``), in file order here.
    """

    districts: tuple[str, ...]
    records: list[bytes]
    counts: dict[str, int]  # entries per district, every district of the cycle (0: none)
    rows: int  # lines of the file read, the header included

    def entries(self) -> list[CensusEntry]:
        return [CensusEntry(*unpack_record(record, self.districts)) for record in self.records]


RECORD_BYTES = 2 * DIGEST_BYTES + 1
MAX_DISTRICTS = 255  # a district is one byte of its record
PROGRESS_EVERY = 50_000  # lines between two calls of ``progress``


def unpack_record(record: bytes, districts: tuple[str, ...]) -> tuple[str, str, str]:
    return record[:DIGEST_BYTES].hex(), record[DIGEST_BYTES : 2 * DIGEST_BYTES].hex(), districts[record[-1]]


def pack(records: list[bytes]) -> str:
    """Records as one compact string (base64) for a chunk event: 44 characters an entry."""
    return base64.b64encode(b"".join(records)).decode("ascii")


def unpack(text: str, districts: tuple[str, ...]) -> Iterator[tuple[str, str, str]]:
    """Each (person, proof, district) of a chunk that ``pack`` made, in its order."""
    persons, proofs, places = unpack_columns(text, districts)
    return zip(persons, proofs, places, strict=True)


def unpack_columns(text: str, districts: tuple[str, ...]) -> tuple[list[str], list[str], list[str]]:
    """A chunk's persons, proofs and districts, as three lists: what the read model inserts.

    One hex conversion for the whole chunk, then list comprehensions of slices: a tenth of the
    cost of a generator yielding each entry.
    """
    raw = base64.b64decode(text)
    written = raw.hex()
    step, half = 2 * RECORD_BYTES, 2 * DIGEST_BYTES
    starts = range(0, len(written), step)
    persons = [written[start : start + half] for start in starts]
    proofs = [written[start + half : start + 2 * half] for start in starts]
    places = [districts[index] for index in raw[RECORD_BYTES - 1 :: RECORD_BYTES]]
    return persons, proofs, places


def read_census(data: bytes, keys: CensusKeys, districts: Collection[str], today: date) -> list[CensusEntry]:
    """Every entry of the file, or CensusFileError naming each bad line. Pure: records nothing."""
    return scan_census(data, keys, districts, today).entries()


def scan_census(
    data: bytes, keys: CensusKeys, districts: Collection[str], today: date,
    progress: Callable[[int, int], None] | None = None,
) -> CensusScan:  # fmt: skip
    """The file checked and hashed, or CensusFileError naming each bad line. Pure: records nothing.

    ``progress(line, lines)`` is told how far the reading is, every ``PROGRESS_EVERY`` lines.
    """
    if len(data) > MAX_BYTES:
        raise CensusFileError([BadLine(0, TOO_LARGE, str(MAX_BYTES))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CensusFileError([BadLine(0, NOT_UTF8)]) from None
    table = tuple(dict.fromkeys(districts))  # in the order the cycle lists them
    if len(table) > MAX_DISTRICTS:
        raise ValueError(f"a census has at most {MAX_DISTRICTS} districts")
    lines = text.count("\n") + 1

    def rows(split: bool) -> tuple[Iterator[list[str]], tuple[int, int, int], int]:
        reader = _split(text) if split else csv.reader(io.StringIO(text, newline=""))
        return reader, *_header(reader)

    reader, where, width = rows(split=_plain(text))
    try:
        records = _fast(reader, where, width, keys, table, today, progress, lines)
    except _Unsure:
        # Something in the file is not as the fast reader expects (a bad line, a number typed
        # with spaces or full-width digits, a duplicate): read it again the careful way, which
        # gives the same entries for a good file and names every bad line of a bad one.
        reader, where, width = rows(split=False)
        records = _careful(reader, where, width, keys, table, today)
    counts = dict.fromkeys(table, 0)
    for index, count in enumerate(_count_by_district(records, len(table))):
        counts[table[index]] = count
    return CensusScan(table, records, counts, lines)


def _plain(text: str) -> bool:
    """No quote and no line ending but \n or \r\n: the CSV reader's rows are the text split."""
    return '"' not in text and text.count("\r") == text.count("\r\n")


def _split(text: str) -> Iterator[list[str]]:
    """The rows csv.reader gives for a ``_plain`` text, at a tenth of its cost: lines split at commas.

    Without quotes a field cannot hold a comma or a line break, so each line is a row and each
    comma ends a field; an empty line is the empty row, and the text's last line break ends the
    last line (it starts none).
    """
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and not lines[-1]:
        lines.pop()
    return (line.split(",") if line else [] for line in lines)


def _header(rows: Iterator[list[str]]) -> tuple[tuple[int, int, int], int]:
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
    return (names.index("id_number"), names.index("birth_date"), names.index("district")), len(names)


def _count_by_district(records: list[bytes], size: int) -> list[int]:
    counts = [0] * size
    for index in bytes(record[-1] for record in records):
        counts[index] += 1
    return counts


class _Unsure(Exception):
    """The fast reader met something only the careful one decides."""


@cache
def _id_tables() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """The check-digit sum of a number, in three lookups: its first two characters, then 4 + 4 digits.

    The same rule as domain/identity.py (letter value split in two digits, weights 1 9 8 7 6 5 4
    3 2 1 1, sum divisible by 10), table by table: a key missing from a table is a number the fast
    reader leaves to the careful one.
    """
    heads = {}
    for letter, value in LETTER_VALUES.items():
        start = value // 10 + (value % 10) * 9
        for second in "1289":
            heads[letter + second] = (start + int(second) * 8) % 10
        for second in "ABCD":
            heads[letter + second] = (start + (LETTER_VALUES[second] % 10) * 8) % 10
    middle, tail = {}, {}
    for number in range(10_000):
        digits = f"{number:04d}"
        a, b, c, d = (int(digit) for digit in digits)
        middle[digits] = (a * 7 + b * 6 + c * 5 + d * 4) % 10
        tail[digits] = (a * 3 + b * 2 + c + d) % 10
    return heads, middle, tail


def _fast(
    rows: Iterator[list[str]], where: tuple[int, int, int], width: int, keys: CensusKeys,
    districts: tuple[str, ...], today: date, progress: Callable[[int, int], None] | None, lines: int,
) -> list[bytes]:  # fmt: skip
    """Every record of a good file, at a few microseconds a line; ``_Unsure`` at anything unusual.

    Per line: three lookups check the number, a cache turns the birth date and the district into
    bytes (a census has some 40,000 distinct birth dates and 38 districts), and two HMACs copy
    keyed states. No object is made per line but the record.
    """
    pick = itemgetter(*where)  # the three cells, in one call
    heads, middle, tail = _id_tables()
    births: dict[str, bytes] = {}  # as written → b"\0" + ISO date
    places: dict[str, bytes] = {}  # as written → its index byte
    inner, outer = keys._inner.copy, keys._outer.copy
    records: list[bytes] = []
    append = records.append
    line = 1
    for line, cells in enumerate(rows, start=2):
        if len(cells) != width:
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            raise _Unsure
        number, written_birth, written_district = pick(cells)
        number = number.upper()
        try:
            if (heads[number[:2]] + middle[number[2:6]] + tail[number[6:]]) % 10:
                raise _Unsure
        except KeyError:
            raise _Unsure from None
        born = births.get(written_birth)
        if born is None:
            try:
                born = births[written_birth] = b"\0" + parse_birth_date(written_birth, today).isoformat().encode()
            except ValueError:
                raise _Unsure from None
        place = places.get(written_district)
        if place is None:
            if written_district.strip() not in districts:
                raise _Unsure
            place = places[written_district] = bytes((districts.index(written_district.strip()),))
        encoded = number.encode()
        mac = inner()
        mac.update(b"person\0" + encoded)
        person = outer()
        person.update(mac.digest())
        mac = inner()
        mac.update(b"proof\0" + encoded + born)
        proof = outer()
        proof.update(mac.digest())
        append(person.digest()[:DIGEST_BYTES] + proof.digest()[:DIGEST_BYTES] + place)
        if not line % PROGRESS_EVERY and progress is not None:
            progress(line, lines)
    if len(set(map(_PERSON, records))) != len(records):
        raise _Unsure  # a number twice: the careful reader names both lines
    if progress is not None:
        progress(line, lines)
    return records


_PERSON = itemgetter(slice(0, DIGEST_BYTES))


def _careful(
    rows: Iterator[list[str]], where: tuple[int, int, int], width: int, keys: CensusKeys,
    districts: tuple[str, ...], today: date,
) -> list[bytes]:  # fmt: skip
    records: list[bytes] = []
    problems: list[BadLine] = []
    first_line: dict[bytes, int] = {}  # person -> the line it was first seen on
    bad = 0
    at_id, at_birth, at_district = where
    for line, cells in enumerate(rows, start=2):
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue  # a blank line (many exports end with one)
        try:
            if len(cells) != width:
                raise _Bad(FIELD_COUNT, str(len(cells)))
            number, born, district = _fields(cells[at_id], cells[at_birth], cells[at_district], districts, today)
            person = keys.digest(b"person\0" + number.encode())
            if person in first_line:
                raise _Bad(DUPLICATE, str(first_line[person]))
        except _Bad as refused:
            bad += 1
            if len(problems) < REPORTED_LINES:
                problems.append(BadLine(line, refused.problem, refused.detail))
            continue
        first_line[person] = line
        proof = keys.digest(b"proof\0" + number.encode() + b"\0" + born.isoformat().encode())
        records.append(person + proof + bytes((districts.index(district),)))
    if problems:
        raise CensusFileError(problems, more=bad - len(problems))
    return records


class _Bad(Exception):
    def __init__(self, problem: str, detail: str = "") -> None:
        self.problem, self.detail = problem, detail


def _fields(number: str, birth: str, district: str, districts: Collection[str], today: date) -> tuple[str, date, str]:
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
