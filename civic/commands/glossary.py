"""``civic glossary import|export``: the approved English place names, in and out of files."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from civic.services import Services, build_services
from civic.settings import Settings
from domain.eventlog import SYSTEM_ACTOR
from domain.glossary.checks import NameIndex
from domain.glossary.errors import ImportStructureError
from domain.glossary.exporting import BOM, FORMATS, export
from domain.glossary.filecheck import FileReport, check_file
from domain.glossary.importing import decode
from domain.glossary.limits import MAX_IMPORT_BYTES
from domain.glossary.names import term_id_for
from domain.glossary.rows import APPROVED_COLUMNS, TOO_LARGE, ImportReport, RowNote
from domain.glossary.terms import APPROVED
from projections.glossary import KnownNamesInReadModel, export_entries
from web.glossary_text import finding_message, finding_term, reason_message, structure_message, where
from web.i18n import gettext as _

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar

F = TypeVar("F", bound=Callable[..., Any])


def file_options(command: F) -> F:
    """The options that say how to read a glossary file: ``import`` and ``check`` read it alike."""
    command = click.option(
        "--format", "file_format", type=click.Choice(FORMATS), default=None,
        help="csv, json or tbx (default: from the file name).",
    )(command)  # fmt: skip
    command = click.option("--category-default", default="", help="Category for rows that have none.")(command)
    return click.option(
        "--approved-column", type=click.Choice(APPROVED_COLUMNS), default="en", show_default=True,
        help="The column with the approved English; the other is kept as a variant.",
    )(command)  # fmt: skip


@click.group()
def glossary() -> None:
    """English names of Kaohsiung's places: check, import and export the approved list."""


@glossary.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@file_options
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
    if file.stat().st_size > MAX_IMPORT_BYTES:  # before reading it into memory
        raise ImportStructureError(TOO_LARGE, bytes=MAX_IMPORT_BYTES)
    text = decode(file.read_bytes())
    _catch_up(services)  # the read model tells rows of a two-column export from new places
    with ExitStack() as stack, services.reader("glossary") as db:
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
            known=KnownNamesInReadModel(db),
        ).result


@glossary.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@file_options
@click.option("--json", "as_json", is_flag=True, help="The report as JSON, one object per finding.")
def check_command(
    file: Path, approved_column: str, category_default: str, file_format: str | None, as_json: bool
) -> None:
    """Check FILE against the approved glossary without importing anything.

    Reports, line by line, the rows an import would leave out and why, and every warning a
    proposal of the row would get: duplicates, the other romanization system, generic parts,
    polyphones, forbidden variants, typography and whitespace. Exit status: 0 when nothing was
    found, 1 when something was, 2 for a file that cannot be read as a glossary file.
    """
    try:
        if not file.is_file():
            raise click.FileError(str(file), hint=_("no such file"))
        if file.stat().st_size > MAX_IMPORT_BYTES:
            raise ImportStructureError(TOO_LARGE, bytes=MAX_IMPORT_BYTES)
        text = decode(file.read_bytes())
    except ImportStructureError as error:
        click.echo(structure_message(error), err=True)
        sys.exit(2)
    except click.FileError as error:
        click.echo(error.format_message(), err=True)
        sys.exit(2)
    try:
        report = _check(text, file_format or _format_of(file), approved_column, category_default)
    except ImportStructureError as error:
        click.echo(structure_message(error), err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(check_json(report), ensure_ascii=False, indent=2))
    else:
        for line in check_lines(report):
            click.echo(line)
    sys.exit(0 if report.clean else 1)


def _check(text: str, file_format: str, approved_column: str, category_default: str) -> FileReport:
    settings = Settings.from_env()
    options = {"format": file_format, "approved_column": approved_column, "category_default": category_default}
    if not settings.data_dir.exists():  # no glossary here: check the file alone, and create nothing
        click.echo(_("No glossary in %(folder)s: the file is checked on its own.", folder=settings.data_dir), err=True)
        return check_file(text, NameIndex(), **options)
    services = build_services(settings)
    try:
        services.catch_up()
        with services.reader("glossary") as db:
            return check_file(text, KnownNamesInReadModel(db, correct_typos=False), **options)
    finally:
        services.close()


def check_lines(report: FileReport) -> list[str]:
    lines = [
        _("%(where)s: %(reason)s", where=where(report.unit, RowNote(finding.line, "")), reason=finding_message(finding))
        for finding in report.findings
    ]
    lines.append(
        _(
            "%(rows)s rows checked, %(unchanged)s already approved as they are; %(findings)s findings, %(rejected)s rows would not be imported.",
            rows=report.checked,
            unchanged=report.unchanged,
            findings=len(report.findings),
            rejected=report.rejected,
        )
    )
    return lines


def check_json(report: FileReport) -> dict:
    findings = []
    for finding in report.findings:
        params: dict[str, object]
        if finding.note is not None:
            code, params = finding.note.code, dict(finding.note.params)
        elif finding.warning is not None:
            code, params = finding.warning.code, dict(dataclasses.asdict(finding.warning))
        else:
            assert finding.duplicate is not None
            code, params = finding.duplicate.how, dict(dataclasses.asdict(finding.duplicate))
        findings.append({"line": finding.line, "kind": finding.kind, "code": code, "params": params,
                         "message": finding_message(finding), "term_id": finding_term(finding)})  # fmt: skip
    return {"unit": report.unit, "rows": report.rows, "unchanged": report.unchanged, "rejected": report.rejected,
            "clean": report.clean, "findings": findings}  # fmt: skip


def _catch_up(services: Services) -> None:
    """Brings the read model up to date, with a progress bar: thousands of terms take seconds."""
    pending = services.behind()
    if pending <= 0:
        return
    with click.progressbar(length=pending, label=_("Updating the read model"), file=sys.stderr) as bar:
        services.catch_up(progress=bar.update)


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
        with services.reader("glossary") as db:
            entries = export_entries(db, statuses=(APPROVED,)) if file_format == "csv" else export_entries(db)
    finally:
        services.close()
    text = export(entries, file_format)
    # The two-column CSV lists each Chinese/English pair once (中山路 runs through many districts).
    count = len({(entry.zh, entry.en) for entry in entries}) if file_format == "csv" else len(entries)
    if output is None:
        click.echo(text.removeprefix(BOM), nl=False)  # the mark is for spreadsheets opening a file
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(_("Exported %(count)s terms to %(file)s.", count=count, file=output), err=True)


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


# --- demo ----------------------------------------------------------------------------------

DEMO_DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "glossary"
DEMO_FILES = ("kaohsiung_districts.csv", "kaohsiung_metro_stations.csv", "kaohsiung_roads.csv")
DEMO_MEETING = "英語友善環境審查會議 第1次 (demo)"
# zh, English as proposed, category, district, the meeting's decision
DEMO_PROPOSALS = (
    ("駁二藝術特區", "Pier-2 Art Center", "landmark", "鹽埕區", ("approve_amended", "The Pier-2 Art Center")),
    ("哈瑪星", "Hamasen", "neighbourhood", "鼓山區", ("approve", "")),
    ("愛河", "Love River", "river", "", ("approve", "")),
    ("旗津半島", "Qijin Peninsula", "landmark", "旗津區", ("reject", "Kaohsiung's signs write Cijin (Tongyong)")),
    ("蓮池潭", "Lotus Pond", "landmark", "左營區", ("defer", "")),
)


def seed_demo(services: Services, translator: str, staff: str) -> Iterator[str]:
    """Imports the shared place names and records one review meeting with a few decisions.

    Safe to run again: the import finds its terms, and the meeting is skipped once its first
    proposal exists. ``translator`` and ``staff`` are the acting account ids.
    """
    for name in DEMO_FILES:
        report = services.glossary.import_file(
            (DEMO_DATA / name).read_text(encoding="utf-8"), SYSTEM_ACTOR, approved_column="en_alt", source=name
        ).result
        yield f"glossary {name}: {report.imported} imported, {report.unchanged} already there"
    zh, _, category, district, _ = DEMO_PROPOSALS[0]
    if services.log.get_or_none(term_id_for(zh, category, district)) is not None:
        yield "glossary meeting: already recorded"
        return
    terms = [
        services.glossary.propose(zh, en, translator, category=category, district=district).result
        for zh, en, category, district, _ in DEMO_PROPOSALS
    ]
    meeting = services.glossary.convene("2026-11-20", ["林委員", "陳委員", "黃委員"], staff, title=DEMO_MEETING).result
    for term_id, proposal in zip(terms, DEMO_PROPOSALS, strict=True):
        outcome, detail = proposal[4]
        services.glossary.put_on_agenda(meeting, term_id, staff)
        if outcome == "approve_amended":
            services.glossary.approve_amended(meeting, term_id, detail, staff)
        elif outcome == "reject":
            services.glossary.reject(meeting, term_id, detail, staff)
        elif outcome == "defer":
            services.glossary.defer(meeting, term_id, staff)
        else:
            services.glossary.approve(meeting, term_id, staff)
    yield f"glossary meeting: {len(DEMO_PROPOSALS)} decisions"
