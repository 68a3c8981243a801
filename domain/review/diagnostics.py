"""What the chair sees beside the official score: how far members agree, and how severe or
lenient each one is. Diagnostics are never decisive: nothing here changes a score or a tier.

- ``spreads``: per entry the median total, max − min (flagged at 15 points or more) and the
  members 10 or more points from the median.
- ``severity_normalised``: each member's totals as z-scores over the entries they scored, mapped
  back to the panel's scale (the mean and spread of all totals), averaged per entry; flagged when
  the tier it would reach differs from the official one.
- ``kendalls_w``: Kendall's coefficient of concordance for the round (with the correction for
  tied ranks), over the entries every member scored.
- ``krippendorffs_alpha``: agreement on the totals with the interval metric; recusals are
  missing values, which alpha tolerates.

W and alpha are exact fractions (they are ratios of sums of rational numbers); only the
severity-normalised score needs a square root, and is a float.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from domain.review.aggregation import Score, Tally, mean_ranks, natural_key
from domain.review.awards import DEFAULT_TIERS, Tier, band

SPREAD_FLAG = 15  # max − min of the totals at or above this is flagged
OUTLIER_FLAG = 10  # a member this far or farther from the median is flagged

# The flags' codes, as the sheet and the tally's JSON print them.
WIDE_SPREAD = "wide-spread"
FAR_FROM_MEDIAN = "far-from-median"
NORMALISED_TIER = "normalised-tier"

INTERVAL = "interval"
NOMINAL = "nominal"


@dataclass(frozen=True)
class Spread:
    entry: str
    median: Fraction
    low: int
    high: int
    outliers: tuple[str, ...]  # members at least OUTLIER_FLAG from the median

    @property
    def range(self) -> int:
        return self.high - self.low

    @property
    def flagged(self) -> bool:
        return self.range >= SPREAD_FLAG or bool(self.outliers)


def spreads(scores: Iterable[Score]) -> dict[str, Spread]:
    totals = _totals_by_entry(scores)
    found = {}
    for entry in sorted(totals, key=natural_key):
        given = totals[entry]
        median = Fraction(statistics.median(Fraction(total) for total in given.values()))
        outliers = tuple(sorted(member for member, total in given.items() if abs(total - median) >= OUTLIER_FLAG))
        found[entry] = Spread(entry, median, min(given.values()), max(given.values()), outliers)
    return found


@dataclass(frozen=True)
class Normalised:
    entry: str
    score: float  # on the panel scale
    official_tier: str | None
    tier: str | None  # the tier ``score`` would reach by its band

    @property
    def changes_tier(self) -> bool:
        return self.tier != self.official_tier


def severity_normalised(
    scores: Iterable[Score], tally: Tally, tiers: Sequence[Tier] = DEFAULT_TIERS
) -> dict[str, Normalised]:
    """Each member's totals as z-scores, mapped back to the scale of all totals.

    A member who scored fewer than two entries, or gave every entry the same total, shows no
    severity to correct: their totals count unchanged. ``official_tier`` is the band of the
    official score (before caps, which are about places, not severity).
    """
    given = list(scores)
    if not given:
        return {}
    everything = [float(score.total) for score in given]
    centre, scale = statistics.fmean(everything), statistics.pstdev(everything)
    by_member: dict[str, list[float]] = defaultdict(list)
    for score in given:
        by_member[score.member].append(float(score.total))
    shape = {member: (statistics.fmean(values), statistics.pstdev(values)) for member, values in by_member.items()}
    per_entry: dict[str, list[float]] = defaultdict(list)
    for score in given:
        mean, deviation = shape[score.member]
        if len(by_member[score.member]) < 2 or deviation == 0:
            per_entry[score.entry].append(float(score.total))
        else:
            per_entry[score.entry].append(centre + scale * (score.total - mean) / deviation)
    official = tally.by_entry()
    found = {}
    for entry in sorted(per_entry, key=natural_key):
        value = statistics.fmean(per_entry[entry])
        official_band = band(official[entry].score, tiers) if entry in official else None
        # The band of a float: compared as the exact value of that float, never rounded up.
        normalised_band = band(Fraction(value), tiers)
        found[entry] = Normalised(
            entry,
            value,
            official_band.code if official_band else None,
            normalised_band.code if normalised_band else None,
        )
    return found


@dataclass(frozen=True)
class Concordance:
    w: Fraction | None  # None: fewer than two entries or two members to compare
    members: tuple[str, ...]
    entries: tuple[str, ...]  # the entries every member scored, on which W was computed


def kendalls_w(scores: Iterable[Score]) -> Concordance:
    """Kendall's W = 12 S / (m² (n³ − n) − m Σ T), T = Σ (t³ − t) over each member's tied ranks.

    Computed over the entries every member scored (W needs complete rankings): with recusals, the
    entries some member is recused from are left out, and ``entries`` says which were used.
    """
    totals = _totals_by_entry(scores)
    members = tuple(sorted({member for given in totals.values() for member in given}))
    entries = tuple(sorted((entry for entry, given in totals.items() if len(given) == len(members)), key=natural_key))
    m, n = len(members), len(entries)
    if m < 2 or n < 2:
        return Concordance(None, members, entries)
    rank_sums: dict[str, Fraction] = defaultdict(Fraction)
    ties = 0
    for member in members:
        mine = {entry: totals[entry][member] for entry in entries}
        for entry, rank in mean_ranks(mine).items():
            rank_sums[entry] += rank
        counts: dict[int, int] = defaultdict(int)
        for total in mine.values():
            counts[total] += 1
        ties += sum(t**3 - t for t in counts.values())
    mean_sum = Fraction(m * (n + 1), 2)
    s = sum(((rank_sums[entry] - mean_sum) ** 2 for entry in entries), Fraction(0))
    denominator = m * m * (n**3 - n) - m * ties
    if denominator == 0:  # every member gave every entry the same total: nothing to rank
        return Concordance(None, members, entries)
    return Concordance(12 * s / denominator, members, entries)


def krippendorffs_alpha(units: Iterable[Sequence[int | Fraction | None]], metric: str = INTERVAL) -> Fraction | None:
    """Krippendorff's alpha over ``units`` (one sequence of values per unit, ``None`` where a coder
    gave none), with the interval or nominal metric, from the coincidences of pairable values:
    α = 1 − D_o / D_e. Units with fewer than two values are not pairable and are left out.
    None when there is no variation at all (D_e = 0) or fewer than two pairable values.
    """
    pairable = [[Fraction(value) for value in unit if value is not None] for unit in units]
    pairable = [unit for unit in pairable if len(unit) >= 2]
    n = sum(len(unit) for unit in pairable)
    if n < 2:
        return None

    def delta(one: Fraction, other: Fraction) -> Fraction:
        if metric == NOMINAL:
            return Fraction(0 if one == other else 1)
        return (one - other) ** 2

    observed = Fraction(0)
    for unit in pairable:
        within = sum((delta(a, b) for i, a in enumerate(unit) for j, b in enumerate(unit) if i != j), Fraction(0))
        observed += within / (len(unit) - 1)
    observed /= n
    values: dict[Fraction, int] = defaultdict(int)
    for unit in pairable:
        for value in unit:
            values[value] += 1
    expected = sum(
        (count_a * count_b * delta(a, b) for a, count_a in values.items() for b, count_b in values.items()),
        Fraction(0),
    ) / (n * (n - 1))
    if expected == 0:
        return None
    return 1 - observed / expected


def panel_alpha(scores: Iterable[Score]) -> Fraction | None:
    """Krippendorff's alpha (interval) on the members' totals: entries are the units, members the
    coders, and a recusal a missing value."""
    totals = _totals_by_entry(scores)
    members = sorted({member for given in totals.values() for member in given})
    return krippendorffs_alpha([[given.get(member) for member in members] for given in totals.values()])


def _totals_by_entry(scores: Iterable[Score]) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    for score in scores:
        totals[score.entry][score.member] = score.total
    return dict(totals)
