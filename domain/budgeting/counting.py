"""Counting one area's ballots with the cycle's pre-registered rule (pure: no I/O).

``count_area(spec, area, entries, ballots, eligible)`` turns the area's counted ballots (each a
``Choices``: ``{code: 1}``, ``{code: points}`` or ``{code: rank}``) into an ``Election`` of the
tally engine (``domain/tally``), counts it and returns an ``AreaResult``.

How each ballot kind is counted (the satisfaction measure is the engine's, as pabutools has it):

- ``approval`` and ``knapsack``: approval ballots, cost satisfaction (a voter's satisfaction with
  a project they chose is its cost); ``votes`` is the number of approvals;
- ``cumulative``: the points given are the satisfaction; ``votes`` is the points received;
- ``ranked``: ordinal ballots, Borda satisfaction (the last of the projects on the ballot scores 0,
  each place above it one more); ``votes`` is the Borda score. Phragmén needs approval ballots.
- ``top-per-area`` (Cianjhen 2018): the one project with the most votes wins (ties: the smaller
  code as a string, as every rule of the engine breaks them).

Thresholds (``spec.counting``), applied before the rule: a project that fails one cannot win and
is left out of the count, as if it had not been on the ballot (the ballots keep their other
choices; a ranked ballot closes up its ranks):

- Taipei (``min_voters_percent``): a project needs supporters (ballots that name it) from at least
  that percentage of the area's eligible residents, rounded up to whole people;
- Świecie (``min_vote_share``): a project whose share of the votes is below cost ÷ (3 × budget) is
  not eligible. Its share is its supporters over the area's ballots (for cumulative ballots: its
  points over all points given).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from math import ceil
from typing import Any

from domain.budgeting.spec import MAX_CHOICES, TOP_PER_AREA, CycleSpec
from domain.tally import (
    ApprovalBallot,
    BallotRules,
    CumulativeBallot,
    Election,
    OrdinalBallot,
    Project,
    RuleNotApplicableError,
    Voter,
    VoteType,
    applicable,
)
from domain.tally.explain import Explanation, GreedyExplanation, MesExplanation, PhragmenExplanation
from domain.tally.gcpause import collector_paused
from domain.tally.greedy import votes as received
from domain.tally.outcome import count_profile
from domain.tally.rational import Rational
from domain.tally.satisfaction import compile_profile

Choices = dict[str, int]

VOTE_TYPES = {
    "approval": VoteType.APPROVAL,
    "knapsack": VoteType.APPROVAL,
    "cumulative": VoteType.CUMULATIVE,
    "ranked": VoteType.ORDINAL,
}
MIN_VOTERS = "min_voters"  # Taipei's threshold
MIN_VOTE_SHARE = "min_vote_share"  # Świecie's


@dataclass(frozen=True)
class AreaResult:
    area: str
    rule: str
    budget: int
    selected: list[str]  # codes, in code (string) order
    votes: dict[str, int]  # every entry's approvals, points or Borda score, in ballot order
    cost: int
    explanation: dict[str, Any]  # the rounds as plain JSON data (``explanation_data``)
    voters: int = 0  # ballots counted
    supporters: dict[str, int] = field(default_factory=dict)  # ballots naming each entry
    excluded: dict[str, str] = field(default_factory=dict)  # code → the threshold it failed
    min_supporters: int = 0  # Taipei: supporters a project needed (0: no threshold)

    def to_dict(self) -> dict[str, Any]:
        return {
            "area": self.area, "rule": self.rule, "budget": self.budget, "selected": list(self.selected),
            "votes": dict(self.votes), "cost": self.cost, "explanation": self.explanation, "voters": self.voters,
            "supporters": dict(self.supporters), "excluded": dict(self.excluded),
            "min_supporters": self.min_supporters,
        }  # fmt: skip

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> AreaResult:
        return AreaResult(
            area=data["area"], rule=data["rule"], budget=data["budget"], selected=list(data["selected"]),
            votes=dict(data["votes"]), cost=data["cost"], explanation=dict(data["explanation"]),
            voters=data.get("voters", 0), supporters=dict(data.get("supporters", {})),
            excluded=dict(data.get("excluded", {})), min_supporters=data.get("min_supporters", 0),
        )  # fmt: skip


def thresholds(spec: CycleSpec) -> tuple[Rational, bool]:
    """(Taipei's percentage, exactly; Świecie's rule on?) from the cycle's ``[counting]`` table."""
    rules = spec.counting
    return Rational(str(rules.min_voters_percent)), bool(rules.min_vote_share)


def ballot_rules(spec: CycleSpec, budget: int) -> BallotRules:
    """The cycle's ballot limits in the engine's (and Pabulib's META) terms. The number of choices
    of a knapsack or points ballot is written only when the cycle limits it."""
    ballot = spec.ballot
    low = ballot.min_choices or None
    high = ballot.max_choices if ballot.max_choices < MAX_CHOICES else None
    if ballot.kind == "knapsack":
        least = Rational(budget * ballot.min_share, 100) if ballot.min_share else None
        return BallotRules(min_length=low, max_length=high, min_sum_cost=least, max_sum_cost=Rational(budget))
    if ballot.kind == "cumulative":
        return BallotRules(
            min_length=low, max_length=high, max_points=Rational(ballot.max_per_project),
            max_sum_points=Rational(ballot.points),
        )  # fmt: skip
    return BallotRules(min_length=ballot.min_choices, max_length=ballot.max_choices)


def election_of(spec: CycleSpec, budget: int, entries: Mapping[str, int], ballots: Iterable[Choices],
                keep: frozenset[str] | None = None) -> Election:  # fmt: skip
    """The area as the engine's election. Voters are numbered in the order given; voters with the
    same choices share one ballot object (the engine checks and compiles each once). ``keep``:
    the entries that stay in the count (default: all)."""
    with collector_paused():  # many small objects, no cycles: a collection would scan them all, for nothing
        return _election_of(spec, budget, entries, ballots, keep)


def _election_of(spec: CycleSpec, budget: int, entries: Mapping[str, int], ballots: Iterable[Choices],
                 keep: frozenset[str] | None) -> Election:  # fmt: skip
    kind = VOTE_TYPES[spec.ballot.kind]
    codes = [code for code in entries if keep is None or code in keep]
    projects = tuple(Project(code, Rational(entries[code])) for code in codes)
    wanted = set(codes)
    shared: dict[tuple[tuple[str, int], ...], Any] = {}
    voters = []
    for number, choices in enumerate(ballots, start=1):
        key = tuple(choices.items())
        ballot = shared.get(key)
        if ballot is None:
            ballot = shared[key] = ballot_of(kind, {code: value for code, value in key if code in wanted})
        voters.append(Voter(str(number), ballot))
    return Election(Rational(budget), kind, projects, tuple(voters), ballot_rules(spec, budget))


def ballot_of(kind: VoteType, choices: Choices) -> ApprovalBallot | CumulativeBallot | OrdinalBallot:
    if kind is VoteType.CUMULATIVE:
        return CumulativeBallot(tuple((code, Rational(points)) for code, points in choices.items()))
    if kind is VoteType.ORDINAL:
        return OrdinalBallot(tuple(sorted(choices, key=choices.__getitem__)))
    return ApprovalBallot(frozenset(choices))


def count_area(
    spec: CycleSpec, area: str, entries: Mapping[str, int], ballots: Iterable[Choices], eligible: int
) -> AreaResult:
    """Count area ``area``: ``entries`` its ballot (code → cost NT$), ``ballots`` the counted ballots
    (the latest of each person), ``eligible`` its eligible residents (for Taipei's threshold)."""
    with collector_paused():  # see election_of
        return _count_area(spec, area, entries, ballots, eligible)


def _count_area(
    spec: CycleSpec, area: str, entries: Mapping[str, int], ballots: Iterable[Choices], eligible: int
) -> AreaResult:
    found = spec.area(area)
    if found is None:
        raise KeyError(area)
    budget = found.budget
    counted = list(ballots)
    supporters = dict.fromkeys(entries, 0)
    points = dict.fromkeys(entries, 0)
    for choices in counted:
        for code, value in choices.items():
            if code in supporters:
                supporters[code] += 1
                points[code] += value
    percent, share_rule = thresholds(spec)
    need = ceil(eligible * percent / 100) if percent else 0
    excluded: dict[str, str] = {}
    for code, cost in entries.items():
        if need and supporters[code] < need:
            excluded[code] = MIN_VOTERS
        elif share_rule and _share(spec, code, supporters, points, len(counted)) < Rational(cost, 3 * budget):
            excluded[code] = MIN_VOTE_SHARE
    keep = frozenset(code for code in entries if code not in excluded)
    full = election_of(spec, budget, entries, counted)
    profile = compile_profile(full)  # once: the votes and, with no project left out, the count itself
    votes = {code: int(value) for code, value in zip(profile.ids, received(profile))}
    if spec.rule == TOP_PER_AREA:
        selected = _top(keep, votes)
        explanation = {"kind": "top", "order": _by_votes(keep, votes), "winner": selected[0] if selected else None}
    elif keep and counted:  # no ballots, no winners (the engine's greedy would fill the budget)
        if excluded:
            profile = compile_profile(election_of(spec, budget, entries, counted, keep))
        if not applicable(full, spec.rule):
            raise RuleNotApplicableError(spec.rule, full.vote_type.value)
        voter_ids = [voter.id for voter in full.voters]
        outcome = count_profile(profile, spec.rule, explain=True, voter_ids=voter_ids)
        selected, explanation = list(outcome.selected), explanation_data(outcome.explanation)
    else:
        selected, explanation = [], {"kind": "none"}
    return AreaResult(
        area=area, rule=spec.rule, budget=budget, selected=sorted(selected), votes=votes,
        cost=sum(entries[code] for code in selected), explanation=explanation, voters=len(counted),
        supporters=supporters, excluded=excluded, min_supporters=need,
    )  # fmt: skip


def _share(spec: CycleSpec, code: str, supporters: dict[str, int], points: dict[str, int], voters: int) -> Rational:
    if spec.ballot.kind == "cumulative":
        total = sum(points.values())
        return Rational(points[code], total) if total else Rational(0)
    return Rational(supporters[code], voters) if voters else Rational(0)


def _by_votes(keep: frozenset[str], votes: dict[str, int]) -> list[str]:
    """Most votes first; equal votes in code (string) order."""
    return sorted(keep, key=lambda code: (-votes[code], code))


def _top(keep: frozenset[str], votes: dict[str, int]) -> list[str]:
    order = [code for code in _by_votes(keep, votes) if votes[code] > 0]
    return order[:1]


# --- the explanation as plain data ---------------------------------------------------------------


def amount(value: Rational) -> str:
    """An exact amount as text: ``12``, ``12.5``, or ``25/3`` (``Rational(text)`` reads each back)."""
    if value.denominator == 1:
        return str(value.numerator)
    for places in range(1, 7):
        if (value * 10**places).denominator == 1:
            return f"{float(value):.{places}f}"
    return f"{value.numerator}/{value.denominator}"


def explanation_data(why: Explanation | None) -> dict[str, Any]:
    """The engine's explanation, small enough to keep in an event: each Equal Shares round keeps
    how many supporters paid a full share and how many paid all they had left, not who."""
    if isinstance(why, MesExplanation):
        return {
            "kind": "mes", "per_voter_budget": amount(why.per_voter_budget), "increments": why.increments,
            "free": list(why.free),
            "rounds": [
                {"project": r.project, "cost": amount(r.cost),
                 "share": amount(r.share if r.share is not None else r.price),
                 "full": sum(len(p.voters) for p in r.payments if p.full_share),
                 "short": sum(len(p.voters) for p in r.payments if not p.full_share)}
                for r in why.rounds
            ],
            "rejected": [
                {"project": r.project, "cost": amount(r.cost), "supporters": r.supporters,
                 "money": amount(r.supporters_money), "reason": r.reason.value}
                for r in why.rejected
            ],
            "completion": explanation_data(why.completion) if why.completion is not None else None,
        }  # fmt: skip
    if isinstance(why, GreedyExplanation):
        return {
            "kind": "greedy", "budget": amount(why.budget),
            "steps": [
                {"project": s.project, "cost": amount(s.cost), "selected": s.selected, "left": amount(s.remaining)}
                for s in why.steps
            ],
        }  # fmt: skip
    if isinstance(why, PhragmenExplanation):
        return {
            "kind": "phragmen",
            "rounds": [{"project": r.project, "load": amount(r.load), "supporters": r.supporters} for r in why.rounds],
            "stopped_by": why.stopped_by,
        }
    return {"kind": "none"}
