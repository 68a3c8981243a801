"""One run of the Method of Equal Shares for a whole range of per-voter budgets, in enclosures.

``Pass(tables, k0, width).sequence()`` returns what MES buys, in order, for *every* per-voter
budget ``B/n + k`` with ``k0 <= k <= k0 + width``, or raises ``Undecided``. Every quantity is
held between lines in ``t = k - k0`` that are proven on the whole range; a round is accepted
only if they prove the same winner everywhere.

Why the enclosures hold (``b`` a voter's budget, ``u`` their satisfaction, ``c`` the cost):

1. With the winners fixed, a voter's budget is ``max(0, beta - sum rho_i u_i)`` over the winners
   they supported, so lines below and above each winner's ``rho`` give lines below and above
   every budget. Clipping at 0: ``x`` and ``0`` are lines below ``max(0, x)``; the chord is one
   above (``max(0, x)`` is convex).
2. A project's price ``rho*(b) = min{rho : sum min(b, rho u) >= c}`` falls as budgets rise and is
   the largest ``(c - sum_P b) / (sum_R u)`` over all splits of its supporters into ``P`` (pay
   all they have) and ``R`` (pay ``rho u``). Any split thus gives a line below the price (using
   budgets from above), and with budgets linear in ``t`` the price is a maximum of lines, i.e.
   convex, so the chord of its two end values (using budgets from below) is a line above it.
3. Budgets from above are kept twice, each updated with the line below the price that is
   tightest at one end of the range, so both ends stay tight.
4. A winner is accepted when its line above stays below every other project's lines below on
   the whole range (or equal, for a project later in id order). Twins (same cost, same
   supporters, same satisfactions) always cost the same, so id order decides between them.
   Prices only rise during a run, so a bound from an earlier round still holds: projects whose
   bound is above the winner's line need not be priced again.
5. When every remaining project is unaffordable even with budgets from above, MES stops.

All arithmetic is integer: money in ticks (see ``certify.py``), prices on a grid of ``2^-GRID``,
every rounding directed so that lines below stay below and lines above stay above.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from domain.tally.rational import Rational

if TYPE_CHECKING:
    from domain.tally.certify import Tables

GRID = 64
INT64 = np.int64
# Budget lines per group: intercepts first, then slopes, so each half is a slice (a view).
LOW_A, HIGH0_A, HIGH1_A, LOW_S, HIGH0_S, HIGH1_S = range(6)
INTERCEPTS, SLOPES = slice(0, 3), slice(3, 6)
REPLAY = 4  # a range this many times narrower than its checkpoint's replays the winners
LOOSE = 1 << 12  # enclosures wider than this (in ticks) are more than rounding
Line = tuple[int, int]  # a + s t


class Undecided(Exception):
    def __init__(self, round_: int, safe: Rational) -> None:
        super().__init__(f"round {round_}, proven up to t < {safe}")
        self.round = round_
        self.safe = safe  # how far from k0 the failing comparison still held
        self.checkpoint: Checkpoint | None = None


@dataclass
class Checkpoint:
    """The state at the start of a round, proven for every k in [k0, k0 + width]."""

    k0: int
    width: int
    round: int
    bought: tuple[int, ...]
    budgets: np.ndarray  # lines of each budget class
    class_of: np.ndarray  # each voter group's class
    voters: np.ndarray  # how many voters each class holds
    zero: int  # the class of those with nothing left (-1: none yet)
    remaining: frozenset[int]
    bound: dict[int, int]

    def loose(self, k: int) -> bool:
        """Whether its enclosures at ``k`` are wider than rounding explains (so a narrower
        range computed afresh would be tighter)."""
        live = self.budgets[np.flatnonzero(self.voters)]
        at = live[:, INTERCEPTS] + live[:, SLOPES] * (k - self.k0)
        return bool(np.max(np.minimum(at[:, 1], at[:, 2]) - at[:, 0]) > LOOSE)


@dataclass
class Price:
    """One project's price on the range (grid units) and what its winning would cost voters."""

    low0: Line  # lines below the price, tightest at each end
    low1: Line
    high: Line | None  # line above; None: not surely affordable on the whole range
    exact: bool  # everyone pays a full share everywhere: price = cost / total satisfaction
    least: int  # below the price on the whole range
    most: int  # above the price on the whole range (when surely affordable)
    pay_high: Line | None  # the same lines in money (per unit of satisfaction)
    pay_low0: Line
    pay_low1: Line
    money: tuple[Line, Line]  # lines above what its supporters hold


@dataclass
class Cells:
    """One project's supporters as cells: voters of one budget class (and, for points or
    ranks, one satisfaction level), who therefore hold and pay exactly the same."""

    key: np.ndarray  # each supporting group's cell key
    keys: np.ndarray  # the keys present, one per cell
    weights: np.ndarray  # voters in each cell
    sats: np.ndarray  # their satisfaction
    level_of: np.ndarray  # its index in ``tables.levels[project]`` (not for the cost measure)
    rows: np.ndarray  # their budget lines
    sums: list[int]  # the lines summed over all supporters


class Pass:
    """Voter groups share budget classes: all start equal, and buying a project splits each
    class into those who supported it (they paid, by level) and those who did not. Groups
    in one class hold the same budget lines, so every sum is taken over classes, not groups:
    early rounds have a handful of classes, late ones still far fewer than groups."""

    def __init__(self, tables: Tables, k0: int, width: int, start: Checkpoint | None = None) -> None:
        self.t = tables
        self.k0, self.L = k0, width
        self._rows: dict[int, Cells] = {}
        if start is None:
            self._fresh()
        elif not (REPLAY * width < start.width and self._replay(start)):
            self._resume(start)

    def _fresh(self) -> None:
        """Before the first round: everyone in one class with B/n + k, nothing bought."""
        t, k0 = self.t, self.k0
        low, high, unit = t.start_low + k0 * t.unit, t.start_high + k0 * t.unit, t.unit
        self.budgets = np.empty((64, 6), dtype=INT64)
        self.voters = np.empty(64, dtype=INT64)  # how many voters each class holds
        self.budgets[0], self.voters[0] = (low, high, high, unit, unit, unit), t.voters
        self.size, self.zero = 1, -1
        self.class_of = np.zeros(t.groups, dtype=INT64)
        self.remaining, self.bound = set(t.eligible), dict(t.first_bound)
        self.round, self.bought = 0, list[int]()

    def _resume(self, start: Checkpoint) -> None:
        """The checkpoint's lines restricted to [k0, k0 + width]: t shifts by k0 - start.k0."""
        self.size, self.zero = len(start.budgets), start.zero
        self.budgets = np.empty((2 * self.size, 6), dtype=INT64)
        self.voters = np.empty(2 * self.size, dtype=INT64)
        self.budgets[: self.size], self.voters[: self.size] = start.budgets, start.voters
        self.class_of = start.class_of.copy()
        shift = self.k0 - start.k0
        if shift:
            self.budgets[: self.size, INTERCEPTS] += self.budgets[: self.size, SLOPES] * shift
        self.remaining, self.bound = set(start.remaining), dict(start.bound)
        self.round, self.bought = start.round, list(start.bought)

    def _replay(self, start: Checkpoint) -> bool:
        """Buy the checkpoint's proven winners again on this narrower range, with lines made
        for it (tighter than the checkpoint's, which were made for its whole range). Only
        the winners are priced: who wins is already proven. False if an enclosure is too
        loose to price a winner here (then the checkpoint's own lines are used)."""
        self._fresh()
        for winner in start.bought:
            self._rows.clear()
            price = self._price(winner)
            if price is None or price.high is None:
                self._rows.clear()
                return False
            self._pay(winner, price)
        self._rows.clear()
        self.remaining, self.bound = set(start.remaining), dict(start.bound)
        self.round, self.bought = start.round, list(start.bought)
        return True

    def sequence(self) -> tuple[int, ...]:
        while True:
            self._rows.clear()  # budgets change once per round
            try:
                priced = self._price_candidates()
                winner = self._winner(priced)
                if winner is None:
                    return tuple(self.bought)
                self._check(winner, priced)
            except Undecided as undecided:
                if self.L > 0:  # budgets are still those at the start of this round
                    undecided.checkpoint = Checkpoint(
                        self.k0,
                        self.L,
                        self.round,
                        tuple(self.bought),
                        self.budgets[: self.size].copy(),
                        self.class_of.copy(),
                        self.voters[: self.size].copy(),
                        self.zero,
                        frozenset(self.remaining),
                        dict(self.bound),
                    )
                raise
            self._pay(winner, priced[winner])
            self.bought.append(winner)
            self.remaining.discard(winner)
            self.round += 1

    # --- one round ------------------------------------------------------------------------

    def _price_candidates(self) -> dict[int, Price]:
        """Price projects in order of their bounds until none can beat the best so far."""
        priced: dict[int, Price] = {}
        best: Price | None = None
        for project in sorted(sorted(self.remaining), key=self.bound.__getitem__):  # ties: id order
            if best is not None:
                if self.bound[project] > best.most:  # so are all the later ones' (sorted)
                    break
                if not self._may_beat(project, best.most):
                    continue
            price = self._price(project)
            if price is None:
                continue
            self.bound[project] = max(self.bound[project], price.least)
            priced[project] = price
            if price.high is not None and (best is None or price.high[0] < best.high[0]):  # type: ignore[index]
                best = price
        return priced

    def _winner(self, priced: dict[int, Price]) -> int | None:
        candidates = [p for p, price in priced.items() if price.high is not None]
        if candidates:
            return min(candidates, key=lambda p: (priced[p].high[0], p))  # type: ignore[index]
        if priced:  # maybe affordable somewhere: MES may or may not stop on this range
            reaches = [_first_reach(price.money, self.t.cost[p], self.L) for p, price in priced.items()]
            raise Undecided(self.round, min(r for r in reaches if r is not None))
        return None

    def _check(self, winner: int, priced: dict[int, Price]) -> None:
        top = priced[winner]
        for project in sorted(self.remaining - {winner}):
            price = priced.get(project)
            if price is None:
                bound = self.bound[project]
                if bound > top.most or (bound == top.most and winner < project):
                    continue
                if not self._may_beat(project, top.most) and (self.bound[project] > top.most or winner < project):
                    continue
                price = self._price(project)
                if price is None:
                    continue
                priced[project] = price
            self._beats(winner, top, project, price)

    def _beats(self, winner: int, top: Price, other: int, price: Price) -> None:
        """Prove ``winner`` comes before ``other`` on the whole range, or raise Undecided."""
        t = self.t
        if other in t.twins[winner]:
            if winner < other:
                return
            raise Undecided(self.round, Rational(0))
        strict = other < winner  # a tie would go to ``other``
        if top.exact and price.exact:  # compare cost / total exactly
            mine = t.cost[winner] * t.total[other] * t.per[other]
            theirs = t.cost[other] * t.total[winner] * t.per[winner]
            if mine < theirs or (mine == theirs and not strict):
                return
            raise Undecided(self.round, Rational(0))
        assert top.high is not None
        safe = _first_bad(price.low0, price.low1, top.high, self.L, strict)
        if safe is not None:
            raise Undecided(self.round, safe)

    # --- pricing --------------------------------------------------------------------------

    def _supporters(self, project: int) -> Cells:
        """Its supporters as cells, with their budget lines and sums (cached for the round)."""
        found = self._rows.get(project)
        if found is None:
            t = self.t
            classes = self.class_of.take(t.members[project])
            key = classes if t.cost_sat else classes * len(t.levels[project]) + t.level_of[project]
            # (bincount adds in float64: group sizes are integers far below 2^53, so exactly)
            counts = np.bincount(key, weights=t.sizes[project])
            keys = (counts != 0).nonzero()[0]  # (faster than flatnonzero on floats)
            weights = counts[keys].astype(INT64)
            if t.cost_sat:
                level_of, sats, cells = keys, t.ones[: len(keys)], keys
            else:
                level_of = keys % len(t.levels[project])
                sats, cells = t.levels[project][level_of], keys // len(t.levels[project])
            rows = self.budgets.take(cells, axis=0)
            found = self._rows[project] = Cells(key, keys, weights, sats, level_of, rows, (weights @ rows).tolist())
        return found

    def _money(self, sums: list[int]) -> tuple[Line, Line]:
        return (sums[HIGH0_A], sums[HIGH0_S]), (sums[HIGH1_A], sums[HIGH1_S])

    def _drop_if_unaffordable(self, project: int, money: tuple[Line, Line]) -> bool:
        """Unaffordable on the whole range even from above: then in every later round too."""
        if _first_reach(money, self.t.cost[project], self.L) is None:
            self.remaining.discard(project)
            return True
        return False

    def _lines_below(self, project: int, cells: Cells, split: np.ndarray) -> tuple[Line, Line, Line, Line]:
        """For one split: the lines below the price from each upper budget version, in grid
        units and in money (per unit of satisfaction)."""
        t = self.t
        cost, per = t.cost[project], t.per[project]
        w = cells.weights[split]
        paid = (w @ cells.rows[split]).tolist()
        den = t.total[project] - (int(w.sum()) if t.cost_sat else int(np.dot(w, cells.sats[split])))
        grid0 = (((cost - paid[HIGH0_A]) << GRID) // (den * per), ((-paid[HIGH0_S]) << GRID) // (den * per))
        grid1 = (((cost - paid[HIGH1_A]) << GRID) // (den * per), ((-paid[HIGH1_S]) << GRID) // (den * per))
        money0 = ((cost - paid[HIGH0_A]) // den, (-paid[HIGH0_S]) // den)
        money1 = ((cost - paid[HIGH1_A]) // den, (-paid[HIGH1_S]) // den)
        return grid0, grid1, money0, money1

    def _may_beat(self, project: int, most: int) -> bool:
        """A cheap look before pricing in full: one split (supporters whose upper budget is
        below the share that price ``most`` would ask of them pay everything) raises the
        bound. False if that proves the price stays at or above ``most``, or the project is
        unaffordable everywhere (it is then dropped)."""
        t, L = self.t, self.L
        cells = self._supporters(project)
        rows = cells.rows
        if self._drop_if_unaffordable(project, self._money(cells.sums)):
            return False
        share = (most * t.per[project]) >> GRID
        if t.cost_sat:
            poor = rows[:, HIGH0_A] < share
        else:
            poor = rows[:, HIGH0_A] < (t.levels[project] * share)[cells.level_of]
        if np.count_nonzero(poor) == len(poor):
            return True
        line0, line1, _, _ = self._lines_below(project, cells, poor)
        least = max(min(a, a + s * L) for a, s in (line0, line1))
        self.bound[project] = max(self.bound[project], least)
        return least <= most

    def _price(self, project: int) -> Price | None:
        L = self.L
        cells = self._supporters(project)
        rows, sums = cells.rows, cells.sums
        money = self._money(sums)
        if self._drop_if_unaffordable(project, money):
            return None
        walks, splits = [], []
        for end, t in enumerate((0, L) if L else (0,)):
            low = rows[:, LOW_A] + rows[:, LOW_S] * t if t else rows[:, LOW_A]
            walk = self._walk(project, cells, low, sums[LOW_A] + sums[LOW_S] * t)
            walks.append(walk)
            if walk is not None:
                splits.append(walk[2])
                continue
            a, s = (HIGH0_A, HIGH0_S) if end == 0 else (HIGH1_A, HIGH1_S)
            high = rows[:, a] + rows[:, s] * t if t else rows[:, a]
            split = self._walk(project, cells, high, sums[a] + sums[s] * t)
            splits.append(split[2] if split is not None else _all_but_richest(high, cells.sats))
        if not L:  # one budget: both ends are the same point
            walks.append(walks[0])
            splits.append(splits[0])
        return self._enclose(project, walks, splits, cells, money)

    def _walk(self, project: int, cells: Cells, budgets: np.ndarray, money: int) -> tuple[int, int, np.ndarray] | None:
        """The exact price at these budgets, (numerator, denominator, who pays all they have),
        or None if unaffordable. Grows the set of those who pay everything to its fixed point,
        which is exactly the reference's walk by budget / satisfaction."""
        t = self.t
        weights, sats, cost, total = cells.weights, cells.sats, t.cost[project], t.total[project]
        if money < cost:
            return None
        num, den, poor, count = cost, total, np.zeros(len(budgets), dtype=bool), 0
        while True:
            if t.cost_sat:
                now = budgets < -(-num // den)  # b < num / den, for integer b
            else:
                levels = np.array([-(-num * int(u) // den) for u in t.levels[project]], dtype=INT64)
                now = budgets < levels[cells.level_of]
            found = int(np.count_nonzero(now))
            if found == count:
                return num, den, poor
            poor, count = now, found
            w = weights[poor]
            num = cost - int(np.dot(w, budgets[poor]))
            den = total - (int(w.sum()) if t.cost_sat else int(np.dot(w, sats[poor])))

    def _enclose(
        self,
        project: int,
        walks: list[tuple[int, int, np.ndarray] | None],
        splits: list[np.ndarray],
        cells: Cells,
        money: tuple[Line, Line],
    ) -> Price:
        t, L = self.t, self.L
        cost, total, per = t.cost[project], t.total[project], t.per[project]
        w0, w1 = walks
        if w0 is not None and w1 is not None and not w0[2].any() and not w1[2].any():
            rho, rho_up = (cost << GRID) // (total * per), -((-cost << GRID) // (total * per))
            pay = (cost // total, 0)
            return Price((rho, 0), (rho, 0), (rho_up, 0), True, rho, rho_up, (-(-cost // total), 0), pay, pay, money)
        low0, _, pay_low0, _ = self._lines_below(project, cells, splits[0])
        _, low1, _, pay_low1 = self._lines_below(project, cells, splits[1])
        high: Line | None = None
        pay_high: Line | None = None
        most = 0
        if w0 is not None and w1 is not None:
            h0, h1 = (-((-w[0] << GRID) // (w[1] * per)) for w in (w0, w1))
            p0, p1 = (-(-w[0] // w[1]) for w in (w0, w1))
            high, pay_high = (h0, _ceil_div(h1 - h0, L) if L else 0), (p0, _ceil_div(p1 - p0, L) if L else 0)
            most = max(h0, h0 + high[1] * L)
        least = max(min(a, a + s * L) for a, s in (low0, low1))
        return Price(
            low0,
            low1,
            high,
            False,
            least,
            most,
            pay_high,
            _not_negative(pay_low0, L),
            _not_negative(pay_low1, L),
            money,
        )

    # --- paying ---------------------------------------------------------------------------

    def _pay(self, winner: int, price: Price) -> None:
        t, L = self.t, self.L
        cells = self._supporters(winner)
        assert price.pay_high is not None
        # Budgets from below pay the most, budgets from above the least.
        (ha, hs), (a0, s0), (a1, s1) = price.pay_high, price.pay_low0, price.pay_low1
        pays = np.array([ha, a0, a1, hs, s0, s1], dtype=INT64)
        rows = cells.rows - (pays if t.cost_sat else np.outer(cells.sats, pays))
        end = rows[:, INTERCEPTS] + rows[:, SLOPES] * L
        below = np.flatnonzero(((rows[:, INTERCEPTS] < 0) | (end < 0)).any(axis=1))
        if len(below):  # clip at 0 the few that ran out
            start, slope, end = rows[below, INTERCEPTS], rows[below, SLOPES], end[below]
            negative = (start[:, 0] < 0) | (end[:, 0] < 0)
            start[negative, 0] = 0  # zero: a line below max(0, x)
            slope[negative, 0] = 0
            first, last = np.maximum(start[:, 1:], 0), np.maximum(end[:, 1:], 0)
            if L:  # the chord: a line above max(0, x)
                slope[:, 1:] = np.where((start[:, 1:] < 0) | (end[:, 1:] < 0), -((first - last) // L), slope[:, 1:])
            start[:, 1:] = first
            rows[below, INTERCEPTS], rows[below, SLOPES] = start, slope
        # Each cell becomes a class of its own, except that all who have nothing left share
        # one (in late rounds, most). The classes the cells left keep those who did not
        # support the winner, or nobody: compaction then reuses their numbers.
        if t.cost_sat:  # one cell per class
            self.voters[cells.keys] -= cells.weights
        else:
            np.subtract.at(self.voters, cells.keys // len(t.levels[winner]), cells.weights)
        solvent = rows.any(axis=1)  # some line above zero somewhere on the range
        ids = np.empty(len(rows), dtype=INT64)
        if not solvent.all():
            if self.zero < 0:
                self.zero = self._add(np.zeros((1, 6), dtype=INT64), np.zeros(1, dtype=INT64))[0]
            ids[~solvent] = self.zero
            self.voters[self.zero] += int(cells.weights[~solvent].sum())
            ids[solvent] = self._add(rows[solvent], cells.weights[solvent])
        else:
            ids[:] = self._add(rows, cells.weights)
        renumber = np.empty(int(cells.keys[-1]) + 1, dtype=INT64)
        renumber[cells.keys] = ids
        self.class_of[t.members[winner]] = renumber[cells.key]
        if self.size > 2 * np.count_nonzero(self.voters[: self.size]) + 64:
            self._compact()

    def _add(self, rows: np.ndarray, voters: np.ndarray) -> np.ndarray:
        """New classes with these lines and voters; their numbers."""
        first, added = self.size, len(rows)
        if first + added > len(self.budgets):
            capacity = max(2 * len(self.budgets), first + added)
            budgets, counts = np.empty((capacity, 6), dtype=INT64), np.empty(capacity, dtype=INT64)
            budgets[:first], counts[:first] = self.budgets[:first], self.voters[:first]
            self.budgets, self.voters = budgets, counts
        self.budgets[first : first + added], self.voters[first : first + added] = rows, voters
        self.size += added
        return np.arange(first, first + added, dtype=INT64)

    def _compact(self) -> None:
        """Renumber the classes somebody is still in (sums over classes cost their number)."""
        live = np.flatnonzero(self.voters[: self.size])
        renumber = np.empty(self.size, dtype=INT64)
        renumber[live] = np.arange(len(live), dtype=INT64)
        if self.zero >= 0:
            self.zero = int(renumber[self.zero]) if self.voters[self.zero] else -1
        self.class_of = renumber[self.class_of]
        self.budgets[: len(live)], self.voters[: len(live)] = self.budgets[live], self.voters[live]
        self.size = len(live)


def _first_reach(lines: tuple[Line, Line], level: int, L: int) -> Rational | None:
    """The first t in [0, L] where both lines are at or above ``level``, or None."""
    ends = [(a, a + s * L) for a, s in lines]
    if any(first < level and last < level for first, last in ends):
        return None  # one line stays below throughout
    if all(first >= level for first, _ in ends):
        return Rational(0)
    start, stop = Rational(0), Rational(L)
    for a, s in lines:
        if s == 0:
            if a < level:
                return None
        elif s > 0:
            start = max(start, Rational(level - a, s))
        else:
            stop = min(stop, Rational(level - a, s))
    return start if start <= stop else None


def _first_bad(low0: Line, low1: Line, high: Line, L: int, strict: bool) -> Rational | None:
    """The first t in [0, L] where ``max(low0, low1) - high`` is not positive (negative, if not
    ``strict``); None if there is none."""
    bad = []
    for a, s in (low0, low1):
        d0, d1 = a - high[0], (a - high[0]) + (s - high[1]) * L
        if (d0 > 0 and d1 > 0) if strict else (d0 >= 0 and d1 >= 0):
            return None  # this line alone proves it
        bad.append(_bad_interval(a - high[0], s - high[1], L))
    lo, hi = max(bad[0][0], bad[1][0]), min(bad[0][1], bad[1][1])
    if lo > hi:
        return None
    if lo == hi:  # the two bad sets (taken closed) meet in one point: check it exactly
        diff = max(a + s * lo for a, s in (low0, low1)) - (high[0] + high[1] * lo)
        if diff > 0 or (diff == 0 and not strict):
            return None
    return lo


def _bad_interval(a: int, s: int, L: int) -> tuple[Rational, Rational]:
    """A closed interval of [0, L] holding every t where a + s t fails (it fails at an end)."""
    if s == 0:
        return Rational(0), Rational(L)
    root = Rational(-a, s)
    return (Rational(0), min(Rational(L), root)) if s > 0 else (max(Rational(0), root), Rational(L))


def _all_but_richest(budgets: np.ndarray, sats: np.ndarray) -> np.ndarray:
    split = np.ones(len(budgets), dtype=bool)
    split[int(np.argmax(budgets / sats))] = False  # any split gives a valid bound
    return split


def _not_negative(line: Line, L: int) -> Line:
    return line if line[0] >= 0 and line[0] + line[1] * L >= 0 else (0, 0)  # prices are never negative


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)
