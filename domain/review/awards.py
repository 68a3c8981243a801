"""Award tiers: bands of score, caps (名額) that cascade, empty tiers (從缺) and ties at a cap.

An entry reaches a tier when its exact score is at least the tier's threshold (特優 ≥ 90, 優等
85 to < 90, 甲等 80 to < 85, 佳作 75 to < 80 by default: the bands of 臺北市停車管理工程處's
獎勵研究案, ``tests/data/review/tier_rules.csv``), and no entry ranked before it by the method
misses that tier's band (with scores the same thing; with the rank sum, the order decides). A tier with a cap keeps its best entries and the
rest drop to the next tier, and so on down. A tie at a cap is broken by the mean ``impact``
score, then the mean ``innovation`` score, then the pairwise majority of the members who scored
both; a tie still unbroken is not decided here: every entry in it is marked tied and drops to
the next tier, for the chair.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from domain.review.aggregation import Aggregate, Score, Tally, natural_key, standing
from domain.review.errors import ReviewError

# How a tie at a cap was broken (``Placement.tie_break``).
BY_IMPACT = "impact"
BY_INNOVATION = "innovation"
BY_PAIRWISE = "pairwise"
TIE_CRITERIA = (BY_IMPACT, BY_INNOVATION)  # criterion codes, in the order they break ties


@dataclass(frozen=True)
class Tier:
    code: str
    name_zh: str
    name_en: str
    min_score: Fraction  # an exact score at least this reaches the tier (below the one above it)
    cap: int | None = None  # 名額: at most this many entries; None: no limit
    prize_ntd: int | None = None


DEFAULT_TIERS = (
    Tier("outstanding", "特優", "Outstanding", Fraction(90)),
    Tier("excellent", "優等", "Excellent", Fraction(85)),
    Tier("merit", "甲等", "Merit", Fraction(80)),
    Tier("honourable-mention", "佳作", "Honourable mention", Fraction(75)),
)


class UnknownTierError(ReviewError, LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def find_tier(tiers: Iterable[Tier], name: str) -> Tier:
    """A tier by its code or its name in either language (``特優``, ``outstanding``, ``Outstanding``)."""
    for tier in tiers:
        if name in (tier.code, tier.name_zh) or name.casefold() == tier.name_en.casefold():
            return tier
    raise UnknownTierError(name)


def with_caps(
    tiers: Sequence[Tier], caps: Mapping[str, int], prizes: Mapping[str, int] | None = None
) -> tuple[Tier, ...]:
    """``tiers`` with the caps (and prizes) given by tier code or name; a cap of 0 leaves the tier empty."""
    capped = {find_tier(tiers, name).code: cap for name, cap in caps.items()}
    paid = {find_tier(tiers, name).code: prize for name, prize in (prizes or {}).items()}
    return tuple(
        replace(tier, cap=capped.get(tier.code, tier.cap), prize_ntd=paid.get(tier.code, tier.prize_ntd))
        for tier in tiers
    )


def band(score: Fraction, tiers: Iterable[Tier] = DEFAULT_TIERS) -> Tier | None:
    """The tier a score reaches by its band alone, before any cap."""
    reached = [tier for tier in tiers if score >= tier.min_score]
    return max(reached, key=lambda tier: tier.min_score) if reached else None


def boundaries(tiers: Iterable[Tier] = DEFAULT_TIERS) -> tuple[Fraction, ...]:
    """The thresholds, for ``format_score``: a score below one is never printed at or above it."""
    return tuple(tier.min_score for tier in tiers)


@dataclass(frozen=True)
class Placement:
    entry: str
    score: Fraction
    tier: str | None  # the tier's code; None: no award
    band: str | None  # the tier its score alone reaches; differs from ``tier`` when a cap moved it
    tied: bool = False  # in a tie at a cap that nothing broke: placed in the lower tier, for the chair
    tie_break: str | None = None  # what broke its tie at a cap, when one did


@dataclass(frozen=True)
class Awards:
    tiers: tuple[Tier, ...]
    placements: tuple[Placement, ...]  # in the method's order, best first
    ties: tuple[tuple[str, ...], ...]  # each unbroken tie at a cap, its entries

    def winners(self, tier: str) -> tuple[str, ...]:
        return tuple(placement.entry for placement in self.placements if placement.tier == tier)

    @property
    def vacant(self) -> tuple[str, ...]:
        """The tiers left empty (從缺), by code."""
        return tuple(tier.code for tier in self.tiers if not self.winners(tier.code))

    def placement(self, entry: str) -> Placement:
        return next(placement for placement in self.placements if placement.entry == entry)


def award(
    tally: Tally,
    scores: Iterable[Score],
    tiers: Sequence[Tier] = DEFAULT_TIERS,
    tie_criteria: Sequence[str] = TIE_CRITERIA,
) -> Awards:
    """Place every entry of ``tally`` in a tier (or none). ``scores`` are the scores it was
    tallied from; ties at a cap read their criterion scores and the members' totals."""
    ordered_tiers = sorted(tiers, key=lambda tier: tier.min_score, reverse=True)
    breaker = _TieBreaker(tally, list(scores), tie_criteria)
    remaining = list(tally.aggregates)
    placed: dict[str, str] = {}
    tied: set[str] = set()
    tie_breaks: dict[str, str] = {}
    ties: list[tuple[str, ...]] = []
    for tier in ordered_tiers:
        eligible = _reaching(remaining, tier.min_score)
        keep = eligible
        if tier.cap is not None and len(eligible) > tier.cap:
            keep = []
            groups = breaker.groups(eligible)
            for index, (group, _) in enumerate(groups):
                if len(keep) + len(group) > tier.cap:
                    if len(keep) < tier.cap:  # a tie nothing broke straddles the cap
                        tied.update(found.entry for found in group)
                        ties.append(tuple(found.entry for found in group))
                    how = groups[index][1]
                    if how is not None:  # the entries either side of the cut were tied until ``how``
                        tie_breaks.update((found.entry, how) for found in (*groups[index - 1][0], *group))
                    break
                keep.extend(group)
        placed.update((found.entry, tier.code) for found in keep)
        remaining = [found for found in remaining if found.entry not in placed]
    placements = tuple(
        Placement(
            found.entry,
            found.score,
            placed.get(found.entry),
            _code(band(found.score, tiers)),
            found.entry in tied,
            tie_breaks.get(found.entry),
        )
        for found in tally.aggregates
    )
    return Awards(tuple(ordered_tiers), placements, tuple(ties))


def _reaching(remaining: list[Aggregate], threshold: Fraction) -> list[Aggregate]:
    """The entries that reach ``threshold``, from the best down to the first that does not: no
    entry is placed above one the method ranks before it. With scores this is every entry at or
    above the threshold; with the rank sum an entry ranked below one that misses the band waits
    for that one's tier ("the lowest sum wins"), whatever its mean."""
    reaching: list[Aggregate] = []
    for run in _runs(remaining, standing):
        reaching.extend(found for found in run if found.score >= threshold)
        if any(found.score < threshold for found in run):
            break
    return reaching


def _code(tier: Tier | None) -> str | None:
    return tier.code if tier is not None else None


class _TieBreaker:
    """Orders entries into groups the rules cannot separate, best first; each group comes with the
    rule that separated it from the group before it (None: the method's own order did)."""

    def __init__(self, tally: Tally, scores: list[Score], criteria: Sequence[str]) -> None:
        self.criteria = tuple(criteria)
        self.counted = {found.entry: found.counted for found in tally.aggregates}
        self.scores: dict[str, dict[str, Score]] = {}
        for score in scores:
            self.scores.setdefault(score.entry, {})[score.member] = score

    def groups(self, eligible: list[Aggregate]) -> list[tuple[list[Aggregate], str | None]]:
        found: list[tuple[list[Aggregate], str | None]] = []
        for run in _runs(eligible, standing):
            found.extend(self._refine(run, 0))
        return found

    def _refine(self, group: list[Aggregate], stage: int) -> list[tuple[list[Aggregate], str | None]]:
        if len(group) == 1:
            return [(group, None)]
        if stage == len(self.criteria):
            return self._pairwise(group)
        code = self.criteria[stage]

        def key(found: Aggregate) -> Fraction:
            return -self._mean(found, code)

        runs = _runs(sorted(group, key=key), key)
        refined: list[tuple[list[Aggregate], str | None]] = []
        for index, run in enumerate(runs):
            parts = self._refine(run, stage + 1)
            refined.append((parts[0][0], code if index else None))
            refined.extend(parts[1:])
        return refined

    def _mean(self, found: Aggregate, code: str) -> Fraction:
        """The mean of ``code`` over the members whose totals made the entry's score."""
        given = self.scores.get(found.entry, {})
        values = [
            given[member].criterion_scores.get(code, 0) for member in self.counted[found.entry] if member in given
        ]
        return Fraction(sum(values), len(values)) if values else Fraction(0)

    def _beats(self, one: Aggregate, other: Aggregate) -> bool:
        """More of the members who scored both gave ``one`` the higher total than gave ``other``."""
        first, second = self.scores.get(one.entry, {}), self.scores.get(other.entry, {})
        both = first.keys() & second.keys()
        higher = sum(1 for member in both if first[member].total > second[member].total)
        lower = sum(1 for member in both if first[member].total < second[member].total)
        return higher > lower

    def _pairwise(self, group: list[Aggregate]) -> list[tuple[list[Aggregate], str | None]]:
        # Take out, one by one, the entry that beats every other one left; when none does, what
        # is left stays tied.
        left = sorted(group, key=lambda found: natural_key(found.entry))
        refined: list[tuple[list[Aggregate], str | None]] = []
        while len(left) > 1:
            winner = next(
                (one for one in left if all(self._beats(one, other) for other in left if other is not one)), None
            )
            if winner is None:
                break
            refined.append(([winner], BY_PAIRWISE if refined else None))
            left = [found for found in left if found is not winner]
        refined.append((left, BY_PAIRWISE if refined else None))
        return refined


def _runs(items: list[Aggregate], key: Callable[[Aggregate], Fraction]) -> list[list[Aggregate]]:
    """Consecutive items with the same ``key`` (items already in that key's order)."""
    runs: list[list[Aggregate]] = []
    for item in items:
        if runs and key(runs[-1][-1]) == key(item):
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs
