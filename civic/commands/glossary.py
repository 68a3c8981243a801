"""``civic glossary import|export``: the approved English place names, in and out of files."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

from typing import TYPE_CHECKING

import click

from civic.i18n import gettext as _
from civic.services import Services, build_services
from civic.settings import Settings
from domain.eventlog import SYSTEM_ACTOR
from domain.glossary import rows
from domain.glossary.errors import ImportStructureError
from domain.glossary.exporting import FORMATS, export
from domain.glossary.importing import decode
from domain.glossary.rows import APPROVED_COLUMNS, ImportReport, RowNote
from domain.glossary.terms import APPROVED
from projections.glossary import export_entries

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


@click.group()
def glossary() -> None:
    """English names of Kaohsiung's places: import and export the approved list."""


@glossary.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--approved-column",
    type=click.Choice(APPROVED_COLUMNS),
    default="en",
    show_default=True,
    help="The column with the approved English; the other is kept as a variant.",
)
@click.option("--category-default", default="", help="Category for rows that have none.")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(FORMATS),
    default=None,
    help="csv, json or tbx (default: from the file name).",
)
def import_command(file: Path, approved_column: str, category_default: str, file_format: str | None) -> None:
    """Import FILE as approved terms, recorded as one 'initial list' decision."""
    services = build_services(Settings.from_env())
    try:
        try:
            report = _import(services, file, approved_column, category_default, file_format)
        except ImportStructureError as error:
            click.echo(structure_message(error), err=True)
            click.echo(_("Nothing was imported."), err=True)
            sys.exit(1)
        _catch_up(services)
    finally:
        services.close()
    for line in report_lines(report):
        click.echo(line)


def _import(
    services: Services, file: Path, approved_column: str, category_default: str, file_format: str | None
) -> ImportReport:
    text = decode(file.read_bytes())
    with ExitStack() as stack:
        bars: list[ProgressBar[int]] = []

        def progress(done: int, total: int) -> None:
            if not bars:  # the total is known once the file is read and checked
                bars.append(stack.enter_context(click.progressbar(length=total, label=_("Importing"), file=sys.stderr)))
            bars[0].update(done - bars[0].pos)

        return services.glossary.import_file(
            text,
            SYSTEM_ACTOR,
            format=file_format or _format_of(file),
            approved_column=approved_column,
            category_default=category_default,
            source=file.name,
            progress=progress,
        )


def _catch_up(services: Services) -> None:
    """Brings the read model up to date, with a progress bar: thousands of terms take seconds."""
    pending = services.log.position() - services.projector.position()
    with click.progressbar(length=pending, label=_("Updating the read model"), file=sys.stderr) as bar:
        services.projector.catch_up(progress=bar.update)


def _format_of(file: Path) -> str:
    suffix = file.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "csv"


@glossary.command("export")
@click.option("--format", "file_format", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Default: stdout.")
def export_command(file_format: str, output: Path | None) -> None:
    """Export the glossary: CSV (zh,en, approved only), JSON or TBX (with retired terms)."""
    services = build_services(Settings.from_env())
    try:
        services.catch_up()
        with services.reader() as db:
            entries = export_entries(db, statuses=(APPROVED,)) if file_format == "csv" else export_entries(db)
    finally:
        services.close()
    text = export(entries, file_format)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(_("Exported %(count)s terms to %(file)s.", count=len(entries), file=output), err=True)


def report_lines(report: ImportReport) -> list[str]:
    lines = [
        _(
            "Imported %(imported)s terms; %(unchanged)s were already approved; %(rejected)s rows rejected.",
            imported=report.imported,
            unchanged=report.unchanged,
            rejected=len(report.rejected),
        )
    ]
    for note in report.rejected:
        lines.append(_("%(where)s: %(reason)s", where=where(report.unit, note), reason=reason_message(note)))
    for note in report.notices:
        lines.append(_("%(where)s: %(reason)s", where=where(report.unit, note), reason=reason_message(note)))
    return lines


def where(unit: str, note: RowNote) -> str:
    return _("line %(number)s", number=note.line) if unit == "line" else _("entry %(number)s", number=note.line)


def reason_message(note: RowNote) -> str:
    """Each import reason code in words (the web has its own copy in its templates)."""
    p = {key: value if not isinstance(value, list) else ", ".join(map(str, value)) for key, value in note.params.items()}
    messages = {
        rows.FIELD_COUNT: lambda: _("%(found)s fields where the header has %(expected)s", **p),
        rows.MISSING_ZH: lambda: _("the Chinese name is missing"),
        rows.ZH_NOT_CHINESE: lambda: _("the Chinese name has no Chinese characters"),
        rows.ZH_TOO_LONG: lambda: _("the Chinese name is too long"),
        rows.MISSING_EN: lambda: _("the English name is missing"),
        rows.EN_CONTAINS_CHINESE: lambda: _("the English name contains Chinese characters"),
        rows.EN_TOO_LONG: lambda: _("the English name is too long"),
        rows.BAD_VARIANT: lambda: _("a variant is not valid (%(code)s)", **p),
        rows.CONFLICTING_DUPLICATE: lambda: _(
            "the same place as line %(first_line)s, with different English (%(first_en)s)", **p
        ),
        rows.NOT_AN_ENTRY: lambda: _("not a glossary entry"),
        rows.NOT_APPROVED: lambda: _("not approved (%(status)s): not imported", **p),
        rows.DIFFERS_FROM_APPROVED: lambda: _("the glossary already approves other English: %(approved_en)s", **p),
        rows.PENDING_REVIEW: lambda: _("a proposal for this place is waiting for a meeting"),
        rows.RETIRED: lambda: _("this place's term is %(status)s; a meeting must decide on it", **p),
        rows.MERGED_DUPLICATE: lambda: _("the same place as line %(first_line)s: merged into it", **p),
        rows.WHITESPACE_TIDIED: lambda: _("stray spaces removed from %(field)s", **p),
    }
    return messages[note.code]() if note.code in messages else note.code


def structure_message(error: ImportStructureError) -> str:
    p = {key: value if not isinstance(value, list) else ", ".join(map(str, value)) for key, value in error.params.items()}
    messages = {
        rows.NOT_UTF8: lambda: _("The file is not UTF-8 text."),
        rows.EMPTY_FILE: lambda: _("The file is empty."),
        rows.MISSING_COLUMNS: lambda: _("The header lacks the columns: %(columns)s.", **p),
        rows.UNKNOWN_COLUMNS: lambda: _("The header has unknown columns: %(columns)s.", **p),
        rows.DUPLICATE_COLUMNS: lambda: _("The header repeats the columns: %(columns)s.", **p),
        rows.MALFORMED: lambda: _("The file is not valid %(format)s.", **p),
        rows.UNKNOWN_FORMAT: lambda: _("Unknown format: %(format)s.", **p),
        rows.UNKNOWN_APPROVED_COLUMN: lambda: _("Unknown approved column: %(column)s.", **p),
    }
    return messages[error.code]() if error.code in messages else error.code
