"""The counting reader (``domain/tally/reader.py``) reads a file straight into the counting
profile: it must equal ``compile_profile(parse(text))`` group for group, and take its own
fast path on the shared files (else it would be no faster)."""

from __future__ import annotations

import pytest

from domain.tally.pabulib import parse
from domain.tally.reader import _fast, counted, read_counted
from tests.unit.tally.conftest import FILES, PABULIB

HEAD = "META\nkey;value\nbudget;100\nvote_type;{kind}\nPROJECTS\nproject_id;cost;name\n1;10;a\n2;20;b\n10;30;c\nVOTES\n"


@pytest.mark.parametrize("name", FILES)
def test_every_shared_file_reads_into_the_profile_the_full_reader_compiles(name: str) -> None:
    text = (PABULIB / name).read_text(encoding="utf-8-sig")
    assert _fast(text) is not None  # no fall back to the full reader on a well-formed file
    assert read_counted(text) == counted(parse(text))


@pytest.mark.parametrize(
    ("kind", "votes"),
    [
        # spaces, empty entries, "none", a repeated project, one ballot written two ways
        ("approval", "voter_id;vote\na; 1 , 2\nb;2,1\nc;none\nd;\ne;1,,10\nf;10,10\ng;2\n"),
        ("approval", "voter_id;vote;age\r\na;1,2;3\r\nb;2;4\r\n"),  # Windows line ends
        ("approval", 'voter_id;vote\na;"1,2"\nb;2\n'),  # quoted: the full reader
        ("approval", "voter_id;vote\na;1\n\nb;2\n"),  # a blank row: the full reader
        ("cumulative", "voter_id;vote;points\na;1,2;3,4\nb;2,1;4,3\nc;1,2;3.0,4\nd;1,1;2,5\ne;2;0\nf;none;none\n"),
        ("ordinal", "voter_id;vote\na;1,2,10\nb;10,1\nc;1,2,10\nd;2,2,1\n"),
    ],
)
def test_unusual_votes_read_as_the_full_reader_reads_them(kind: str, votes: str) -> None:
    text = HEAD.format(kind=kind) + votes
    assert read_counted(text) == counted(parse(text))


@pytest.mark.parametrize(
    "votes",
    [
        "voter_id;vote\na;1\nMETA\n",  # a section after VOTES
        "voter_id;vote\na;1\na;2\n",  # a repeated voter
        "voter_id;vote\na;1;x\n",  # a row too wide
        "voter_id;vote\na;7\n",  # an unknown project
    ],
)
def test_a_malformed_vote_is_worded_by_the_full_reader(votes: str) -> None:
    text = HEAD.format(kind="approval") + votes
    assert _fast(text) is None
