"""Ballot rules per kind: what a voter may choose, what the meter shows, how paper text reads.

The properties hold an independent statement of the rules (``breaks``) against the module: a
ballot ``check_choices`` accepts breaks none, and the meter finds no problem exactly then.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.budgeting.ballot_rules import check_choices, meter, paper_choices, parse_paper_choices
from domain.budgeting.errors import BallotRuleError
from domain.budgeting.spec import Area, Ballot, CycleSpec, Project

SHILIN = {f"S{n}": 1_000_000 for n in range(1, 13)}  # Taipei's Shilin 2017: twelve projects, pick 4 to 8
HAMASEN = {"P1": 1_200_000, "H2": 800_000, "H3": 500_000, "H4": 300_000}  # budget NT$3,000,000


def cycle(ballot: Ballot, entries: Mapping[str, int] = HAMASEN, budget: int = 3_000_000) -> CycleSpec:
    projects = tuple(Project(code, code, code, cost) for code, cost in entries.items())
    area = Area("hamasen", "哈瑪星", "Hamasen", ("鼓山區",), budget, projects)
    return CycleSpec("hamasen-2027", "哈瑪星", "Hamasen", "greedy", 16, ballot, (area,))


def problem(spec: CycleSpec, choices: Mapping[str, int], entries: Mapping[str, int] = HAMASEN) -> tuple[str, dict]:
    with pytest.raises(BallotRuleError) as caught:
        check_choices(spec, "hamasen", entries, choices)
    return caught.value.problem, caught.value.params


# --- approval ---------------------------------------------------------------------------------


def test_shilin_2017_accepts_4_to_8_projects_and_refuses_3_or_9() -> None:
    shilin = cycle(Ballot("approval", 4, 8), SHILIN, budget=12_000_000)
    for count in (4, 6, 8):
        chosen = {f"S{n}": 1 for n in range(1, count + 1)}
        assert check_choices(shilin, "hamasen", SHILIN, chosen) == chosen
    assert problem(shilin, {f"S{n}": 1 for n in range(1, 4)}, SHILIN) == ("too_few", {"count": 3, "least": 4})
    assert problem(shilin, {f"S{n}": 1 for n in range(1, 10)}, SHILIN) == ("too_many", {"count": 9, "most": 8})


def test_approval_refuses_a_project_of_another_area_and_a_mark_other_than_1() -> None:
    spec = cycle(Ballot("approval", 1, 3))
    assert problem(spec, {"P1": 1, "B1": 1}) == ("unknown_project", {"project": "B1"})
    assert problem(spec, {"P1": 2}) == ("bad_mark", {"project": "P1"})
    assert problem(spec, {"P1": 0}) == ("not_positive", {"project": "P1"})


def test_approval_ignores_cost_and_stores_the_ballots_order_not_the_clicks() -> None:
    spec = cycle(Ballot("approval", 1, 4))
    assert list(check_choices(spec, "hamasen", HAMASEN, {"H4": 1, "P1": 1, "H2": 1})) == ["P1", "H2", "H4"]


def test_an_unknown_area_is_refused() -> None:
    assert problem_in_area(cycle(Ballot("approval", 1, 3)), "pier2") == ("unknown_area", {"area": "pier2"})


def problem_in_area(spec: CycleSpec, area: str) -> tuple[str, dict]:
    with pytest.raises(BallotRuleError) as caught:
        check_choices(spec, area, HAMASEN, {"P1": 1})
    return caught.value.problem, caught.value.params


# --- knapsack ---------------------------------------------------------------------------------


def test_knapsack_total_cost_within_the_budget() -> None:
    spec = cycle(Ballot("knapsack", 1, 1000))
    assert check_choices(spec, "hamasen", HAMASEN, {"P1": 1, "H2": 1, "H3": 1, "H4": 1}) == dict.fromkeys(HAMASEN, 1)
    over = cycle(Ballot("knapsack", 1, 1000), budget=2_500_000)
    assert problem(over, {"P1": 1, "H2": 1, "H3": 1, "H4": 1}) == (
        "over_budget",
        {"spent": 2_800_000, "budget": 2_500_000},
    )


def test_decidim_70_percent_minimum_spend() -> None:
    spec = cycle(Ballot("knapsack", 1, 1000, min_share=70))
    assert problem(spec, {"P1": 1, "H2": 1}) == (
        "under_min_share",
        {"spent": 2_000_000, "least": 2_100_000, "share": 70},
    )
    assert check_choices(spec, "hamasen", HAMASEN, {"P1": 1, "H2": 1, "H4": 1})  # NT$2,300,000 ≥ 70 %
    odd = cycle(Ballot("knapsack", 1, 1000, min_share=70), budget=1_000_001)
    assert meter(odd, "hamasen", HAMASEN, {}).min_spend == 700_001  # rounded up, never below 70 %


def test_knapsack_with_decidims_minimum_and_maximum_number() -> None:
    spec = cycle(Ballot("knapsack", 2, 3))
    assert problem(spec, {"P1": 1}) == ("too_few", {"count": 1, "least": 2})
    assert problem(spec, dict.fromkeys(HAMASEN, 1)) == ("too_many", {"count": 4, "most": 3})
    assert check_choices(spec, "hamasen", HAMASEN, {"H3": 1, "H4": 1})


# --- cumulative and ranked --------------------------------------------------------------------


def test_cumulative_points_total_and_per_project_cap() -> None:
    spec = cycle(Ballot("cumulative", 1, 1000, points=10, max_per_project=5))
    assert check_choices(spec, "hamasen", HAMASEN, {"P1": 5, "H2": 5}) == {"P1": 5, "H2": 5}
    assert problem(spec, {"P1": 6, "H2": 4}) == ("points_over_cap", {"project": "P1", "points": 6, "cap": 5})
    assert problem(spec, {"P1": 5, "H2": 5, "H3": 1}) == ("points_over_total", {"used": 11, "total": 10})
    assert problem(spec, {"P1": 0}) == ("not_positive", {"project": "P1"})
    shown = meter(spec, "hamasen", HAMASEN, {"P1": 3, "H2": 2})
    assert (shown.points_used, shown.points_left, shown.ok) == (5, 5, True)


def test_ranked_top_k_needs_ranks_1_to_n_and_is_stored_in_rank_order() -> None:
    spec = cycle(Ballot("ranked", 2, 3))
    assert list(check_choices(spec, "hamasen", HAMASEN, {"H3": 2, "P1": 3, "H2": 1}).items()) == [
        ("H2", 1), ("H3", 2), ("P1", 3),
    ]  # fmt: skip
    assert problem(spec, {"P1": 1, "H2": 3})[0] == "bad_rank"  # a gap
    assert problem(spec, {"P1": 1, "H2": 1})[0] == "bad_rank"  # a duplicate
    assert problem(spec, {"P1": 1, "H2": 2, "H3": 3, "H4": 4}) == ("too_many", {"count": 4, "most": 3})
    assert problem(spec, {"P1": 1}) == ("too_few", {"count": 1, "least": 2})


def test_the_meter_lists_every_rule_broken_now() -> None:
    spec = cycle(Ballot("knapsack", 1, 2, min_share=70), budget=2_000_000)
    shown = meter(spec, "hamasen", HAMASEN, {"P1": 1, "H2": 1, "H3": 1, "X9": 1})
    assert [p.code for p in shown.problems] == ["unknown_project", "too_many", "over_budget"]
    assert (shown.count, shown.spent, shown.budget, shown.remaining) == (4, 2_500_000, 2_000_000, -500_000)


# --- paper ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "choices"),
    [
        ("approval", "P1;P3", {"P1": 1, "P3": 1}),
        ("knapsack", " P1 ; P3 ", {"P1": 1, "P3": 1}),
        ("cumulative", "P1:5;P2:5", {"P1": 5, "P2": 5}),
        ("ranked", "P3;P1;P2", {"P3": 1, "P1": 2, "P2": 3}),
        ("approval", "", {}),
    ],
)
def test_paper_choices_read_as_the_station_files_write_them(kind: str, text: str, choices: dict) -> None:
    assert parse_paper_choices(kind, text) == choices
    assert list(parse_paper_choices(kind, text).items()) == list(choices.items())


@pytest.mark.parametrize(
    ("kind", "text", "code"),
    [
        ("approval", "P1;;P3", "malformed"),
        ("approval", "P1;P3;", "malformed"),
        ("approval", "P1,P3", "malformed"),
        ("cumulative", "P1;P2:5", "malformed"),
        ("cumulative", "P1:-1", "malformed"),
        ("cumulative", "P1:five", "malformed"),
        ("ranked", "P1;P2;P1", "duplicate"),
        ("cumulative", "P1:2;P1:3", "duplicate"),
    ],
)
def test_unreadable_paper_text_is_refused(kind: str, text: str, code: str) -> None:
    with pytest.raises(BallotRuleError) as caught:
        parse_paper_choices(kind, text)
    assert caught.value.problem == code


# --- properties -------------------------------------------------------------------------------


def breaks(ballot: Ballot, budget: int, entries: Mapping[str, int], choices: Mapping[str, int]) -> bool:
    """The rules as the issue states them, written apart from the module under test."""
    count = len(choices)
    if any(code not in entries for code in choices) or any(value < 1 for value in choices.values()):
        return True
    if not ballot.min_choices <= count <= ballot.max_choices:
        return True
    cost = sum(entries[code] for code in choices)
    if ballot.kind in ("approval", "knapsack") and set(choices.values()) - {1}:
        return True
    if ballot.kind == "knapsack" and (cost > budget or cost * 100 < ballot.min_share * budget):
        return True
    if ballot.kind == "cumulative" and (
        sum(choices.values()) > ballot.points or max(choices.values(), default=0) > ballot.max_per_project
    ):
        return True
    return ballot.kind == "ranked" and set(choices.values()) != set(range(1, count + 1))


CODES = [f"P{n}" for n in range(1, 9)]


@st.composite
def cases(draw: st.DrawFn) -> tuple[CycleSpec, dict[str, int], dict[str, int]]:
    kind = draw(st.sampled_from(["approval", "knapsack", "cumulative", "ranked"]))
    low = draw(st.integers(0, 4))
    high = draw(st.integers(max(low, 1), 9))
    points = draw(st.integers(1, 12))
    ballot = Ballot(kind, low, high, points, draw(st.integers(1, points)), draw(st.sampled_from([0, 50, 70, 100])))
    entries = {code: draw(st.integers(1, 1000)) for code in draw(st.lists(st.sampled_from(CODES), unique=True))}
    budget = draw(st.integers(1, 3000))
    chosen = draw(st.lists(st.sampled_from([*CODES, "X1"]), unique=True, max_size=9))
    if kind == "ranked" and draw(st.booleans()):
        values = list(range(1, len(chosen) + 1))  # mostly well-formed ranks, so that some pass
    elif kind in ("approval", "knapsack") and draw(st.booleans()):
        values = [1] * len(chosen)
    else:
        values = [draw(st.integers(-1, 13)) for _ in chosen]
    return cycle(ballot, entries, budget), entries, dict(zip(chosen, values, strict=True))


@given(cases())
def test_an_accepted_ballot_breaks_no_rule_and_the_meter_agrees(case: tuple[CycleSpec, dict, dict]) -> None:
    spec, entries, choices = case
    shown = meter(spec, "hamasen", entries, choices)
    try:
        stored = check_choices(spec, "hamasen", entries, choices)
    except BallotRuleError as error:
        assert breaks(spec.ballot, spec.areas[0].budget, entries, choices)
        assert shown.problems and shown.problems[0].code == error.problem
    else:
        assert not breaks(spec.ballot, spec.areas[0].budget, entries, choices)
        assert shown.ok and stored == choices  # the same choices, only reordered


@given(cases())
def test_paper_text_reads_back_what_was_written(case: tuple[CycleSpec, dict, dict]) -> None:
    spec, entries, choices = case
    try:
        stored = check_choices(spec, "hamasen", entries, choices)
    except BallotRuleError:
        return
    kind = spec.ballot.kind
    assert parse_paper_choices(kind, paper_choices(kind, stored)) == stored
