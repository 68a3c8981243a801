"""Award tiers on hand-computed cases: bands and their exact edges, empty tiers, caps that
cascade, and ties at a cap (broken by impact, innovation, the members' pairwise majority, or not)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.review.aggregation import aggregate, standing
from domain.review.awards import (
    BY_IMPACT,
    BY_INNOVATION,
    BY_PAIRWISE,
    DEFAULT_TIERS,
    UnknownTierError,
    award,
    band,
    find_tier,
    with_caps,
)
from tests.unit.review.conftest import criteria, panel

OUT, EXC, MERIT, HM = "outstanding", "excellent", "merit", "honourable-mention"


def caps(**by_zh: int) -> tuple:
    names = {"te": "特優", "you": "優等", "jia": "甲等", "jiazuo": "佳作"}
    return with_caps(DEFAULT_TIERS, {names[key]: cap for key, cap in by_zh.items()})


def tiers_of(scores: list, method: str = "mean", tiers: tuple = DEFAULT_TIERS) -> dict[str, str | None]:
    awards = award(aggregate(scores, method), scores, tiers)
    return {placement.entry: placement.tier for placement in awards.placements}


@pytest.mark.parametrize(
    ("score", "tier"),
    [
        (Fraction(90), OUT),
        (Fraction(89995, 1000), EXC),
        (Fraction(85), EXC),
        (Fraction(8499, 100), MERIT),
        (Fraction(80), MERIT),
        (Fraction(75), HM),
        (Fraction(7499, 100), None),
        (Fraction(0), None),
    ],
)
def test_bands_include_their_lower_edge_exactly(score: Fraction, tier: str | None) -> None:
    found = band(score)
    assert (found.code if found else None) == tier


def test_without_caps_every_entry_gets_its_band_and_an_empty_tier_is_vacant() -> None:
    scores = panel({"A": {"M1": 91, "M2": 89}, "B": {"M1": 80, "M2": 81}, "C": {"M1": 60, "M2": 70}})
    awards = award(aggregate(scores), scores)
    assert {p.entry: p.tier for p in awards.placements} == {"A": OUT, "B": MERIT, "C": None}
    assert awards.vacant == (EXC, HM)  # 優等 and 佳作 從缺
    assert awards.winners(OUT) == ("A",)


def test_caps_cascade_down_the_tiers() -> None:
    # 特優 1, 優等 1: B and C reach 特優 by band, B takes 優等's one place, C drops twice, to 甲等;
    # D reaches 優等 by band but its place is taken: 甲等.
    scores = panel({"A": {"M": 95}, "B": {"M": 93}, "C": {"M": 91}, "D": {"M": 86}, "E": {"M": 78}})
    awards = award(aggregate(scores), scores, caps(te=1, you=1))
    assert {p.entry: p.tier for p in awards.placements} == {"A": OUT, "B": EXC, "C": MERIT, "D": MERIT, "E": HM}
    assert awards.placement("C").band == OUT
    assert awards.vacant == ()


def test_a_cap_of_zero_leaves_the_tier_empty_and_all_drop() -> None:
    scores = panel({"A": {"M": 95}, "B": {"M": 92}})
    awards = award(aggregate(scores), scores, caps(te=0))
    assert {p.entry: p.tier for p in awards.placements} == {"A": EXC, "B": EXC}
    assert awards.vacant == (OUT, MERIT, HM)


def test_over_the_last_capped_tier_the_rest_get_nothing() -> None:
    scores = panel({"A": {"M": 77}, "B": {"M": 76}, "C": {"M": 75}})
    assert tiers_of(scores, tiers=caps(jiazuo=2)) == {"A": HM, "B": HM, "C": None}


def test_two_at_exactly_90_with_one_place_broken_by_mean_impact() -> None:
    scores = [
        criteria("A", "M1", 27, 18, 28, 9, 8), criteria("A", "M2", 27, 18, 27, 9, 9),  # impact 27.5
        criteria("B", "M1", 28, 18, 27, 9, 8), criteria("B", "M2", 28, 18, 26, 9, 9),  # impact 26.5
    ]  # fmt: skip
    awards = award(aggregate(scores), scores, caps(te=1))
    assert awards.placement("A").score == awards.placement("B").score == 90
    assert (awards.placement("A").tier, awards.placement("B").tier) == (OUT, EXC)
    assert awards.placement("A").tie_break == awards.placement("B").tie_break == BY_IMPACT
    assert not awards.placement("B").tied and awards.ties == ()


def test_same_impact_broken_by_mean_innovation() -> None:
    scores = [
        criteria("A", "M1", 26, 19, 27, 9, 9),  # innovation 26
        criteria("B", "M1", 27, 18, 27, 9, 9),  # innovation 27
    ]
    awards = award(aggregate(scores), scores, caps(te=1))
    assert (awards.placement("B").tier, awards.placement("A").tier) == (OUT, EXC)
    assert awards.placement("A").tie_break == BY_INNOVATION


def test_same_means_broken_by_the_members_who_scored_both() -> None:
    # Impact and innovation means equal; M1 and M2 prefer A, M3 prefers B: A by pairwise majority.
    scores = [
        criteria("A", "M1", 27, 19, 27, 9, 10), criteria("B", "M1", 27, 17, 27, 9, 10),  # 92 / 90
        criteria("A", "M2", 27, 18, 27, 9, 10), criteria("B", "M2", 27, 17, 27, 9, 10),  # 91 / 90
        criteria("A", "M3", 27, 17, 27, 9, 10), criteria("B", "M3", 27, 20, 27, 9, 10),  # 90 / 93
    ]  # fmt: skip
    awards = award(aggregate(scores), scores, caps(te=1))
    assert awards.placement("A").score == awards.placement("B").score
    assert (awards.placement("A").tier, awards.placement("B").tier) == (OUT, EXC)
    assert awards.placement("B").tie_break == BY_PAIRWISE


def test_an_unbroken_tie_is_reported_and_both_go_to_the_lower_tier() -> None:
    # One member each way: nothing breaks it. Both are marked tied and placed in 優等; 特優 stays
    # empty for the chair to decide.
    scores = [
        criteria("A", "M1", 27, 19, 27, 9, 10), criteria("B", "M1", 27, 17, 27, 9, 10),
        criteria("A", "M2", 27, 17, 27, 9, 10), criteria("B", "M2", 27, 19, 27, 9, 10),
    ]  # fmt: skip
    awards = award(aggregate(scores), scores, caps(te=1))
    assert [(p.entry, p.tier, p.tied) for p in awards.placements] == [("A", EXC, True), ("B", EXC, True)]
    assert awards.ties == (("A", "B"),)
    assert OUT in awards.vacant


def test_a_tied_pair_under_a_clear_winner_straddles_the_cap() -> None:
    # 特優 2: A keeps one place; B and C tie for the second and both drop; D (lower) does not jump them.
    scores = panel({"A": {"M": 96}, "B": {"M": 93}, "C": {"M": 93}, "D": {"M": 91}})
    awards = award(aggregate(scores), scores, caps(te=2))
    assert {p.entry: (p.tier, p.tied) for p in awards.placements} == {
        "A": (OUT, False), "B": (EXC, True), "C": (EXC, True), "D": (EXC, False),
    }  # fmt: skip


def test_a_tie_inside_the_cap_is_no_tie() -> None:
    scores = panel({"A": {"M": 93}, "B": {"M": 93}, "C": {"M": 91}})
    awards = award(aggregate(scores), scores, caps(te=2))
    assert [(p.tier, p.tied, p.tie_break) for p in awards.placements] == [(OUT, False, None)] * 2 + [(EXC, False, None)]


def test_a_pairwise_cycle_stays_tied() -> None:
    # Three members, three entries with equal means everywhere and a cycle A > B > C > A.
    rows = {"M1": (92, 90, 91), "M2": (91, 92, 90), "M3": (90, 91, 92)}
    scores = [
        criteria(entry, member, 27, totals[i] - 73, 27, 9, 10)
        for member, totals in rows.items()
        for i, entry in enumerate("ABC")
    ]
    awards = award(aggregate(scores), scores, caps(te=1))
    assert awards.ties == (("A", "B", "C"),)
    assert all(p.tier == EXC and p.tied for p in awards.placements)


def test_with_the_rank_sum_no_entry_is_placed_above_a_better_ranked_one() -> None:
    # A is ranked first by two of three members but has the lower mean (80 against 91): the lowest
    # sum wins, so B, whose band is 特優, waits for A's tier, 甲等.
    scores = panel({"A": {"M1": 90, "M2": 90, "M3": 60}, "B": {"M1": 89, "M2": 89, "M3": 95}})
    awards = award(aggregate(scores, "rank-sum"), scores)
    assert (awards.placement("A").tier, awards.placement("B").tier) == (MERIT, MERIT)
    assert awards.placement("B").band == OUT
    # With 甲等 capped at 1, A keeps it and B drops to 佳作.
    awards = award(aggregate(scores, "rank-sum"), scores, caps(jia=1))
    assert (awards.placement("A").tier, awards.placement("B").tier) == (MERIT, HM)


def test_tiers_are_found_by_code_or_name_in_either_language() -> None:
    assert find_tier(DEFAULT_TIERS, "特優").code == OUT
    assert find_tier(DEFAULT_TIERS, "honourable mention").code == HM
    assert find_tier(DEFAULT_TIERS, "merit").name_zh == "甲等"
    with pytest.raises(UnknownTierError):
        find_tier(DEFAULT_TIERS, "首獎")
    assert with_caps(DEFAULT_TIERS, {}, {"特優": 50000})[0].prize_ntd == 50000


ORDER = {OUT: 0, EXC: 1, MERIT: 2, HM: 3, None: 4}


@given(
    st.lists(st.lists(st.integers(60, 100), min_size=3, max_size=3), min_size=1, max_size=12),
    st.lists(st.none() | st.integers(0, 4), min_size=4, max_size=4),
    st.sampled_from(["mean", "trimmed-mean", "rank-sum"]),
)
def test_caps_hold_and_a_better_entry_never_gets_a_lower_tier(
    rows: list[list[int]], limits: list[int | None], method: str
) -> None:
    scores = panel({f"E{n}": {f"M{m}": total for m, total in enumerate(row)} for n, row in enumerate(rows)})
    tiers = tuple(
        tier if cap is None else with_caps((tier,), {tier.code: cap})[0]
        for tier, cap in zip(DEFAULT_TIERS, limits, strict=True)
    )
    tally = aggregate(scores, method)
    awards = award(tally, scores, tiers)
    for tier in tiers:
        assert tier.cap is None or len(awards.winners(tier.code)) <= tier.cap
    found = tally.by_entry()
    for placement in awards.placements:
        if placement.tier is not None:
            assert placement.score >= find_tier(tiers, placement.tier).min_score
        if all(tier.cap is None for tier in tiers) and method != "rank-sum":
            assert placement.tier == placement.band
    for better in awards.placements:
        for worse in awards.placements:
            if standing(found[better.entry]) < standing(found[worse.entry]):
                assert ORDER[better.tier] <= ORDER[worse.tier]
