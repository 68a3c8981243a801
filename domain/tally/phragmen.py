"""Sequential Phragmén, for approval ballots, as pabutools 1.2.3 ``sequential_phragmen`` does it.

Voters earn money continuously; a project is bought as soon as its supporters together hold its
cost, and buying it empties their accounts. Equivalently, each round buys the project whose
purchase leaves its supporters with the smallest common load,
``(sum of their loads + cost) / number of supporters``; a project nobody supports has an infinite
load. Ties go to the smallest project id as a string. The rule stops as soon as one of the tied
projects would overrun the budget. Projects costing more than the whole budget never take part.

Exact rationals throughout. Two shortcuts that change no result:

* a voter's load is the load of the last project they helped buy, so voters are kept in classes
  by that project;
* loads only grow (each purchase happens no earlier than the one before), so a project's value
  computed in an earlier round is a lower bound: a round recomputes only the projects whose
  old value is not above the best so far, which still finds every tied project.
"""

from __future__ import annotations

import math
from _collections import _count_elements  # (collections.Counter's own counting loop, in C)
from _heapq import heapify, heappop, heappush  # (heapq.py re-exports these C functions: loading it costs more)

from domain.tally.rational import Rational
from domain.tally.satisfaction import Profile, each_voter

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from collections import defaultdict

    from domain.tally.explain import PhragmenExplanation
else:
    from _collections import defaultdict  # the same class, without the collections package (2 ms at start-up)

NOBODY = -1  # the class of voters who have not helped buy anything yet (load 0)


def phragmen(profile: Profile, explain: bool = False) -> tuple[frozenset[int], PhragmenExplanation | None]:
    """The projects Phragmén buys, and with ``explain`` each round (None without: a plain count
    does not load the explanation's records)."""
    state = _State(profile)
    rounds: list[tuple[str, Rational, int]] = []
    chosen: list[int] = []
    spent = Rational(0)
    stopped_by = None
    while True:
        load, tied = state.cheapest()
        if not tied:
            break
        over = [project for project in tied if spent + profile.costs[project] > profile.budget]
        if over:
            stopped_by = profile.ids[over[0]]
            break
        winner = tied[0]
        spent += profile.costs[winner]
        chosen.append(winner)
        rounds.append((profile.ids[winner], load if load is not None else Rational(0), state.score[winner]))
        state.buy(winner, load, tied)
    if not explain:
        return frozenset(chosen), None
    from domain.tally.explain import PhragmenExplanation, PhragmenRound

    return frozenset(chosen), PhragmenExplanation(tuple(PhragmenRound(*done) for done in rounds), stopped_by)


class _State:
    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        count = len(profile.ids)
        self.supporters: list[list[int]] = [[] for _ in range(count)]
        self.score = [0] * count
        self.sizes = [len(group.voters) for group in profile.groups]
        for index, (group, size) in enumerate(zip(profile.groups, self.sizes)):
            for project in group.projects:
                self.supporters[project].append(index)
                self.score[project] += size
        # Where most groups are one voter, ``value`` counts voters per class in C over these.
        self.weighted = each_voter(self.supporters, self.sizes)
        self.klass = [NOBODY] * len(profile.groups)
        # Loads as integers over one common denominator: load of class c = scaled[c] / self.scale
        # (Rational arithmetic on every sum would dominate the run).
        self.scale = _lcm(*(cost.denominator for cost in profile.costs))
        self.scaled: dict[int, int] = {NOBODY: 0}
        taking_part = [project for project in range(count) if profile.costs[project] <= profile.budget]
        # Lower bounds of each project's value, ordered in a heap by their float value: float()
        # of a fraction is correctly rounded, hence monotone, so "float above the best's float"
        # still proves "above the best" (and comparing floats is much faster).
        self.heap = [(float(profile.costs[p] / self.score[p]), p) for p in taking_part if self.score[p]]
        heapify(self.heap)
        self.gone: set[int] = set()
        self.unsupported = [project for project in taking_part if not self.score[project]]

    def value(self, project: int) -> Rational:
        by_class: defaultdict[int, int] = defaultdict(int)  # (a Counter, without importing collections)
        klass, sizes = self.klass, self.sizes
        weighted = self.weighted[project]
        if weighted is not None:
            _count_elements(by_class, map(klass.__getitem__, weighted))
        else:
            for group in self.supporters[project]:
                by_class[klass[group]] += sizes[group]
        loads = sum(self.scaled[k] * voters for k, voters in by_class.items())
        cost = self.profile.costs[project] * self.scale  # an integer: scale is a multiple of its denominator
        return Rational(loads + int(cost), self.score[project] * self.scale)

    def cheapest(self) -> tuple[Rational | None, list[int]]:
        """The smallest load a purchase would leave (None: infinite) and the projects that tie."""
        best: Rational | None = None
        best_float = 0.0
        fresh: list[tuple[Rational, int]] = []
        while self.heap:
            stale, project = self.heap[0]
            if project in self.gone:
                heappop(self.heap)
                continue
            if best is not None and stale > best_float:
                break
            heappop(self.heap)
            value = self.value(project)
            fresh.append((value, project))
            if best is None or value < best:
                best, best_float = value, float(value)
        for value, project in fresh:
            heappush(self.heap, (float(value), project))
        if best is None:  # only projects nobody supports are left: they all tie
            return None, sorted(self.unsupported)
        return best, sorted(project for value, project in fresh if value == best)

    def buy(self, winner: int, load: Rational | None, tied: list[int]) -> None:
        if load is None:
            self.unsupported.remove(winner)
            return
        self.gone.add(winner)
        scale = _lcm(self.scale, load.denominator)
        if scale != self.scale:
            factor = scale // self.scale
            self.scaled = {k: value * factor for k, value in self.scaled.items()}
            self.scale = scale
        self.scaled[winner] = load.numerator * (scale // load.denominator)
        for group in self.supporters[winner]:
            self.klass[group] = winner


def _lcm(*values: int) -> int:
    result = 1
    for value in values:
        result = result * value // math.gcd(result, value)
    return result
