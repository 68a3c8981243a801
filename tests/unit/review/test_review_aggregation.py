"""Every aggregation method on hand-computed cases: recusals, trimming, ranks, the third reviewer,
and exact scores at a tier boundary."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.review.aggregation import (
    FEW_TO_TRIM,
    RECUSED,
    THIRD_EQUIDISTANT,
    THIRD_NOT_NEEDED,
    THIRD_USED,
    Score,
    aggregate,
    format_score,
    mean_ranks,
    natural_key,
    needs_third_reviewer,
)
from domain.review.awards import band, boundaries
from domain.review.errors import (
    DUPLICATE_SCORE,
    INCOMPLETE_PANEL,
    THIRD_REVIEWER_REQUIRED,
    TOO_FEW_REVIEWERS,
    TOO_MANY_REVIEWERS,
    UNKNOWN_METHOD,
    IncompleteScoreError,
    MethodError,
)
from tests.unit.review.conftest import panel, scored

FIVE = {
    "E1": {"M1": 92, "M2": 90, "M3": 91, "M4": 89, "M5": 93},
    "E2": {"M1": None, "M2": 88, "M3": 86, "M4": 87, "M5": 85},  # M1 recused
    "E4": {"M1": 80, "M2": 95, "M3": 82, "M4": 81, "M5": 79},
}


def test_mean_is_the_mean_of_the_totals_of_those_who_scored() -> None:
    found = aggregate(panel(FIVE), "mean").by_entry()
    assert found["E1"].score == 91
    assert found["E2"].score == Fraction(173, 2)  # (88 + 86 + 87 + 85) / 4 = 86.5
    assert found["E2"].flags == (RECUSED,)
    assert found["E2"].members == 4 and "M1" not in found["E2"].counted
    assert found["E4"].score == Fraction(417, 5)  # 83.4


def test_aggregates_come_best_first() -> None:
    assert [found.entry for found in aggregate(panel(FIVE), "mean").aggregates] == ["E1", "E2", "E4"]


def test_trimmed_mean_drops_one_highest_and_one_lowest_of_five() -> None:
    found = aggregate(panel(FIVE), "trimmed-mean").by_entry()
    assert found["E4"].score == 81  # 95 and 79 dropped: (80 + 82 + 81) / 3
    assert set(found["E4"].counted) == {"M1", "M3", "M4"}
    assert found["E1"].score == 91  # 93 and 89 dropped
    assert found["E1"].flags == ()


def test_trimmed_mean_drops_only_one_copy_of_a_shared_extreme() -> None:
    scores = panel({"E": {"A": 90, "B": 90, "C": 80, "D": 85, "E": 85, "F": 80, "G": 88}})
    found = aggregate(scores, "trimmed-mean").aggregates[0]
    assert found.score == Fraction(90 + 85 + 85 + 80 + 88, 5)  # one 90 and one 80 dropped: 85.6
    assert len(found.counted) == 5


def test_trimmed_mean_with_fewer_than_five_totals_is_the_plain_mean_flagged() -> None:
    found = aggregate(panel(FIVE), "trimmed-mean").by_entry()["E2"]
    assert found.score == Fraction(173, 2)
    assert found.flags == (RECUSED, FEW_TO_TRIM)
    assert len(found.counted) == 4


def test_rank_sum_ranks_per_member_with_shared_ranks_for_ties() -> None:
    scores = panel(
        {
            "A": {"M1": 90, "M2": 80, "M3": 88},
            "B": {"M1": 85, "M2": 85, "M3": 70},
            "C": {"M1": 80, "M2": 85, "M3": 75},
        }
    )
    tally = aggregate(scores, "rank-sum")
    found = tally.by_entry()
    # M1: A 1, B 2, C 3; M2: A 3, B and C share 1.5; M3: A 1, C 2, B 3
    assert found["A"].rank_sum == 5
    assert found["B"].rank_sum == Fraction(13, 2)
    assert found["C"].rank_sum == Fraction(13, 2)
    assert dict(found["B"].ranks) == {"M1": 2, "M2": Fraction(3, 2), "M3": 3}
    assert [found.entry for found in tally.aggregates] == ["A", "B", "C"]  # lowest sum first, ties by entry
    assert found["A"].score == Fraction(258, 3)  # the tier bands still read the mean total


def test_rank_sum_order_is_not_the_mean_order() -> None:
    # A is first for two of three members but has the lower mean: the rank sum decides the order.
    scores = panel({"A": {"M1": 90, "M2": 90, "M3": 60}, "B": {"M1": 89, "M2": 89, "M3": 95}})
    tally = aggregate(scores, "rank-sum")
    assert [found.entry for found in tally.aggregates] == ["A", "B"]
    assert tally.by_entry()["A"].score < tally.by_entry()["B"].score


def test_rank_sum_refuses_a_panel_with_a_recusal_naming_who_did_not_score_what() -> None:
    with pytest.raises(MethodError) as refused:
        aggregate(panel(FIVE), "rank-sum")
    assert refused.value.code == INCOMPLETE_PANEL
    assert refused.value.missing == (("E2", "M1"),)
    assert refused.value.entries == ("E2",)


THESES = [
    # T1: 85 and 80 differ by 5: their mean
    scored("T1", "R1", 85), scored("T1", "R2", 80),
    # T2: 90 and 74 differ by 16; the third gave 86, nearer 90: (90 + 86) / 2
    scored("T2", "R1", 90), scored("T2", "R2", 74), scored("T2", "R3", 86),
    # T3: 70 and 85 differ by exactly 15 (the gap): a third; 78 is nearer 85: (85 + 78) / 2
    scored("T3", "R1", 70), scored("T3", "R2", 85), scored("T3", "R3", 78),
    # T4: 80 and 96; the third's 88 is exactly between: the third's own score
    scored("T4", "R1", 80), scored("T4", "R2", 96), scored("T4", "R3", 88),
]  # fmt: skip


def test_two_plus_third_on_hand_computed_theses() -> None:
    found = aggregate(THESES, "two-plus-third").by_entry()
    assert found["T1"].score == Fraction(165, 2) and found["T1"].flags == ()
    assert found["T2"].score == 88 and found["T2"].flags == (THIRD_USED,)
    assert set(found["T2"].counted) == {"R1", "R3"}
    assert found["T3"].score == Fraction(163, 2) and set(found["T3"].counted) == {"R2", "R3"}
    assert found["T4"].score == 88 and found["T4"].flags == (THIRD_USED, THIRD_EQUIDISTANT)


def test_two_plus_third_needs_the_third_when_the_gap_is_reached() -> None:
    two_only = [score for score in THESES if score.member != "R3"]
    assert needs_third_reviewer(two_only) == ("T2", "T3", "T4")
    with pytest.raises(MethodError) as refused:
        aggregate(two_only, "two-plus-third")
    assert refused.value.code == THIRD_REVIEWER_REQUIRED
    assert refused.value.entries == ("T2", "T3", "T4")


def test_two_plus_third_with_its_own_gap() -> None:
    # With a gap of 5, T1's 85 and 80 call for a third reviewer too.
    two_only = [score for score in THESES if score.member != "R3"]
    assert needs_third_reviewer(two_only, gap=5) == ("T1", "T2", "T3", "T4")
    # With a gap of 17 nobody needs one, and the third scores are not counted.
    found = aggregate(THESES, "two-plus-third", gap=17).by_entry()
    assert found["T2"].score == 82 and found["T2"].flags == (THIRD_NOT_NEEDED,)


def test_two_plus_third_refuses_one_reviewer_or_four() -> None:
    with pytest.raises(MethodError) as refused:
        aggregate([scored("T", "R1", 80)], "two-plus-third")
    assert refused.value.code == TOO_FEW_REVIEWERS
    four = [scored("T", member, 80) for member in ("R1", "R2", "R3", "R4")]
    with pytest.raises(MethodError) as refused:
        aggregate(four, "two-plus-third")
    assert refused.value.code == TOO_MANY_REVIEWERS


def test_a_mean_of_89_995_is_below_90_and_prints_89_99() -> None:
    # 199 members give 90 and one gives 89: 17,999 / 200 = 89.995 exactly.
    scores = [scored("E", f"M{n}", 90) for n in range(199)] + [scored("E", "M199", 89)]
    found = aggregate(scores, "mean").aggregates[0]
    assert found.score == Fraction(89995, 1000)
    assert band(found.score).code == "excellent"  # 優等, not 特優
    assert format_score(found.score, boundaries()) == "89.99"
    assert format_score(found.score) == "90.00"  # half up, where no tier boundary is crossed


def test_three_members_at_a_boundary() -> None:
    found = aggregate(panel({"E": {"A": 90, "B": 90, "C": 89}}), "mean").aggregates[0]
    assert found.score == Fraction(269, 3)
    assert format_score(found.score, boundaries()) == "89.67"
    assert band(found.score).code == "excellent"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Fraction(1, 200), "0.01"),  # 0.005: half up
        (Fraction(2, 3), "0.67"),
        (Fraction(1, 3), "0.33"),
        (Fraction(90), "90.00"),
        (Fraction(16999, 200), "84.99"),  # 84.995 below the 85 boundary
        (Fraction(17001, 200), "85.01"),  # 85.005 above it: half up
        (Fraction(-1, 200), "-0.01"),
    ],
)
def test_format_score(value: Fraction, shown: str) -> None:
    assert format_score(value, boundaries()) == shown


@given(st.integers(0, 10_000_000), st.integers(1, 10_000))
def test_printed_scores_never_show_another_tier(numerator: int, denominator: int) -> None:
    value = Fraction(numerator, denominator) % 101
    shown = format_score(value, boundaries())
    assert band(Fraction(shown)) == band(value)
    assert abs(Fraction(shown) - value) <= Fraction(1, 100)


totals = st.lists(st.integers(0, 100), min_size=1, max_size=12)


@given(totals)
def test_means_lie_between_the_lowest_and_highest_total(values: list[int]) -> None:
    scores = [scored("E", f"M{n}", total) for n, total in enumerate(values)]
    for method in ("mean", "trimmed-mean"):
        found = aggregate(scores, method).aggregates[0]
        assert min(values) <= found.score <= max(values)
    assert aggregate(scores, "trimmed-mean").aggregates[0].flags == (() if len(values) >= 5 else (FEW_TO_TRIM,))


@given(st.lists(st.lists(st.integers(0, 100), min_size=2, max_size=2), min_size=1, max_size=6), st.integers(2, 8))
def test_rank_sums_add_up_to_every_member_ranking_every_entry(columns: list[list[int]], members: int) -> None:
    rows = {f"E{n}": {f"M{m}": (column * members)[m] for m in range(members)} for n, column in enumerate(columns)}
    tally = aggregate(panel(rows), "rank-sum")
    count = len(rows)
    assert sum(found.rank_sum or 0 for found in tally.aggregates) == Fraction(members * count * (count + 1), 2)


def test_mean_ranks_share_ties() -> None:
    assert mean_ranks({"a": 90, "b": 85, "c": 85, "d": 70}) == {
        "a": 1,
        "b": Fraction(5, 2),
        "c": Fraction(5, 2),
        "d": 4,
    }


def test_scores_are_checked_against_the_rubric() -> None:
    with pytest.raises(IncompleteScoreError) as refused:
        aggregate([Score("E", "M", {"innovation": 31, "feasibility": 10, "impact": 10, "transferability": 5})])
    assert refused.value.missing == ("presentation",)
    assert refused.value.out_of_range == ("innovation",)


def test_a_member_twice_on_one_entry_and_an_unknown_method_are_refused() -> None:
    with pytest.raises(MethodError) as refused:
        aggregate([scored("E", "M", 80), scored("E", "M", 70)])
    assert refused.value.code == DUPLICATE_SCORE
    with pytest.raises(MethodError) as refused:
        aggregate([scored("E", "M", 80)], "median")
    assert refused.value.code == UNKNOWN_METHOD


def test_natural_order_of_entry_codes() -> None:
    assert sorted(["E10", "E2", "E1"], key=natural_key) == ["E1", "E2", "E10"]


@given(
    st.lists(st.lists(st.integers(0, 100), min_size=5, max_size=5), min_size=1, max_size=6),
    st.sampled_from(["mean", "trimmed-mean", "rank-sum"]),
    st.randoms(use_true_random=False),
)
def test_the_order_of_the_scores_changes_nothing_but_for_two_plus_third(
    rows: list[list[int]], method: str, random: object
) -> None:
    scores = panel({f"E{n}": {f"M{m}": total for m, total in enumerate(row)} for n, row in enumerate(rows)})
    shuffled = list(scores)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    assert aggregate(shuffled, method) == aggregate(scores, method)
