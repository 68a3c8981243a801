"""``tally(election, rule)``: the entry point. Rules, their satisfaction measures and tie-breaking.

The satisfaction measure follows the ballot kind (``satisfaction.py``): cost for approval and
choose-1, points for cumulative and scoring, Borda for ordinal. Every rule breaks ties by project
id compared as strings ("10" before "9"), as the reference (pabutools 1.2.3,
``lexico_tie_breaking``) does.

* ``greedy``: most satisfaction per unit of cost first (``greedy.py``);
* ``mes``: the Method of Equal Shares (``mes.py``);
* ``mes-completed``: MES with the per-voter budget raised one unit at a time, then greedy
  (``completion.py``);
* ``phragmen``: sequential Phragmén, approval ballots only (``phragmen.py``).
"""

from __future__ import annotations

from domain.tally.ballots import Election
from domain.tally.gcpause import collector_paused
from domain.tally.greedy import greedy, votes
from domain.tally.rational import Rational
from domain.tally.record import record
from domain.tally.satisfaction import Measure, Profile, compile_profile

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from domain.tally.completion import Result
    from domain.tally.explain import Explanation, GreedyExplanation, MesExplanation

RULES = ("greedy", "mes", "mes-completed", "phragmen")
DEFAULT_RULE = "mes-completed"


class UnknownRuleError(ValueError):
    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


class RuleNotApplicableError(ValueError):
    """The rule is not defined for this kind of ballot (Phragmén needs approval ballots)."""

    def __init__(self, rule: str, vote_type: str) -> None:
        super().__init__(f"{rule}: {vote_type}")
        self.rule = rule
        self.vote_type = vote_type


@record
class Outcome:
    rule: str
    selected: tuple[str, ...]  # project ids, in project-id (string) order
    cost: Rational
    budget: Rational
    explanation: Explanation | None = None
    measure: str = ""  # the satisfaction measure counted (``satisfaction.Measure``)
    votes: tuple[tuple[str, Rational], ...] = ()  # (project id, approvals, points or Borda score)


def applicable(election: Election, rule: str) -> bool:
    return rule != "phragmen" or election.vote_type.is_approval


def tally(
    election: Election, rule: str = DEFAULT_RULE, explain: bool = False, progress: Callable[[int], None] | None = None
) -> Outcome:
    """Count ``election`` by ``rule``. For ``mes-completed``, ``progress(k)`` is told how many
    currency units per voter the count has reached (for a long count's progress line)."""
    if rule not in RULES:
        raise UnknownRuleError(rule)
    if not applicable(election, rule):
        raise RuleNotApplicableError(rule, election.vote_type.value)
    with collector_paused():
        profile = compile_profile(election)
    return count_profile(profile, rule, explain, progress, [voter.id for voter in election.voters] if explain else ())


def count_profile(
    profile: Profile,
    rule: str = DEFAULT_RULE,
    explain: bool = False,
    progress: Callable[[int], None] | None = None,
    voter_ids: Sequence[str] = (),
) -> Outcome:
    """``tally`` for an election already compiled (``reader.read_counted`` reads a file straight
    into one). ``voter_ids``: the voters' ids by position, for an explanation's payments."""
    if rule not in RULES:
        raise UnknownRuleError(rule)
    if rule == "phragmen" and profile.measure != Measure.COST:
        raise RuleNotApplicableError(rule, profile.measure)
    with collector_paused():
        chosen, why = _count(profile, rule, explain, progress, voter_ids)
    selected = tuple(sorted(profile.ids[p] for p in chosen))
    received = tuple(zip(profile.ids, votes(profile)))
    return Outcome(
        rule, selected, profile.cost_of(chosen), profile.budget, why if explain else None, profile.measure, received
    )


def _count(
    profile: Profile, rule: str, explain: bool, progress: Callable[[int], None] | None, voter_ids: Sequence[str]
) -> tuple[frozenset[int], Explanation | None]:
    if rule == "greedy":
        return greedy(profile, explain=explain)
    # Each rule's module is imported when it counts: a short ``civic tally`` pays for one.
    if rule == "phragmen":
        from domain.tally.phragmen import phragmen

        return phragmen(profile, explain=explain)
    from domain.tally.completion import equal_shares_at, equal_shares_completed

    if rule == "mes":
        result = equal_shares_at(profile)
        return result.selected, _mes_explanation(voter_ids, profile, result, None) if explain else None
    result = equal_shares_completed(profile, progress)
    chosen, completion = greedy(profile, result.selected, explain=explain)
    return chosen, _mes_explanation(voter_ids, profile, result, completion) if explain else None


def _mes_explanation(
    voter_ids: Sequence[str], profile: Profile, result: Result, completion: GreedyExplanation | None
) -> MesExplanation:
    """Replay the run that produced ``result`` in exact rationals, recording every payment."""
    from domain.tally.explain import MesExplanation, MesRejection, MesRound, Payment, Reason
    from domain.tally.mes import ExactMES

    mes = ExactMES(profile)
    run = mes.run(result.per_voter_budget, forced=result.sequence, record=True)
    rounds = []
    for purchase in run.purchases:
        payments = tuple(
            Payment(amount, tuple(voter_ids[v] for g in groups for v in profile.groups[g].voters), full)
            for amount, groups, full in purchase.payments
        )
        cost = profile.costs[purchase.project]
        share = purchase.rho * cost if profile.measure == Measure.COST else None
        rounds.append(MesRound(profile.ids[purchase.project], cost, purchase.rho, share, payments))
    rejected = []
    for project in range(len(profile.ids)):
        if project in result.selected:
            continue
        supporters = sum(group.size for group in profile.groups if project in group.projects)
        if not supporters:
            reason = Reason.NO_SUPPORTERS
        elif profile.costs[project] == 0:  # only under the cost measure does a free one get here
            reason = Reason.COSTS_NOTHING
        else:
            reason = Reason.UNAFFORDABLE
        rejected.append(
            MesRejection(
                profile.ids[project], profile.costs[project], supporters, run.leftover.get(project, Rational(0)), reason
            )
        )
    return MesExplanation(
        per_voter_budget=result.per_voter_budget,
        increments=result.increments,
        free=tuple(profile.ids[p] for p in mes.free),
        rounds=tuple(rounds),
        rejected=tuple(rejected),
        completion=completion,
    )
