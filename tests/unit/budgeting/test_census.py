"""Reading a census file: every entry as keyed hashes, or the whole file refused with each bad line."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.budgeting import census as census_module
from domain.budgeting.census import (
    BAD_DATE,
    BAD_ID_NUMBER,
    DUPLICATE,
    FIELD_COUNT,
    FUTURE_DATE,
    MISSING_COLUMNS,
    NOT_UTF8,
    UNKNOWN_COLUMNS,
    UNKNOWN_DISTRICT,
    CensusFileError,
    CensusKeys,
    age_on,
    parse_birth_date,
    read_census,
)

KEYS = CensusKeys(b"census-test-key-0123456789")
DISTRICTS = ("鼓山區", "鹽埕區", "前鎮區")
TODAY = date(2027, 3, 1)
# Valid numbers: a national ID, a 2021 resident certificate, an old two-letter one, more IDs.
NATIONAL, RESIDENT_NEW, RESIDENT_OLD = "A123456789", "E800000018", "AC01234567"
OTHERS = ("B287654326", "K120000006", "P222222229")


def census(*lines: str, bom: bool = False) -> bytes:
    text = "\n".join(["id_number,birth_date,district", *lines]) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


def read(data: bytes) -> list:  # type: ignore[type-arg]
    return read_census(data, KEYS, DISTRICTS, TODAY)


def problems_of(data: bytes) -> list[tuple[int, str, str]]:
    with pytest.raises(CensusFileError) as refused:
        read(data)
    return [(bad.line, bad.problem, bad.detail) for bad in refused.value.problems]


def test_every_row_becomes_two_keyed_hashes_and_a_district() -> None:
    data = census(
        f"{NATIONAL},1990-05-17,鼓山區", f"{RESIDENT_NEW},079/05/17,鹽埕區", f"{RESIDENT_OLD},2001-01-31,前鎮區",
        bom=True,
    )  # fmt: skip
    entries = read(data)

    assert [entry.district for entry in entries] == ["鼓山區", "鹽埕區", "前鎮區"]
    assert entries[0].person == KEYS.person(NATIONAL)
    assert entries[0].proof == KEYS.proof(NATIONAL, date(1990, 5, 17))
    # 民國 79 is 1990: the same person typed either way proves the same entry.
    assert entries[1].proof == KEYS.proof(RESIDENT_NEW, date(1990, 5, 17))
    stored = repr(entries)
    for secret in (NATIONAL, RESIDENT_NEW, RESIDENT_OLD, "1990", "05-17", "079/05/17", "2001"):
        assert secret not in stored
    assert read(data) == entries  # the same file twice: the same entries


def test_the_hashes_depend_on_the_key_and_on_the_birth_date() -> None:
    other = CensusKeys(b"another-key-of-the-city-0000")
    assert other.person(NATIONAL) != KEYS.person(NATIONAL)
    assert KEYS.proof(NATIONAL, date(1990, 5, 17)) != KEYS.proof(NATIONAL, date(1990, 5, 18))
    assert KEYS.person(" a123456789 ") == KEYS.person(NATIONAL)  # typed in lower case, with spaces
    assert "census-test-key" not in repr(KEYS)  # the key never lands in a log line
    with pytest.raises(ValueError):
        CensusKeys(b"short")


def test_a_file_with_bad_rows_is_refused_whole_naming_each_line() -> None:
    data = census(
        f"{NATIONAL},1990-05-17,鼓山區",  # 2: good
        "A123456788,1990-05-17,鼓山區",  # 3: check digit wrong
        f"{OTHERS[0]},1990-02-30,鼓山區",  # 4: no such day
        f"{OTHERS[1]},2030-01-01,鼓山區",  # 5: born in the future
        f"{OTHERS[2]},1980-01-01,Gushan",  # 6: not a district of the cycle
        " a123456789,1991-01-01,鹽埕區",  # 7: the number of line 2 again
        f"{RESIDENT_NEW},1990-05-17",  # 8: a field missing
        f"{RESIDENT_OLD},17/5/1990,鼓山區",  # 9: neither date format
    )
    assert problems_of(data) == [
        (3, BAD_ID_NUMBER, ""),
        (4, BAD_DATE, ""),
        (5, FUTURE_DATE, ""),
        (6, UNKNOWN_DISTRICT, "Gushan"),
        (7, DUPLICATE, "2"),
        (8, FIELD_COUNT, "2"),
        (9, BAD_DATE, ""),
    ]


def test_the_columns_must_be_the_census_columns() -> None:
    assert problems_of(b"id_number,birth_date\nA123456789,1990-05-17\n") == [(1, MISSING_COLUMNS, "district")]
    assert problems_of(b"id_number,birth_date,district,name\n") == [(1, UNKNOWN_COLUMNS, "name")]
    big5 = "id_number,birth_date,district\nA123456789,1990-05-17,鼓山區\n".encode("big5")
    assert problems_of(big5) == [(0, NOT_UTF8, "")]


def test_columns_in_another_order_and_blank_lines_are_read() -> None:
    data = f"district,id_number,birth_date\n\n鼓山區,{NATIONAL},1990-05-17\n\n".encode()
    assert read(data)[0].person == KEYS.person(NATIONAL)


@pytest.mark.parametrize(
    ("text", "born"),
    [("1990-05-17", date(1990, 5, 17)), ("79/05/17", date(1990, 5, 17)), ("079/5/7", date(1990, 5, 7)),
     ("1/01/01", date(1912, 1, 1)), ("116/02/28", date(2027, 2, 28))],
)  # fmt: skip
def test_birth_dates_western_or_minguo(text: str, born: date) -> None:
    assert parse_birth_date(text, TODAY) == born


@pytest.mark.parametrize("text", ["1899-12-31", "0/01/01", "1990/05/17", "90-05-17", "1990-5-17", "", "116/02/29"])
def test_birth_dates_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_birth_date(text, TODAY)


def test_age_on_the_closing_day() -> None:
    assert age_on(date(2011, 3, 1), date(2027, 3, 1)) == 16
    assert age_on(date(2011, 3, 2), date(2027, 3, 1)) == 15
    assert age_on(date(2008, 2, 29), date(2024, 2, 28)) == 15
    assert age_on(date(2008, 2, 29), date(2024, 2, 29)) == 16
    assert age_on(date(2007, 2, 28), date(2023, 2, 28)) == 16
    assert age_on(date(2004, 2, 29), date(2023, 2, 28)) == 18  # not a leap year: 19 only on 1 March
    assert age_on(date(2004, 2, 29), date(2023, 3, 1)) == 19


# --- the fast reader reads exactly what the careful one reads ---------------------------------

NUMBERS = st.sampled_from(
    [NATIONAL, RESIDENT_NEW, RESIDENT_OLD, *OTHERS, "a123456789", " A123456789", "A12345678", "A123456788",
     "Ａ123456789", "A１23456789", "AZ01234567", "A323456789", "I123456789", "ı123456789", "A1234567890"]
)  # fmt: skip
BIRTHS = st.sampled_from(["1990-05-17", "079/05/17", " 1990-05-17", "2030-01-01", "1990-02-30", "0/1/1", "90-05-17"])
PLACES = st.sampled_from(["鼓山區", " 鹽埕區 ", "前鎮區", "Gushan", ""])


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(NUMBERS, BIRTHS, PLACES), max_size=8),
    ending=st.sampled_from(["\n", "\r\n"]),
    quoted=st.booleans(),
    blank=st.booleans(),
)
def test_the_fast_reader_gives_what_the_careful_one_gives(
    rows: list[tuple[str, str, str]], ending: str, quoted: bool, blank: bool
) -> None:
    lines = ["id_number,birth_date,district"]
    lines += [",".join(f'"{cell}"' if quoted else cell for cell in row) for row in rows]
    if blank:
        lines.insert(len(lines) // 2 + 1, "")
    data = (ending.join(lines) + ending).encode()

    careful_rows = csv.reader(io.StringIO(data.decode(), newline=""))
    where, width = census_module._header(careful_rows)
    try:
        expected: object = census_module._careful(careful_rows, where, width, KEYS, DISTRICTS, TODAY)
    except CensusFileError as refused:
        expected = [(bad.line, bad.problem, bad.detail) for bad in refused.problems]
    try:
        got: object = census_module.scan_census(data, KEYS, DISTRICTS, TODAY).records
    except CensusFileError as refused:
        got = [(bad.line, bad.problem, bad.detail) for bad in refused.problems]
    assert got == expected
