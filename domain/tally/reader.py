"""A Pabulib file read straight into what counting needs: ``read_counted(text) -> Counted``.

``pabulib.parse`` builds an ``Election`` (a ``Voter`` and a ballot object for every vote) and
``satisfaction.compile_profile`` then groups the ballots again; for a city of 100,000 voters
those objects were most of a ``civic tally``. Here the VOTES section goes from text to the
counting ``Profile`` in one pass over the distinct votes, with no object per voter: the result
equals ``compile_profile(parse(text))`` group for group, in the same order.

Only well-formed files take this path: META and PROJECTS are read by ``pabulib``'s own code, and
the VOTES section must be plain (no quotes, no blank rows, every row as wide as its header,
every id filled and distinct, every vote naming known projects). Anything else is read by
``pabulib.parse``, which finds and words the first problem with its line number exactly as
before: this module never reports an error of its own.
"""

from __future__ import annotations

import io
from _operator import itemgetter  # (operator.py re-exports these C functions: loading it costs more)
from itertools import repeat

from domain.tally.ballots import Election, Project, VoteType
from domain.tally.gcpause import collector_paused
from domain.tally.pabulib import (
    SECTIONS,
    _check_count,
    _csv_module,
    _meta,
    _number,
    _projects,
    _required,
    _RowError,
    _rules,
    _Sections,
    _vote_type,
    parse,
    vote_entries,
)
from domain.tally.rational import Rational
from domain.tally.record import record
from domain.tally.satisfaction import Group, Profile, borda_scores, compile_profile, measure_for

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from collections.abc import Callable

_SECTIONS = frozenset(SECTIONS)


@record
class Counted:
    """An election as counting needs it: what the command line shows, and the profile."""

    vote_type: VoteType
    budget: Rational
    projects: tuple[Project, ...]
    voter_ids: tuple[str, ...]  # in file order: ``Group.voters`` are positions in it
    profile: Profile


def read_counted(text: str) -> Counted:
    """Read a whole ``.pb`` text; a malformed one raises ``PabulibFormatError`` as ``parse`` does."""
    text = text.removeprefix("\ufeff")
    with collector_paused():  # many small objects, no cycles (see gcpause.py)
        try:
            fast = _fast(text)
        except _RowError:
            fast = None  # let the full reader find the problem and its line
        if fast is not None:
            return fast
        election = parse(text)
        return counted(election)


def counted(election: Election) -> Counted:
    """The same for an election already read."""
    return Counted(
        election.vote_type,
        election.budget,
        election.projects,
        tuple(voter.id for voter in election.voters),
        compile_profile(election),
    )


def _votes_line(text: str) -> tuple[int, int] | None:
    """Where the VOTES section's name row starts and ends (the usual spelling, alone on its line)."""
    at = text.find("\nVOTES")
    while at >= 0:
        end = text.find("\n", at + 1)
        end = len(text) if end < 0 else end
        if not text[at + 6 : end].strip(" \t\r;"):
            return at + 1, end
        at = text.find("\nVOTES", at + 1)
    return None


def _fast(text: str) -> Counted | None:
    found = _votes_line(text)
    if found is None:
        return None
    start, end = found
    head = text[:start]
    body = text[end + 1 :]
    if '"' in body:
        return None
    if "\r" in body:
        body = body.replace("\r\n", "\n")
        if "\r" in body:
            return None
    rows = _head_rows(head)
    if rows is None:
        return None
    sections = _Sections(rows)
    meta_section = sections.take("meta")
    meta = _meta(meta_section)
    vote_type = _vote_type(meta, meta_section.start)
    budget = _number(*_required(meta, "budget", meta_section.start), "budget")
    projects = _projects(sections.take("projects"))
    if sections._non_blank(sections.next) < len(rows):
        return None  # more sections before VOTES: out of order
    _rules(meta)  # only for its checks: counting does not use the ballot rules
    _check_count(meta, "num_projects", len(projects))
    lines = body.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return None
    header = [cell.strip() for cell in lines[0].split(";")]
    points = vote_type.has_points
    if not {"voter_id", "vote", *(["points"] if points else [])} <= set(header):
        return None
    del lines[0]
    if set(map(str.count, lines, repeat(";"))) - {len(header) - 1}:
        return None  # a row of another width
    # Only the columns counting needs are cut out of each row.
    needed = [header.index("voter_id"), header.index("vote"), *([header.index("points")] if points else [])]
    rows = list(map(str.split, lines, repeat(";"), repeat(max(needed) + 1)))
    ids = list(map(str.strip, map(itemgetter(needed[0]), rows)))
    if "" in ids or len(set(ids)) != len(ids) or not _SECTIONS.isdisjoint(map(str.lower, ids)):
        return None  # an empty or repeated id, or another section's name row: the full reader words it
    if "num_votes" in meta:
        _check_count(meta, "num_votes", len(ids))
    votes = list(map(itemgetter(needed[1]), rows))
    keys: list[str] | list[tuple[str, str]]
    if vote_type.is_approval:
        keys = votes
    elif points:
        keys = list(zip(votes, map(itemgetter(needed[2]), rows)))
    else:
        keys = [(vote, "") for vote in votes]
    profile = _profile(vote_type, budget, projects, keys)
    if profile is None:
        return None
    return Counted(vote_type, budget, projects, tuple(ids), profile)


def _head_rows(head: str) -> list[list[str]] | None:
    """The rows before VOTES, as the csv reader reads them (None: a quoted field spans lines,
    for the full reader). Without quotes, carriage returns or NULs, that is each line cut at
    ``;`` (an empty line an empty row), with no csv module to load."""
    if '"' not in head and "\r" not in head and "\0" not in head:
        lines = head.split("\n")
        lines.pop()  # (the head ends with the newline before VOTES)
        return [line.split(";") if line else [] for line in lines]
    reader = _csv_module().reader(io.StringIO(head, newline=""), delimiter=";")
    rows = list(reader)
    if '"' in head and reader.line_num != head.count("\n"):
        return None
    return rows


def _profile(
    vote_type: VoteType,
    budget: Rational,
    projects: tuple[Project, ...],
    keys: list[str] | list[tuple[str, str]],
) -> Profile | None:
    """The counting profile, as ``compile_profile`` builds it: one group per distinct ballot, in
    order of its first voter, with its voters' positions in ascending order."""
    ids = tuple(sorted(project.id for project in projects))
    index = {project: position for position, project in enumerate(ids)}
    cost_of = {project.id: project.cost for project in projects}
    costs = tuple(cost_of[project] for project in ids)
    # Each distinct vote text once: which group it belongs to.
    group_of: dict[object, int] = {}
    groups: list[tuple[tuple[int, ...], tuple[Rational, ...]]] = []
    distinct = list(dict.fromkeys(keys))
    if vote_type.is_approval:
        read = _approvals(distinct, index)  # type: ignore[arg-type]
        if read is None:
            return None
        sets, groups_voted = read
        group_at = dict(zip(groups_voted, range(len(groups_voted))))
        group_of = dict(zip(distinct, map(group_at.__getitem__, sets)))
        groups = list(zip(groups_voted, map(tuple, map(map, repeat(costs.__getitem__), groups_voted))))
    elif vote_type.has_points:
        read_points = _cumulative(distinct, index)  # type: ignore[arg-type]
        if read_points is None:
            return None
        group_of, groups = read_points
    else:
        read_rankings = _rankings(distinct, index)  # type: ignore[arg-type]
        if read_rankings is None:
            return None
        group_of, groups = read_rankings
    members: list[list[int]] = [[] for _ in groups]
    appenders = [member.append for member in members]
    for voter, group in enumerate(map(group_of.__getitem__, keys)):
        appenders[group](voter)
    # (A named tuple's own constructor is a Python function: too slow here.)
    built = tuple(
        map(
            tuple.__new__,
            repeat(Group),
            map(tuple.__add__, groups, zip(map(tuple, members))),
        )
    )
    return Profile(ids, costs, budget, built, len(keys), measure_for(vote_type))


def _cumulative(
    distinct: list[tuple[str, str]], index: dict[str, int]
) -> tuple[dict[object, int], list[tuple[tuple[int, ...], tuple[Rational, ...]]]] | None:
    """Points ballots, read as ``pabulib._Ballots`` reads them (a repeated project keeps its last
    value), grouped as ``compile_profile`` groups them (equal ballots: the same projects with
    equal points, in the same order). Compared by numerators and denominators, not by the
    fractions themselves, whose hash is slow; only positive points are satisfaction."""
    numbers: dict[str, Rational] = {}
    group_of: dict[object, int] = {}
    contents: dict[tuple[tuple[int, int, int], ...], int] = {}
    groups: list[tuple[tuple[int, ...], tuple[Rational, ...]]] = []
    for key in distinct:
        vote, text = key[0].strip(), key[1].strip()
        if not vote or vote.lower() == "none":
            parts: list[str] = []
        else:
            parts = vote.split(",")
            if " " in vote or "\t" in vote:
                parts = [entry.strip() for entry in parts]
        values = [] if text.lower() in ("", "none") else text.split(",")
        if len(values) != len(parts):
            return None
        given: dict[int, Rational] = {}
        try:
            for project, value in zip(map(index.__getitem__, parts), values):
                number = numbers.get(value)
                if number is None:
                    number = numbers[value] = _number(value, 0, "points")
                given.pop(project, None)
                given[project] = number
        except (KeyError, _RowError):
            return None
        content = tuple((project, number.numerator, number.denominator) for project, number in given.items())
        group = contents.get(content)
        if group is None:
            group = contents[content] = len(groups)
            pairs = sorted((project, number) for project, number in given.items() if number.numerator > 0)
            groups.append((tuple(project for project, _ in pairs), tuple(number for _, number in pairs)))
        group_of[key] = group
    return group_of, groups


def _rankings(
    distinct: list[tuple[str, str]], index: dict[str, int]
) -> tuple[dict[object, int], list[tuple[tuple[int, ...], tuple[Rational, ...]]]] | None:
    """Ordinal ballots, read as ``pabulib._Ballots`` reads them (a repeated project keeps its
    first place; empty entries are skipped), grouped as ``compile_profile`` groups them (equal
    rankings), each with its Borda satisfaction (``satisfaction.ranked_satisfaction``: the last
    ranked scores 0, each place above it 1 more), without a ballot object per vote."""
    group_of: dict[object, int] = {}
    contents: dict[tuple[int, ...], int] = {}
    groups: list[tuple[tuple[int, ...], tuple[Rational, ...]]] = []
    position = index.__getitem__
    for key in distinct:
        try:
            ranking = tuple(dict.fromkeys(map(position, vote_entries(key[0]))))
        except KeyError:
            return None  # an unknown project: the full reader words it
        group = contents.get(ranking)
        if group is None:
            group = contents[ranking] = len(groups)
            last = len(ranking) - 1  # (the last ranked scores 0: not a supporter)
            if last > 0:
                projects, scores = zip(*sorted(zip(ranking[:last], borda_scores(last)[last:0:-1])))
                groups.append((projects, scores))
            else:
                groups.append(((), ()))
        group_of[key] = group
    return group_of, groups


def _approvals(
    distinct: list[str], index: dict[str, int]
) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]]] | None:
    """Each distinct approval vote's projects (sorted indices), and the distinct such sets in
    order of first appearance. Most votes are project ids and commas, nothing else: those are
    read without a Python loop; if any is not, every vote is read as ``pabulib`` reads it."""
    position = index.__getitem__
    sets: list[tuple[int, ...]] | None = None
    if "none" not in {project.lower() for project in index}:
        try:
            sets = list(
                map(tuple, map(sorted, map(set, map(map, repeat(position), map(str.split, distinct, repeat(","))))))
            )
        except KeyError:
            sets = None
    if sets is None:
        sets = []
        for key in distinct:
            projects = _approval(key, position)
            if projects is None:
                return None
            sets.append(projects)
    return sets, list(dict.fromkeys(sets))


def _approval(key: str, position: Callable[[str], int]) -> tuple[int, ...] | None:
    """An approval vote as ``pabulib`` reads it (None: it names an unknown project)."""
    try:
        return tuple(sorted(set(map(position, vote_entries(key)))))
    except KeyError:
        return None
