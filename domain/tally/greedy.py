"""Utilitarian greedy: the most satisfaction per unit of cost first, skipping what does not fit.

This is pabutools 1.2.3 ``greedy_utilitarian_welfare`` with an additive satisfaction (its
``greedy_utilitarian_scheme_additive``): projects are ordered by total satisfaction divided by
cost, highest first (a free project with supporters comes first; a project nobody supports scores
0 but is still considered), ties broken by project id as a string; each project is taken if its
cost fits in what is left. With the cost satisfaction of approval ballots the score is the
number of approvals. An initial selection (the Method of Equal Shares' outcome, when greedy
completes it) is kept and its cost counted first.
"""

from __future__ import annotations

from domain.tally.rational import Rational
from domain.tally.satisfaction import Measure, Profile

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from domain.tally.explain import GreedyExplanation


def total_satisfaction(profile: Profile) -> tuple[Rational, ...]:
    """Each project's total satisfaction, in index order. Computed once per profile: counting
    asks for it up to three times (the votes shown, the rule, greedy completing it), and for a
    small election each time took as long as the rule."""
    known: tuple[Rational, ...] | None = profile.__dict__.get("_total_satisfaction")
    if known is None:
        known = profile.__dict__["_total_satisfaction"] = _total_satisfaction(profile)  # (a cache, not a field)
    return known


def _total_satisfaction(profile: Profile) -> tuple[Rational, ...]:
    if profile.measure == Measure.COST:  # every supporter's satisfaction is the cost: count them
        return tuple(cost * count for cost, count in zip(profile.costs, _supporters(profile)))
    # Few distinct point values: count voters per (project, value) and multiply once. Values
    # are counted by object, not by equality: the parser reads each distinct number once, and
    # hashing a Rational is slow. (Equal values held in two objects are simply summed apart.)
    counts: dict[tuple[int, int], int] = {}
    value_of: dict[int, Rational] = {}
    for group in profile.groups:
        size = len(group.voters)
        for project, value in zip(group.projects, group.values):
            key = (project, id(value))
            if key in counts:
                counts[key] += size
            else:
                counts[key] = size
                value_of[id(value)] = value
    totals = [Rational(0)] * len(profile.ids)
    for (project, held_at), voters in counts.items():
        totals[project] += value_of[held_at] * voters
    return tuple(totals)


def _supporters(profile: Profile) -> list[int]:
    """Each project's number of supporters (the same cache as ``total_satisfaction``)."""
    known: list[int] | None = profile.__dict__.get("_supporters")
    if known is None:
        known = [0] * len(profile.ids)
        for group in profile.groups:
            size = group.size
            for project in group.projects:
                known[project] += size
        profile.__dict__["_supporters"] = known
    return known


def votes(profile: Profile) -> tuple[Rational, ...]:
    """What each project received, in index order: approvals (the number of voters, under the
    cost measure), points given, or Borda score."""
    if profile.measure != Measure.COST:
        return total_satisfaction(profile)
    return tuple(map(Rational, _supporters(profile)))


def order(profile: Profile, exclude: frozenset[int] = frozenset()) -> list[tuple[int, Rational | None]]:
    """Projects in the order greedy considers them, each with its score (None: free)."""
    totals = total_satisfaction(profile)
    scored: list[tuple[tuple[int, Rational, int], int, Rational | None]] = []
    for project, cost in enumerate(profile.costs):
        if project in exclude:
            continue
        if totals[project] > 0 and cost == 0:
            scored.append(((0, Rational(0), project), project, None))
        else:
            score = totals[project] / cost if totals[project] > 0 else Rational(0)
            scored.append(((1, -score, project), project, score))
    return [(project, score) for _, project, score in sorted(scored)]


def greedy(
    profile: Profile, initial: frozenset[int] = frozenset(), explain: bool = False
) -> tuple[frozenset[int], GreedyExplanation | None]:
    """The projects greedy selects, and with ``explain`` each step (None without: a plain count
    does not load the explanation's records)."""
    remaining = profile.budget - profile.cost_of(initial)
    start = remaining
    chosen = set(initial)
    steps = []
    for project, score in order(profile, initial):
        cost = profile.costs[project]
        fits = cost <= remaining
        if fits:
            chosen.add(project)
            remaining -= cost
        steps.append((profile.ids[project], cost, score, fits, remaining))
    if not explain:
        return frozenset(chosen), None
    from domain.tally.explain import GreedyExplanation, GreedyStep

    return frozenset(chosen), GreedyExplanation(start, tuple(GreedyStep(*step) for step in steps))
