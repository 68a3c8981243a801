"""What ``civic tally FILE`` does, without Click: read, count, print (``tally.py`` is the Click
command; ``civic.start`` calls this directly for a plain ``civic tally``, so that a short count
does not pay for Click's start-up).

A file that cannot be read gets one line on stderr naming the line and the problem, and exit
status 2; never a traceback.
"""

from __future__ import annotations

import gc
import sys
import time
from itertools import groupby

from civic.words import N_
from civic.words import gettext as _
from domain.tally.ballots import VoteType
from domain.tally.choices import Choices
from domain.tally.gcpause import collector_paused
from domain.tally.outcome import count_profile
from domain.tally.pabulib import PabulibFormatError, Problem, format_amount
from domain.tally.rational import Rational
from domain.tally.reader import Counted, read_counted
from domain.tally.record import fields
from domain.tally.satisfaction import Measure

TYPE_CHECKING = False  # as typing.TYPE_CHECKING (and so for type checkers), without importing typing at run time
if TYPE_CHECKING:
    from collections.abc import Callable
    from os import PathLike
    from typing import NoReturn, TextIO

    from domain.tally.explain import GreedyExplanation, MesExplanation, PhragmenExplanation
    from domain.tally.outcome import Outcome

BAD_FILE = 2


PROBLEMS: dict[Problem, str] = {
    Problem.NO_META: N_("the file does not start with a META section"),
    Problem.SECTION_ORDER: N_("section %(section)s is out of place (expected META, PROJECTS, VOTES)"),
    Problem.MISSING_SECTION: N_("the %(section)s section is missing"),
    Problem.MISSING_HEADER: N_("the %(section)s section has no header row"),
    Problem.MISSING_COLUMN: N_("the header has no %(column)s column"),
    Problem.COLUMN_COUNT: N_("expected %(expected)s fields, found %(found)s"),
    Problem.MISSING_META: N_("META has no %(key)s"),
    Problem.DUPLICATE_META: N_("META lists %(key)s twice"),
    Problem.NOT_A_NUMBER: N_("%(field)s '%(value)s' is not a number"),
    Problem.NOT_A_WHOLE_NUMBER: N_("%(field)s '%(value)s' is not a whole number"),
    Problem.NEGATIVE: N_("%(field)s '%(value)s' is negative"),
    Problem.UNKNOWN_VOTE_TYPE: N_("unknown vote_type '%(value)s'"),
    Problem.DUPLICATE_PROJECT: N_("project %(project)s is listed twice"),
    Problem.DUPLICATE_VOTER: N_("voter %(voter)s is listed twice"),
    Problem.EMPTY_ID: N_("%(field)s is empty"),
    Problem.UNKNOWN_PROJECT: N_("the vote names project %(project)s, which is not in PROJECTS"),
    Problem.POINTS_COUNT: N_("%(found)s points for %(expected)s projects"),
    Problem.COUNT_MISMATCH: N_("%(key)s says %(stated)s but the file has %(found)s"),
}


def echo(message: str, err: bool = False) -> None:
    """A line on stdout (or stderr), as ``click.echo`` writes it."""
    stream = sys.stderr if err else sys.stdout
    if stream is not None:
        stream.write(message + "\n")
        stream.flush()


def run(file: str | PathLike[str], rule: str, as_json: bool = False, explain: bool = False) -> None:
    """Read ``file``, count it by ``rule`` and print the outcome (a bad file: ``SystemExit(2)``)."""
    # One pause for reading and counting (each also pauses the collector on its own). Then
    # freeze what was read: it lives until the command ends, and without that the first
    # collection after the pause would scan every ballot, for nothing. Unfrozen at the end, so
    # a test process that runs the command goes on as before.
    try:
        with collector_paused():
            election = _read(file)
            if rule == "phragmen" and not election.vote_type.is_approval:
                _fail(
                    _(
                        "error: %(file)s: rule %(rule)s needs approval ballots, this file has %(kind)s",
                        file=_shown(file),
                        rule=rule,
                        kind=election.vote_type.value,
                    )
                )
            with ProgressLine(sys.stderr) as progress:
                outcome = count_profile(
                    election.profile, rule, explain=explain, progress=progress, voter_ids=election.voter_ids
                )
            gc.freeze()
        _show(election, outcome, as_json, explain)
    finally:
        gc.unfreeze()


def _show(election: Counted, outcome: Outcome, as_json: bool, explain: bool) -> None:
    if as_json:
        echo(json_text(_as_json(outcome, explain)))
        return
    _table(election, outcome)
    if explain and outcome.explanation is not None:
        lines = _explanation(outcome.explanation, Names(election))
        if lines:
            echo("\n".join(lines))


class ProgressLine:
    """One self-updating line on a terminal while mes-completed raises the voters' budgets (its
    end is not known in advance, so a count rather than a bar); nothing when the stream is not
    a terminal, so pipes and --json output stay clean."""

    EVERY = 0.2  # seconds between updates

    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream, self.clock = stream, clock
        self.live = stream.isatty()
        self.shown = False
        self.last = -self.EVERY

    def __enter__(self) -> ProgressLine:
        return self

    def __call__(self, k: int) -> None:
        now = self.clock() if self.live else 0.0
        if not self.live or now - self.last < self.EVERY:
            return
        self.last = now
        self.stream.write(
            "\r" + _("Counting: %(units)s currency units added to each voter's budget so far", units=f"{k:,}")
        )
        self.stream.flush()
        self.shown = True

    def __exit__(self, *exc: object) -> None:
        if self.shown:  # clear the line before the results
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def _read(file: str | PathLike[str]) -> Counted:
    try:
        with open(file, "rb") as source:
            # (``utf-8-sig`` would import its codec module: the byte-order mark goes below.)
            text = source.read().decode("utf-8").removeprefix("\ufeff")
        if "\r" in text:  # line ends as a file read in text mode has them
            text = text.replace("\r\n", "\n").replace("\r", "\n")
    except (OSError, UnicodeDecodeError) as error:
        _fail(_("error: %(file)s: cannot read it (%(reason)s)", file=_shown(file), reason=_reason(error)))
    try:
        return read_counted(text)
    except PabulibFormatError as error:
        problem = _(PROBLEMS[error.problem], **error.details)
        _fail(_("error: %(file)s line %(line)s: %(problem)s", file=_shown(file), line=error.line, problem=problem))


def _shown(file: str | PathLike[str]) -> str:
    """The file as messages name it: as a path (``./a.pb`` is ``a.pb``), however it was given."""
    from pathlib import Path  # only for a message: a count that goes well does without pathlib

    return str(Path(file))


def _reason(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return _("not UTF-8 text")
    return getattr(error, "strerror", None) or type(error).__name__


def _fail(message: str) -> NoReturn:
    echo(message, err=True)
    raise SystemExit(BAD_FILE)


# --- JSON ------------------------------------------------------------------------------------


def _as_json(outcome: Outcome, explain: bool) -> dict[str, object]:
    document: dict[str, object] = {
        "rule": outcome.rule,
        "measure": outcome.measure,
        "budget": format_amount(outcome.budget),
        "cost": format_amount(outcome.cost),
        "selected": list(outcome.selected),
        "votes": {project: _plain(received) for project, received in outcome.votes},
    }
    if explain:
        document["explanation"] = _plain(outcome.explanation)
    return document


def json_text(value: object) -> str:
    """``json.dumps(value, ensure_ascii=False)``, for what ``_as_json`` makes: dicts with string
    keys, lists, strings, whole numbers, booleans and None.

    Written here because the json package imports ``re``, which a tally does not load otherwise
    (a fifth of a small count's whole process). Strings are escaped by ``_json``'s
    ``encode_basestring``, the function ``json.dumps`` itself uses for them (imported here: a
    table does not need it, and loading its shared library costs a quarter of a millisecond).
    """
    from _json import encode_basestring

    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, list):
        if all(type(item) is str for item in value):  # (voter ids in --explain: many)
            return "[" + ", ".join(map(encode_basestring, value)) + "]"
        return "[" + ", ".join(map(json_text, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(encode_basestring(key) + ": " + json_text(item) for key, item in value.items()) + "}"
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _plain(value: object) -> object:
    """Records (``domain.tally.record``) to dicts; fractions to exact decimal strings (or "p/q")."""
    names = fields(value)
    if names:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, Choices):
        return value.value
    if isinstance(value, Rational):
        try:
            return format_amount(value)
        except ValueError:
            return f"{value.numerator}/{value.denominator}"
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


# --- text --------------------------------------------------------------------------------------

NAME_COLUMNS = 40  # a project's name in the table, in terminal columns
LABEL_COLUMNS = 32  # a project's name after its id in --explain


def natural(project_id: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key for ids: digits as numbers ("2" before "10", "A2" before "A10"), numbers before
    letters."""
    # Runs of digits (``str.isdecimal``: what the pattern ``\d`` matches) and of the rest, cut
    # without ``re``: importing it took a fifth of a small count's whole process.
    key = []
    for digits, run in groupby(project_id, str.isdecimal):
        part = "".join(run)
        key.append((0, int(part), "") if digits else (1, 0, part.casefold()))
    return tuple(key)


def columns(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two (Latin letters, with
    their accents, never do: most names are measured without looking them up)."""
    return len(text) if _narrow(text) else sum(_widths(text))


def _narrow(text: str) -> bool:
    """Whether every character certainly takes one column: ``unicodedata`` calls no character
    below U+0378 (ASCII, the Latin letters with their accents, IPA, combining marks) wide or
    full-width, nor the ellipsis that ``cut`` adds. Loading its shared library took longer than
    printing the whole table."""
    if text.isascii():
        return True
    rest = text.replace("…", "")
    return not rest or max(rest) < "\u0378"


def _widths(text: str) -> list[int]:
    """Each character's terminal columns."""
    import unicodedata  # (only for names that need it)

    return [2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text]


def cut(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` columns, ending in "…" when it had to be cut."""
    if _narrow(text):
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    widths = _widths(text)
    if sum(widths) <= limit:
        return text
    kept, used = 0, 1  # the ellipsis takes one column
    for width in widths:
        used += width
        if used > limit:
            break
        kept += 1
    return text[:kept].rstrip() + "…"


def pad(text: str, width: int, right: bool = False) -> str:
    fill = " " * max(width - columns(text), 0)
    return fill + text if right else text + fill


def _money(value: Rational) -> str:
    """Digits grouped in thousands (the election's own currency, whatever it is)."""
    if value.denominator == 1:
        return f"{value.numerator:,}"
    cents, rest = divmod(abs(value.numerator) * 100, value.denominator)
    if 2 * rest > value.denominator or (2 * rest == value.denominator and cents % 2):
        cents += 1  # to the nearest cent, halves to even (as Decimal's ROUND_HALF_EVEN)
    whole, part = divmod(cents, 100)
    return f"{'-' if value.numerator < 0 else ''}{whole:,}.{part:02d}"


VOTES_HEADING = {Measure.COST: N_("Approvals"), Measure.POINTS: N_("Points"), Measure.BORDA: N_("Borda score")}


def counted_as(vote_type: VoteType, rule: str) -> str:
    """Which satisfaction measure the rule used, in words: what the count means."""
    if rule == "phragmen":
        return _(
            "Approval ballots: Phragmén shares each project's cost equally among the voters who approved it "
            "(no satisfaction measure)."
        )
    if vote_type == VoteType.CHOOSE_1:
        return _(
            "Choose-1 ballots, counted as approval ballots with cost satisfaction "
            "(a voter's satisfaction with a project they chose is its cost)."
        )
    if vote_type.is_approval:
        return _(
            "Approval ballots, counted with cost satisfaction "
            "(a voter's satisfaction with a project they approved is its cost)."
        )
    if vote_type.has_points:
        return _(
            "%(kind)s ballots, counted with the points given as satisfaction.",
            kind=_("Cumulative") if vote_type == VoteType.CUMULATIVE else _("Scoring"),
        )
    return _(
        "Ordinal ballots, counted with Borda scores (the last ranked project scores 0, each place above it 1 more)."
    )


def _table(election: Counted, outcome: Outcome) -> None:
    chosen = set(outcome.selected)
    received = dict(outcome.votes)
    rows = [
        (
            project.id,
            cut(project.name, NAME_COLUMNS),
            _money(received.get(project.id, Rational(0))),
            _money(project.cost),
            _("yes") if project.id in chosen else "",
        )
        for project in sorted(election.projects, key=lambda p: natural(p.id))
    ]
    headers = (_("ID"), _("Project"), _(VOTES_HEADING[outcome.measure]), _("Cost"), _("Selected"))
    widths = [max(columns(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    lines = [
        "  ".join(pad(cell, width, right=i in (2, 3)) for i, (cell, width) in enumerate(zip(row, widths))).rstrip()
        for row in [headers, *rows]
    ]
    lines.append(
        _(
            "%(count)s of %(total)s projects selected by %(rule)s, cost %(cost)s of budget %(budget)s",
            count=len(outcome.selected),
            total=len(election.projects),
            rule=outcome.rule,
            cost=_money(outcome.cost),
            budget=_money(outcome.budget),
        )
    )
    lines.append(counted_as(election.vote_type, outcome.rule))
    echo("\n".join(lines))  # one write, not one per row


class Names:
    """Projects as --explain names them: id and (shortened) name."""

    def __init__(self, election: Counted) -> None:
        self.names = {project.id: project.name for project in election.projects}

    def __call__(self, project_id: str) -> str:
        name = self.names.get(project_id, "")
        if not name:
            return project_id
        return f"[{project_id}] {cut(name, LABEL_COLUMNS)}"

    def all(self, project_ids: tuple[str, ...]) -> str:
        return ", ".join(self(project) for project in project_ids)


def _explanation(why: object, names: Names) -> list[str]:
    from domain.tally.explain import GreedyExplanation, MesExplanation, PhragmenExplanation  # (only for --explain)

    if isinstance(why, MesExplanation):
        return _mes_lines(why, names)
    if isinstance(why, GreedyExplanation):
        return _greedy_lines(why, names)
    if isinstance(why, PhragmenExplanation):
        return _phragmen_lines(why, names)
    return []


def _mes_lines(why: MesExplanation, names: Names) -> list[str]:
    lines = [
        "",
        _(
            "Method of Equal Shares: each voter starts with %(money)s (%(steps)s units added)",
            money=_money(why.per_voter_budget),
            steps=why.increments,
        ),
    ]
    if why.free:
        lines.append(_("Free, selected first: %(projects)s", projects=names.all(why.free)))
    for number, bought in enumerate(why.rounds, 1):
        full = sum(len(p.voters) for p in bought.payments if p.full_share)
        short = sum(len(p.voters) for p in bought.payments if not p.full_share)
        share = _money(bought.share) if bought.share is not None else _money(bought.price)
        lines.append(
            _(
                "%(round)s. %(project)s (cost %(cost)s): %(full)s supporters paid %(share)s each, "
                "%(short)s paid all they had left",
                round=number,
                project=names(bought.project),
                cost=_money(bought.cost),
                full=full,
                share=share,
                short=short,
            )
        )
    for rejected in why.rejected:
        lines.append(
            _(
                "Not bought: %(project)s (cost %(cost)s): its %(supporters)s supporters had %(money)s left",
                project=names(rejected.project),
                cost=_money(rejected.cost),
                supporters=rejected.supporters,
                money=_money(rejected.supporters_money),
            )
        )
    if why.completion is not None:
        lines += _greedy_lines(why.completion, names)
    return lines


def _greedy_lines(why: GreedyExplanation, names: Names) -> list[str]:
    lines = ["", _("Greedy, best value for money first; %(money)s to spend", money=_money(why.budget))]
    for step in why.steps:
        values = {"project": names(step.project), "cost": _money(step.cost), "left": _money(step.remaining)}
        if step.selected:
            lines.append(_("%(project)s (cost %(cost)s): added, %(left)s left", **values))
        else:
            lines.append(_("%(project)s (cost %(cost)s): does not fit, %(left)s left", **values))
    return lines


def _phragmen_lines(why: PhragmenExplanation, names: Names) -> list[str]:
    lines = ["", _("Sequential Phragmén")]
    for number, bought in enumerate(why.rounds, 1):
        lines.append(
            _(
                "%(round)s. %(project)s: %(supporters)s supporters, load %(load)s each",
                round=number,
                project=names(bought.project),
                supporters=bought.supporters,
                load=_money(bought.load),
            )
        )
    if why.stopped_by:
        lines.append(_("Stopped: %(project)s would overrun the budget", project=names(why.stopped_by)))
    return lines
