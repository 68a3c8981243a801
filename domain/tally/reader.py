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

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from operator import itemgetter

from domain.tally.ballots import CumulativeBallot, Election, OrdinalBallot, Project, VoteType
from domain.tally.gcpause import collector_paused
from domain.tally.pabulib import (
    SECTIONS,
    _Ballots,
    _check_count,
    _meta,
    _number,
    _projects,
    _required,
    _RowError,
    _rules,
    _Sections,
    _vote_type,
    parse,
)
from domain.tally.satisfaction import Group, Profile, compile_profile, measure_for, ranked_satisfaction


@dataclass(frozen=True)
class Counted:
    """An election as counting needs it: what the command line shows, and the profile."""

    vote_type: VoteType
    budget: Fraction
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
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=";")
    rows = list(reader)
    if '"' in head and reader.line_num != head.count("\n"):  # a quoted field spans lines
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
    rows = [line.split(";") for line in lines[1:]]
    width = len(header)
    if rows and set(map(len, rows)) != {width}:
        return None
    ids = list(map(str.strip, map(itemgetter(header.index("voter_id")), rows)))
    if "" in ids or len(set(ids)) != len(ids) or not {name.lower() for name in ids if len(name) < 9}.isdisjoint(
        SECTIONS
    ):
        return None  # an empty or repeated id, or another section's name row: the full reader words it
    if "num_votes" in meta:
        _check_count(meta, "num_votes", len(ids))
    votes = list(map(itemgetter(header.index("vote")), rows))
    keys: list[str] | list[tuple[str, str]]
    if vote_type.is_approval:
        keys = votes
    elif points:
        keys = list(zip(votes, map(itemgetter(header.index("points")), rows)))
    else:
        keys = [(vote, "") for vote in votes]
    profile = _profile(vote_type, budget, projects, keys)
    if profile is None:
        return None
    return Counted(vote_type, budget, projects, tuple(ids), profile)


def _profile(
    vote_type: VoteType,
    budget: Fraction,
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
    contents: dict[object, int] = {}  # the ballot's content -> its group
    groups: list[tuple[tuple[int, ...], tuple[Fraction, ...]]] = []
    if vote_type.is_approval:
        position = index.__getitem__
        # Most votes are project ids and commas, nothing else: those are read in one expression;
        # any other (spaces, empty entries, "none", an unknown id) the way pabulib reads it.
        plain = "none" not in {project.lower() for project in ids}
        for key in dict.fromkeys(keys):
            try:
                if not plain:
                    raise KeyError(key)
                projects_voted: tuple[int, ...] = tuple(sorted(set(map(position, key.split(",")))))  # type: ignore[union-attr]
            except KeyError:
                projects_voted_or_none = _approval(key, position)  # type: ignore[arg-type]
                if projects_voted_or_none is None:
                    return None
                projects_voted = projects_voted_or_none
            group = contents.get(projects_voted)
            if group is None:
                group = contents[projects_voted] = len(groups)
                groups.append((projects_voted, tuple(map(costs.__getitem__, projects_voted))))
            group_of[key] = group
    else:
        known = {project.id: project.id for project in projects}
        reader = _Ballots(vote_type, known)
        for key in dict.fromkeys(keys):
            try:
                ballot = reader.ballot(key, 0)  # type: ignore[arg-type]
            except _RowError:
                return None
            assert isinstance(ballot, (CumulativeBallot, OrdinalBallot))
            group = contents.get(ballot)
            if group is None:
                group = contents[ballot] = len(groups)
                pairs = sorted((index[p], value) for p, value in ranked_satisfaction(ballot).items())
                groups.append((tuple(p for p, _ in pairs), tuple(v for _, v in pairs)))
            group_of[key] = group
    members: list[list[int]] = [[] for _ in groups]
    appenders = [member.append for member in members]
    for voter, group in enumerate(map(group_of.__getitem__, keys)):
        appenders[group](voter)
    make = tuple.__new__  # a named tuple's own constructor is a Python function: too slow here
    built = tuple(
        make(Group, (projects_voted, values, tuple(member)))
        for (projects_voted, values), member in zip(groups, members)
    )
    return Profile(ids, costs, budget, built, len(keys), measure_for(vote_type))


def _approval(key: str, position: Callable[[str], int]) -> tuple[int, ...] | None:
    """An approval vote as ``pabulib`` reads it (None: it names an unknown project)."""
    vote = key.strip()
    if not vote or vote.lower() == "none":
        return ()
    parts = vote.split(",")
    if " " in vote or "\t" in vote:
        parts = [entry.strip() for entry in parts]
    if "" in parts:
        parts = [entry for entry in parts if entry]
    try:
        return tuple(sorted(set(map(position, parts))))
    except KeyError:
        return None
