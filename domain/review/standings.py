"""The round's standing: each entry's official score and tier, from the members' scores.

The adapter between the aggregates (scores as stored) and the pure rules. R1's
``aggregation.py`` and ``awards.py`` compute the official methods, the cascading caps and the
tie-breaks; until they are merged into this branch, this module computes the plain and trimmed
means and tiers by band with caps (a tie at a cap is reported, both in the lower tier), exactly,
with ``Fraction``. Rank-sum and two-plus-third wait for the rules and fall back to the mean,
flagged ``method_pending``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

TRIM_AT_LEAST = 5


@dataclass(frozen=True)
class Standing:
    entry: str
    score: Fraction | None
    members: int
    tier: str | None = None
    tied: bool = False
    flags: tuple[str, ...] = field(default_factory=tuple)

    def printed(self) -> str:
        """Two decimals, rounded half up from the exact score (89.995 prints 90.00 but is not 90)."""
        if self.score is None:
            return ""
        exact = Decimal(self.score.numerator) / Decimal(self.score.denominator)
        return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

    def as_dict(self) -> dict[str, Any]:
        return {"entry": self.entry, "score": self.printed(), "members": self.members, "tier": self.tier,
                "tied": self.tied, "flags": list(self.flags)}  # fmt: skip


def _aggregate(totals: list[int], method: str) -> tuple[Fraction | None, tuple[str, ...]]:
    if not totals:
        return None, ("no_scores",)
    flags: tuple[str, ...] = ()
    if method == "trimmed-mean":
        if len(totals) >= TRIM_AT_LEAST:
            totals = sorted(totals)[1:-1]
        else:
            flags = ("too_few_to_trim",)
    elif method in ("rank-sum", "two-plus-third"):
        flags = ("method_pending",)
    return Fraction(sum(totals), len(totals)), flags


def standings(method: str, tiers: list[Mapping[str, Any]],
              scores: Iterable[tuple[str, str, Mapping[str, int]]], entries: Iterable[str]) -> list[Standing]:  # fmt: skip
    """``scores`` are (entry, member, criterion scores); ``entries`` every entry of the round."""
    totals: dict[str, list[int]] = {entry: [] for entry in entries}
    for entry, _member, criteria in scores:
        totals.setdefault(entry, []).append(sum(criteria.values()))
    scored = []
    for entry, values in totals.items():
        score, flags = _aggregate(values, method)
        scored.append(Standing(entry, score, len(values), flags=flags))
    return _tiered(scored, tiers)


def _tiered(scored: list[Standing], tiers: list[Mapping[str, Any]]) -> list[Standing]:
    """Tiers by band, highest first; over a cap the highest keep it and the rest drop a tier."""
    ranked = sorted(scored, key=lambda s: (s.score is None, -(s.score or 0), s.entry))
    placed: dict[str, str] = {}
    tied: set[str] = set()
    waiting = [s for s in ranked if s.score is not None]
    for tier in tiers:
        eligible = [s for s in waiting if s.score is not None and s.score >= tier["min"]]
        cap = tier.get("cap")
        keep = eligible
        if cap is not None and len(eligible) > cap:
            keep = eligible[:cap]
            if cap and keep[-1].score == eligible[cap].score:  # a tie across the cap: reported, not decided
                boundary = keep[-1].score
                tied |= {s.entry for s in eligible if s.score == boundary}
                keep = [s for s in keep if s.score != boundary]
        for s in keep:
            placed[s.entry] = tier["code"]
        waiting = [s for s in waiting if s.entry not in placed]
    return [Standing(s.entry, s.score, s.members, placed.get(s.entry), s.entry in tied, s.flags) for s in ranked]
