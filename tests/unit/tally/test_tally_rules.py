"""Every rule on every shared election gives the reference outcome (pabutools 1.2.3, from
``expected.json``, read at test time). Where the reference timed out, the outcome is checked
against the rule's definition, and against the reference run to the end where that was done
(``expected-long.json``)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from domain.tally import RuleNotApplicableError, tally
from domain.tally.completion import equal_shares_completed
from domain.tally.explain import MesExplanation
from domain.tally.greedy import greedy
from domain.tally.mes import ExactMES
from domain.tally.satisfaction import compile_profile
from tests.unit.tally.conftest import FILES, LARGE, election, long_reference, reference, rule_of


def _expected_cases() -> list[object]:
    cases = []
    for name, results in reference()["expected"].items():
        for key in results:
            slow = name in LARGE and rule_of(key) == "mes-completed"
            cases.append(pytest.param(name, key, id=f"{name}:{key}", marks=[pytest.mark.slow] if slow else []))
    return cases


def _timed_out_cases() -> list[object]:
    cases = []
    for name, results in reference()["not_computed"].items():
        for key, why in results.items():
            if why.startswith("timeout"):
                marks = [pytest.mark.slow] if name in LARGE else []
                cases.append(pytest.param(name, key, id=f"{name}:{key}", marks=marks))
    return cases


def test_the_reference_file_lists_every_shared_election() -> None:
    assert sorted(reference()["expected"]) == FILES


@pytest.mark.parametrize(("name", "key"), _expected_cases())
def test_outcome_equals_the_reference(name: str, key: str) -> None:
    outcome = tally(election(name), rule_of(key))
    assert list(outcome.selected) == sorted(reference()["expected"][name][key])
    assert outcome.cost == Fraction(reference()["total_cost"][name][key])


def _long_cases() -> list[object]:
    return [pytest.param(name, marks=[pytest.mark.slow] if name in LARGE else []) for name in sorted(long_reference())]


@pytest.mark.parametrize("name", _long_cases())
def test_outcome_equals_the_reference_run_without_a_time_limit(name: str) -> None:
    # expected-long.json: where expected.json timed out, the same reference call run to the end.
    assert reference()["not_computed"][name]["mes_cost_completed"].startswith("timeout")
    outcome = tally(election(name), "mes-completed")
    assert list(outcome.selected) == long_reference()[name]["selected"]


@pytest.mark.parametrize(("name", "key"), _timed_out_cases())
def test_where_the_reference_timed_out_the_outcome_satisfies_the_definition(name: str, key: str) -> None:
    profile = compile_profile(election(name))
    outcome = tally(election(name), "mes-completed", explain=True)
    why = outcome.explanation
    assert isinstance(why, MesExplanation) and why.completion is not None
    index = {project: position for position, project in enumerate(profile.ids)}
    sequence = tuple(index[bought.project] for bought in why.rounds)
    costs, budget = profile.costs, profile.budget
    exact = ExactMES(profile)
    # The exact rational engine, run at the chosen per-voter budget without any skipping,
    # buys the same projects in the same order, and leaves nothing affordable.
    run = exact.run(why.per_voter_budget, record=True)
    assert run.sequence == sequence
    mes_phase = frozenset(exact.free) | frozenset(sequence)
    for project in exact.eligible:
        if project not in mes_phase:
            assert run.leftover[project] < costs[project]
    # Feasible, and the rule stopped for a reason: exhaustive, or one more unit overspends.
    spent = profile.cost_of(mes_phase)
    assert spent <= budget
    exhaustive = all(spent + costs[p] > budget for p in exact.eligible if p not in mes_phase)
    if not exhaustive:
        following = frozenset(exact.free) | frozenset(exact.run(why.per_voter_budget + 1).sequence)
        assert profile.cost_of(following) > budget
    # Greedy then fills what it can: the final outcome is feasible and nothing else fits.
    chosen = {index[project] for project in outcome.selected}
    assert chosen >= mes_phase
    assert outcome.cost <= budget
    assert all(outcome.cost + costs[p] > budget for p in range(len(costs)) if p not in chosen)


@pytest.mark.parametrize("name", [n for n, r in reference()["not_computed"].items() if "phragmen" in r])
def test_phragmen_needs_approval_ballots(name: str) -> None:
    with pytest.raises(RuleNotApplicableError):
        tally(election(name), "phragmen")


SMALL_FILES = [
    "Poland_Zabrze_2021_Guido.pb",
    "France_Toulouse_2022_1_-_Capitole_Arnaud_Bernard_Carmes.pb",
    "Netherlands_Assen_2024.pb",
    "Poland_Czestochowa_2024_Srodmiescie.pb",
    "US_Stanford_Dataset_PB_Chicago_45th_Ward_2019_vote_approvals.pb",
]


@pytest.mark.parametrize("name", SMALL_FILES)
def test_mes_completed_is_the_same_proven_in_rationals_by_numpy_or_both(name: str) -> None:
    # small_work: 0 is the fast engine alone, 10**9 exact rationals alone (exactcover.py), and
    # the others hand over from one to the other part-way (at different k on each file).
    profile = compile_profile(election(name))
    results = {work: equal_shares_completed(profile, small_work=work) for work in (0, 50, 2_000, 20_000, 10**9)}
    assert len(set(results.values())) == 1
    key = next(key for key in reference()["expected"][name] if rule_of(key) == "mes-completed")
    chosen, _ = greedy(profile, results[0].selected)
    assert sorted(profile.ids[p] for p in chosen) == sorted(reference()["expected"][name][key])
