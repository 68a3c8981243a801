"""The pure reader of a station's paper-batch file, per ballot kind: what it reads, and every bad line."""

from __future__ import annotations

import re
from datetime import date

import pytest

from domain.budgeting import paper
from domain.budgeting.paper import PaperFileError, read_paper_file
from domain.budgeting.spec import CycleSpec, parse
from tests.unit.budgeting.voting_fixtures import ANN, BEN, SPEC

TODAY = date(2027, 4, 10)
BALLOTS = {"hamasen": {"H1": 2000000, "H2": 1500000, "H3": 500000}, "pier2": {"P9": 800000}}
KINDS = {
    "cumulative": 'kind = "cumulative"\npoints = 10\nmax_per_project = 6',
    "ranked": 'kind = "ranked"\nmin_choices = 1\nmax_choices = 2',
}


def spec(kind: str) -> CycleSpec:
    text = SPEC.format(kind=kind)
    if kind in KINDS:
        text = re.sub(r'kind = "\w+"\nmin_choices = 1\nmax_choices = 2', KINDS[kind], text)
    return parse(text)


def data(*lines: str) -> bytes:
    return ("\ufeffstation,id_number,birth_date,area,choices\n" + "\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("kind", "written", "read"),
    [
        ("approval", "H3;H1", {"H1": 1, "H3": 1}),  # stored in the ballot's order
        ("cumulative", "H1:4; H3:6", {"H1": 4, "H3": 6}),
        ("ranked", "H3;H1", {"H3": 1, "H1": 2}),
    ],
)
def test_each_kind_reads_its_choices(kind: str, written: str, read: dict[str, int]) -> None:
    lines = read_paper_file(data(f" 鼓山國小 ,{ANN.number.lower()},069/03/04,hamasen,{written}"), spec(kind), BALLOTS,
                            TODAY)  # fmt: skip
    assert [(line.line, line.station, line.number, line.birth_date, line.choices) for line in lines] == [
        (2, "鼓山國小", ANN.number, ANN.born, read)
    ]


def test_every_bad_line_is_named_with_why() -> None:
    with pytest.raises(PaperFileError) as refused:
        read_paper_file(
            data(
                f"鼓山國小,{ANN.number},1980-03-04,hamasen,H1",
                f",{BEN.number},1995-12-30,hamasen,H1",
                f"鼓山國小,{BEN.number},2030-01-01,hamasen,H1",
                f"鼓山國小,{BEN.number},1995-12-30,hamasen,H1:3",
                f"鼓山國小,{ANN.number},1980-03-04,hamasen,H2",
                "鼓山國小,only,three",
            ),
            spec("approval"), BALLOTS, TODAY,
        )  # fmt: skip
    assert [(bad.line, bad.problem) for bad in refused.value.problems] == [
        (3, paper.BAD_STATION), (4, paper.FUTURE_DATE), (5, paper.BAD_CHOICES), (6, paper.DUPLICATE),
        (7, paper.FIELD_COUNT),
    ]  # fmt: skip
    assert refused.value.problems[2].rule == "malformed" and refused.value.problems[3].detail == "2"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"\xff\xfe", paper.NOT_UTF8),
        (b"", paper.EMPTY_FILE),
        (b"station,id_number,area,choices,party\n", paper.MISSING_COLUMNS),
        (b"station,id_number,birth_date,area,choices\n", paper.EMPTY_FILE),
    ],
)
def test_a_file_that_is_not_a_batch(raw: bytes, problem: str) -> None:
    with pytest.raises(PaperFileError) as refused:
        read_paper_file(raw, spec("approval"), BALLOTS, TODAY)
    assert refused.value.problems[0].problem == problem
