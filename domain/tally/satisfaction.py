"""How much a voter likes a project, by ballot kind, as the reference computations define it.

``expected.json`` names the measures (pabutools 1.2.3):

* approval and choose-1: ``Cost_Sat``, the project's cost if the voter approved it;
* cumulative and scoring: ``Additive_Cardinal_Sat``, the points the voter gave it;
* ordinal: ``Additive_Borda_Sat``, ``len(ranking) - 1 - position`` (the last ranked gets 0).

Only positive satisfaction makes a voter a supporter. A ``Profile`` is the election compiled for
counting: projects in tie-breaking order (project ids as strings, the reference's
``lexico_tie_breaking``) and identical ballots grouped, which changes no result because voters
with the same ballot are treated alike by every rule here.
"""

from __future__ import annotations

from _operator import attrgetter, itemgetter  # (operator.py re-exports these C functions: loading it costs more)
from itertools import chain, groupby

from domain.tally.ballots import (
    ApprovalBallot,
    Ballot,
    CumulativeBallot,
    Election,
    OrdinalBallot,
    VoteType,
)
from domain.tally.rational import Rational
from domain.tally.record import record


class Measure:
    COST = "cost"
    POINTS = "points"
    BORDA = "borda"


TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from typing import NamedTuple

    class _Group(NamedTuple):
        projects: tuple[int, ...]
        values: tuple[Rational, ...]
        voters: tuple[int, ...]  # positions in ``Election.voters``

else:  # the same named tuple, made by hand: ``typing.NamedTuple`` would import typing, and
    # ``collections.namedtuple`` the collections package (a few milliseconds each). Its fields are
    # read as a named tuple's are, by ``_tuplegetter``, the C descriptor ``namedtuple`` uses.
    from _collections import _tuplegetter

    class _Group(tuple):
        __slots__ = ()
        projects = _tuplegetter(0, "the projects on the ballot, in index order")
        values = _tuplegetter(1, "the voters' satisfaction with each")
        voters = _tuplegetter(2, "positions in ``Election.voters``")

        def __repr__(self) -> str:
            return f"Group(projects={self[0]!r}, values={self[1]!r}, voters={self[2]!r})"


class Group(_Group):
    """Voters who cast the same ballot: the projects on it (in index order), their satisfaction
    with each, and who they are. (A named tuple: profiles hold many of these.)"""

    __slots__ = ()

    @property
    def size(self) -> int:
        return len(self.voters)

    @property
    def sats(self) -> zip[tuple[int, Rational]]:
        return zip(self.projects, self.values)


@record
class Profile:
    ids: tuple[str, ...]  # project ids, sorted as strings: the tie-breaking order
    costs: tuple[Rational, ...]
    budget: Rational
    groups: tuple[Group, ...]
    voters: int
    measure: str

    def cost_of(self, projects: frozenset[int] | tuple[int, ...]) -> Rational:
        return sum((self.costs[project] for project in projects), Rational(0))


def each_voter(supporters: list[list[int]], sizes: list[int]) -> list[list[int] | None]:
    """Each project's supporting groups (``supporters[project]``, group indices) repeated by their
    number of voters (``sizes[group]``), so that counting the voters' classes over such a list
    runs in C (``_collections._count_elements``); None where the list would be more than twice
    as long as the groups (many equal ballots: a loop over the few groups adds their sizes up
    faster). Each group is repeated once, as a tuple, and looked up: a ``repeat`` per supporter
    took most of the time of building these."""
    repeated: list[tuple[int, ...]] | None = None
    lists: list[list[int] | None] = []
    for groups in supporters:
        voters = sum(map(sizes.__getitem__, groups))
        if voters > 2 * len(groups):
            lists.append(None)
        elif voters == len(groups):  # one voter each: the groups as they are
            lists.append(groups)
        else:
            if repeated is None:
                repeated = [(group,) * size for group, size in enumerate(sizes)]
            lists.append(list(chain.from_iterable(map(repeated.__getitem__, groups))))
    return lists


def measure_of(election: Election) -> str:
    return measure_for(election.vote_type)


def measure_for(vote_type: VoteType) -> str:
    if vote_type.is_approval:
        return Measure.COST
    if vote_type.has_points:
        return Measure.POINTS
    return Measure.BORDA


def satisfaction(ballot: Ballot, election: Election) -> dict[str, Rational]:
    """The voter's positive satisfaction with each project."""
    if isinstance(ballot, ApprovalBallot):
        return {project: election.project(project).cost for project in ballot.projects}
    return ranked_satisfaction(ballot)


def ranked_satisfaction(ballot: CumulativeBallot | OrdinalBallot) -> dict[str, Rational]:
    """``satisfaction`` for the ballots that carry it themselves (points or a ranking)."""
    if isinstance(ballot, CumulativeBallot):
        return {project: value for project, value in ballot.points if value > 0}
    if isinstance(ballot, OrdinalBallot):
        last = len(ballot.ranking) - 1
        scores = borda_scores(last)
        return {project: scores[last - place] for place, project in enumerate(ballot.ranking) if place < last}
    raise TypeError(type(ballot).__name__)


_BORDA: list[Rational] = []  # the Borda scores 0, 1, 2, ... as one Rational object each


def borda_scores(most: int) -> list[Rational]:
    """The scores up to ``most``. Every ballot's score 3 is the same object: counting then goes
    by value object (``greedy.total_satisfaction``), and a fraction is not made per ranking."""
    while len(_BORDA) <= most:
        _BORDA.append(Rational(len(_BORDA)))
    return _BORDA


def compile_profile(election: Election) -> Profile:
    ids = tuple(sorted(project.id for project in election.projects))
    index = {project: position for position, project in enumerate(ids)}
    costs = tuple(election.project(project).cost for project in ids)
    # Voters who cast the same vote usually share one ballot object (the parser does that):
    # group by object first, then merge equal ballots.
    by_object = _positions_by_object(election)
    by_ballot: dict[object, tuple[Ballot, list[int]]] = {}
    merged = False
    for ballot, positions in by_object:
        content = ballot.projects if isinstance(ballot, ApprovalBallot) else ballot  # (a cached hash)
        same = by_ballot.get(content)
        if same is None:
            by_ballot[content] = (ballot, positions)
        else:
            same[1].extend(positions)
            merged = True
    groups = []
    make = tuple.__new__  # a named tuple's own constructor is a Python function: too slow here
    for ballot, positions in by_ballot.values():
        if isinstance(ballot, ApprovalBallot):
            projects = tuple(sorted(map(index.__getitem__, ballot.projects)))
            values = tuple(map(costs.__getitem__, projects))
        else:
            pairs = sorted((index[key], value) for key, value in satisfaction(ballot, election).items())
            projects, values = tuple(p for p, _ in pairs), tuple(v for _, v in pairs)
        groups.append(make(Group, (projects, values, tuple(sorted(positions) if merged else positions))))
    return Profile(ids, costs, election.budget, tuple(groups), len(election.voters), measure_of(election))


def _positions_by_object(election: Election) -> list[tuple[Ballot, list[int]]]:
    """Each ballot object with the positions of its voters, in order of first appearance.

    Sorting positions by object id and cutting the runs is done in C; a loop in Python over
    100,000 voters took longer than counting them."""
    ballots = list(map(attrgetter("ballot"), election.voters))
    keys = list(map(id, ballots))
    ordered = sorted(range(len(keys)), key=keys.__getitem__)  # stable: positions stay ascending
    runs = [list(run) for _, run in groupby(ordered, key=keys.__getitem__)]
    runs.sort(key=itemgetter(0))
    return [(ballots[run[0]], run) for run in runs]
