"""Recount by anyone: an area's anonymised ballots as a Pabulib ``.pb`` file, and a past election
read back from one (pure: the text in, the text out).

``area_file`` writes what a recount needs and nothing that could identify a voter: META with the
rule, the ballot's limits, the budget, the currency and the voting dates; PROJECTS with each
entry's votes and whether it was selected; VOTES with the ballots alone, in an order shuffled
with ``secrets`` (so it says nothing about when ballots were cast) and numbered 1..n after the
shuffle. No channel, station or age band: at a small station those could narrow a ballot down.

``past_election`` turns a ``.pb`` file into a cycle spec with one area and that area's counted
result, for ``civic cycle import-pb``.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from random import Random
from typing import Any

from domain.budgeting.counting import VOTE_TYPES, AreaResult, Choices, ballot_of, ballot_rules, count_area
from domain.budgeting.errors import SpecError
from domain.budgeting.spec import CODE, MAX_TEXT, UNKNOWN_RULE, CycleSpec, check
from domain.tally import ApprovalBallot, CumulativeBallot, Election, OrdinalBallot, Project, Voter, VoteType
from domain.tally.pabulib import META_KEYS, format_amount, in_recommended_order, parse, write
from domain.tally.rational import Rational

# civic's rule names and Pabulib's (``equalshares/add1``: Equal Shares completed by raising each
# voter's budget one unit at a time, as Wieliczka's files name it).
PB_RULES = {
    "greedy": "greedy", "mes": "equalshares", "mes-completed": "equalshares/add1", "phragmen": "phragmen",
    "top-per-area": "top",
}  # fmt: skip
FROM_PB = {pb: rule for rule, pb in PB_RULES.items()} | {"equalshares/add1/greedy": "mes-completed"}
CURRENCY = "TWD"


def pb_date(day: date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def area_file(
    spec: CycleSpec,
    area: str,
    entries: Mapping[str, int],
    titles: Mapping[str, str],
    ballots: Iterable[Choices],
    result: AreaResult,
    date_begin: date | None = None,
    date_end: date | None = None,
    shuffle: Random | None = None,
) -> str:
    """The area's ``.pb`` text. ``titles``: each entry's name (code → title); ``shuffle``: a
    generator for tests (default: the operating system's, through ``secrets``)."""
    found = spec.area(area)
    if found is None:
        raise KeyError(area)
    kind = VOTE_TYPES[spec.ballot.kind]
    shuffled = list(ballots)
    (shuffle or secrets.SystemRandom()).shuffle(shuffled)
    voters = tuple(Voter(str(number), ballot_of(kind, choices)) for number, choices in enumerate(shuffled, 1))
    projects = tuple(
        Project(code, Rational(cost), titles.get(code, ""), _project_fields(code, kind, result))
        for code, cost in entries.items()
    )
    rules = ballot_rules(spec, found.budget)
    meta: dict[str, str] = {
        "description": f"{spec.name_en}: {found.name_en} ({spec.name_zh} {found.name_zh})",
        "country": "Taiwan",
        "unit": spec.name_en,
        "subunit": found.name_en,
        "instance": spec.slug,
        "num_projects": str(len(projects)),
        "num_votes": str(len(voters)),
        "budget": str(found.budget),
        "vote_type": kind.value,
        "rule": PB_RULES[spec.rule],
        "date_begin": pb_date(date_begin),
        "date_end": pb_date(date_end),
        "language": "zh",
        "currency": CURRENCY,
    }
    for key in ("min_length", "max_length", "min_sum_cost", "max_sum_cost", "max_points", "max_sum_points"):
        value = getattr(rules, key)
        if value is not None:
            meta[key] = str(value) if isinstance(value, int) else format_amount(value)
    if result.min_supporters:  # Taipei: the least number of votes a winner needs
        meta["min_project_score_threshold"] = str(result.min_supporters)
    if result.excluded:
        meta["comment"] = "#1: not eligible under the cycle's thresholds: " + ", ".join(
            f"{code} ({why})" for code, why in result.excluded.items()
        )
    ordered = tuple((key, meta[key]) for key in in_recommended_order(meta, META_KEYS))
    return write(Election(Rational(found.budget), kind, projects, voters, rules, ordered))


def _project_fields(code: str, kind: VoteType, result: AreaResult) -> tuple[tuple[str, str], ...]:
    fields = [("votes", str(result.supporters.get(code, 0)))]
    if kind is not VoteType.APPROVAL:  # points or Borda score: what the rule counted
        fields.append(("score", str(result.votes.get(code, 0))))
    fields.append(("selected", "1" if code in result.selected else "0"))
    return tuple(fields)


# --- a past election --------------------------------------------------------------------------


def past_election(text: str, rule: str | None = None, slug: str | None = None) -> tuple[CycleSpec, list[AreaResult]]:
    """The file as a one-area cycle and its result, counted with ``rule`` or the file's own.

    Raises ``PabulibFormatError`` for a malformed file and ``SpecError`` for one that is no cycle
    (an unknown rule, a project code or cost that a cycle cannot hold)."""
    election = parse(text)
    meta = dict(election.meta)
    chosen = rule or FROM_PB.get(meta.get("rule", "").strip().lower(), "")
    if not chosen:
        raise SpecError(UNKNOWN_RULE, "rule", 0, rule=meta.get("rule", ""), rules=", ".join(FROM_PB))
    unit, subunit = meta.get("unit", "").strip(), meta.get("subunit", "").strip()
    name = (meta.get("description") or unit or "Pabulib").strip()[:MAX_TEXT]
    area_code = _slug(subunit)[:32] or "all"
    budget = int(election.budget)
    data: dict[str, Any] = {
        "slug": slug or _slug(f"{unit}-{subunit}-{meta.get('instance', '')}")[:64].strip("-") or "pabulib",
        "name_zh": name, "name_en": name, "rule": chosen, "min_age": 0,
        "ballot": _ballot_table(election, budget),
        "areas": [{
            "code": area_code, "name_zh": (subunit or unit or area_code)[:MAX_TEXT],
            "name_en": (subunit or unit or area_code)[:MAX_TEXT], "districts": [(subunit or unit or area_code)[:MAX_TEXT]],
            "budget": budget,
            "projects": [
                {"code": p.id, "title_zh": (p.name or p.id)[:MAX_TEXT], "title_en": (p.name or p.id)[:MAX_TEXT],
                 "cost": _whole(p.cost)}
                for p in election.projects
            ],
        }],
    }  # fmt: skip
    for project in election.projects:
        if not CODE.match(project.id):
            raise SpecError("bad_code", "areas.1.projects.code", 0, value=project.id)
    spec = check(data)
    entries = {project.code: project.cost for project in spec.areas[0].projects}
    ballots = [_choices(voter.ballot) for voter in election.voters]
    return spec, [count_area(spec, area_code, entries, ballots, 0)]


def _ballot_table(election: Election, budget: int) -> dict[str, Any]:
    rules = election.rules
    count = len(election.projects)
    if election.vote_type.has_points:
        total = _whole(rules.max_sum_points) if rules.max_sum_points else 10000
        return {"kind": "cumulative", "points": min(total, 10000),
                "max_per_project": min(_whole(rules.max_points) if rules.max_points else total, total, 10000)}  # fmt: skip
    kind = "ranked" if election.vote_type is VoteType.ORDINAL else "approval"
    if kind == "approval" and rules.max_sum_cost is not None:
        share = int(rules.min_sum_cost * 100 / budget) if rules.min_sum_cost and budget else 0
        return {"kind": "knapsack", "min_choices": 0, "max_choices": max(count, 1), "min_share": min(share, 100)}
    high = 1 if election.vote_type is VoteType.CHOOSE_1 else rules.max_length or max(count, 1)
    return {"kind": kind, "min_choices": min(rules.min_length or 0, high), "max_choices": min(high, 1000)}


def _choices(ballot: object) -> Choices:
    if isinstance(ballot, CumulativeBallot):
        return {code: _whole(points) for code, points in ballot.points}
    if isinstance(ballot, OrdinalBallot):
        return {code: rank for rank, code in enumerate(ballot.ranking, 1)}
    assert isinstance(ballot, ApprovalBallot)
    return dict.fromkeys(sorted(ballot.projects), 1)


def _whole(value: Rational) -> int:
    """An amount as whole units (NT$ amounts and points are whole): half rounds up."""
    return int(value + Rational(1, 2)) if value.denominator != 1 else int(value)


def _slug(text: str) -> str:
    """``Częstochowa`` → ``czestochowa``: accents dropped, anything else not a-z0-9 a dash."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")
