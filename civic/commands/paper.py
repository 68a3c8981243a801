"""``civic cycle paper import SLUG FILE.csv``: a polling station's batch of paper ballots.

The file (``station,id_number,birth_date,area,choices``, see domain/budgeting/paper.py) is
checked whole first, line by line and against the census and the ballot box; a file with any
bad line prints every one of them (the first 1,000, then how many more) in the chosen language
and exits with status 2, entering nothing. A progress bar on a terminal follows the reading; a
good file's ballots are then recorded in one save and the read models brought up to date.
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from civic.clickhelp import TranslatedGroup
from civic.services import Services, build_services
from civic.settings import Settings
from domain.budgeting.errors import BudgetingError
from domain.budgeting.paper import MAX_BYTES, TOO_LARGE, BadPaperLine, PaperBatch, PaperFileError
from domain.eventlog import SYSTEM_ACTOR
from web.i18n import N_
from web.i18n import gettext as _
from web.voting_text import paper_bad_line, refusal

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

USAGE = 2  # a file with a problem: nothing recorded


@click.group("paper", cls=TranslatedGroup, help=N_("Paper ballots entered from a polling station's file."))
def paper() -> None:
    pass


@paper.command(
    "import",
    help=N_(
        "Enter the paper ballots of FILE.csv (station,id_number,birth_date,area,choices) in cycle SLUG; a file "
        "with any bad line is refused whole."
    ),
)
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(slug: str, file: Path) -> None:
    if file.stat().st_size > MAX_BYTES:  # before reading it into memory
        _refused(PaperFileError([BadPaperLine(0, TOO_LARGE, str(MAX_BYTES))]))
    data = file.read_bytes()
    services = build_services(Settings.from_env())
    try:
        services.catch_up()  # the census read model answers who is on the census
        with ExitStack() as stack:
            bars: list[ProgressBar[int]] = []

            def progress(done: int, total: int) -> None:
                if not bars:
                    bars.append(
                        stack.enter_context(click.progressbar(length=total, label=_("Reading"), file=sys.stderr))
                    )
                bars[0].update(done - bars[0].pos)

            try:
                recorded = PaperBatch(services.voting).import_batch(slug, data, SYSTEM_ACTOR, progress=progress)
            except PaperFileError as error:
                stack.close()
                _refused(error)
            except BudgetingError as error:
                stack.close()
                click.echo(refusal(error), err=True)
                click.echo(_("Nothing was recorded."), err=True)
                sys.exit(USAGE)
        _catch_up(services)
    finally:
        services.close()
    click.echo(_("%(slug)s: %(count)s paper ballots entered.", slug=slug, count=f"{recorded.result:,}"))


def _refused(error: PaperFileError) -> NoReturn:
    click.echo(_("The paper ballot file is refused:"), err=True)
    for bad in error.problems:
        click.echo(f"  {paper_bad_line(bad)}", err=True)
    if error.more:
        click.echo("  " + _("… and %(count)s more bad lines.", count=f"{error.more:,}"), err=True)
    click.echo(_("Nothing was recorded."), err=True)
    sys.exit(USAGE)


def _catch_up(services: Services) -> None:
    pending = services.behind()
    if pending <= 0:
        return
    with click.progressbar(length=pending, label=_("Updating the read model"), file=sys.stderr) as bar:
        services.catch_up(progress=bar.update)
