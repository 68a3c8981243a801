"""``civic cycle count|export|import-pb``: results from the command line.

``count SLUG`` prints the recorded results (counting them first if the cycle is at counting and
they are not recorded yet); ``--json`` prints per area ``selected``, ``votes``, ``cost``,
``budget`` and ``rule``. ``export SLUG --area CODE --format pb`` writes the area's anonymised
ballots, shuffled, as a Pabulib file. ``import-pb FILE.pb`` records a past election as a closed
cycle with its results.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from civic.clickhelp import TranslatedCommand
from civic.commands.tally_run import PROBLEMS, columns, cut, pad
from civic.services import Services, build_services
from civic.settings import Settings
from domain.budgeting.counting import AreaResult
from domain.budgeting.errors import BudgetingError, SpecError
from domain.budgeting.spec import COUNTING_RULES
from domain.eventlog import SYSTEM_ACTOR
from domain.tally.pabulib import PabulibFormatError
from projections import budgeting_queries as queries
from projections.budgeting_results import results_of
from web.budgeting_results import area_pb, record_results
from web.budgeting_text import refusal, spec_problem
from web.i18n import N_
from web.i18n import gettext as _

USAGE = 2


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    click.echo(_("Nothing was recorded."), err=True)
    sys.exit(USAGE)


def count_if_due(services: Services, slug: str) -> None:
    """After a phase change: counts (or publishes) the cycle's results when it reached counting."""
    recorded = record_results(services, slug, SYSTEM_ACTOR)
    if recorded.position:
        services.catch_up()


@click.command(
    "count", cls=TranslatedCommand, help=N_("Show the results of cycle SLUG (counted once voting has closed).")
)
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON object instead of a table."))
def count(slug: str, as_json: bool) -> None:
    services = build_services(Settings.from_env())
    try:
        services.catch_up()
        count_if_due(services, slug)
        with services.reader("budgeting", "results") as db:
            outcome = results_of(db, slug)
            row = queries.cycle(db, slug)
            entries = queries.ballot(db, row["id"]) if row else {}
        if row is None:
            services.results.cycle(slug)  # CycleNotFoundError
    except BudgetingError as error:
        _fail(refusal(error))
    finally:
        services.close()
    if outcome is None or row is None:
        _fail(_("%(slug)s has not been counted: voting has not closed yet.", slug=slug))
    if as_json:
        document = {
            "cycle": slug,
            "published": outcome.published,
            "areas": {area.area: _area_json(area) for area in outcome.areas},
        }
        click.echo(json.dumps(document, ensure_ascii=False))
        return
    for area in outcome.areas:
        _table(row["spec"], entries.get(area.area, []), area)


def _area_json(area: AreaResult) -> dict[str, Any]:
    return {
        "rule": area.rule, "budget": area.budget, "cost": area.cost, "selected": area.selected,
        "votes": area.votes, "voters": area.voters, "excluded": area.excluded,
    }  # fmt: skip


def _table(spec: dict[str, Any], entries: list[dict[str, Any]], area: AreaResult) -> None:
    """Both languages side by side: the area's and each project's Chinese and English names."""
    found = next(item for item in spec["areas"] if item["code"] == area.area)
    by_code = {entry["code"]: entry for entry in entries}
    click.echo("")
    click.echo(f"{found['name_zh']} {found['name_en']} ({area.area})")
    rows = []
    for code, votes in sorted(area.votes.items(), key=lambda item: (-item[1], item[0])):
        entry = by_code.get(code, {})
        title = cut(f"{entry.get('title_zh', '')} / {entry.get('title_en', '')}".strip(" /"), 40)
        mark = _("yes") if code in area.selected else ("—" if code in area.excluded else "")
        rows.append((code, title, f"{votes:,}", f"{entry.get('cost', 0):,}", mark))
    headers = (_("ID"), _("Project"), _("Votes"), _("Cost (NT$)"), _("Selected"))
    widths = [max(columns(row[i]) for row in [headers, *rows]) for i in range(len(headers))]
    for row in [headers, *rows]:
        click.echo("  ".join(pad(cell, width, right=i in (2, 3)) for i, (cell, width) in enumerate(zip(row, widths))))
    click.echo(
        _(
            "Rule %(rule)s. Projects selected: %(count)s; NT$%(cost)s of NT$%(budget)s; ballots counted: %(voters)s",
            count=len(area.selected),
            rule=area.rule,
            cost=f"{area.cost:,}",
            budget=f"{area.budget:,}",
            voters=f"{area.voters:,}",
        )
    )


@click.command(
    "export", cls=TranslatedCommand, help=N_("Write an area's anonymised ballots, shuffled, as a Pabulib .pb file.")
)
@click.argument("slug")
@click.option("--area", "area", required=True, help=N_("The area's code."))
@click.option("--format", "kind", type=click.Choice(["pb"]), default="pb", show_default=True, help=N_("File format."))
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help=N_("Write to this file (default: standard output)."),
)  # fmt: skip
def export(slug: str, area: str, kind: str, output: Path | None) -> None:
    services = build_services(Settings.from_env())
    try:
        services.catch_up()
        text = area_pb(services, slug, area)
    except BudgetingError as error:
        _fail(refusal(error))
    except KeyError:
        _fail(_("%(slug)s has no counted results for area %(area)s.", slug=slug, area=area))
    finally:
        services.close()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")


@click.command(
    "import-pb",
    cls=TranslatedCommand,
    help=N_("Record a past election from FILE.pb as a closed cycle with its results."),
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--rule", type=click.Choice(COUNTING_RULES), default=None, help=N_("Count with this rule, not the file's.")
)
@click.option("--slug", default=None, help=N_("The cycle's slug (default: from the file's META)."))
def import_pb(file: Path, rule: str | None, slug: str | None) -> None:
    from domain.budgeting.recount import past_election

    try:
        spec, areas = past_election(file.read_text(encoding="utf-8-sig"), rule, slug)
    except UnicodeDecodeError:
        _fail(_("%(file)s: the file is not UTF-8 text.", file=file.name))
    except PabulibFormatError as error:
        problem = _(PROBLEMS[error.problem], **error.details)
        _fail(_("error: %(file)s line %(line)s: %(problem)s", file=file.name, line=error.line, problem=problem))
    except SpecError as error:
        _fail(f"{file.name}: {spec_problem(error)}")
    services = build_services(Settings.from_env())
    try:
        services.results.import_past(spec, areas, SYSTEM_ACTOR)
        services.catch_up()
    except BudgetingError as error:
        _fail(refusal(error))
    finally:
        services.close()
    click.echo(spec.slug)


COMMANDS = (count, export, import_pb)
