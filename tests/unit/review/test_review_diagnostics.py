"""The chair's diagnostics: spread flags, severity-normalised scores, Kendall's W and
Krippendorff's alpha, against hand computations and Krippendorff's own published example."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.review.aggregation import aggregate
from domain.review.diagnostics import (
    NOMINAL,
    kendalls_w,
    krippendorffs_alpha,
    panel_alpha,
    severity_normalised,
    spreads,
)
from tests.unit.review.conftest import panel


def test_spread_flags_a_wide_range_and_a_member_far_from_the_median() -> None:
    found = spreads(
        panel(
            {
                "wide": {"M1": 80, "M2": 95, "M3": 82, "M4": 81, "M5": 79},  # range 16; M2 is 14 from 81
                "edge": {"M1": 80, "M2": 95, "M3": 88},  # range exactly 15; nobody 10 from 88
                "calm": {"M1": 80, "M2": 94, "M3": 88, "M4": 87},  # range 14; median 87.5, M1 7.5, M2 6.5
                "lone": {"M1": 70, "M2": 80, "M3": 80},  # range 10; M1 is 10 from the median 80
            }
        )
    )
    assert (found["wide"].median, found["wide"].range, found["wide"].outliers) == (81, 16, ("M2",))
    assert found["wide"].flagged
    assert found["edge"].range == 15 and found["edge"].outliers == () and found["edge"].flagged
    assert found["calm"].median == Fraction(175, 2) and not found["calm"].flagged
    assert found["lone"].outliers == ("M1",) and found["lone"].flagged


def test_kendalls_w_perfect_and_opposite_agreement() -> None:
    same = panel({"A": {"M1": 90, "M2": 80}, "B": {"M1": 85, "M2": 75}, "C": {"M1": 70, "M2": 60}})
    assert kendalls_w(same).w == 1
    opposite = panel({"A": {"M1": 90, "M2": 60}, "B": {"M1": 85, "M2": 75}, "C": {"M1": 70, "M2": 80}})
    assert kendalls_w(opposite).w == 0


def test_kendalls_w_with_tied_ranks_by_hand() -> None:
    # M1: A 1, B 2, C 3, D 4; M2: A and B share 1.5, C 3, D 4; M3: B 1, C 2, A 3, D 4.
    # Rank sums 5.5, 4.5, 8, 12 around m(n + 1)/2 = 7.5: S = 4 + 9 + 0.25 + 20.25 = 33.5.
    # Ties: M2 has one pair, T = 2³ − 2 = 6. W = 12 · 33.5 / (3² (4³ − 4) − 3 · 6) = 402 / 522.
    scores = panel(
        {
            "A": {"M1": 90, "M2": 88, "M3": 80},
            "B": {"M1": 85, "M2": 88, "M3": 90},
            "C": {"M1": 80, "M2": 70, "M3": 85},
            "D": {"M1": 75, "M2": 60, "M3": 70},
        }
    )
    assert kendalls_w(scores).w == Fraction(67, 87)


def test_kendalls_w_leaves_out_entries_with_a_recusal_and_says_so() -> None:
    scores = panel({"A": {"M1": 90, "M2": 80}, "B": {"M1": 85, "M2": 75}, "C": {"M1": None, "M2": 99}})
    found = kendalls_w(scores)
    assert found.entries == ("A", "B") and found.w == 1
    assert kendalls_w(panel({"A": {"M1": 90, "M2": 80}})).w is None


# Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: four observers,
# twelve units, missing values; he reports α = 0.743 (nominal) and 0.849 (interval).
KRIPPENDORFF_2011 = list(
    zip(
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
        strict=True,
    )
)


def test_krippendorffs_alpha_matches_the_published_example() -> None:
    interval = krippendorffs_alpha(KRIPPENDORFF_2011)
    nominal = krippendorffs_alpha(KRIPPENDORFF_2011, NOMINAL)
    assert interval is not None and nominal is not None
    assert round(float(interval), 3) == 0.849
    assert round(float(nominal), 3) == 0.743


def test_krippendorffs_alpha_by_hand() -> None:
    # Units (1, 2) and (3, 4): D_o = (2 + 2) / 4 = 1; D_e = 2 (1 + 4 + 9 + 1 + 4 + 1) / (4 · 3) = 10/3.
    assert krippendorffs_alpha([(1, 2), (3, 4)]) == Fraction(7, 10)
    assert krippendorffs_alpha([(1, 1), (3, 3), (5, None)]) == 1
    assert krippendorffs_alpha([(4, 4), (4, 4)]) is None  # no variation: undefined
    assert krippendorffs_alpha([(4, None)]) is None  # nothing pairable


def test_panel_alpha_reads_recusals_as_missing_values() -> None:
    scores = panel({"A": {"M1": 1, "M2": 2}, "B": {"M1": 3, "M2": 4}, "C": {"M1": None, "M2": 50}})
    assert panel_alpha(scores) == Fraction(7, 10)  # C has one value: not pairable


@given(st.lists(st.lists(st.none() | st.integers(0, 100), min_size=2, max_size=5), min_size=1, max_size=8))
def test_alpha_is_at_most_one_and_one_for_identical_values(units: list[list[int | None]]) -> None:
    found = krippendorffs_alpha(units)
    assert found is None or found <= 1
    copies = [[value, value] for unit in units for value in unit if value is not None]
    same = krippendorffs_alpha(copies)
    assert same is None or same == 1


def test_a_severe_member_recused_from_some_entries_changes_a_tier() -> None:
    # L is lenient, S severe; L is recused from C, so C's official score is S's 84 alone (甲等).
    # S: mean 81.33, sd 2.494, z(C) = 2.667 / 2.494 = 1.069; all totals: mean 84.8, sd 4.833:
    # C = 84.8 + 4.833 · 1.069 = 89.97 (優等), flagged for the chair; the official tier stays.
    scores = panel({"A": {"L": 92, "S": 82}, "B": {"L": 88, "S": 78}, "C": {"L": None, "S": 84}})
    tally = aggregate(scores)
    found = severity_normalised(scores, tally)
    assert found["C"].score == pytest.approx(89.97, abs=0.01)
    assert (found["C"].official_tier, found["C"].tier, found["C"].changes_tier) == ("merit", "excellent", True)
    assert not found["A"].changes_tier
    assert tally.by_entry()["C"].score == 84  # never decisive


def test_a_member_with_one_entry_or_one_total_counts_unchanged() -> None:
    scores = panel({"A": {"M1": 80, "M2": 90}, "B": {"M1": 80, "M2": None}})
    found = severity_normalised(scores, aggregate(scores))
    assert found["B"].score == 80  # M1 gave the same total twice: no severity to correct


@given(st.lists(st.lists(st.integers(50, 100), min_size=3, max_size=3), min_size=2, max_size=8))
def test_kendalls_w_lies_between_0_and_1(rows: list[list[int]]) -> None:
    scores = panel({f"E{n}": {f"M{m}": total for m, total in enumerate(row)} for n, row in enumerate(rows)})
    found = kendalls_w(scores).w
    assert found is None or 0 <= found <= 1


def test_no_scores_no_normalised_scores() -> None:
    assert severity_normalised([], aggregate(panel({"A": {"M": 80}}))) == {}
