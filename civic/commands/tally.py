"""``civic tally FILE.pb``: count a Pabulib file with one rule; show, explain or print JSON.

A file that cannot be read gets one line on stderr naming the line and the problem, and exit
status 2; never a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal
from enum import Enum
from fractions import Fraction
from pathlib import Path
from typing import NoReturn, TextIO

import click

from web.i18n import N_
from web.i18n import gettext as _
from domain.tally import DEFAULT_RULE, RULES, Election, Outcome, PabulibFormatError, Problem, applicable
from domain.tally import tally as count
from domain.tally.explain import GreedyExplanation, MesExplanation, PhragmenExplanation
from domain.tally.pabulib import format_amount, parse

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


@click.command("tally")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rule", type=click.Choice(RULES), default=DEFAULT_RULE, show_default=True,
              help=_("Counting rule."))
@click.option("--json", "as_json", is_flag=True, help=_("Print one JSON object instead of a table."))
@click.option("--explain", is_flag=True, help=_("Also show why: rounds, payments, what did not fit."))
def tally(file: Path, rule: str, as_json: bool, explain: bool) -> None:
    """Count the votes in FILE (Pabulib .pb format) and show the selected projects."""
    election = _read(file)
    if not applicable(election, rule):
        _fail(_("error: %(file)s: rule %(rule)s needs approval ballots, this file has %(kind)s")
              % {"file": file, "rule": rule, "kind": election.vote_type.value})
    with ProgressLine(sys.stderr) as progress:
        outcome = count(election, rule, explain=explain, progress=progress)
    if as_json:
        click.echo(json.dumps(_as_json(outcome, explain), ensure_ascii=False))
        return
    _table(election, outcome)
    if explain and outcome.explanation is not None:
        for line in _explanation(outcome.explanation):
            click.echo(line)


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
        self.stream.write("\r" + _("Counting: %(units)s currency units added to each voter's budget so far")
                          % {"units": f"{k:,}"})
        self.stream.flush()
        self.shown = True

    def __exit__(self, *exc: object) -> None:
        if self.shown:  # clear the line before the results
            self.stream.write("\r\x1b[2K")
            self.stream.flush()


def _read(file: Path) -> Election:
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        _fail(_("error: %(file)s: cannot read it (%(reason)s)") % {"file": file, "reason": _reason(error)})
    try:
        return parse(text)
    except PabulibFormatError as error:
        problem = _(PROBLEMS[error.problem]) % error.details
        _fail(_("error: %(file)s line %(line)s: %(problem)s") % {"file": file, "line": error.line, "problem": problem})


def _reason(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return _("not UTF-8 text")
    return getattr(error, "strerror", None) or type(error).__name__


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    raise SystemExit(BAD_FILE)


# --- JSON ------------------------------------------------------------------------------------


def _as_json(outcome: Outcome, explain: bool) -> dict[str, object]:
    document: dict[str, object] = {
        "rule": outcome.rule,
        "budget": format_amount(outcome.budget),
        "cost": format_amount(outcome.cost),
        "selected": list(outcome.selected),
    }
    if explain:
        document["explanation"] = _plain(outcome.explanation)
    return document


def _plain(value: object) -> object:
    """Dataclasses to dicts; fractions to exact decimal strings (or "p/q")."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Fraction):
        try:
            return format_amount(value)
        except ValueError:
            return f"{value.numerator}/{value.denominator}"
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


# --- text --------------------------------------------------------------------------------------


def _money(value: Fraction) -> str:
    """Digits grouped in thousands (the election's own currency, whatever it is)."""
    if value.denominator == 1:
        return f"{value.numerator:,}"
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return f"{exact.quantize(Decimal('0.01'), rounding=ROUND_HALF_EVEN):,}"


def _table(election: Election, outcome: Outcome) -> None:
    chosen = set(outcome.selected)
    rows = [(project.id, project.name[:48], _money(project.cost), _("yes") if project.id in chosen else "")
            for project in sorted(election.projects, key=lambda p: p.id)]
    headers = (_("ID"), _("Project"), _("Cost"), _("Selected"))
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(4)]
    for row in [headers, *rows]:
        click.echo("  ".join(str(cell).rjust(width) if i == 2 else str(cell).ljust(width)
                             for i, (cell, width) in enumerate(zip(row, widths))).rstrip())
    click.echo(_("%(count)s of %(total)s projects selected by %(rule)s, cost %(cost)s of budget %(budget)s")
               % {"count": len(outcome.selected), "total": len(election.projects), "rule": outcome.rule,
                  "cost": _money(outcome.cost), "budget": _money(outcome.budget)})


def _explanation(why: object) -> list[str]:
    if isinstance(why, MesExplanation):
        return _mes_lines(why)
    if isinstance(why, GreedyExplanation):
        return _greedy_lines(why)
    if isinstance(why, PhragmenExplanation):
        return _phragmen_lines(why)
    return []


def _mes_lines(why: MesExplanation) -> list[str]:
    lines = ["", _("Method of Equal Shares: each voter starts with %(money)s (%(steps)s units added)")
             % {"money": _money(why.per_voter_budget), "steps": why.increments}]
    if why.free:
        lines.append(_("Free, selected first: %(projects)s") % {"projects": ", ".join(why.free)})
    for number, bought in enumerate(why.rounds, 1):
        full = sum(len(p.voters) for p in bought.payments if p.full_share)
        short = sum(len(p.voters) for p in bought.payments if not p.full_share)
        share = _money(bought.share) if bought.share is not None else _money(bought.price)
        lines.append(_("%(round)s. %(project)s (cost %(cost)s): %(full)s supporters paid %(share)s each, "
                       "%(short)s paid all they had left")
                     % {"round": number, "project": bought.project, "cost": _money(bought.cost), "full": full,
                        "share": share, "short": short})
    for rejected in why.rejected:
        lines.append(_("Not bought: %(project)s (cost %(cost)s): its %(supporters)s supporters had %(money)s left")
                     % {"project": rejected.project, "cost": _money(rejected.cost),
                        "supporters": rejected.supporters, "money": _money(rejected.supporters_money)})
    if why.completion is not None:
        lines += _greedy_lines(why.completion)
    return lines


def _greedy_lines(why: GreedyExplanation) -> list[str]:
    lines = ["", _("Greedy, best value for money first; %(money)s to spend") % {"money": _money(why.budget)}]
    for step in why.steps:
        template = _("%(project)s (cost %(cost)s): added, %(left)s left") if step.selected else \
            _("%(project)s (cost %(cost)s): does not fit, %(left)s left")
        lines.append(template % {"project": step.project, "cost": _money(step.cost), "left": _money(step.remaining)})
    return lines


def _phragmen_lines(why: PhragmenExplanation) -> list[str]:
    lines = ["", _("Sequential Phragmén")]
    for number, bought in enumerate(why.rounds, 1):
        lines.append(_("%(round)s. %(project)s: %(supporters)s supporters, load %(load)s each")
                     % {"round": number, "project": bought.project, "supporters": bought.supporters,
                        "load": _money(bought.load)})
    if why.stopped_by:
        lines.append(_("Stopped: %(project)s would overrun the budget") % {"project": why.stopped_by})
    return lines
