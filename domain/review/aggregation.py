"""From a panel's scores to one score per entry, by the method the call chose as official.

Real Taiwanese rules differ, so the method is the call's: ``mean`` (the mean of the members'
totals), ``trimmed-mean`` (with at least five totals, drop one highest and one lowest first),
``rank-sum`` (序位法: each member ranks the entries, the lowest sum of ranks wins) and
``two-plus-third`` (two reviewers; a third when they differ by the gap or more). Only the last
comes from a published rule (雷飛龍教授獎學金); the trimmed mean and the rank sum are design
choices (``tests/data/review/README.md``).

Every score is an exact ``Fraction``: a mean of 89.995 is below 90 and stays so all the way to
the tier. ``format_score`` prints two decimals for people.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from domain.review.errors import (
    DUPLICATE_SCORE,
    INCOMPLETE_PANEL,
    NO_SCORES,
    THIRD_REVIEWER_REQUIRED,
    TOO_FEW_REVIEWERS,
    TOO_MANY_REVIEWERS,
    UNKNOWN_METHOD,
    MethodError,
)
from domain.review.rubric import DEFAULT_INNOVATION_RUBRIC, Rubric

MEAN = "mean"
TRIMMED_MEAN = "trimmed-mean"
RANK_SUM = "rank-sum"
TWO_PLUS_THIRD = "two-plus-third"
METHODS = (MEAN, TRIMMED_MEAN, RANK_SUM, TWO_PLUS_THIRD)
DEFAULT_METHOD = MEAN

DEFAULT_GAP = 15  # two-plus-third: a third reviewer when the two totals differ by this or more
TRIM_MINIMUM = 5  # trimmed-mean: fewer totals than this and nothing is dropped (flagged)

# What an aggregate carries in ``flags`` (words for them: web/review_text.py).
FEW_TO_TRIM = "few-to-trim"  # trimmed-mean with fewer than five totals: the plain mean, not trimmed
RECUSED = "recused"  # fewer members scored this entry than sit on the panel (recusals)
THIRD_USED = "third-used"  # two-plus-third: the third reviewer's score decided
THIRD_EQUIDISTANT = "third-equidistant"  # the third is as close to both: the score is the third's
THIRD_NOT_NEEDED = "third-not-needed"  # a third score though the two were within the gap: not counted


@dataclass(frozen=True)
class Score:
    """One member's scores for one entry, by criterion code."""

    entry: str
    member: str
    criterion_scores: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.criterion_scores.values())


@dataclass(frozen=True)
class Aggregate:
    """An entry's official score and the working behind it.

    ``score`` is on the panel scale (0 … the rubric's total) and is what the tier bands compare;
    with ``rank-sum`` it is the mean total, while the order (and so who keeps a capped tier)
    follows ``rank_sum``, lower first.
    """

    entry: str
    score: Fraction
    totals: tuple[tuple[str, int], ...]  # (member, total) for every member who scored the entry
    counted: tuple[str, ...]  # the members whose totals make ``score`` (trimmed: all but two)
    flags: tuple[str, ...] = ()
    rank_sum: Fraction | None = None
    ranks: tuple[tuple[str, Fraction], ...] = field(default=())  # rank-sum: each member's rank

    @property
    def members(self) -> int:
        return len(self.totals)


@dataclass(frozen=True)
class Tally:
    """The round scored by one method: aggregates best first (ties in entry order)."""

    method: str
    aggregates: tuple[Aggregate, ...]

    def by_entry(self) -> dict[str, Aggregate]:
        return {aggregate.entry: aggregate for aggregate in self.aggregates}


def standing(aggregate: Aggregate) -> Fraction:
    """What orders entries, smaller first: the rank sum where there is one, else minus the score."""
    return aggregate.rank_sum if aggregate.rank_sum is not None else -aggregate.score


def aggregate(
    scores: Iterable[Score],
    method: str = DEFAULT_METHOD,
    *,
    rubric: Rubric | None = DEFAULT_INNOVATION_RUBRIC,
    gap: int = DEFAULT_GAP,
) -> Tally:
    """Score the round by ``method``.

    Each ``Score`` is checked against ``rubric`` (pass ``None`` to skip that, for scores already
    checked). A member without a score for an entry is recused from it: the entry is scored by
    the others (except ``rank-sum``, which needs every member on every entry). With
    ``two-plus-third`` the first two scores given for an entry are its two reviewers and a third
    one is the third reviewer.
    """
    given = list(scores)
    if not given:
        raise MethodError(NO_SCORES, method=method)
    if method not in METHODS:
        raise MethodError(UNKNOWN_METHOD, method=method)
    if rubric is not None:
        for score in given:
            rubric.check(score.entry, score.member, score.criterion_scores)
    by_entry = _by_entry(given, method)
    panel = sorted({score.member for score in given})
    if method == RANK_SUM:
        found = _rank_sum(by_entry, panel)
    elif method == TWO_PLUS_THIRD:
        found = _two_plus_third(by_entry, gap)
    else:
        found = [_mean(entry, entry_scores, len(panel), trimmed=method == TRIMMED_MEAN)
                 for entry, entry_scores in by_entry.items()]  # fmt: skip
    return Tally(method, tuple(sorted(found, key=lambda found: (standing(found), natural_key(found.entry)))))


def _by_entry(scores: list[Score], method: str) -> dict[str, list[Score]]:
    by_entry: dict[str, list[Score]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    duplicates: list[str] = []
    for score in scores:
        if (score.entry, score.member) in seen:
            duplicates.append(score.entry)
        seen.add((score.entry, score.member))
        by_entry[score.entry].append(score)
    if duplicates:
        raise MethodError(DUPLICATE_SCORE, entries=tuple(dict.fromkeys(duplicates)), method=method)
    return dict(by_entry)


def _totals(entry_scores: Sequence[Score]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted((score.member, score.total) for score in entry_scores))


def _mean(entry: str, entry_scores: list[Score], panel_size: int, trimmed: bool) -> Aggregate:
    totals = _totals(entry_scores)
    flags = [RECUSED] if len(totals) < panel_size else []
    counted = [member for member, _ in totals]
    if trimmed:
        if len(totals) >= TRIM_MINIMUM:
            # Drop one highest and one lowest total (one each, even when several share the value);
            # which member's copy is dropped does not change the mean.
            ordered = sorted(totals, key=lambda pair: (pair[1], pair[0]))
            dropped = {ordered[0][0], ordered[-1][0]}
            counted = [member for member in counted if member not in dropped]
        else:
            flags.append(FEW_TO_TRIM)
    values = dict(totals)
    return Aggregate(
        entry,
        Fraction(sum(values[member] for member in counted), len(counted)),
        totals,
        tuple(counted),
        tuple(flags),
    )


def _rank_sum(by_entry: dict[str, list[Score]], panel: list[str]) -> list[Aggregate]:
    missing = tuple(
        (entry, member)
        for entry in sorted(by_entry, key=natural_key)
        for member in panel
        if member not in {score.member for score in by_entry[entry]}
    )
    if missing:
        raise MethodError(
            INCOMPLETE_PANEL, entries=tuple(dict.fromkeys(entry for entry, _ in missing)), missing=missing,
            method=RANK_SUM,
        )  # fmt: skip
    ranks: dict[str, dict[str, Fraction]] = defaultdict(dict)
    for member in panel:
        totals = {entry: next(s.total for s in scores if s.member == member) for entry, scores in by_entry.items()}
        for entry, rank in mean_ranks(totals).items():
            ranks[entry][member] = rank
    return [
        Aggregate(
            entry,
            Fraction(sum(score.total for score in entry_scores), len(entry_scores)),
            _totals(entry_scores),
            tuple(panel),
            rank_sum=sum(ranks[entry].values(), Fraction(0)),
            ranks=tuple(sorted(ranks[entry].items())),
        )
        for entry, entry_scores in by_entry.items()
    ]


def mean_ranks(totals: Mapping[str, int]) -> dict[str, Fraction]:
    """Rank by total, 1 = the highest; tied totals share the mean of the ranks they span."""
    ordered = sorted(totals.values(), reverse=True)
    first: dict[int, int] = {}
    count: dict[int, int] = defaultdict(int)
    for position, total in enumerate(ordered, start=1):
        first.setdefault(total, position)
        count[total] += 1
    return {key: first[total] + Fraction(count[total] - 1, 2) for key, total in totals.items()}


def _two_plus_third(by_entry: dict[str, list[Score]], gap: int) -> list[Aggregate]:
    problems: dict[str, list[str]] = defaultdict(list)
    found = []
    for entry, entry_scores in by_entry.items():
        if len(entry_scores) < 2:
            problems[TOO_FEW_REVIEWERS].append(entry)
            continue
        if len(entry_scores) > 3:
            problems[TOO_MANY_REVIEWERS].append(entry)
            continue
        first, second = entry_scores[0], entry_scores[1]
        if abs(first.total - second.total) < gap:
            flags = (THIRD_NOT_NEEDED,) if len(entry_scores) == 3 else ()
            found.append(Aggregate(entry, Fraction(first.total + second.total, 2), _totals(entry_scores),
                                   tuple(sorted((first.member, second.member))), flags))  # fmt: skip
            continue
        if len(entry_scores) == 2:
            problems[THIRD_REVIEWER_REQUIRED].append(entry)
            continue
        third = entry_scores[2]
        nearer = sorted((first, second), key=lambda score: abs(score.total - third.total))
        if abs(nearer[0].total - third.total) == abs(nearer[1].total - third.total):
            # Exactly between the two: either choice would favour one reviewer; the third's own
            # total is also the mean of all three and of both possible pairs.
            found.append(Aggregate(entry, Fraction(third.total), _totals(entry_scores),
                                   (third.member,), (THIRD_USED, THIRD_EQUIDISTANT)))  # fmt: skip
        else:
            found.append(Aggregate(entry, Fraction(nearer[0].total + third.total, 2), _totals(entry_scores),
                                   tuple(sorted((nearer[0].member, third.member))), (THIRD_USED,)))  # fmt: skip
    for code in (TOO_FEW_REVIEWERS, TOO_MANY_REVIEWERS, THIRD_REVIEWER_REQUIRED):
        if problems[code]:
            raise MethodError(code, entries=tuple(sorted(problems[code], key=natural_key)), method=TWO_PLUS_THIRD)
    return found


def needs_third_reviewer(scores: Iterable[Score], gap: int = DEFAULT_GAP) -> tuple[str, ...]:
    """Entries whose two reviewers differ by ``gap`` or more and have no third score yet."""
    by_entry: dict[str, list[Score]] = defaultdict(list)
    for score in scores:
        by_entry[score.entry].append(score)
    return tuple(
        sorted(
            (entry for entry, given in by_entry.items()
             if len(given) == 2 and abs(given[0].total - given[1].total) >= gap),
            key=natural_key,
        )
    )  # fmt: skip


def format_score(value: Fraction, boundaries: Iterable[Fraction] = ()) -> str:
    """Two decimals, rounded half up, except never up onto a boundary the exact value has not
    reached: 89.995 prints 89.99 when 90 is a tier's threshold (it is 優等, and "90.00" beside
    優等 would read as a mistake), else 90.00. Exact: no decimal or float step in between."""
    hundredths = _hundredths(value, down=False)
    if any(value < boundary <= Fraction(hundredths, 100) for boundary in boundaries):
        hundredths = _hundredths(value, down=True)
    sign = "-" if hundredths < 0 else ""
    whole, cents = divmod(abs(hundredths), 100)
    return f"{sign}{whole}.{cents:02d}"


def _hundredths(value: Fraction, down: bool) -> int:
    scaled = abs(value) * 100
    count = math.floor(scaled) if down else math.floor(scaled + Fraction(1, 2))
    return -count if value < 0 else count


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """E12 after E2: runs of digits compare as numbers."""
    parts: list[tuple[int, int | str]] = []
    digits = ""
    letters = ""
    for char in text:
        if char.isdigit() and char.isascii():
            if letters:
                parts.append((1, letters))
                letters = ""
            digits += char
        else:
            if digits:
                parts.append((0, int(digits)))
                digits = ""
            letters += char
    if digits:
        parts.append((0, int(digits)))
    if letters:
        parts.append((1, letters))
    return tuple(parts)
