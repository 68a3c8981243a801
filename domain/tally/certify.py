"""Prove what the Method of Equal Shares buys over whole ranges of per-voter budgets.

``Certifier(profile).cover(first, last)`` yields pieces ``(a, b, sequence)``, left to right,
covering ``b0 + k`` for ``first <= k <= last``: on each piece MES buys ``sequence`` for every k
(proven by ``enclosure.Pass``, which never extrapolates). A single budget that no enclosure
can settle (an exact tie between projects that are not twins, or closer than rounding) comes
as ``(a, a, None)``: the caller computes it in exact rationals. ``run(k, 0)`` is one budget.

Money is counted in ticks: the common denominator of costs and budget, times the largest power
of two that keeps ``n`` budgets of up to ``B + B/n`` inside 63 bits, so every sum over voters is
an exact 64-bit integer. Ranges reaching beyond that (never for real elections: a voter with
``B`` can afford anything) are left to the caller.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain

import numpy as np

from domain.tally.enclosure import GRID, INT64, Checkpoint, Pass, Undecided
from domain.tally.rational import Rational
from domain.tally.satisfaction import Measure, Profile


@dataclass
class Tables:
    """The election as ``enclosure.Pass`` needs it: per project, its supporting groups, their
    sizes and satisfactions as integer arrays; money in ticks."""

    cost_sat: bool
    unit: int  # ticks per currency unit
    cap_ticks: int
    start_low: int  # B / n in ticks, rounded down and up
    start_high: int
    groups: int
    cost: list[int]
    members: list[np.ndarray]
    weights: list[np.ndarray]
    sats: list[np.ndarray]
    total: list[int]  # total satisfaction (for the cost measure: number of supporters)
    per: list[int]  # the rule's rho is the walk price divided by this (the cost, for cost sat)
    levels: list[np.ndarray]  # distinct satisfactions of each project's supporters
    level_of: list[np.ndarray]
    eligible: list[int]
    first_bound: dict[int, int]  # cost / total satisfaction: the least price ever
    twins: dict[int, frozenset[int]]
    sizes: list[np.ndarray]  # ``weights`` as floats, for np.bincount
    voters: int
    ones: np.ndarray  # satisfaction 1 for as many as there are groups

    @classmethod
    def of(cls, profile: Profile) -> Tables:
        cost_sat = profile.measure == Measure.COST
        n = max(profile.voters, 1)
        scale = _lcm(*(c.denominator for c in profile.costs), profile.budget.denominator)
        cap = profile.budget + profile.budget / n + 1
        shift = 0
        while cap * scale * n * (1 << (shift + 1)) < (1 << 60):
            shift += 1
        unit = scale << shift
        cost = [int(c * unit) for c in profile.costs]
        start = Rational(int(profile.budget * unit), n)
        members, weights, sats = _supporters(profile, cost_sat)
        total = [int(np.dot(w, s)) for w, s in zip(weights, sats)]
        per = [c if cost_sat else 1 for c in cost]
        # (np.unique would import numpy.ma on first use: 20 ms, more than a small tally.)
        levels = [np.array(sorted(set(s.tolist())), dtype=INT64) for s in sats] if not cost_sat else []
        eligible = [p for p in range(len(cost)) if cost[p] > 0 and total[p] > 0]
        signature: dict[tuple[int, bytes, bytes], list[int]] = {}
        for p in eligible:
            signature.setdefault((cost[p], members[p].tobytes(), sats[p].tobytes()), []).append(p)
        return cls(
            cost_sat=cost_sat,
            unit=unit,
            cap_ticks=int(cap * unit),
            start_low=math.floor(start),
            start_high=math.ceil(start),
            groups=len(profile.groups),
            cost=cost,
            members=members,
            weights=weights,
            sats=sats,
            total=total,
            per=per,
            levels=levels,
            level_of=[np.searchsorted(lv, s) for lv, s in zip(levels, sats)],
            eligible=eligible,
            first_bound={p: (cost[p] << GRID) // (total[p] * per[p]) for p in eligible},
            twins={p: frozenset(same) for same in signature.values() for p in same},
            sizes=[w.astype(np.float64) for w in weights],
            voters=profile.voters,
            ones=np.ones(len(profile.groups), dtype=INT64),
        )


def _supporters(profile: Profile, cost_sat: bool) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """Per project: its supporting groups, their sizes and (integer) satisfactions."""
    lengths = np.fromiter((len(g.projects) for g in profile.groups), dtype=INT64, count=len(profile.groups))
    count = int(lengths.sum())
    projects = np.fromiter(chain.from_iterable(g.projects for g in profile.groups), dtype=INT64, count=count)
    groups = np.repeat(np.arange(len(profile.groups), dtype=INT64), lengths)
    if cost_sat:  # every supporter pays the same share: count supporters
        values = np.ones(count, dtype=INT64)
    else:
        flat = list(chain.from_iterable(g.values for g in profile.groups))
        scale = _lcm(*{value.denominator for value in flat})
        values = np.fromiter((int(value * scale) for value in flat), dtype=INT64, count=count)
    order = np.argsort(projects, kind="stable")
    bounds = np.cumsum(np.bincount(projects, minlength=len(profile.ids)))[:-1]
    sizes = np.fromiter((g.size for g in profile.groups), dtype=INT64, count=len(profile.groups))
    members = np.split(groups[order], bounds)
    return members, [sizes[m] for m in members], np.split(values[order], bounds)


class Certifier:
    def __init__(self, profile: Profile) -> None:
        self.tables = Tables.of(profile)

    def last_fitting(self) -> int:
        """The largest k whose budgets stay inside 64 bits."""
        t = self.tables
        return (t.cap_ticks - t.start_high) // t.unit

    def run(self, k0: int, width: int) -> tuple[int, ...]:
        """The sequence on [k0, k0 + width] in one pass, or Undecided."""
        return Pass(self.tables, k0, width).sequence()

    def cover(self, first: int, last: int) -> Iterator[tuple[int, int, tuple[int, ...] | None]]:
        """Proven pieces covering [first, last], left to right (see the module docstring).

        Ranges grow while they are proven (doubling; after a change of sequence, at least half
        as wide as the last stretch without one). A range that cannot be proven says where the
        failing comparison stopped holding and is narrowed to that. Its state at the start of
        the failing round is kept (a checkpoint): what holds on a range holds on any part of
        it, so narrower ranges inside it start from that round, with the checkpoint's lines
        or, when much narrower, by buying its proven winners again with lines made for the
        narrower range (``Pass._replay``). A checkpoint that cannot settle even the first
        budget of a narrower range is too loose there (it was made for a wider range) and is
        dropped.
        """
        checkpoints: list[Checkpoint] = []
        k, width, current, stretch = first, 0, None, first
        while k <= last:
            width = min(width, last - k)
            checkpoints = [cp for cp in checkpoints if cp.k0 + cp.width >= k]
            around = [cp for cp in checkpoints if cp.k0 <= k]
            if around and k + width > around[-1].k0 + around[-1].width:
                # Stay inside the latest checkpoint here rather than start from scratch.
                width = max(width // 2, around[-1].k0 + around[-1].width - k)
            start = next((cp for cp in reversed(around) if k + width <= cp.k0 + cp.width), None)
            try:
                sequence = Pass(self.tables, k, width, start).sequence()
            except Undecided as undecided:
                if undecided.checkpoint is not None and (start is None or undecided.checkpoint.round > start.round):
                    checkpoints.append(undecided.checkpoint)
                inherited = start is not None and (start.k0, start.width) != (k, width)
                if inherited and (undecided.safe == 0 or width == 0) and start.loose(k):  # type: ignore[union-attr]
                    checkpoints.remove(start)  # type: ignore[arg-type]
                elif width == 0:
                    yield k, k, None
                    k, width = k + 1, 1
                else:
                    width = math.ceil(undecided.safe) - 1 if undecided.safe > 0 else width // 2
                continue
            yield k, k + width, sequence
            grow = 2 * width + 1
            if sequence != current:
                grow = max(grow, (k - stretch) // 2)
                current, stretch = sequence, k
            k, width = k + width + 1, grow


def _lcm(*values: int) -> int:
    result = 1
    for value in values:
        result = result * value // math.gcd(result, value)
    return result
