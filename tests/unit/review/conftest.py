"""Helpers for the review rules' tests: scores from a total, or criterion by criterion."""

from __future__ import annotations

from pathlib import Path

from domain.review.aggregation import Score
from domain.review.rubric import DEFAULT_INNOVATION_RUBRIC

DATA = Path(__file__).resolve().parents[2] / "data" / "review"
CODES = DEFAULT_INNOVATION_RUBRIC.codes  # innovation, feasibility, impact, transferability, presentation
WEIGHTS = tuple(criterion.weight for criterion in DEFAULT_INNOVATION_RUBRIC.criteria)


def split(total: int) -> dict[str, int]:
    """A valid set of criterion scores adding up to ``total`` (0 … 100), spread by weight."""
    parts = [total * weight // 100 for weight in WEIGHTS]
    index = 0
    while sum(parts) < total:
        if parts[index % 5] < WEIGHTS[index % 5]:
            parts[index % 5] += 1
        index += 1
    return dict(zip(CODES, parts, strict=True))


def scored(entry: str, member: str, total: int) -> Score:
    return Score(entry, member, split(total))


def criteria(entry: str, member: str, *values: int) -> Score:
    """Scores given criterion by criterion, in the rubric's order."""
    return Score(entry, member, dict(zip(CODES, values, strict=True)))


def panel(table: dict[str, dict[str, int | None]]) -> list[Score]:
    """``{entry: {member: total or None (recused)}}`` as scores."""
    return [
        scored(entry, member, total)
        for entry, row in table.items()
        for member, total in row.items()
        if total is not None
    ]
