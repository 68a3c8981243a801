"""Small random elections: the fast engines against straightforward reimplementations of the
reference semantics (``tally_reference.py``), and against pabutools 1.2.3 itself."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.tally import (
    ApprovalBallot,
    CumulativeBallot,
    Election,
    OrdinalBallot,
    Project,
    Voter,
    VoteType,
    tally,
)
from domain.tally.certify import Certifier
from domain.tally.enclosure import Undecided
from domain.tally.explain import GreedyExplanation, MesExplanation, Reason
from domain.tally.pabulib import write
from domain.tally.satisfaction import compile_profile
from tests.unit.tally.tally_reference import free_projects, greedy_fill, mes_completed_by_scan, mes_fixed

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def elections(
    draw: st.DrawFn,
    kinds: tuple[VoteType, ...] = tuple(VoteType),
    scale: int = 1,
    most_voters: int = 7,
    most_projects: int = 6,
) -> Election:
    kind = draw(st.sampled_from(kinds))
    count = draw(st.integers(1, most_projects))
    ids = [
        str(i) for i in draw(st.lists(st.integers(1, 2 * most_projects), min_size=count, max_size=count, unique=True))
    ]
    costs = draw(st.lists(st.integers(0, 20), min_size=count, max_size=count))
    projects = tuple(Project(i, Fraction(c * scale)) for i, c in zip(ids, costs))
    budget = Fraction(draw(st.integers(1, 60)) * scale, draw(st.sampled_from([1, 1, 2, 4])))
    voters = []
    for number in range(draw(st.integers(1, most_voters))):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=count))
        if kind.is_approval:
            ballot: object = ApprovalBallot(frozenset(chosen[:1] if kind is VoteType.CHOOSE_1 else chosen))
        elif kind.has_points:
            points = draw(st.lists(st.integers(0, 5), min_size=len(chosen), max_size=len(chosen)))
            ballot = CumulativeBallot(tuple((p, Fraction(v)) for p, v in zip(chosen, points)))
        else:
            ballot = OrdinalBallot(tuple(chosen))
        voters.append(Voter(f"v{number}", ballot))  # type: ignore[arg-type]
    return Election(budget, kind, projects, tuple(voters))


def _ids(election: Election, indices: set[int] | frozenset[int]) -> list[str]:
    profile = compile_profile(election)
    return sorted(profile.ids[i] for i in indices)


@SETTINGS
@given(elections())
def test_mes_completed_equals_the_plain_scan_over_every_k(election: Election) -> None:
    profile = compile_profile(election)
    mes_phase, _ = mes_completed_by_scan(profile)
    assert list(tally(election, "mes-completed").selected) == _ids(election, greedy_fill(profile, mes_phase))


@SETTINGS
@given(elections(kinds=(VoteType.APPROVAL, VoteType.CUMULATIVE), scale=100))
def test_mes_completed_equals_the_plain_scan_when_many_k_are_skipped(election: Election) -> None:
    profile = compile_profile(election)
    mes_phase, _ = mes_completed_by_scan(profile)
    assert list(tally(election, "mes-completed").selected) == _ids(election, greedy_fill(profile, mes_phase))


@SETTINGS
@given(elections())
def test_mes_equals_the_plain_definition(election: Election) -> None:
    profile = compile_profile(election)
    expected = free_projects(profile) | set(mes_fixed(profile, profile.budget / profile.voters))
    assert list(tally(election, "mes").selected) == _ids(election, expected)


@SETTINGS
@given(
    elections(kinds=(VoteType.APPROVAL, VoteType.CUMULATIVE, VoteType.ORDINAL), scale=50),
    st.integers(0, 40),
    st.integers(0, 60),
)
def test_a_proven_range_has_the_same_sequence_at_every_k(election: Election, k0: int, width: int) -> None:
    profile = compile_profile(election)
    certifier = Certifier(profile)
    try:
        sequence = certifier.run(k0, width)
    except Undecided:
        return  # declining is always allowed; claiming is what must be right
    b0 = profile.budget / profile.voters
    for k in {k0, k0 + width // 3, k0 + width // 2, k0 + width}:
        assert list(sequence) == mes_fixed(profile, b0 + k)


@SETTINGS
@given(elections())
def test_explanations_account_for_every_payment_and_step(election: Election) -> None:
    outcome = tally(election, "mes-completed", explain=True)
    why = outcome.explanation
    assert isinstance(why, MesExplanation)
    for bought in why.rounds:
        assert sum(p.amount * len(p.voters) for p in bought.payments) == bought.cost
        assert all(p.amount <= why.per_voter_budget for p in bought.payments)
    assert {r.project for r in why.rounds} | set(why.free) | {r.project for r in why.rejected} == {
        p.id for p in election.projects
    }
    for rejected in why.rejected:
        if rejected.reason is Reason.UNAFFORDABLE:
            assert rejected.supporters and rejected.supporters_money < rejected.cost
        else:
            assert rejected.supporters == 0 or rejected.cost == 0
    assert isinstance(why.completion, GreedyExplanation)
    left = why.completion.budget
    for step in why.completion.steps:
        left -= step.cost if step.selected else 0
        assert step.remaining == left >= 0
    greedy = tally(election, "greedy", explain=True).explanation
    assert isinstance(greedy, GreedyExplanation)
    assert [s.project for s in greedy.steps if s.selected] == [
        p for p in (s.project for s in greedy.steps) if p in tally(election, "greedy").selected
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    elections(
        kinds=(VoteType.APPROVAL, VoteType.CUMULATIVE, VoteType.ORDINAL), scale=20, most_voters=30, most_projects=9
    )
)
def test_mes_completed_equals_the_plain_scan_on_larger_elections(election: Election) -> None:
    profile = compile_profile(election)
    mes_phase, _ = mes_completed_by_scan(profile)
    assert list(tally(election, "mes-completed").selected) == _ids(election, greedy_fill(profile, mes_phase))


# --- against pabutools itself --------------------------------------------------------------

pabutools = pytest.importorskip("pabutools")


def _pabutools(election: Election) -> dict[str, list[str]]:
    from pabutools.election import Additive_Borda_Sat, Additive_Cardinal_Sat, Cost_Sat
    from pabutools.election.pabulib import parse_pabulib_from_string
    from pabutools.rules import (
        completion_by_rule_combination,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        sequential_phragmen,
    )

    instance, profile = parse_pabulib_from_string(write(election))
    kind = election.vote_type
    sat = Cost_Sat if kind.is_approval else Additive_Cardinal_Sat if kind.has_points else Additive_Borda_Sat
    if kind is VoteType.ORDINAL:
        greedy = greedy_utilitarian_welfare(
            instance, profile, sat_profile=profile.as_sat_profile(sat), is_sat_additive=True
        )
    else:
        greedy = greedy_utilitarian_welfare(instance, profile, sat_class=sat)
    results = {
        "greedy": greedy,
        "mes": method_of_equal_shares(instance, profile, sat_class=sat),
        "mes-completed": completion_by_rule_combination(
            instance,
            profile.as_multiprofile(),
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": sat, "voter_budget_increment": 1}, {"sat_class": sat}],
        ),
    }
    if kind.is_approval:
        results["phragmen"] = sequential_phragmen(instance, profile)
    return {rule: sorted(p.name for p in chosen) for rule, chosen in results.items()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(elections())
def test_every_rule_equals_pabutools(election: Election) -> None:
    for rule, expected in _pabutools(election).items():
        assert list(tally(election, rule).selected) == expected, rule
