"""Elections as plain values: projects with costs, a budget, voters and their ballots.

Four ballot kinds, as cities use them (and as Pabulib stores them):

* approval (``approval``): a set of projects. ``BallotRules`` carries the city's limits:
  ``min_length``/``max_length`` (k-approval) and ``min_sum_cost``/``max_sum_cost`` (knapsack);
* choose-1 (``choose-1``): an approval ballot with exactly one project;
* cumulative (``cumulative``, also ``scoring``): points given to projects, with point limits;
* ordinal (``ordinal``): projects ranked from most to least preferred.

Amounts are exact ``Rational`` values (a budget of ``969245.38`` stays exactly that). Project ids
are strings and their string order is the tie-breaking order of every rule.
"""

from __future__ import annotations

from _operator import attrgetter  # (operator.py re-exports these C functions: loading it costs more)

from domain.tally.choices import Choices, choice
from domain.tally.rational import Rational
from domain.tally.record import hidden, record

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import ClassVar

Fields = tuple[tuple[str, str], ...]


class VoteType(Choices):
    APPROVAL: ClassVar[VoteType] = choice("approval")
    CHOOSE_1: ClassVar[VoteType] = choice("choose-1")
    CUMULATIVE: ClassVar[VoteType] = choice("cumulative")
    SCORING: ClassVar[VoteType] = choice("scoring")
    ORDINAL: ClassVar[VoteType] = choice("ordinal")

    @property
    def is_approval(self) -> bool:
        return self in (VoteType.APPROVAL, VoteType.CHOOSE_1)

    @property
    def has_points(self) -> bool:
        return self in (VoteType.CUMULATIVE, VoteType.SCORING)


@record
class Project:
    id: str
    cost: Rational
    name: str = ""
    fields: Fields = ()  # the other columns of the file (category, votes, ...), in file order


@record
class ApprovalBallot:
    projects: frozenset[str]

    def project_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self.projects))


@record
class CumulativeBallot:
    """Points per project, in the order the voter gave them; each project at most once."""

    points: tuple[tuple[str, Rational], ...]

    def project_ids(self) -> tuple[str, ...]:
        return tuple(project for project, _ in self.points)


@record
class OrdinalBallot:
    """Most preferred first; each project at most once."""

    ranking: tuple[str, ...]

    def project_ids(self) -> tuple[str, ...]:
        return self.ranking


Ballot = ApprovalBallot | CumulativeBallot | OrdinalBallot
BALLOT_KIND: dict[VoteType, type] = {
    VoteType.APPROVAL: ApprovalBallot,
    VoteType.CHOOSE_1: ApprovalBallot,
    VoteType.CUMULATIVE: CumulativeBallot,
    VoteType.SCORING: CumulativeBallot,
    VoteType.ORDINAL: OrdinalBallot,
}


@record
class Voter:
    id: str
    ballot: Ballot
    fields: Fields = ()  # the other columns of the file (age, sex, ...), in file order


class Violation(Choices):
    TOO_FEW: ClassVar[Violation] = choice("too_few")
    TOO_MANY: ClassVar[Violation] = choice("too_many")
    COST_TOO_LOW: ClassVar[Violation] = choice("cost_too_low")
    COST_TOO_HIGH: ClassVar[Violation] = choice("cost_too_high")
    POINTS_TOO_LOW: ClassVar[Violation] = choice("points_too_low")
    POINTS_TOO_HIGH: ClassVar[Violation] = choice("points_too_high")
    TOTAL_POINTS_TOO_LOW: ClassVar[Violation] = choice("total_points_too_low")
    TOTAL_POINTS_TOO_HIGH: ClassVar[Violation] = choice("total_points_too_high")


@record
class BallotRules:
    """The limits a city puts on a ballot. Tallies count every ballot as cast (as the reference
    does); these rules are for checking a ballot when it is cast."""

    min_length: int | None = None
    max_length: int | None = None
    min_sum_cost: Rational | None = None
    max_sum_cost: Rational | None = None
    min_points: Rational | None = None
    max_points: Rational | None = None
    min_sum_points: Rational | None = None
    max_sum_points: Rational | None = None

    def violations(self, ballot: Ballot, cost_of: Callable[[str], Rational]) -> tuple[Violation, ...]:
        ids = ballot.project_ids()
        found = [*_outside(len(ids), self.min_length, self.max_length, Violation.TOO_FEW, Violation.TOO_MANY)]
        if isinstance(ballot, ApprovalBallot):
            total_cost = sum((cost_of(project) for project in ids), Rational(0))
            found += _outside(
                total_cost, self.min_sum_cost, self.max_sum_cost, Violation.COST_TOO_LOW, Violation.COST_TOO_HIGH
            )
        if isinstance(ballot, CumulativeBallot):
            points = [value for _, value in ballot.points]
            for value in points:
                found += _outside(
                    value, self.min_points, self.max_points, Violation.POINTS_TOO_LOW, Violation.POINTS_TOO_HIGH
                )
            found += _outside(
                sum(points, Rational(0)),
                self.min_sum_points,
                self.max_sum_points,
                Violation.TOTAL_POINTS_TOO_LOW,
                Violation.TOTAL_POINTS_TOO_HIGH,
            )
        return tuple(dict.fromkeys(found))


def _outside(
    value: Rational | int,
    low: Rational | int | None,
    high: Rational | int | None,
    too_low: Violation,
    too_high: Violation,
) -> list[Violation]:
    if low is not None and value < low:
        return [too_low]
    if high is not None and value > high:
        return [too_high]
    return []


class ElectionError(ValueError):
    """An election that cannot be counted: the fields say which project or voter and why."""

    def __init__(self, problem: str, subject: str) -> None:
        super().__init__(f"{problem}: {subject}")
        self.problem = problem
        self.subject = subject


@record
class Election:
    budget: Rational
    vote_type: VoteType
    projects: tuple[Project, ...]
    voters: tuple[Voter, ...]
    rules: BallotRules = BallotRules()
    meta: Fields = ()  # every META row as read, for writing the file back
    _by_id: dict[str, Project] = hidden(init=False)  # (init=False said outright for type checkers)

    def __post_init__(self) -> None:
        by_id: dict[str, Project] = {}
        for project in self.projects:
            if project.id in by_id:
                raise ElectionError("duplicate_project", project.id)
            if project.cost < 0:
                raise ElectionError("negative_cost", project.id)
            by_id[project.id] = project
        if self.budget < 0:
            raise ElectionError("negative_budget", str(self.budget))
        object.__setattr__(self, "_by_id", by_id)
        kind = BALLOT_KIND[self.vote_type]
        # Voters with the same vote usually share one ballot object: check each object once
        # (collected without a Python-level loop over the voters, which can be 100,000).
        ballots: list[Ballot] = list(map(attrgetter("ballot"), self.voters))
        distinct: dict[int, Ballot] = dict(zip(map(id, ballots), ballots))
        for ballot in distinct.values():
            if not isinstance(ballot, kind):
                raise ElectionError("wrong_ballot_kind", next(v.id for v in self.voters if v.ballot is ballot))
            for project_id in ballot.project_ids():
                if project_id not in by_id:
                    raise ElectionError("unknown_project", project_id)

    def project(self, project_id: str) -> Project:
        return self._by_id[project_id]

    def cost_of(self, project_ids: tuple[str, ...] | frozenset[str]) -> Rational:
        return sum((self._by_id[project].cost for project in project_ids), Rational(0))
