"""Equal Shares with the per-voter budget raised one currency unit at a time, then greedy.

This is pabutools 1.2.3::

    completion_by_rule_combination(instance, profile.as_multiprofile(),
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [{'sat_class': S, 'voter_budget_increment': 1}, {'sat_class': S}])

whose exact semantics (``../shared/notes/mes-completion.md``, section 1) are: with ``b0 = B/n``
exactly (not rounded down) and ``k = 0, 1, 2, ...``, let ``O(k)`` be the free projects plus what
MES buys when every voter starts with ``b0 + k``. Stop at the first ``k`` where ``O(k)`` costs
more than ``B`` (answer ``O(k-1)``, or the free projects alone when ``k = 0``) or where no
project with a positive cost and supporters could still be added to ``O(k)`` within ``B`` (answer
``O(k)``). Then greedy (``greedy.py``) spends what is left, on any project. Percent steps, binary
search on ``k`` or starting from ``floor(B/n)`` would change results; none is used.

Speed comes from skipping values of ``k`` that provably cannot change the answer (the notes'
section 3). Both stop tests look only at the set ``O(k)``: if MES buys the same sequence for
every ``k`` in a range and the first ``k`` does not stop, none does, and when we do stop, the
answer ``O(k-1)`` has the sequence of the range before, which we know. ``certify.py`` proves
such ranges with ``enclosure.py`` (upper and lower lines for every budget and price that hold on
the whole range: no extrapolation, no guess), narrowing a range it cannot prove down to single
values of ``k``; a value it still cannot settle (an exact tie between projects that are not
twins) is computed in exact rationals by ``mes.py``. The result is therefore exactly the plain
one-unit-at-a-time scan's, without most of its runs. Without numpy, that plain scan is what runs.

A small election is over before numpy would be imported: there ``exactcover.py`` proves the
ranges in exact rationals (the same argument, with budgets from below and from above instead of
lines), and only if that takes long does the numpy engine go on from where it stopped.
"""

from __future__ import annotations

from _operator import itemgetter  # (operator.py re-exports these C functions: loading it costs more)
from itertools import count

from domain.tally.mes import ExactMES
from domain.tally.rational import Rational
from domain.tally.record import record
from domain.tally.satisfaction import Measure, Profile

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from domain.tally.certify import Certifier

# Supporters (each ballot group's projects, added up) under which a single MES run is computed
# exactly (up to about 0.15 s), not by the fast engine (whose numpy import alone takes
# longer). Częstochowa 2020's 11,099 are counted exactly in about 0.15 s; Bielany 2023's 54,443
# would take 2 s, where the fast engine takes 0.3 s.
ONE_RUN_EXACT_BELOW = 20_000
# A completed MES on an election with fewer supporters than this is proven in exact rationals
# first (``exactcover.py``), for up to ``SMALL_WORK`` supporters priced (about 60 ms), and only
# then hands over to the fast engine, from where it stopped. Importing numpy and running the
# fast engine take about that long on such an election. Supporters of points or ranks count
# three times (they cost that much more to price: ``exactcover.ExactCover.weight``). Zabrze,
# Toulouse and Assen (3 to 250 supporters) are counted in 1 to 30 ms without numpy; from
# Częstochowa 2024's 431 points ballots' supporters (1,293) on, the fast engine wins.
SMALL_BELOW = 1_000
SMALL_WORK = 150_000


def _certifier(profile: Profile) -> Certifier | None:
    """The fast engine, which needs numpy; without it every k is computed exactly (slow but the
    same). Imported here, not at the top: greedy and Phragmén never need numpy, and its import
    is most of a short ``civic tally``'s start-up."""
    try:
        from domain.tally.certify import Certifier
    except ImportError:  # pragma: no cover - exercised only where numpy is missing
        return None
    return Certifier(profile)


@record
class Result:
    selected: frozenset[int]  # the outcome before greedy: free projects plus what MES bought
    sequence: tuple[int, ...]  # what MES bought, in order, at the chosen per-voter budget
    increments: int  # the k of that budget: b0 + k per voter
    per_voter_budget: Rational


class _Engine:
    """MES at ``b0 + k``: certified ranges when numpy is there, exact runs otherwise. With
    ``small_work``, ranges are first proven in exact rationals (``exactcover.py``) for up to
    that much work, and numpy is imported only if the count needs more."""

    def __init__(self, profile: Profile, fast: bool = True, small_work: int = 0) -> None:
        self.profile = profile
        self.b0 = profile.budget / profile.voters
        self.small_work = small_work
        self._fast: Certifier | None = None
        self._exact: ExactMES | None = None
        if fast and not small_work:
            self._fast = _certifier(profile)
        self.want_fast = fast
        # Supported: some voter's satisfaction is positive (with the cost measure, a project
        # that costs nothing satisfies nobody, as in the reference: its total is 0 there).
        if self._fast is not None and not self._fast.tables.cost_sat:
            supported = [total > 0 for total in self._fast.tables.total]
        elif self._fast is not None:
            supported = [total > 0 and cost > 0 for total, cost in zip(self._fast.tables.total, profile.costs)]
        else:
            supported = [total > 0 for total in self.exact.tot]
        costs = profile.costs
        self.free = frozenset(p for p, cost in enumerate(costs) if cost == 0 and supported[p])
        self.eligible = tuple(p for p, cost in enumerate(costs) if cost > 0 and supported[p])

    @property
    def exact(self) -> ExactMES:  # built on first use: the fast engine rarely needs it
        if self._exact is None:
            self._exact = ExactMES(self.profile)
        return self._exact

    @property
    def fast(self) -> Certifier | None:  # numpy imported on first use
        if self._fast is None and self.want_fast:
            self._fast = _certifier(self.profile)
            self.want_fast = self._fast is not None
        return self._fast

    def at(self, k: int) -> tuple[int, ...]:
        """The sequence MES buys at ``b0 + k`` per voter."""
        if self.fast is not None and k <= self.fast.last_fitting():
            from domain.tally.enclosure import Undecided

            try:
                return self.fast.run(k, 0)
            except Undecided:
                pass  # an exact tie (or closer than rounding): ask the exact engine
        return self.exact.run(self.b0 + k).sequence

    def pieces(self, first: int) -> Iterator[tuple[int, int, tuple[int, ...]]]:
        """Ranges of k with the sequence MES buys there, from ``first`` on, left to right."""
        start = first
        if self.small_work:
            from domain.tally.exactcover import ExactCover

            small = ExactCover(self.exact, self.b0, self.small_work)
            yield from small.pieces(first)
            start = small.next  # the work is spent: the fast engine goes on from here
        if self.fast is not None:
            last = self.fast.last_fitting()
            for a, b, sequence in self.fast.cover(start, last):
                yield a, b, sequence if sequence is not None else self.exact.run(self.b0 + a).sequence
            start = max(start, last + 1)
        for k in count(start):  # beyond the 64-bit range of the fast engine, or without numpy
            yield k, k, self.exact.run(self.b0 + k).sequence


def equal_shares_at(profile: Profile, k: int = 0) -> Result:
    """Plain MES (``k = 0``), or MES with ``k`` currency units added per voter."""
    if profile.voters == 0:  # the reference returns an empty outcome when nobody voted
        return Result(frozenset(), (), k, Rational(0))
    # One run on a small election is quicker in exact rationals than importing numpy.
    supporters = sum(map(len, map(itemgetter(0), profile.groups)))  # (``Group.projects``)
    engine = _Engine(profile, fast=supporters >= ONE_RUN_EXACT_BELOW)
    sequence = engine.at(k)
    return Result(engine.free | frozenset(sequence), sequence, k, engine.b0 + k)


def equal_shares_completed(
    profile: Profile, progress: Callable[[int], None] | None = None, small_work: int | None = None
) -> Result:
    """The Add1 outcome, before greedy. ``progress(k)`` hears of each range of k as it starts
    (k only grows; how far it will go is not known in advance). ``small_work``: how much to
    prove in exact rationals before the fast engine takes over (by default ``SMALL_WORK`` on
    an election with fewer than ``SMALL_BELOW`` supporters, else none); the outcome is the
    same whatever it is."""
    if profile.voters == 0:
        return Result(frozenset(), (), 0, Rational(0))
    if small_work is None:
        supporters = sum(map(len, map(itemgetter(0), profile.groups)))
        if profile.measure != Measure.COST:
            supporters *= 3
        small_work = SMALL_WORK if supporters < SMALL_BELOW else 0
    engine = _Engine(profile, small_work=small_work)
    free = engine.free
    previous: tuple[frozenset[int], tuple[int, ...]] = (free, ())
    current: tuple[int, ...] | None = None
    for k, _, sequence in engine.pieces(0):
        if progress is not None:
            progress(k)
        if sequence == current:  # same outcome as at the first k of this sequence: no stop
            continue
        outcome = free | frozenset(sequence)
        cost = profile.cost_of(outcome)
        if cost > profile.budget:  # the answer is the outcome at k - 1 (the previous sequence)
            last = max(k - 1, 0)
            return Result(previous[0], previous[1], last, engine.b0 + last)
        if all(cost + profile.costs[p] > profile.budget for p in engine.eligible if p not in outcome):
            return Result(outcome, sequence, k, engine.b0 + k)
        previous, current = (outcome, sequence), sequence
    raise AssertionError("unreachable: raising every budget eventually stops")
