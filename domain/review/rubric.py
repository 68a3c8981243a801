"""A rubric: the criteria a member scores, each with its maximum points and score bands.

The bands describe what a score means, in both languages, and are shown to members while they
score; they are guidance, not a rule: any whole number from 0 to the criterion's weight is a
valid score. The default rubric for innovation proposals is the issue's (創意性 30, 可行性 20,
效益性 30, 擴散性 10, 完整性與簡報 10: no city's own 配分 table was found, see
``tests/data/review/README.md``); the band wording is ours.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.review.errors import IncompleteScoreError, UnknownCriterionError


@dataclass(frozen=True)
class Band:
    """Scores from ``low`` to ``high`` (both included) mean what the texts say."""

    low: int
    high: int
    text_zh: str
    text_en: str

    def holds(self, score: int) -> bool:
        return self.low <= score <= self.high


@dataclass(frozen=True)
class Criterion:
    code: str
    name_zh: str
    name_en: str
    weight: int  # the most points a member may give: scores are whole numbers 0 … weight
    bands: tuple[Band, ...]  # highest first; together they cover 0 … weight

    def accepts(self, score: int) -> bool:
        return 0 <= score <= self.weight

    def band_for(self, score: int) -> Band | None:
        return next((band for band in self.bands if band.holds(score)), None)


@dataclass(frozen=True)
class Rubric:
    criteria: tuple[Criterion, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(criterion.code for criterion in self.criteria)

    @property
    def max_total(self) -> int:
        """The panel scale: the most a member's total can be (100 for the default rubric)."""
        return sum(criterion.weight for criterion in self.criteria)

    def criterion(self, code: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise UnknownCriterionError(code)

    def check(self, entry: str, member: str, scores: Mapping[str, int]) -> None:
        """Raise ``IncompleteScoreError`` unless ``scores`` gives every criterion a score in range."""
        codes = self.codes
        missing = tuple(code for code in codes if code not in scores)
        unknown = tuple(sorted(code for code in scores if code not in codes))
        out_of_range = tuple(
            code for code in codes if code in scores and not self.criterion(code).accepts(scores[code])
        )
        if missing or unknown or out_of_range:
            raise IncompleteScoreError(entry, member, missing, unknown, out_of_range)

    def total(self, scores: Mapping[str, int]) -> int:
        return sum(scores[code] for code in self.codes)


def _bands(weight: int, cuts: tuple[int, int, int], texts: tuple[tuple[str, str], ...]) -> tuple[Band, ...]:
    """Four bands, highest first: weight … cuts[0], cuts[0]-1 … cuts[1], …, down to 0."""
    edges = (weight + 1, *cuts, 0)
    return tuple(Band(low=edges[i + 1], high=edges[i] - 1, text_zh=zh, text_en=en) for i, (zh, en) in enumerate(texts))


# Cut points at about 85 %, 70 % and 50 % of the weight, the same for every criterion, so that a
# band means the same level of a criterion whatever its points.
_CUTS = {30: (26, 21, 15), 20: (17, 14, 10), 10: (9, 7, 5)}

DEFAULT_INNOVATION_RUBRIC = Rubric(
    criteria=(
        Criterion(
            "innovation",
            "創意性",
            "Innovation",
            30,
            _bands(
                30,
                _CUTS[30],
                (
                    (
                        "首創或顯著突破既有做法，國內少見",
                        "A first, or a clear break with existing practice, rare in Taiwan",
                    ),
                    ("在既有做法上有明確的新意", "Clearly new on existing practice"),
                    ("局部改良既有做法", "Improves part of an existing practice"),
                    ("沿用既有做法，新意有限", "Follows existing practice, little that is new"),
                ),
            ),
        ),
        Criterion(
            "feasibility",
            "可行性",
            "Feasibility",
            20,
            _bands(
                20,
                _CUTS[20],
                (
                    (
                        "經費、人力與時程具體可行，已有試辦成果",
                        "Budget, staff and schedule are concrete; a pilot has results",
                    ),
                    ("規劃完整，主要風險已有對策", "A complete plan; the main risks have answers"),
                    ("方向可行，但細節或資源尚待確認", "Feasible in outline; details or resources still open"),
                    ("難以執行或缺乏具體規劃", "Hard to carry out, or no concrete plan"),
                ),
            ),
        ),
        Criterion(
            "impact",
            "效益性",
            "Impact",
            30,
            _bands(
                30,
                _CUTS[30],
                (
                    ("效益顯著且可量化，市民或機關明確受益", "Large, measured benefits for residents or agencies"),
                    ("效益明確，部分可量化", "Clear benefits, partly measured"),
                    ("有一定效益，但範圍或證據有限", "Some benefit, limited in reach or evidence"),
                    ("效益不明確", "Benefits unclear"),
                ),
            ),
        ),
        Criterion(
            "transferability",
            "擴散性",
            "Transferability",
            10,
            _bands(
                10,
                _CUTS[10],
                (
                    ("可直接推廣至其他機關或城市", "Other agencies or cities can adopt it as is"),
                    ("稍加調整即可推廣", "Can be adopted with small changes"),
                    ("推廣需大幅調整", "Adopting it needs large changes"),
                    ("僅適用於本機關", "Fits only its own agency"),
                ),
            ),
        ),
        Criterion(
            "presentation",
            "完整性與簡報",
            "Completeness and presentation",
            10,
            _bands(
                10,
                _CUTS[10],
                (
                    ("資料完整，簡報清楚且回應問題明確", "Complete documents, a clear presentation, clear answers"),
                    ("資料大致完整，簡報清楚", "Documents mostly complete, a clear presentation"),
                    ("資料或簡報有明顯缺漏", "Documents or presentation with clear gaps"),
                    ("資料不全或簡報難以理解", "Documents incomplete or presentation hard to follow"),
                ),
            ),
        ),
    )
)
