"""Census files for tests and the benchmark: deterministic, every number with a valid check digit."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta

from domain.identity import LETTER_VALUES

HEADER = "id_number,birth_date,district"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
_EPOCH = date(1930, 1, 1)
_WEIGHTS = (7, 6, 5, 4, 3, 2, 1)


def id_number(n: int) -> str:
    """The ``n``-th of 520 million distinct valid national ID numbers."""
    letter, second, serial = _LETTERS[n % 26], "12"[(n // 26) % 2], f"{(n // 52) % 10_000_000:07d}"
    value = LETTER_VALUES[letter]
    total = value // 10 + (value % 10) * 9 + int(second) * 8
    total += sum(int(digit) * weight for digit, weight in zip(serial, _WEIGHTS, strict=True))
    return f"{letter}{second}{serial}{-total % 10}"


def birth_date(n: int) -> date:
    return _EPOCH + timedelta(days=(n * 7919) % 29_000)  # 1930 to 2009


def census_lines(rows: int, districts: Sequence[str], start: int = 0) -> Iterator[str]:
    """CSV lines (no header): every fifth birth date as a 民國 date, the others western."""
    for n in range(start, start + rows):
        born = birth_date(n)
        written = f"{born.year - 1911:03d}/{born.month:02d}/{born.day:02d}" if n % 5 == 0 else born.isoformat()
        yield f"{id_number(n)},{written},{districts[n % len(districts)]}"


def census_file(rows: int, districts: Sequence[str], start: int = 0) -> bytes:
    return ("\n".join([HEADER, *census_lines(rows, districts, start)]) + "\n").encode()
