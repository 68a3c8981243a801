"""``civic cycle census import SLUG FILE.csv``: a cycle's census from the city's file.

On a terminal two progress bars show the reading (lines of the file) and the recording; then the
read model is brought up to date. A refused file prints every bad line it names (the first
1,000, then how many more), in the chosen language, and exits with status 2: nothing recorded.
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
from domain.budgeting.census import MAX_BYTES, TOO_LARGE, BadLine, CensusFileError
from domain.budgeting.census_book import READING, CensusReport
from domain.budgeting.errors import BudgetingError
from domain.eventlog import SYSTEM_ACTOR
from web.census_text import bad_line, census_refusal, district_count, more_lines
from web.i18n import N_
from web.i18n import gettext as _

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

USAGE = 2  # a file with a problem: nothing recorded


@click.group("census", cls=TranslatedGroup, help=N_("A cycle's census: who may vote, kept only as keyed hashes."))
def census() -> None:
    pass


@census.command(
    "import",
    help=N_(
        "Import FILE.csv (id_number,birth_date,district) as the census of cycle SLUG; a new file replaces the "
        "census until voting opens."
    ),
)
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(slug: str, file: Path) -> None:
    if file.stat().st_size > MAX_BYTES:  # before reading it into memory
        _refused(CensusFileError([BadLine(0, TOO_LARGE, str(MAX_BYTES))]))
    data = file.read_bytes()
    services = build_services(Settings.from_env())
    try:
        with ExitStack() as stack:
            bars: dict[str, ProgressBar[int]] = {}

            def progress(stage: str, done: int, total: int) -> None:
                if stage not in bars:
                    label = _("Reading") if stage == READING else _("Recording")
                    for bar in bars.values():
                        bar.render_finish()
                    bars[stage] = stack.enter_context(click.progressbar(length=total, label=label, file=sys.stderr))
                bar = bars[stage]
                bar.update(done - bar.pos)

            try:
                recorded = services.census.import_census(slug, data, SYSTEM_ACTOR, progress=progress,
                                                         file_name=file.name)  # fmt: skip
            except CensusFileError as error:
                stack.close()
                _refused(error)
            except BudgetingError as error:
                stack.close()
                click.echo(census_refusal(error), err=True)
                click.echo(_("Nothing was recorded."), err=True)
                sys.exit(USAGE)
        _catch_up(services)
    finally:
        services.close()
    for line in summary_lines(recorded.result):
        click.echo(line)


def summary_lines(report: CensusReport) -> list[str]:
    if report.unchanged:
        head = _("%(slug)s: this file is the census already recorded; nothing was recorded.", slug=report.cycle)
    else:
        head = _("%(slug)s: census imported, %(count)s eligible residents.", slug=report.cycle,
                 count=f"{report.count:,}")  # fmt: skip
    lines = [head]
    lines += [f"  {district_count(district, count)}" for district, count in report.districts.items()]
    lines.append(_("File digest (SHA-256): %(digest)s", digest=report.digest))
    return lines


def _refused(error: CensusFileError) -> NoReturn:
    click.echo(_("The census file is refused:"), err=True)
    for bad in error.problems:
        click.echo(f"  {bad_line(bad)}", err=True)
    if error.more:
        click.echo(f"  {more_lines(error)}", err=True)
    click.echo(_("Nothing was recorded."), err=True)
    sys.exit(USAGE)


def _catch_up(services: Services) -> None:
    pending = services.behind()
    if pending <= 0:
        return
    with click.progressbar(length=pending, label=_("Updating the read model"), file=sys.stderr) as bar:
        services.catch_up(progress=bar.update)
