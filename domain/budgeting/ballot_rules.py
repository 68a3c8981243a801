"""A ballot's rules, as pure functions of the cycle's settings, one area's ballot and the choices.

``Choices`` is what a voter chose, insertion-ordered: ``{code: 1}`` for approval and knapsack,
``{code: points}`` for cumulative, ``{code: rank}`` for ranked (ranks 1..n, 1 first).

``meter`` says where a ballot stands (count, NT$ spent, points left) and every rule it breaks
right now, for the live meter while the voter chooses; ``check_choices`` accepts a ballot exactly
when the meter finds nothing, and raises ``BallotRuleError`` with the first problem otherwise.
Both take the area's ballot as ``entries`` (code → cost in NT$), so that projects added from
proposals count the same as those loaded from the cycle file.

``parse_paper_choices`` reads the choices of a paper ballot as the station files write them
(``P1;P3``, ``P1:5;P2:5``, ``P3;P1;P2``); ``paper_choices`` writes them back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from domain.budgeting.errors import BallotRuleError
from domain.budgeting.spec import CODE, CycleSpec

Choices = dict[str, int]

# Problem codes (web/budgeting_text.py words them); each problem's params are listed beside it.
UNKNOWN_AREA = "unknown_area"  # area
UNKNOWN_PROJECT = "unknown_project"  # project: a code not on this area's ballot
NOT_POSITIVE = "not_positive"  # project: a mark, points or a rank below 1
BAD_MARK = "bad_mark"  # project: approval and knapsack choices are marked 1, nothing else
TOO_FEW = "too_few"  # count, least
TOO_MANY = "too_many"  # count, most
OVER_BUDGET = "over_budget"  # spent, budget
UNDER_MIN_SHARE = "under_min_share"  # spent, least, share (percent)
POINTS_OVER_CAP = "points_over_cap"  # project, points, cap
POINTS_OVER_TOTAL = "points_over_total"  # used, total
BAD_RANK = "bad_rank"  # ranks: not 1..n, each once (a gap or a duplicate)
DUPLICATE = "duplicate"  # project: named twice (paper text or form)
MALFORMED = "malformed"  # part: a piece of the paper text or the form that cannot be read

MARKED = ("approval", "knapsack")  # the kinds whose choices are a plain mark
POINTS = re.compile(r"^([A-Za-z0-9_-]{1,32}):([0-9]{1,6})$")


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict[str, object] = field(default_factory=dict)

    def error(self) -> BallotRuleError:
        return BallotRuleError(self.code, **self.params)


@dataclass(frozen=True)
class Meter:
    """Where a ballot stands. ``problems`` is empty exactly when the ballot may be cast."""

    kind: str
    count: int  # projects chosen (given points, ranked)
    min_choices: int
    max_choices: int
    spent: int  # NT$: the chosen projects' total cost (known codes only)
    budget: int  # NT$: the area's budget
    min_spend: int  # NT$: a knapsack's minimum spend (0: none)
    points_used: int
    points_total: int  # cumulative: the points to share (0 for other kinds)
    problems: tuple[Problem, ...] = ()

    @property
    def remaining(self) -> int:
        return self.budget - self.spent

    @property
    def points_left(self) -> int:
        return self.points_total - self.points_used

    @property
    def ok(self) -> bool:
        return not self.problems


def meter(spec: CycleSpec, area_code: str, entries: Mapping[str, int], choices: Mapping[str, int]) -> Meter:
    """The ballot's standing and every rule it breaks now, in the order a voter would fix them."""
    rules = spec.ballot
    area = spec.area(area_code)
    budget = area.budget if area is not None else 0
    problems: list[Problem] = []
    if area is None:
        problems.append(Problem(UNKNOWN_AREA, {"area": area_code}))
    for code, value in choices.items():
        if code not in entries:
            problems.append(Problem(UNKNOWN_PROJECT, {"project": code}))
        if value < 1:
            problems.append(Problem(NOT_POSITIVE, {"project": code}))
        elif rules.kind in MARKED and value != 1:
            problems.append(Problem(BAD_MARK, {"project": code}))
    count = len(choices)
    if count < rules.min_choices:
        problems.append(Problem(TOO_FEW, {"count": count, "least": rules.min_choices}))
    if count > rules.max_choices:
        problems.append(Problem(TOO_MANY, {"count": count, "most": rules.max_choices}))
    spent = sum(entries[code] for code in choices if code in entries)
    min_spend = 0
    if rules.kind == "knapsack":
        if spent > budget:
            problems.append(Problem(OVER_BUDGET, {"spent": spent, "budget": budget}))
        min_spend = -(-rules.min_share * budget // 100)  # rounded up: 70 % of NT$1,000,001 is NT$700,001
        if spent < min_spend:
            problems.append(Problem(UNDER_MIN_SHARE, {"spent": spent, "least": min_spend, "share": rules.min_share}))
    points_used, points_total = 0, 0
    if rules.kind == "cumulative":
        points_total = rules.points
        points_used = sum(value for value in choices.values() if value > 0)
        for code, value in choices.items():
            if value > rules.max_per_project:
                problems.append(
                    Problem(POINTS_OVER_CAP, {"project": code, "points": value, "cap": rules.max_per_project})
                )
        if points_used > points_total:
            problems.append(Problem(POINTS_OVER_TOTAL, {"used": points_used, "total": points_total}))
    if rules.kind == "ranked" and sorted(choices.values()) != list(range(1, count + 1)):
        problems.append(Problem(BAD_RANK, {"ranks": ", ".join(str(rank) for rank in choices.values())}))
    return Meter(
        rules.kind, count, rules.min_choices, rules.max_choices, spent, budget, min_spend,
        points_used, points_total, tuple(problems),
    )  # fmt: skip


def check_choices(spec: CycleSpec, area_code: str, entries: Mapping[str, int], choices: Mapping[str, int]) -> Choices:
    """The choices as they are stored, or ``BallotRuleError`` for the first rule they break.

    Stored in the ballot's order (ranked: in rank order), not the order the voter clicked: the
    order of a stored ballot then tells nothing about how it was filled in.
    """
    found = meter(spec, area_code, entries, choices)
    if found.problems:
        raise found.problems[0].error()
    if spec.ballot.kind == "ranked":
        return dict(sorted(choices.items(), key=lambda item: item[1]))
    return {code: choices[code] for code in entries if code in choices}


def parse_paper_choices(kind: str, text: str) -> Choices:
    """A paper ballot's choices from the station file's text; ``BallotRuleError`` when unreadable.

    Only the form is checked here (codes, numbers, each project once); ``check_choices`` then
    applies the cycle's rules. An empty text is an empty ballot (the rules say whether it counts).
    """
    text = text.strip()
    if not text:
        return {}
    choices: Choices = {}
    for position, raw in enumerate(text.split(";"), start=1):
        part = raw.strip()
        if kind == "cumulative":
            match = POINTS.match(part.replace(" ", ""))
            if match is None:
                raise BallotRuleError(MALFORMED, part=part or ";", position=position)
            code, value = match.group(1), int(match.group(2))
        else:
            if not CODE.match(part):
                raise BallotRuleError(MALFORMED, part=part or ";", position=position)
            code, value = part, (position if kind == "ranked" else 1)
        if code in choices:
            raise BallotRuleError(DUPLICATE, project=code)
        choices[code] = value
    return choices


def paper_choices(kind: str, choices: Mapping[str, int]) -> str:
    """The station file's text for these choices: ``parse_paper_choices`` reads it back."""
    if kind == "cumulative":
        return ";".join(f"{code}:{points}" for code, points in choices.items())
    if kind == "ranked":
        return ";".join(code for code, _ in sorted(choices.items(), key=lambda item: item[1]))
    return ";".join(choices)
