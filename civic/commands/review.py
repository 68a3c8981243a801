"""``civic review tally SHEET.csv``: a panel's award tiers from a score sheet, recording nothing.

So that a secretariat can check a paper panel or recount a published one. A sheet with problems
gets every bad line on stderr, each with its line number, and exit status 2; so does a sheet the
method cannot count (the rank sum with a recusal, two reviewers far apart with no third).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import click

from civic.clickhelp import TranslatedGroup
from civic.commands.tally_run import columns, pad
from domain.review import diagnostics
from domain.review.aggregation import DEFAULT_GAP, DEFAULT_METHOD, METHODS, Score, Tally, aggregate, format_score
from domain.review.awards import DEFAULT_TIERS, Awards, Tier, UnknownTierError, award, boundaries, find_tier, with_caps
from domain.review.errors import MethodError, SheetError, SheetProblem
from domain.review.limits import MAX_SHEET_BYTES
from domain.review.sheet import TOO_LARGE, Sheet, read_sheet
from domain.review.standings import diagnostic_flags
from web.i18n import N_
from web.i18n import gettext as _
from web.review_text import flag, method_error, method_name, sheet_problem, tier_name

BAD_SHEET = 2  # a sheet (or option) with a problem: nothing counted


@click.group("review", cls=TranslatedGroup, help=N_("Review panels: count a score sheet into award tiers."))
def review() -> None:
    pass


def parse_caps(text: str, tiers: tuple[Tier, ...] = DEFAULT_TIERS) -> dict[str, int]:
    """``特優=1,優等=2`` (tier names in either language, or codes) to caps by tier code."""
    caps: dict[str, int] = {}
    for part in filter(None, (piece.strip() for piece in text.split(","))):
        name, equals, number = part.partition("=")
        if not equals or not number.strip().isdigit():
            raise click.BadParameter(_("expected TIER=NUMBER, e.g. 特優=1,優等=2; found %(part)s", part=part))
        try:
            caps[find_tier(tiers, name.strip()).code] = int(number)
        except UnknownTierError:
            names = ", ".join(tier.name_zh for tier in tiers)
            raise click.BadParameter(
                _("unknown tier %(name)s (the tiers: %(names)s)", name=name, names=names)
            ) from None
    return caps


@review.command("tally", help=N_(
    "Count SHEET.csv (entry,entry_agency,member,member_agency,criterion,score: one row per score) into "
    "scores and award tiers, recording nothing. Exit status 2 for a sheet with problems, each line named."
))  # fmt: skip
@click.argument("sheet_file", metavar="SHEET.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--method", type=click.Choice(METHODS), default=DEFAULT_METHOD, show_default=True,
              help=N_("How members' totals become an entry's score."))  # fmt: skip
@click.option("--caps", default="", help=N_("Caps (名額) per tier, e.g. 特優=1,優等=2; a tier over its cap "
                                           "keeps its best entries and the rest drop to the next."))  # fmt: skip
@click.option("--gap", type=click.IntRange(1, 1000), default=DEFAULT_GAP, show_default=True,
              help=N_("two-plus-third: the difference that calls for a third reviewer."))  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON object instead of a table."))
def tally(sheet_file: Path, method: str, caps: str, gap: int, as_json: bool) -> None:
    tiers = with_caps(DEFAULT_TIERS, parse_caps(caps))
    sheet = _read(sheet_file)
    try:
        counted = aggregate(sheet.scores, method, rubric=None, gap=gap)  # the sheet checked every score
    except MethodError as error:
        _fail([method_error(error, gap)])
    awards = award(counted, sheet.scores, tiers)
    chair = chair_flags(sheet.scores, counted, tiers)
    if as_json:
        click.echo(json.dumps(as_document(counted, awards, chair), ensure_ascii=False, indent=2))
    else:
        for line in table(counted, awards, gap, chair):
            click.echo(line)


def _read(path: Path) -> Sheet:
    try:
        if path.stat().st_size > MAX_SHEET_BYTES:  # before reading it into memory
            _fail([f"{path.name}: {sheet_problem(SheetProblem(0, TOO_LARGE, {'bytes': str(MAX_SHEET_BYTES)}))}"])
        data = path.read_bytes()
    except OSError as error:
        _fail([_("cannot read %(file)s: %(reason)s", file=path, reason=error.strerror or error)])
    try:
        return read_sheet(data)
    except SheetError as error:
        _fail([f"{path.name}: {sheet_problem(problem)}" for problem in error.problems])


def _fail(lines: list[str]) -> NoReturn:
    for line in lines:
        click.echo(line, err=True)
    click.echo(_("Nothing was counted."), err=True)
    sys.exit(BAD_SHEET)


def chair_flags(scores: Sequence[Score], counted: Tally, tiers: tuple[Tier, ...]) -> dict[str, tuple[str, ...]]:
    """The diagnostics flags of each entry (wide spread, a member far from the median, a
    severity-normalised score in another tier), as the chair's dashboard shows them."""
    spread, moved = diagnostics.spreads(scores), diagnostics.severity_normalised(scores, counted, tiers)
    return {entry: diagnostic_flags(spread.get(entry), moved.get(entry)) for entry in spread}


def as_document(
    counted: Tally, awards: Awards, chair: Mapping[str, tuple[str, ...]] | None = None
) -> dict[str, object]:
    shown = boundaries(awards.tiers)
    by_entry = counted.by_entry()
    entries = []
    for placement in awards.placements:
        found = by_entry[placement.entry]
        item: dict[str, object] = {
            "entry": placement.entry,
            "score": format_score(placement.score, shown),
            "tier": placement.tier,
            "members": found.members,
            "flags": [
                *found.flags,
                *([placement.tie_break] if placement.tie_break else []),
                *(chair or {}).get(placement.entry, ()),
            ],
            "tied": placement.tied,
        }
        if found.rank_sum is not None:
            item["rank_sum"] = format_score(found.rank_sum)
        entries.append(item)
    return {
        "method": counted.method,
        "entries": entries,
        "tiers": [
            {
                "tier": tier.code,
                "name_zh": tier.name_zh,
                "name_en": tier.name_en,
                "min_score": format_score(tier.min_score),
                "cap": tier.cap,
                "prize_ntd": tier.prize_ntd,
                "entries": list(awards.winners(tier.code)),
            }
            for tier in awards.tiers
        ],
        "vacant": list(awards.vacant),
        "ties": [list(tie) for tie in awards.ties],
    }


def table(counted: Tally, awards: Awards, gap: int, chair: Mapping[str, tuple[str, ...]] | None = None) -> list[str]:
    shown = boundaries(awards.tiers)
    names = {tier.code: tier_name(tier) for tier in awards.tiers}
    by_entry = counted.by_entry()
    ranked = any(found.rank_sum is not None for found in counted.aggregates)
    headings = [_("Entry"), _("Score"), *([_("Rank sum")] if ranked else []), _("Tier"), _("Members"), _("Notes")]
    rows = []
    for placement in awards.placements:
        found = by_entry[placement.entry]
        notes = [flag(code) for code in found.flags]
        if placement.tie_break:
            notes.append(flag(placement.tie_break))
        if placement.tied:
            notes.append(flag("tied"))
        notes += [flag(code) for code in (chair or {}).get(placement.entry, ())]
        rows.append(
            [
                placement.entry,
                format_score(placement.score, shown),
                *([format_score(found.rank_sum) if found.rank_sum is not None else ""] if ranked else []),
                names[placement.tier] if placement.tier else "–",
                str(found.members),
                "; ".join(notes),
            ]
        )
    widths = [max(columns(row[i]) for row in [headings, *rows]) for i in range(len(headings))]
    numeric = {1, len(headings) - 2} | ({2} if ranked else set())
    lines = [_("Method: %(method)s", method=method_name(counted.method, gap))]
    for row in [headings, *rows]:
        lines.append("  ".join(pad(cell, widths[i], right=i in numeric) for i, cell in enumerate(row)).rstrip())
    vacant = [names[code] for code in awards.vacant]
    if vacant:
        lines.append(_("Vacant (從缺): %(tiers)s", tiers=", ".join(vacant)))
    for tie in awards.ties:
        lines.append(_("Unbroken tie at a cap, for the chair: %(entries)s", entries=", ".join(tie)))
    return lines
