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

import io
from _operator import itemgetter  # (operator.py re-exports these C functions: loading it costs more)

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
from domain.tally.choices import Choices, choice
from domain.tally.gcpause import collector_paused
from domain.tally.rational import Rational
from domain.tally.record import record

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from types import ModuleType
    from typing import ClassVar

SECTIONS = ("meta", "projects", "votes")
# The column order the Pabulib format recommends (pabulib.org/format, as its checker,
# github.com/pabulib/checker ``pabulib_helpers/fields.py``, lists the columns): the writer
# follows it; the reader takes the columns in any order.
META_KEYS = (
    "description", "country", "unit", "district", "subunit", "instance", "num_projects", "num_votes", "budget",
    "vote_type", "rule", "date_begin", "date_end", "min_length", "max_length", "min_sum_cost", "max_sum_cost",
    "min_points", "max_points", "min_sum_points", "max_sum_points", "default_score", "min_project_cost",
    "max_project_cost", "min_project_score_threshold", "neighborhoods", "subdistricts", "categories", "edition",
    "language", "currency", "fully_funded", "experimental", "comment", "acknowledgments",
)  # fmt: skip
PROJECT_COLUMNS = (
    "project_id", "cost", "votes", "score", "name", "category", "beneficiaries", "selected", "neighborhood",
    "subunit", "district", "description", "proposer", "public_id", "latitude", "longitude",
)  # fmt: skip
VOTE_COLUMNS = (
    "voter_id", "vote", "points", "age", "sex", "voting_method", "district", "neighborhood", "education",
)  # fmt: skip
_RULE_KEYS = {
    "min_length": "min_length",
    "max_length": "max_length",
    "min_sum_cost": "min_sum_cost",
    "max_sum_cost": "max_sum_cost",
    "min_points": "min_points",
    "max_points": "max_points",
    "min_sum_points": "min_sum_points",
    "max_sum_points": "max_sum_points",
}


class Problem(Choices):
    NO_META: ClassVar[Problem] = choice("no_meta")  # text before the META section, or no META at all
    SECTION_ORDER: ClassVar[Problem] = choice("section_order")  # {section}: sections must come as META, PROJECTS, VOTES
    MISSING_SECTION: ClassVar[Problem] = choice("missing_section")  # {section}
    MISSING_HEADER: ClassVar[Problem] = choice("missing_header")  # {section}
    MISSING_COLUMN: ClassVar[Problem] = choice("missing_column")  # {column}
    COLUMN_COUNT: ClassVar[Problem] = choice("column_count")  # {found} {expected}
    MISSING_META: ClassVar[Problem] = choice("missing_meta")  # {key}
    DUPLICATE_META: ClassVar[Problem] = choice("duplicate_meta")  # {key}
    NOT_A_NUMBER: ClassVar[Problem] = choice("not_a_number")  # {field} {value}
    NOT_A_WHOLE_NUMBER: ClassVar[Problem] = choice("not_a_whole_number")  # {field} {value}
    NEGATIVE: ClassVar[Problem] = choice("negative")  # {field} {value}
    UNKNOWN_VOTE_TYPE: ClassVar[Problem] = choice("unknown_vote_type")  # {value}
    DUPLICATE_PROJECT: ClassVar[Problem] = choice("duplicate_project")  # {project}
    DUPLICATE_VOTER: ClassVar[Problem] = choice("duplicate_voter")  # {voter}
    EMPTY_ID: ClassVar[Problem] = choice("empty_id")  # {field}
    UNKNOWN_PROJECT: ClassVar[Problem] = choice("unknown_project")  # {project}
    POINTS_COUNT: ClassVar[Problem] = choice("points_count")  # {found} {expected}
    COUNT_MISMATCH: ClassVar[Problem] = choice("count_mismatch")  # {key} {stated} {found}


class PabulibFormatError(ValueError):
    def __init__(self, line: int, problem: Problem, **details: str) -> None:
        super().__init__(f"line {line}: {problem.value} {details}")
        self.line = line
        self.problem = problem
        self.details = details


def parse(text: str) -> Election:
    """Read a whole ``.pb`` text (a leading byte-order mark is ignored)."""
    text = text.removeprefix("\ufeff")
    try:
        with collector_paused():  # millions of small objects, no cycles (see gcpause.py)
            rows = list(_csv_module().reader(io.StringIO(text, newline=""), delimiter=";"))
            return _election(rows)
    except _RowError as error:
        # Line numbers are counted only for the error: a quoted field can span lines, so the
        # rows are read again, this time keeping count.
        raise PabulibFormatError(_line_of(text, error.row), error.problem, **error.details) from None


def _election(rows: list[list[str]]) -> Election:
    sections = _Sections(rows)
    meta_section = sections.take("meta")
    meta = _meta(meta_section)
    vote_type = _vote_type(meta, meta_section.start)
    budget = _number(*_required(meta, "budget", meta_section.start), "budget")
    projects = _projects(sections.take("projects"))
    known = {project.id: project.id for project in projects}
    voters = _voters(sections.take("votes"), vote_type, known)
    _check_count(meta, "num_projects", len(projects))
    _check_count(meta, "num_votes", len(voters))
    sections.end()
    rows_read = {key: value for key, (value, _) in meta.items()}
    # The counts belong in every file: record them as the writer will write them.
    rows_read.setdefault("num_projects", str(len(projects)))
    rows_read.setdefault("num_votes", str(len(voters)))
    return Election(
        budget=budget,
        vote_type=vote_type,
        projects=projects,
        voters=voters,
        rules=_rules(meta),
        meta=tuple(rows_read.items()),
    )


def write(election: Election) -> str:
    """The election as ``.pb`` text; ``parse(write(e)) == e``. Columns come in the order the
    Pabulib format recommends (``PROJECT_COLUMNS``, ``VOTE_COLUMNS``), any others after them."""
    out = io.StringIO()
    csv = _csv_module()
    writer = csv.writer(out, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows([["META"], ["key", "value"], *_meta_out(election)])
    names = any(project.name for project in election.projects)
    extra = _field_names(project.fields for project in election.projects)
    header = in_recommended_order(["project_id", "cost", *(["name"] if names else []), *extra], PROJECT_COLUMNS)
    writer.writerows([["PROJECTS"], header])
    for project in election.projects:
        values = dict(project.fields)
        values.update(project_id=project.id, cost=format_amount(project.cost), name=project.name)
        writer.writerow([values.get(key, "") for key in header])
    points = election.vote_type.has_points
    extra = _field_names(voter.fields for voter in election.voters)
    header = in_recommended_order(["voter_id", "vote", *(["points"] if points else []), *extra], VOTE_COLUMNS)
    writer.writerows([["VOTES"], header])
    at_vote = header.index("vote")
    for voter in election.voters:
        values = dict(voter.fields)
        vote = _ballot_out(voter.ballot)
        values.update(voter_id=voter.id, vote=vote[0])
        if points:
            values["points"] = vote[1]
        row = [values.get(key, "") for key in header]
        row[at_vote] = vote[0]
        writer.writerow(row)
    return out.getvalue()


def in_recommended_order(columns: Iterable[str], recommended: tuple[str, ...]) -> list[str]:
    """``columns`` in the Pabulib format's recommended order; the others after them, as given."""
    given = list(dict.fromkeys(columns))
    rank = {name: index for index, name in enumerate(recommended)}
    return sorted(given, key=lambda name: (rank.get(name, len(rank)), given.index(name)))


def _csv_module() -> ModuleType:
    """The C module behind ``csv`` (its reader and writer are ``_csv``'s; ``csv`` itself would
    import ``re``, 10 ms at start-up), loaded when first used: the fast reader of a plain
    ``civic tally`` (``reader.py``) does without it, and a shared library costs a millisecond
    to load."""
    import _csv

    return _csv


def format_amount(value: Rational) -> str:
    """``12``, ``969245.38``: exact decimals only (a third cannot be written in a .pb file)."""
    if value.denominator == 1:
        return str(value.numerator)
    places = decimal_places(value.denominator)
    if places is None:
        raise ValueError(f"{value} has no exact decimal form")
    digits = str(abs(value.numerator) * 10**places // value.denominator).rjust(places + 1, "0")
    return f"{'-' if value.numerator < 0 else ''}{digits[:-places]}.{digits[-places:]}"


def decimal_places(denominator: int) -> int | None:
    """The fewest decimal places that write 1/denominator exactly (None: none do, as for 1/3):
    the denominator must be 2^a x 5^b, and then max(a, b) places do."""
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else None


# --- reading -------------------------------------------------------------------------------


@record
class _Section:
    start: int  # the index of its name's row in the file's rows
    header_at: int
    header: list[str]  # stripped
    first: int  # the index of its first data row
    rows: list[list[str]]  # data rows as read (blank ones included)

    def numbered(self) -> Iterator[tuple[int, list[str]]]:
        return enumerate(self.rows, self.first)


class _RowError(Exception):
    """A ``PabulibFormatError`` before its line number is known: ``row`` is an index into the
    file's rows (``len(rows)``: the end of the file)."""

    def __init__(self, row: int, problem: Problem, **details: str) -> None:
        super().__init__(row, problem)
        self.row, self.problem, self.details = row, problem, details


def _line_of(text: str, row: int) -> int:
    """The (last) line of row number ``row``; the last line of the file for ``len(rows)``."""
    reader = _csv_module().reader(io.StringIO(text, newline=""), delimiter=";")
    for index, _ in enumerate(reader):
        if index == row:
            break
    return reader.line_num or 1


def _blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _section_name(cells: list[str]) -> str | None:
    if len(cells) > 1 and cells[0].strip() and cells[1].strip():
        return None  # two filled cells: data (most rows, decided without looking further)
    filled = [cell.strip() for cell in cells if cell.strip()]
    name = filled[0].lower() if len(filled) == 1 else ""
    return name if name in SECTIONS else None


class _Sections:
    """The file's sections, taken in order: each is its start row and its header and data rows
    (blank rows left out)."""

    def __init__(self, rows: list[list[str]]) -> None:
        self.rows = rows
        # Most rows have two filled cells and so are no section's name: decided inline.
        self.starts = [
            index
            for index, cells in enumerate(rows)
            if not (len(cells) > 1 and cells[0].strip() and cells[1].strip()) and _section_name(cells)
        ]
        self.next = 0  # the first row not taken yet

    def _non_blank(self, index: int) -> int:
        while index < len(self.rows) and _blank(self.rows[index]):
            index += 1
        return index

    def take(self, name: str) -> _Section:
        start = self._non_blank(self.next)
        found = _section_name(self.rows[start]) if start < len(self.rows) else None
        if found != name:
            if start == len(self.rows):
                raise _RowError(
                    start, Problem.NO_META if name == "meta" else Problem.MISSING_SECTION, section=name.upper()
                )
            if name == "meta":
                raise _RowError(start, Problem.NO_META, section="META")
            raise _RowError(start, Problem.SECTION_ORDER, section=(found or name).upper())
        header = self._non_blank(start + 1)
        if header == len(self.rows) or _section_name(self.rows[header]):
            raise _RowError(header if header < len(self.rows) else start, Problem.MISSING_HEADER, section=name.upper())
        end = next((index for index in self.starts if index > header), len(self.rows))
        self.next = end
        return _Section(
            start, header, [cell.strip() for cell in self.rows[header]], header + 1, self.rows[header + 1 : end]
        )

    def end(self) -> None:
        extra = self._non_blank(self.next)
        if extra < len(self.rows):
            raise _RowError(extra, Problem.SECTION_ORDER, section=(_section_name(self.rows[extra]) or "").upper())


def _meta(section: _Section) -> dict[str, tuple[str, int]]:
    meta: dict[str, tuple[str, int]] = {}
    for line, raw in section.numbered():
        if _blank(raw):
            continue
        cells = [cell.strip() for cell in raw]
        if len(cells) != 2:
            raise _RowError(line, Problem.COLUMN_COUNT, found=str(len(cells)), expected="2")
        key, value = cells
        if key in meta:
            raise _RowError(line, Problem.DUPLICATE_META, key=key)
        meta[key] = (value, line)
    return meta


def _required(meta: dict[str, tuple[str, int]], key: str, meta_line: int) -> tuple[str, int]:
    if key not in meta:
        raise _RowError(meta_line, Problem.MISSING_META, key=key)
    return meta[key]


def _vote_type(meta: dict[str, tuple[str, int]], meta_line: int) -> VoteType:
    value, line = _required(meta, "vote_type", meta_line)
    try:
        return VoteType(value.lower())
    except ValueError:
        raise _RowError(line, Problem.UNKNOWN_VOTE_TYPE, value=value) from None


def _number(text: str, line: int, field: str) -> Rational:
    try:
        value = Rational(text.replace(",", ".").strip())
    except (ValueError, ZeroDivisionError):
        raise _RowError(line, Problem.NOT_A_NUMBER, field=field, value=text) from None
    if value < 0:
        raise _RowError(line, Problem.NEGATIVE, field=field, value=text)
    return value


def _header(section: _Section, required: tuple[str, ...]) -> list[str]:
    for column in required:
        if column not in section.header:
            raise _RowError(section.header_at, Problem.MISSING_COLUMN, column=column)
    return section.header


def _projects(section: _Section) -> tuple[Project, ...]:
    header = _header(section, ("project_id", "cost"))
    # The other columns in the recommended order, as the writer writes them (the same for
    # every row: sorted once, not once per project).
    others = [key for key in in_recommended_order(header, PROJECT_COLUMNS) if key not in ("project_id", "cost", "name")]
    projects: dict[str, Project] = {}
    for line, raw in section.numbered():
        if _blank(raw):
            continue
        if len(raw) != len(header):
            raise _RowError(line, Problem.COLUMN_COUNT, found=str(len(raw)), expected=str(len(header)))
        values = dict(zip(header, (cell.strip() for cell in raw)))
        project_id = values["project_id"]
        if not project_id:
            raise _RowError(line, Problem.EMPTY_ID, field="project_id")
        if project_id in projects:
            raise _RowError(line, Problem.DUPLICATE_PROJECT, project=project_id)
        fields = tuple((key, values[key]) for key in others)
        projects[project_id] = Project(
            project_id, _number(values["cost"], line, "cost"), values.get("name", ""), fields
        )
    return tuple(projects.values())


def _voters(section: _Section, vote_type: VoteType, known: dict[str, str]) -> tuple[Voter, ...]:
    """The votes, column by column: a file can hold 100,000 of them, and a loop in Python over
    the rows would be most of the time. Each distinct vote is read once and its voters share
    the ballot. Anything unusual (a blank or short row, an empty or repeated id, a vote that
    cannot be read) sends the section to ``_voters_by_row``, which finds the first problem in
    file order, as the error must name it."""
    points = vote_type.has_points
    header = _header(section, ("voter_id", "vote", *(["points"] if points else [])))
    rows, width = section.rows, len(header)
    if rows and set(map(len, rows)) != {width}:
        return _voters_by_row(section, vote_type, known)
    strip = str.strip
    ids = list(map(strip, map(itemgetter(header.index("voter_id")), rows)))
    if "" in ids or len(set(ids)) != len(ids):
        return _voters_by_row(section, vote_type, known)
    votes = list(map(itemgetter(header.index("vote")), rows))
    given = list(map(itemgetter(header.index("points")), rows)) if points else [""] * len(rows)
    keys = list(zip(votes, given))
    reader = _Ballots(vote_type, known)
    try:
        read = reader.read_all(dict.fromkeys(keys))
    except _RowError:
        return _voters_by_row(section, vote_type, known)
    ballots = map(read.__getitem__, keys)
    names, columns = _extra_columns(header)
    values = (
        list(zip(*(map(strip, map(itemgetter(index), rows)) for index in columns))) if columns else [()] * len(rows)
    )
    # Voters share a few combinations of age, sex, district...: one fields tuple for each.
    shared = {combination: tuple(zip(names, combination)) for combination in dict.fromkeys(values)}
    return tuple(map(Voter, ids, ballots, map(shared.__getitem__, values)))


def _extra_columns(header: list[str]) -> tuple[list[str], list[int]]:
    """The voters' other columns (age, sex, ...): their names and where they are."""
    names = [name for name in in_recommended_order(header, VOTE_COLUMNS) if name not in ("voter_id", "vote", "points")]
    return names, [header.index(name) for name in names]  # in the recommended order, as the writer writes them


def _voters_by_row(section: _Section, vote_type: VoteType, known: dict[str, str]) -> tuple[Voter, ...]:
    """The votes row by row, for files with blank rows or errors (see ``_voters``)."""
    points = vote_type.has_points
    header = section.header
    width = len(header)
    at_id, at_vote = header.index("voter_id"), header.index("vote")
    at_points = header.index("points") if points else at_vote
    names, columns = _extra_columns(header)
    reader = _Ballots(vote_type, known)
    voters: list[Voter] = []
    seen: set[str] = set()
    for line, cells in section.numbered():
        if _blank(cells):
            continue
        if len(cells) != width:
            raise _RowError(line, Problem.COLUMN_COUNT, found=str(len(cells)), expected=str(width))
        voter_id = cells[at_id].strip()
        if not voter_id:
            raise _RowError(line, Problem.EMPTY_ID, field="voter_id")
        if voter_id in seen:
            raise _RowError(line, Problem.DUPLICATE_VOTER, voter=voter_id)
        seen.add(voter_id)
        ballot = reader.ballot((cells[at_vote], cells[at_points] if points else ""), line)
        fields = tuple((name, cells[index].strip()) for name, index in zip(names, columns))
        voters.append(Voter(voter_id, ballot, fields))
    return tuple(voters)


class _Ballots:
    """Ballots by the text of their vote (and points): many voters cast the same vote, and
    those share one ballot object, with project ids that are the projects' own strings."""

    def __init__(self, vote_type: VoteType, known: dict[str, str]) -> None:
        # The ballot kind once, not per ballot: an enum's properties are slow in a hot loop.
        self.approval, self.points = vote_type.is_approval, vote_type.has_points
        self.known = known
        self.by_text: dict[tuple[str, str], Ballot] = {}
        self.numbers: dict[str, Rational] = {}

    def ballot(self, key: tuple[str, str], line: int) -> Ballot:
        """The ballot of a vote as written (equal votes that differ only in spaces share one)."""
        known = self.by_text.get(key)
        if known is not None:
            return known
        text = (key[0].strip(), key[1].strip())
        ballot = self.by_text.get(text)
        if ballot is None:
            ballot = self.by_text[text] = self._read(*text, line)
        self.by_text[key] = ballot
        return ballot

    def read_all(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Ballot]:
        """Every distinct vote of a file at once. Approval votes, nearly all distinct in a large
        city, are read in one loop here (a call or two less per vote is a tenth of the parse);
        the others go through ``ballot``."""
        if not self.approval:
            return {key: self.ballot(key, 0) for key in keys}
        project = self.known.__getitem__
        by_set: dict[frozenset[str], Ballot] = {}
        for key in keys:
            try:
                ids = frozenset(map(project, vote_entries(key[0])))
            except KeyError as unknown:
                raise _RowError(0, Problem.UNKNOWN_PROJECT, project=unknown.args[0]) from None
            ballot = by_set.get(ids)
            if ballot is None:
                ballot = by_set[ids] = ApprovalBallot(ids)
            self.by_text[key] = ballot
        return self.by_text

    def _read(self, vote: str, points: str, line: int) -> Ballot:
        ids = self._ids(vote, line) if vote else []
        if self.approval:
            return ApprovalBallot(frozenset(ids))
        if not self.points:
            return OrdinalBallot(tuple(dict.fromkeys(ids)))  # a repeated project keeps its first place
        values = [] if points.lower() in ("", "none") else points.split(",")
        if len(values) != len(ids):
            raise _RowError(line, Problem.POINTS_COUNT, found=str(len(values)), expected=str(len(ids)))
        given: dict[str, Rational] = {}
        for project, value in zip(ids, values):
            given.pop(project, None)  # a repeated project keeps the last value, as the reference does
            given[project] = self._points(value, line)
        return CumulativeBallot(tuple(given.items()))

    def _ids(self, vote: str, line: int) -> list[str]:
        if vote.lower() == "none":  # how Pabulib writes an empty vote
            return []
        ids = vote.split(",")
        if " " in vote or "\t" in vote:
            ids = [entry.strip() for entry in ids]
        if not self.points and "" in ids:  # "1,,2" and "1,2," list two projects, as the reference reads them
            ids = [entry for entry in ids if entry]
        try:
            return list(map(self.known.__getitem__, ids))
        except KeyError as unknown:
            raise _RowError(line, Problem.UNKNOWN_PROJECT, project=unknown.args[0]) from None

    def _points(self, text: str, line: int) -> Rational:
        value = self.numbers.get(text)
        if value is None:
            value = self.numbers[text] = _number(text, line, "points")
        return value


def vote_entries(text: str) -> list[str]:
    """The project ids of an approval or ranked vote as written: cut at commas, each stripped,
    empty entries skipped ("1,,2" and "1,2," list two projects, as the reference reads them);
    an empty vote or ``none`` (how Pabulib writes one) lists none."""
    vote = text.strip()
    if not vote or vote.lower() == "none":
        return []
    parts = vote.split(",")
    if " " in vote or "\t" in vote:
        parts = [entry.strip() for entry in parts]
    if "" in parts:
        parts = [entry for entry in parts if entry]
    return parts


def _check_count(meta: dict[str, tuple[str, int]], key: str, found: int) -> None:
    if key not in meta:
        return
    stated, line = meta[key]
    if not stated.isdigit():
        raise _RowError(line, Problem.NOT_A_WHOLE_NUMBER, field=key, value=stated)
    if int(stated) != found:
        raise _RowError(line, Problem.COUNT_MISMATCH, key=key, stated=stated, found=str(found))


def _rules(meta: dict[str, tuple[str, int]]) -> BallotRules:
    values: dict[str, int | Rational] = {}
    for key, name in _RULE_KEYS.items():
        if key not in meta:
            continue
        text, line = meta[key]
        if key.endswith("length"):
            if not text.isdigit():
                raise _RowError(line, Problem.NOT_A_WHOLE_NUMBER, field=key, value=text)
            values[name] = int(text)
        else:
            values[name] = _number(text, line, key)
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


def _same_amount(text: str, value: Rational) -> bool:
    try:
        return Rational(text.replace(",", ".")) == value
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
    return [
        ",".join(project for project, _ in ballot.points),
        ",".join(format_amount(value) for _, value in ballot.points),
    ]
