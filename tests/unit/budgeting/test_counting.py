"""Counting one area (``domain/budgeting/counting.py``) on cases worked out by hand."""

from __future__ import annotations

import pytest

from domain.budgeting.counting import MIN_VOTE_SHARE, MIN_VOTERS, AreaResult, count_area
from domain.budgeting.spec import CycleSpec, parse


def spec(rule: str = "greedy", kind: str = "approval", budget: int = 1000, counting: str = "") -> CycleSpec:
    return parse(f"""\
slug = "test"
name_zh = "測試"
name_en = "Test"
rule = "{rule}"
[ballot]
kind = "{kind}"
min_choices = 0
max_choices = 3
{counting}
[[areas]]
code = "north"
name_zh = "北區"
name_en = "North"
districts = ["北區"]
budget = {budget}
""")


def times(count: int, choices: dict[str, int]) -> list[dict[str, int]]:
    return [dict(choices) for _ in range(count)]


# 10 voters; approvals: A 5, B 5, C 7.
APPROVALS = [*times(5, {"A": 1, "C": 1}), *times(3, {"B": 1}), *times(2, {"B": 1, "C": 1})]
ENTRIES = {"A": 600, "B": 500, "C": 300}


def test_greedy_takes_the_most_approved_that_fit() -> None:
    # C (7) leaves 700; A (5, before B by code) leaves 100; B does not fit.
    result = count_area(spec("greedy"), "north", ENTRIES, APPROVALS, eligible=100)
    assert result.selected == ["A", "C"]
    assert result.votes == {"A": 5, "B": 5, "C": 7}
    assert (result.cost, result.budget, result.rule, result.voters) == (900, 1000, "greedy", 10)
    assert result.explanation["kind"] == "greedy"
    assert [(step["project"], step["selected"]) for step in result.explanation["steps"]] == [
        ("C", True), ("A", True), ("B", False),
    ]  # fmt: skip


def test_equal_shares_buys_only_what_its_supporters_can_pay_for() -> None:
    # Each voter has 100. C: 7 supporters pay 300/7 each (1/7 per unit, the cheapest). Then B's 5
    # supporters hold 3 × 100 + 2 × 57.14 < 500, and A's 5 hold 5 × 57.14 < 600: neither is bought.
    result = count_area(spec("mes"), "north", ENTRIES, APPROVALS, eligible=100)
    assert result.selected == ["C"]
    assert result.cost == 300
    rounds = result.explanation["rounds"]
    assert [(r["project"], r["full"], r["short"], r["share"]) for r in rounds] == [("C", 7, 0, "300/7")]
    assert {r["project"]: r["reason"] for r in result.explanation["rejected"]} == {
        "A": "unaffordable", "B": "unaffordable",
    }  # fmt: skip


def test_equal_shares_completed_spends_the_rest_with_greedy() -> None:
    result = count_area(spec("mes-completed"), "north", ENTRIES, APPROVALS, eligible=100)
    assert "C" in result.selected and result.cost <= 1000
    assert result.explanation["kind"] == "mes"


def test_top_per_area_elects_the_single_most_voted() -> None:
    result = count_area(spec("top-per-area"), "north", ENTRIES, APPROVALS, eligible=100)
    assert result.selected == ["C"]
    assert result.explanation == {"kind": "top", "order": ["C", "A", "B"], "winner": "C"}


def test_top_per_area_breaks_a_tie_by_code() -> None:
    result = count_area(spec("top-per-area"), "north", ENTRIES, [{"A": 1}, {"B": 1}], eligible=100)
    assert result.selected == ["A"]


def test_knapsack_ballots_count_as_approval_ballots() -> None:
    result = count_area(spec("greedy", "knapsack"), "north", ENTRIES, APPROVALS, eligible=100)
    assert result.selected == ["A", "C"]


def test_cumulative_points_are_the_satisfaction() -> None:
    # Points: A 19, B 11. Per unit of cost A 19/600 beats B 11/500; then B does not fit in 400.
    ballots = [{"A": 3, "B": 7}, {"A": 6, "B": 4}, {"A": 10}]
    result = count_area(spec("greedy", "cumulative"), "north", {"A": 600, "B": 500}, ballots, eligible=100)
    assert result.votes == {"A": 19, "B": 11}
    assert result.selected == ["A"]


def test_ranked_ballots_are_counted_with_borda_scores() -> None:
    # Borda per ballot: last ranked 0, each place above 1 more. A-B-C twice: A 2, B 1, C 0;
    # C-B three times: C 1, B 0. So A 4, C 3, B 2; at 400 each, A and C fit in 1000, B does not.
    ballots = [*times(2, {"A": 1, "B": 2, "C": 3}), *times(3, {"C": 1, "B": 2})]
    result = count_area(spec("greedy", "ranked"), "north", {"A": 400, "B": 400, "C": 400}, ballots, eligible=100)
    assert result.votes == {"A": 4, "B": 2, "C": 3}
    assert result.selected == ["A", "C"]


def test_taipei_a_project_needs_supporters_from_enough_eligible_residents() -> None:
    # 1 % of 600 eligible = 6 supporters: A and B (5 each) cannot win, C (7) can.
    taipei = spec("greedy", counting="[counting]\nmin_voters_percent = 1")
    result = count_area(taipei, "north", ENTRIES, APPROVALS, eligible=600)
    assert result.min_supporters == 6
    assert result.excluded == {"A": MIN_VOTERS, "B": MIN_VOTERS}
    assert result.selected == ["C"]
    assert result.votes == {"A": 5, "B": 5, "C": 7}  # the votes are still shown as cast


def test_taipei_threshold_rounds_up_to_whole_people() -> None:
    # 1 % of 450 = 4.5: a project needs 5, so A and B (5) pass.
    taipei = spec("greedy", counting="[counting]\nmin_voters_percent = 1")
    result = count_area(taipei, "north", ENTRIES, APPROVALS, eligible=450)
    assert result.min_supporters == 5
    assert result.excluded == {}
    assert result.selected == ["A", "C"]


def test_swiecie_a_project_below_its_minimum_share_is_not_eligible() -> None:
    # D costs 900 of 1000: it needs 900 / 3000 = 30 % of the votes. With 2 of 10 it is out and
    # E alone is selected; with 3 of 10 (exactly 30 %) it stays and fits beside E.
    swiecie = spec("greedy", counting="[counting]\nmin_vote_share = true")
    entries = {"D": 900, "E": 50}
    out = count_area(swiecie, "north", entries, [*times(2, {"D": 1}), *times(8, {"E": 1})], eligible=100)
    assert out.excluded == {"D": MIN_VOTE_SHARE}
    assert out.selected == ["E"]
    kept = count_area(swiecie, "north", entries, [*times(3, {"D": 1}), *times(7, {"E": 1})], eligible=100)
    assert kept.excluded == {}
    assert kept.selected == ["D", "E"]
    plain = count_area(spec("greedy"), "north", entries, [*times(2, {"D": 1}), *times(8, {"E": 1})], eligible=100)
    assert plain.selected == ["D", "E"]


def test_an_area_with_no_ballots_selects_nothing() -> None:
    result = count_area(spec("mes-completed"), "north", ENTRIES, [], eligible=100)
    assert result.selected == [] and result.cost == 0 and result.votes == {"A": 0, "B": 0, "C": 0}


def test_an_unknown_area_is_refused() -> None:
    with pytest.raises(KeyError):
        count_area(spec(), "south", ENTRIES, APPROVALS, eligible=100)


def test_a_result_survives_the_trip_through_an_event() -> None:
    result = count_area(spec("mes-completed"), "north", ENTRIES, APPROVALS, eligible=100)
    assert AreaResult.from_dict(result.to_dict()) == result
