"""``civic tally FILE.pb``: count a Pabulib file with one rule; show, explain or print JSON.

The Click command; what it does is in ``tally_run.py`` (which ``civic.start`` also calls without
Click for a plain ``civic tally``). A file that cannot be read gets one line on stderr naming the
line and the problem, and exit status 2; never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import click

from civic.clickhelp import TranslatedCommand
from civic.commands.tally_run import (
    BAD_FILE,
    PROBLEMS,
    ProgressLine,
    columns,
    counted_as,
    cut,
    natural,
    pad,
    run,
)
from domain.tally.outcome import DEFAULT_RULE, RULES
from web.i18n import N_

__all__ = ["BAD_FILE", "PROBLEMS", "ProgressLine", "columns", "counted_as", "cut", "natural", "pad", "tally"]


@click.command(
    "tally",
    cls=TranslatedCommand,
    help=N_("Count the votes in FILE (Pabulib .pb format) and show the selected projects."),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--rule", type=click.Choice(RULES), default=DEFAULT_RULE, show_default=True, help=N_("Counting rule."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON object instead of a table."))
@click.option("--explain", is_flag=True, help=N_("Also show why: rounds, payments, what did not fit."))
def tally(file: Path, rule: str, as_json: bool, explain: bool) -> None:
    run(file, rule, as_json, explain)
