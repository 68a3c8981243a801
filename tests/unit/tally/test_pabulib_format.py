"""Reading and writing Pabulib ``.pb`` files: the whole format, round trips, and the errors a
malformed file gets (a line number and a problem, never a traceback)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from domain.tally import (
    ApprovalBallot,
    BallotRules,
    CumulativeBallot,
    Election,
    OrdinalBallot,
    PabulibFormatError,
    Problem,
    Project,
    Voter,
    VoteType,
)
from domain.tally.ballots import Violation
from domain.tally.pabulib import format_amount, parse, write
from domain.tally.reader import read_counted
from tests.unit.tally.conftest import FILES, PABULIB, election

SMALL = """META
key;value
description;"A ""small"" test; with a semicolon"
num_projects;3
num_votes;3
budget;969245.38
vote_type;approval
max_length;2
PROJECTS
project_id;cost;name;category
1;500000,5;Park;green
2;300000;"Bike lane; north";transport
3;0;Free concert;culture
VOTES
voter_id;vote;age
a;1,2;31
b;2;None
c;;45
"""


def test_a_small_file_reads_into_the_election_it_describes() -> None:
    small = parse(SMALL)
    assert small.budget == Fraction("969245.38")
    assert small.vote_type is VoteType.APPROVAL
    assert small.rules == BallotRules(max_length=2)
    assert [(p.id, p.cost, p.name) for p in small.projects] == [
        ("1", Fraction("500000.5"), "Park"),
        ("2", Fraction(300000), "Bike lane; north"),
        ("3", Fraction(0), "Free concert"),
    ]
    assert small.projects[0].fields == (("category", "green"),)
    assert [v.ballot for v in small.voters] == [
        ApprovalBallot(frozenset({"1", "2"})),
        ApprovalBallot(frozenset({"2"})),
        ApprovalBallot(frozenset()),
    ]
    assert small.voters[1].fields == (("age", "None"),)
    assert dict(small.meta)["description"] == 'A "small" test; with a semicolon'


def test_writing_quotes_what_needs_quoting_and_reads_back_the_same() -> None:
    small = parse(SMALL)
    text = write(small)
    assert '"Bike lane; north"' in text
    assert '"A ""small"" test; with a semicolon"' in text
    assert parse(text) == small


@pytest.mark.parametrize("name", FILES)
def test_every_shared_file_survives_a_round_trip(name: str) -> None:
    original = election(name)
    assert parse(write(original)) == original


def test_a_file_with_a_byte_order_mark_and_windows_line_ends_reads_the_same() -> None:
    assert parse("\ufeff" + SMALL.replace("\n", "\r\n")) == parse(SMALL)


def test_a_line_break_inside_quotes_is_part_of_the_field() -> None:
    text = SMALL.replace('"Bike lane; north"', '"Bike lane\nnorth"')
    small = parse(text)
    assert small.projects[1].name == "Bike lane\nnorth"
    assert parse(write(small)) == small


@pytest.mark.parametrize(
    ("vote_type", "votes", "ballot"),
    [
        ("choose-1", "1", ApprovalBallot(frozenset({"1"}))),
        ("ordinal", "2,1,2", OrdinalBallot(("2", "1"))),  # a repeat keeps its first place
        ("cumulative", "1,2,1;3,4,5", CumulativeBallot((("2", Fraction(4)), ("1", Fraction(5))))),  # last value
        ("scoring", "1,2;0.5,2", CumulativeBallot((("1", Fraction(1, 2)), ("2", Fraction(2))))),
    ],
)
def test_every_vote_type_reads_and_writes(vote_type: str, votes: str, ballot: object) -> None:
    points = vote_type in ("cumulative", "scoring")
    text = (
        f"META\nkey;value\nbudget;10\nvote_type;{vote_type}\nPROJECTS\nproject_id;cost\n1;4\n2;6\n"
        f"VOTES\nvoter_id;vote{';points' if points else ''}\nv1;{votes}\n"
    )
    read = parse(text)
    assert read.voters[0].ballot == ballot
    assert parse(write(read)) == read


def test_an_election_built_in_code_is_written_with_the_keys_a_reader_needs() -> None:
    built = Election(
        Fraction(100),
        VoteType.CUMULATIVE,
        (Project("a", Fraction(60)), Project("b", Fraction(40))),
        (Voter("1", CumulativeBallot((("a", Fraction(3)),))),),
        BallotRules(max_sum_points=Fraction(10)),
    )
    text = write(built)
    assert "num_votes;1" in text and "vote_type;cumulative" in text and "max_sum_points;10" in text
    again = parse(text)
    assert (again.budget, again.projects, again.voters, again.rules) == (
        built.budget,
        built.projects,
        built.voters,
        built.rules,
    )


def test_amounts_are_written_exactly() -> None:
    assert format_amount(Fraction("969245.38")) == "969245.38"
    assert format_amount(Fraction(400000)) == "400000"
    with pytest.raises(ValueError):
        format_amount(Fraction(1, 3))


def _broken(old: str, new: str) -> str:
    assert old in SMALL
    return SMALL.replace(old, new)


@pytest.mark.parametrize(
    ("text", "line", "problem", "details"),
    [
        ("hello\n" + SMALL, 1, Problem.NO_META, {"section": "META"}),
        (_broken("PROJECTS\n", "VOTES\n"), 9, Problem.SECTION_ORDER, {"section": "VOTES"}),
        (SMALL[: SMALL.index("VOTES")], 13, Problem.MISSING_SECTION, {"section": "VOTES"}),
        (
            _broken("1;500000,5;Park;green", "1;500000,5;Park"),
            11,
            Problem.COLUMN_COUNT,
            {"found": "3", "expected": "4"},
        ),
        (_broken("2;300000;", "2;abc;"), 12, Problem.NOT_A_NUMBER, {"field": "cost", "value": "abc"}),
        (_broken("2;300000;", "2;-5;"), 12, Problem.NEGATIVE, {"field": "cost", "value": "-5"}),
        (_broken("a;1,2;31", "a;1,7;31"), 16, Problem.UNKNOWN_PROJECT, {"project": "7"}),
        (_broken("budget;969245.38\n", ""), 1, Problem.MISSING_META, {"key": "budget"}),
        (_broken("vote_type;approval", "vote_type;lottery"), 7, Problem.UNKNOWN_VOTE_TYPE, {"value": "lottery"}),
        (_broken("project_id;cost;", "project;cost;"), 10, Problem.MISSING_COLUMN, {"column": "project_id"}),
        (_broken("3;0;Free", "2;0;Free"), 13, Problem.DUPLICATE_PROJECT, {"project": "2"}),
        (_broken("b;2;None", "a;2;None"), 17, Problem.DUPLICATE_VOTER, {"voter": "a"}),
        (
            _broken("num_votes;3", "num_votes;4"),
            5,
            Problem.COUNT_MISMATCH,
            {"key": "num_votes", "stated": "4", "found": "3"},
        ),
        (
            _broken("max_length;2", "max_length;two"),
            8,
            Problem.NOT_A_WHOLE_NUMBER,
            {"field": "max_length", "value": "two"},
        ),
        (_broken("max_length;2", "max_length;2;3"), 8, Problem.COLUMN_COUNT, {"found": "3", "expected": "2"}),
        (_broken("num_votes;3", "budget;1"), 6, Problem.DUPLICATE_META, {"key": "budget"}),
        (_broken("VOTES\nvoter_id", "VOTES\n\nMETA\nvoter_id"), 16, Problem.MISSING_HEADER, {"section": "VOTES"}),
    ],
)
def test_a_malformed_file_gets_its_line_and_problem(text: str, line: int, problem: Problem, details: dict) -> None:
    for read in (parse, read_counted):  # the counting reader leaves every problem to the full one
        with pytest.raises(PabulibFormatError) as caught:
            read(text)
        assert (caught.value.line, caught.value.problem, caught.value.details) == (line, problem, details)


def test_points_must_match_the_projects_voted_for() -> None:
    text = "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;4\nVOTES\nvoter_id;vote;points\nv;1;2,3\n"
    for read in (parse, read_counted):
        with pytest.raises(PabulibFormatError) as caught:
            read(text)
        assert (caught.value.line, caught.value.problem) == (10, Problem.POINTS_COUNT)


def test_ballot_rules_say_what_a_ballot_breaks() -> None:
    small = parse(SMALL)
    too_many = ApprovalBallot(frozenset({"1", "2", "3"}))
    knapsack = BallotRules(max_sum_cost=Fraction(600000))
    assert small.rules.violations(too_many, lambda p: small.project(p).cost) == (Violation.TOO_MANY,)
    assert knapsack.violations(too_many, lambda p: small.project(p).cost) == (Violation.COST_TOO_HIGH,)
    points = BallotRules(max_points=Fraction(5), max_sum_points=Fraction(8))
    assert points.violations(CumulativeBallot((("1", Fraction(6)), ("2", Fraction(3)))), lambda p: Fraction(1)) == (
        Violation.POINTS_TOO_HIGH,
        Violation.TOTAL_POINTS_TOO_HIGH,
    )


def test_the_corpus_keeps_its_provenance() -> None:
    readme = (PABULIB / "README.md").read_text(encoding="utf-8")
    assert "pabulib/pabulib_files" in readme and "88cfaba3e7692a90f3311cbcf8f08aa63fc3fbff" in readme


def test_the_writer_puts_columns_in_the_order_the_format_recommends() -> None:
    # Read in any order; written as the format page recommends: project_id, cost, votes, score,
    # name, category, ..., selected; voter_id, vote, points, age, sex, voting_method; others after.
    text = (
        "META\nkey;value\nbudget;10\nvote_type;cumulative\n"
        "PROJECTS\nproject_id;name;selected;cost;extra;votes\n1;Park;1;4;x;3\n2;Pool;0;6;y;2\n"
        "VOTES\nvoter_id;sex;points;age;vote;voting_method\nv1;F;3,2;30;1,2;paper\n"
    )
    written = write(parse(text)).splitlines()
    assert written[written.index("PROJECTS") + 1] == "project_id;cost;votes;name;selected;extra"
    assert written[written.index("PROJECTS") + 2] == "1;4;3;Park;1;x"
    assert written[written.index("VOTES") + 1] == "voter_id;vote;points;age;sex;voting_method"
    assert written[written.index("VOTES") + 2] == "v1;1,2;3,2;30;F;paper"
    assert parse(write(parse(text))) == parse(text)
