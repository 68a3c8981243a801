"""The Pabulib ``.pb`` format (pabulib.org): text to ``Election`` and back. No file I/O here.

A file is ``;``-separated UTF-8 text in three sections, ``META``, ``PROJECTS`` and ``VOTES``, each
followed by a header row. Fields may be quoted (``"a;b"``, ``""`` for a quote, line breaks inside
quotes). Budgets and costs may be decimals, with ``.`` or ``,``.

Repeated projects in one vote are read as the reference parser (pabutools 1.2.3) reads them, so
that tallies match it: approval keeps the set, ordinal keeps the first position, and points keep
the last value given.

A malformed file raises ``PabulibFormatError(line, problem, details)``: the line number, a
``Problem`` code and the values involved (the command line words them).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal
from enum import Enum
from fractions import Fraction

from domain.tally.ballots import (
    ApprovalBallot,
    Ballot,
    BallotRules,
    CumulativeBallot,
    Election,
    Fields,
    OrdinalBallot,
    Project,
    Voter,
    VoteType,
)

SECTIONS = ("meta", "projects", "votes")
_RULE_KEYS = {
    "min_length": "min_length", "max_length": "max_length",
    "min_sum_cost": "min_sum_cost", "max_sum_cost": "max_sum_cost",
    "min_points": "min_points", "max_points": "max_points",
    "min_sum_points": "min_sum_points", "max_sum_points": "max_sum_points",
}


class Problem(str, Enum):
    NO_META = "no_meta"                      # text before the META section, or no META at all
    SECTION_ORDER = "section_order"          # {section}: sections must come as META, PROJECTS, VOTES
    MISSING_SECTION = "missing_section"      # {section}
    MISSING_HEADER = "missing_header"        # {section}
    MISSING_COLUMN = "missing_column"        # {column}
    COLUMN_COUNT = "column_count"            # {found} {expected}
    MISSING_META = "missing_meta"            # {key}
    DUPLICATE_META = "duplicate_meta"        # {key}
    NOT_A_NUMBER = "not_a_number"            # {field} {value}
    NOT_A_WHOLE_NUMBER = "not_a_whole_number"  # {field} {value}
    NEGATIVE = "negative"                    # {field} {value}
    UNKNOWN_VOTE_TYPE = "unknown_vote_type"  # {value}
    DUPLICATE_PROJECT = "duplicate_project"  # {project}
    DUPLICATE_VOTER = "duplicate_voter"      # {voter}
    EMPTY_ID = "empty_id"                    # {field}
    UNKNOWN_PROJECT = "unknown_project"      # {project}
    POINTS_COUNT = "points_count"            # {found} {expected}
    COUNT_MISMATCH = "count_mismatch"        # {key} {stated} {found}


class PabulibFormatError(ValueError):
    def __init__(self, line: int, problem: Problem, **details: str) -> None:
        super().__init__(f"line {line}: {problem.value} {details}")
        self.line = line
        self.problem = problem
        self.details = details


def parse(text: str) -> Election:
    """Read a whole ``.pb`` text (a leading byte-order mark is ignored)."""
    rows = _rows(text.removeprefix("\ufeff"))
    meta_rows, meta_line = _section(rows, "meta", None)
    meta = _meta(meta_rows)
    vote_type = _vote_type(meta, meta_line)
    budget = _amount(_required(meta, "budget", meta_line), "budget")
    project_rows, _ = _section(rows, "projects", meta_line)
    projects = _projects(project_rows)
    vote_rows, votes_line = _section(rows, "votes", meta_line)
    known = {project.id for project in projects}
    voters = _voters(vote_rows, vote_type, known)
    _check_count(meta, "num_projects", len(projects))
    _check_count(meta, "num_votes", len(voters))
    _end(rows, votes_line)
    rows_read = {key: value for key, (value, _) in meta.items()}
    # The counts belong in every file: record them as the writer will write them.
    rows_read.setdefault("num_projects", str(len(projects)))
    rows_read.setdefault("num_votes", str(len(voters)))
    return Election(budget=budget[0], vote_type=vote_type, projects=projects, voters=voters,
                    rules=_rules(meta), meta=tuple(rows_read.items()))


def write(election: Election) -> str:
    """The election as ``.pb`` text; ``parse(write(e)) == e``."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows([["META"], ["key", "value"], *_meta_out(election)])
    names = any(project.name for project in election.projects)
    extra = _field_names(project.fields for project in election.projects)
    writer.writerows([["PROJECTS"], ["project_id", "cost", *(["name"] if names else []), *extra]])
    for project in election.projects:
        values = dict(project.fields)
        writer.writerow([project.id, format_amount(project.cost), *([project.name] if names else []),
                         *(values.get(key, "") for key in extra)])
    points = election.vote_type.has_points
    extra = _field_names(voter.fields for voter in election.voters)
    writer.writerows([["VOTES"], ["voter_id", "vote", *(["points"] if points else []), *extra]])
    for voter in election.voters:
        values = dict(voter.fields)
        writer.writerow([voter.id, *_ballot_out(voter.ballot), *(values.get(key, "") for key in extra)])
    return out.getvalue()


def format_amount(value: Fraction) -> str:
    """``12``, ``969245.38``: exact decimals only (a third cannot be written in a .pb file)."""
    if value.denominator == 1:
        return str(value.numerator)
    decimal = Decimal(value.numerator) / Decimal(value.denominator)
    if Fraction(decimal) != value:
        raise ValueError(f"{value} has no exact decimal form")
    return format(decimal, "f")


# --- reading -------------------------------------------------------------------------------

Row = tuple[int, list[str]]


class _Rows:
    """Non-blank rows with their (last) line number, with one row of look-ahead."""

    def __init__(self, text: str) -> None:
        self._reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
        self._iter = self._non_blank()
        self._peeked: Row | None = None
        self.last_line = 0

    def _non_blank(self) -> Iterator[Row]:
        reader = self._reader
        for row in reader:
            self.last_line = reader.line_num
            cells = [cell.strip() for cell in row]
            if any(cells):
                yield reader.line_num, cells

    def peek(self) -> Row | None:
        if self._peeked is None:
            self._peeked = next(self._iter, None)
        return self._peeked

    def take(self) -> Row | None:
        row = self.peek()
        self._peeked = None
        return row


def _rows(text: str) -> _Rows:
    return _Rows(text)


def _section_name(row: Row | None) -> str | None:
    if row is None:
        return None
    cells = [cell for cell in row[1] if cell]
    name = cells[0].lower() if len(cells) == 1 else ""
    return name if name in SECTIONS else None


def _section(rows: _Rows, name: str, meta_line: int | None) -> tuple[list[Row], int]:
    """The header and data rows of the section ``name``, which must come next."""
    start = rows.take()
    found = _section_name(start)
    if found != name:
        if start is None:
            raise PabulibFormatError(rows.last_line or 1, Problem.NO_META if name == "meta"
                                     else Problem.MISSING_SECTION, section=name.upper())
        if name == "meta":
            raise PabulibFormatError(start[0], Problem.NO_META, section="META")
        raise PabulibFormatError(start[0], Problem.SECTION_ORDER, section=(found or name).upper())
    header = rows.take()
    if header is None or _section_name(header):
        raise PabulibFormatError(header[0] if header else start[0], Problem.MISSING_HEADER, section=name.upper())
    body = [header]
    while rows.peek() is not None and _section_name(rows.peek()) is None:
        body.append(rows.take())  # type: ignore[arg-type]
    return body, start[0]


def _end(rows: _Rows, votes_line: int) -> None:
    extra = rows.take()
    if extra is not None:
        raise PabulibFormatError(extra[0], Problem.SECTION_ORDER, section=(_section_name(extra) or "").upper())


def _meta(rows: list[Row]) -> dict[str, tuple[str, int]]:
    meta: dict[str, tuple[str, int]] = {}
    for line, cells in rows[1:]:
        if len(cells) != 2:
            raise PabulibFormatError(line, Problem.COLUMN_COUNT, found=str(len(cells)), expected="2")
        key, value = cells
        if key in meta:
            raise PabulibFormatError(line, Problem.DUPLICATE_META, key=key)
        meta[key] = (value, line)
    return meta


def _required(meta: dict[str, tuple[str, int]], key: str, meta_line: int) -> tuple[str, int]:
    if key not in meta:
        raise PabulibFormatError(meta_line, Problem.MISSING_META, key=key)
    return meta[key]


def _vote_type(meta: dict[str, tuple[str, int]], meta_line: int) -> VoteType:
    value, line = _required(meta, "vote_type", meta_line)
    try:
        return VoteType(value.lower())
    except ValueError:
        raise PabulibFormatError(line, Problem.UNKNOWN_VOTE_TYPE, value=value) from None


def _number(text: str, field: str, line: int) -> Fraction:
    try:
        value = Fraction(text.replace(",", ".").strip())
    except (ValueError, ZeroDivisionError):
        raise PabulibFormatError(line, Problem.NOT_A_NUMBER, field=field, value=text) from None
    if value < 0:
        raise PabulibFormatError(line, Problem.NEGATIVE, field=field, value=text)
    return value


def _amount(entry: tuple[str, int], field: str) -> tuple[Fraction, int]:
    return _number(entry[0], field, entry[1]), entry[1]


def _header(rows: list[Row], required: tuple[str, ...]) -> list[str]:
    line, header = rows[0]
    for column in required:
        if column not in header:
            raise PabulibFormatError(line, Problem.MISSING_COLUMN, column=column)
    return header


def _cells(line: int, cells: list[str], header: list[str]) -> dict[str, str]:
    if len(cells) != len(header):
        raise PabulibFormatError(line, Problem.COLUMN_COUNT, found=str(len(cells)), expected=str(len(header)))
    return dict(zip(header, cells))


def _projects(rows: list[Row]) -> tuple[Project, ...]:
    header = _header(rows, ("project_id", "cost"))
    projects: dict[str, Project] = {}
    for line, cells in rows[1:]:
        values = _cells(line, cells, header)
        project_id = values["project_id"]
        if not project_id:
            raise PabulibFormatError(line, Problem.EMPTY_ID, field="project_id")
        if project_id in projects:
            raise PabulibFormatError(line, Problem.DUPLICATE_PROJECT, project=project_id)
        fields = tuple((key, value) for key, value in values.items() if key not in ("project_id", "cost", "name"))
        projects[project_id] = Project(project_id, _number(values["cost"], "cost", line),
                                       values.get("name", ""), fields)
    return tuple(projects.values())


def _voters(rows: list[Row], vote_type: VoteType, known: set[str]) -> tuple[Voter, ...]:
    points = vote_type.has_points
    header = _header(rows, ("voter_id", "vote", *(["points"] if points else [])))
    at = {column: header.index(column) for column in ("voter_id", "vote", "points") if column in header}
    extra = [(index, name) for index, name in enumerate(header) if name not in at]
    # Many voters cast the same vote: read each distinct vote once.
    ballots: dict[tuple[str, str], Ballot] = {}
    voters: list[Voter] = []
    seen: set[str] = set()
    for line, cells in rows[1:]:
        if len(cells) != len(header):
            raise PabulibFormatError(line, Problem.COLUMN_COUNT, found=str(len(cells)), expected=str(len(header)))
        voter_id = cells[at["voter_id"]]
        if not voter_id:
            raise PabulibFormatError(line, Problem.EMPTY_ID, field="voter_id")
        if voter_id in seen:
            raise PabulibFormatError(line, Problem.DUPLICATE_VOTER, voter=voter_id)
        seen.add(voter_id)
        vote = (cells[at["vote"]], cells[at["points"]] if points else "")
        ballot = ballots.get(vote)
        if ballot is None:
            ballot = ballots[vote] = _ballot(vote_type, vote[0], vote[1], known, line)
        voters.append(Voter(voter_id, ballot, tuple((name, cells[index]) for index, name in extra)))
    return tuple(voters)


def _ids(vote: str, known: set[str], line: int, keep_empty: bool) -> list[str]:
    if vote.lower() == "none":  # how Pabulib writes an empty vote
        return []
    ids = [entry.strip() for entry in vote.split(",")]
    if not keep_empty:  # "1,,2" and "1,2," list two projects, as the reference reads them
        ids = [entry for entry in ids if entry]
    for project in ids:
        if project not in known:
            raise PabulibFormatError(line, Problem.UNKNOWN_PROJECT, project=project)
    return ids


def _ballot(vote_type: VoteType, vote: str, points: str, known: set[str], line: int) -> Ballot:
    ids = _ids(vote, known, line, keep_empty=vote_type.has_points) if vote else []
    if vote_type.is_approval:
        return ApprovalBallot(frozenset(ids))
    if vote_type == VoteType.ORDINAL:
        return OrdinalBallot(tuple(dict.fromkeys(ids)))  # a repeated project keeps its first place
    values = [] if points.lower() in ("", "none") else points.split(",")
    if len(values) != len(ids):
        raise PabulibFormatError(line, Problem.POINTS_COUNT, found=str(len(values)), expected=str(len(ids)))
    given: dict[str, Fraction] = {}
    for project, value in zip(ids, values):
        given.pop(project, None)  # a repeated project keeps the last value, as the reference does
        given[project] = _number(value, "points", line)
    return CumulativeBallot(tuple(given.items()))


def _check_count(meta: dict[str, tuple[str, int]], key: str, found: int) -> None:
    if key not in meta:
        return
    stated, line = meta[key]
    if not stated.isdigit():
        raise PabulibFormatError(line, Problem.NOT_A_WHOLE_NUMBER, field=key, value=stated)
    if int(stated) != found:
        raise PabulibFormatError(line, Problem.COUNT_MISMATCH, key=key, stated=stated, found=str(found))


def _rules(meta: dict[str, tuple[str, int]]) -> BallotRules:
    values: dict[str, int | Fraction] = {}
    for key, name in _RULE_KEYS.items():
        if key not in meta:
            continue
        text, line = meta[key]
        if key.endswith("length"):
            if not text.isdigit():
                raise PabulibFormatError(line, Problem.NOT_A_WHOLE_NUMBER, field=key, value=text)
            values[name] = int(text)
        else:
            values[name] = _number(text, key, line)
    return BallotRules(**values)  # type: ignore[arg-type]


# --- writing -------------------------------------------------------------------------------


def _meta_out(election: Election) -> list[list[str]]:
    """The META rows as read, with the counted values brought up to date."""
    current: dict[str, str] = {
        "num_projects": str(len(election.projects)),
        "num_votes": str(len(election.voters)),
        "vote_type": election.vote_type.value,
    }
    rows = dict(election.meta)
    if "budget" not in rows or _same_amount(rows["budget"], election.budget) is False:
        current["budget"] = format_amount(election.budget)
    for key, name in _RULE_KEYS.items():
        value = getattr(election.rules, name)
        if value is not None and key not in rows:
            current[key] = str(value) if isinstance(value, int) else format_amount(value)
    for key, value in current.items():
        rows[key] = value
    return [[key, value] for key, value in rows.items()]


def _same_amount(text: str, value: Fraction) -> bool:
    try:
        return Fraction(text.replace(",", ".")) == value
    except (ValueError, ZeroDivisionError):
        return False


def _field_names(all_fields: Iterable[Fields]) -> list[str]:
    names: dict[str, None] = {}
    for fields in all_fields:
        for key, _ in fields:
            names.setdefault(key, None)
    return list(names)


def _ballot_out(ballot: Ballot) -> list[str]:
    if isinstance(ballot, ApprovalBallot):
        return [",".join(ballot.project_ids())]
    if isinstance(ballot, OrdinalBallot):
        return [",".join(ballot.ranking)]
    if not ballot.points:  # an empty points cell is "None" in Pabulib (readers choke on "")
        return ["", "None"]
    return [",".join(project for project, _ in ballot.points),
            ",".join(format_amount(value) for _, value in ballot.points)]
