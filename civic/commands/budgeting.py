"""``civic cycle create|update|advance|tick|agency``: budgeting cycles from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from civic.clickhelp import TranslatedGroup
from civic.commands.census import census
from civic.commands.paper import paper
from civic.services import build_services
from civic.settings import Settings
from domain.budgeting.errors import BudgetingError, SpecError
from domain.budgeting.spec import PHASES, CycleSpec, parse
from domain.eventlog import SYSTEM_ACTOR
from web.budgeting_text import refusal, spec_problem
from web.i18n import N_
from web.i18n import gettext as _

USAGE = 2  # a file or argument with a problem: nothing recorded


@click.group(
    "cycle",
    cls=TranslatedGroup,
    help=N_("Participatory budgeting cycles: create one from a file, move it to its next phase."),
)
def cycle() -> None:
    pass


cycle.add_command(census)
cycle.add_command(paper)


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    click.echo(_("Nothing was recorded."), err=True)
    sys.exit(USAGE)


@cycle.command("create", help=N_("Create a cycle from SPEC.toml; prints its slug."))
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def create(spec: Path) -> None:
    parsed = _parsed(spec)
    services = build_services(Settings.from_env())
    try:
        recorded = services.budgeting.create_cycle(parsed, SYSTEM_ACTOR)
        services.catch_up()
    except BudgetingError as error:
        _fail(refusal(error))
    finally:
        services.close()
    click.echo(recorded.result)


@cycle.command(
    "update",
    help=N_(
        "Change cycle settings from SPEC.toml (same slug); the rule, ballot, areas and budgets are locked once "
        "voting opens."
    ),
)
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def update(spec: Path) -> None:
    parsed = _parsed(spec)
    services = build_services(Settings.from_env())
    try:
        services.budgeting.change_settings(parsed, SYSTEM_ACTOR)
        services.catch_up()
    except BudgetingError as error:
        _fail(refusal(error))
    finally:
        services.close()
    click.echo(parsed.slug)


def _parsed(spec: Path) -> CycleSpec:
    try:
        return parse(spec.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        _fail(_("%(file)s: the file is not UTF-8 text.", file=spec.name))
    except SpecError as error:
        _fail(f"{spec.name}: {spec_problem(error)}")


@cycle.command(
    "advance", help=N_("Move cycle SLUG on to PHASE (intake, endorsement, review, voting, counting, results).")
)
@click.argument("slug")
@click.argument("phase", type=click.Choice(PHASES))
def advance(slug: str, phase: str) -> None:
    services = build_services(Settings.from_env())
    try:
        recorded = services.budgeting.advance(slug, phase, SYSTEM_ACTOR)
        services.catch_up()
        count_if_due(services, slug)  # at counting: every area is counted with the published rule
    except BudgetingError as error:
        _fail(refusal(error))
    finally:
        services.close()
    click.echo(_("%(slug)s is now in phase %(phase)s.", slug=slug, phase=recorded.result))


@cycle.command("tick", help=N_("Record the scheduled phase changes that are due (run it from cron)."))
def tick() -> None:
    from projections import budgeting_queries as queries

    services = build_services(Settings.from_env())
    try:
        services.catch_up()
        with services.reader("budgeting") as db:
            slugs = [row["slug"] for row in queries.cycles(db)]
        moved = services.budgeting.apply_schedules(slugs).result
        services.catch_up()
        for slug in moved:
            count_if_due(services, slug)  # the scheduled close counts as staff moving it would
    finally:
        services.close()
    for slug in moved:
        click.echo(_("%(slug)s moved on as scheduled.", slug=slug))


@cycle.command("agency", help=N_("Register agency CODE and add reviewers to it (by sign-in subject)."))
@click.argument("code")
@click.option("--name-zh", default="", help=N_("The agency's Chinese name (when registering it)."))
@click.option("--name-en", default="", help=N_("The agency's English name (when registering it)."))
@click.option("--reviewer", "reviewers", multiple=True, help=N_("A reviewer's sign-in subject; repeatable."))
def agency(code: str, name_zh: str, name_en: str, reviewers: tuple[str, ...]) -> None:
    from civic.demo import issuer_of
    from domain.accounts import account_id_for

    services = build_services(Settings.from_env())
    try:
        if name_zh or name_en:
            services.budgeting.register_agency(code, name_zh, name_en, SYSTEM_ACTOR)
        for subject in reviewers:
            services.budgeting.add_reviewer(code, account_id_for(issuer_of(services), subject), SYSTEM_ACTOR)
        services.catch_up()
    except BudgetingError as error:
        _fail(refusal(error))
    finally:
        services.close()
    click.echo(code)


# Results (counting, the .pb export and import) live in their own module, attached here.
from civic.commands.results import COMMANDS as _RESULTS_COMMANDS  # noqa: E402
from civic.commands.results import count_if_due  # noqa: E402

for _command in _RESULTS_COMMANDS:
    cycle.add_command(_command)
