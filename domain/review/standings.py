"""The round's standing: each entry's official score and tier, from the members' stored scores.

The adapter between the aggregates (a call's rubric and tiers as stored dicts, scores as
recorded) and the pure rules: ``aggregation.aggregate`` by the call's official method,
``awards.award`` for the tiers (caps that cascade, ties broken or reported), and the chair's
diagnostics (spread, severity-normalised tier changes, Kendall's W, Krippendorff's alpha), which
never decide anything. Members are named by their panel codes (M1, M2...), as on score sheets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from domain.review import aggregation, diagnostics
from domain.review.aggregation import Score, format_score
from domain.review.awards import Tier, award, boundaries
from domain.review.errors import MethodError
from domain.review.rubric import Band, Criterion, Rubric


def rubric_of(criteria: Sequence[Mapping[str, Any]]) -> Rubric:
    return Rubric(tuple(
        Criterion(c["code"], c["name_zh"], c["name_en"], int(c["weight"]), tuple(
            Band(int(b["low"]), int(b["high"]), b["text_zh"], b["text_en"]) for b in c["bands"]))
        for c in criteria
    ))  # fmt: skip


def tiers_of(tiers: Sequence[Mapping[str, Any]]) -> tuple[Tier, ...]:
    return tuple(Tier(t["code"], t["name_zh"], t["name_en"], Fraction(t["min"]), t.get("cap"), t.get("prize"))
                 for t in tiers)  # fmt: skip


@dataclass(frozen=True)
class Standing:
    entry: str
    score: Fraction | None
    members: int
    tier: str | None = None
    tied: bool = False
    flags: tuple[str, ...] = ()
    printed: str = ""  # two decimals, never rounded up onto a tier's threshold
    diagnostics: tuple[str, ...] = ()  # the chair's flags (diagnostic_flags), never stored with the awards
    counted: tuple[str, ...] = ()  # the members (codes) whose totals make the score: the working

    def as_dict(self) -> dict[str, Any]:
        return {"entry": self.entry, "score": self.printed, "members": self.members, "tier": self.tier,
                "tied": self.tied, "flags": list(self.flags)}  # fmt: skip


@dataclass(frozen=True)
class Round:
    standings: list[Standing]
    error: MethodError | None = None  # the method cannot score the round yet (and why)
    kendalls_w: Fraction | None = None
    alpha: Fraction | None = None
    spreads: dict[str, diagnostics.Spread] = field(default_factory=dict)
    normalised: dict[str, diagnostics.Normalised] = field(default_factory=dict)

    def by_entry(self) -> dict[str, Standing]:
        return {standing.entry: standing for standing in self.standings}


def standings(method: str, gap: int, rubric: Sequence[Mapping[str, Any]], tiers: Sequence[Mapping[str, Any]],
              scores: Iterable[tuple[str, str, Mapping[str, int]]], entries: Iterable[str]) -> Round:  # fmt: skip
    """``scores`` are (entry, member code, criterion scores); ``entries`` every entry of the round."""
    given = [Score(entry, member, dict(criteria)) for entry, member, criteria in scores]
    unscored = [Standing(entry, None, 0) for entry in entries if entry not in {s.entry for s in given}]
    if not given:
        return Round(unscored)
    capped = tiers_of(tiers)
    try:
        tally = aggregation.aggregate(given, method, rubric=rubric_of(rubric), gap=gap)
    except MethodError as error:
        return Round(unscored, error=error)
    placed = award(tally, given, capped)
    spreads = diagnostics.spreads(given)
    normalised = diagnostics.severity_normalised(given, tally, capped)
    found = tally.by_entry()
    edges = boundaries(capped)
    ranked = []
    for placement in placed.placements:
        aggregate_ = found[placement.entry]
        spread = spreads.get(placement.entry)
        moved = normalised.get(placement.entry)
        flags = aggregate_.flags + ((placement.tie_break,) if placement.tie_break else ()) + (
            ("tied",) if placement.tied else ())  # fmt: skip
        ranked.append(Standing(
            placement.entry, placement.score, aggregate_.members, placement.tier, placement.tied, flags,
            format_score(placement.score, edges), diagnostic_flags(spread, moved), tuple(aggregate_.counted),
        ))  # fmt: skip
    return Round(ranked + unscored, None, diagnostics.kendalls_w(given).w, diagnostics.panel_alpha(given), spreads,
                 normalised)  # fmt: skip


def diagnostic_flags(spread: diagnostics.Spread | None, moved: diagnostics.Normalised | None) -> tuple[str, ...]:
    """The chair's flags of one entry as codes: a wide spread, a member far from the median, a
    severity-normalised score in another tier."""
    found = []
    if spread is not None and spread.range >= diagnostics.SPREAD_FLAG:
        found.append(diagnostics.WIDE_SPREAD)
    if spread is not None and spread.outliers:
        found.append(diagnostics.FAR_FROM_MEDIAN)
    if moved is not None and moved.changes_tier:
        found.append(diagnostics.NORMALISED_TIER)
    return tuple(found)
