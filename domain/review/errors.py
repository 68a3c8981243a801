"""What the review rules refuse, as named errors carrying codes (the web and CLI word them)."""

from __future__ import annotations

from dataclasses import dataclass, field


class ReviewError(Exception):
    """Base of every review refusal."""


class UnknownCriterionError(ReviewError, LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class IncompleteScoreError(ReviewError, ValueError):
    """A member's scores for an entry miss criteria, name unknown ones, or fall outside a range."""

    def __init__(self, entry: str, member: str, missing: tuple[str, ...] = (), unknown: tuple[str, ...] = (),
                 out_of_range: tuple[str, ...] = ()) -> None:  # fmt: skip
        super().__init__(f"{entry} {member} missing={missing} unknown={unknown} out_of_range={out_of_range}")
        self.entry = entry
        self.member = member
        self.missing = missing
        self.unknown = unknown
        self.out_of_range = out_of_range


# Why a method cannot score the round (``MethodError.code``).
INCOMPLETE_PANEL = "incomplete-panel"  # rank-sum: some member did not score some entry
THIRD_REVIEWER_REQUIRED = "third-reviewer-required"  # two-plus-third: the two differ by the gap or more
TOO_FEW_REVIEWERS = "too-few-reviewers"  # two-plus-third: fewer than two scores for an entry
TOO_MANY_REVIEWERS = "too-many-reviewers"  # two-plus-third: more than three scores for an entry
UNKNOWN_METHOD = "unknown-method"
DUPLICATE_SCORE = "duplicate-score"  # the same member twice for one entry
NO_SCORES = "no-scores"


class MethodError(ReviewError):
    """The chosen method cannot score this round: ``code`` says why, ``entries`` (and for an
    incomplete panel ``missing``, the (entry, member) pairs without a score) say where."""

    def __init__(self, code: str, entries: tuple[str, ...] = (), missing: tuple[tuple[str, str], ...] = (),
                 method: str = "") -> None:  # fmt: skip
        super().__init__(f"{code} {method} {entries}")
        self.code = code
        self.entries = entries
        self.missing = missing
        self.method = method


@dataclass(frozen=True)
class SheetProblem:
    """One bad line of a score sheet: ``code`` says what, ``line`` where (1 is the header; 0 is the
    file as a whole), ``params`` the values the message names."""

    line: int
    code: str
    params: dict[str, str] = field(default_factory=dict)


class SheetError(ReviewError):
    """A score sheet with problems: every one of them, in line order; nothing was counted."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        super().__init__(f"{len(problems)} problems, first on line {problems[0].line if problems else 0}")
        self.problems = tuple(problems)


class CallFileError(ReviewError, ValueError):
    """A call's rubric-and-tiers text is refused: ``code`` says why, ``key`` and ``line`` where."""

    def __init__(self, code: str, key: str, line: int, **params: object) -> None:
        super().__init__(f"line {line}: {code} {key}")
        self.code = code
        self.key = key
        self.line = line
        self.params = params
