"""A slow, straightforward reimplementation of the reference semantics, for comparison only.

Written from ``../shared/notes/mes-completion.md`` section 1, voter by voter, in exact
rationals, with no classes, no laziness and no skipping: MES evaluates every project every
round, and the completion tries every k = 0, 1, 2, ... in turn.
"""

from __future__ import annotations

from fractions import Fraction

from domain.tally.satisfaction import Profile


def sats_by_voter(profile: Profile) -> list[dict[int, Fraction]]:
    voters: list[dict[int, Fraction]] = []
    for group in profile.groups:
        voters += [dict(group.sats)] * group.size
    return voters


def mes_fixed(profile: Profile, beta: Fraction) -> list[int]:
    voters = sats_by_voter(profile)
    budget = [beta] * len(voters)
    costs = profile.costs
    supporters = {p: [i for i, sats in enumerate(voters) if sats.get(p, 0) > 0] for p in range(len(costs))}
    remaining = {p for p in range(len(costs)) if costs[p] > 0 and supporters[p]}
    bought: list[int] = []
    while True:
        prices: dict[int, Fraction] = {}
        for p in sorted(remaining):
            if sum(budget[i] for i in supporters[p]) < costs[p]:
                remaining.discard(p)
                continue
            prices[p] = _rho(costs[p], [(budget[i], voters[i][p]) for i in supporters[p]])
        if not prices:
            return bought
        best = min(prices.values())
        winner = min(p for p, rho in prices.items() if rho == best)  # ids in string order
        bought.append(winner)
        remaining.discard(winner)
        for i in supporters[winner]:
            budget[i] -= min(budget[i], best * voters[i][winner])


def _rho(cost: Fraction, supporters: list[tuple[Fraction, Fraction]]) -> Fraction:
    """min{rho : sum min(b, rho u) >= cost}, walking supporters by b/u."""
    supporters = sorted(supporters, key=lambda bu: bu[0] / bu[1])
    paid, weight = Fraction(0), sum((u for _, u in supporters), Fraction(0))
    for b, u in supporters:
        rho = (cost - paid) / weight
        if rho * u <= b:
            return rho
        paid += b
        weight -= u
    raise AssertionError("affordable projects always have a paying supporter")


def supported(profile: Profile) -> set[int]:
    """Projects some voter is positively satisfied with (under the cost measure a project that
    costs nothing satisfies nobody)."""
    return {p for group in profile.groups for p, value in group.sats if value > 0}


def free_projects(profile: Profile) -> set[int]:
    return {p for p in supported(profile) if profile.costs[p] == 0}


def mes_completed_by_scan(profile: Profile) -> tuple[set[int], int]:
    """The Add1 outcome (before greedy) and its k, trying every k in turn."""
    if profile.voters == 0:
        return set(), 0
    free = free_projects(profile)
    eligible = [p for p in supported(profile) if profile.costs[p] > 0]
    b0 = profile.budget / profile.voters
    previous, k = set(free), 0
    while True:
        outcome = free | set(mes_fixed(profile, b0 + k))
        cost = profile.cost_of(frozenset(outcome))
        if cost > profile.budget:
            return previous, k - 1
        if all(cost + profile.costs[p] > profile.budget for p in eligible if p not in outcome):
            return outcome, k
        previous, k = outcome, k + 1


def greedy_fill(profile: Profile, chosen: set[int]) -> set[int]:
    totals = [Fraction(0)] * len(profile.ids)
    for group in profile.groups:
        for p, value in group.sats:
            totals[p] += value * group.size

    def key(p: int) -> tuple[int, Fraction, int]:
        if totals[p] > 0 and profile.costs[p] == 0:
            return (0, Fraction(0), p)
        return (1, -(totals[p] / profile.costs[p]) if totals[p] > 0 else Fraction(0), p)

    left = profile.budget - profile.cost_of(frozenset(chosen))
    result = set(chosen)
    for p in sorted((p for p in range(len(profile.ids)) if p not in chosen), key=key):
        if profile.costs[p] <= left:
            result.add(p)
            left -= profile.costs[p]
    return result
