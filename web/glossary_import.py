"""The glossary's import page: check, then confirm.

Staff choose a file and press "Check the file": the page shows the same report as
``civic glossary check`` (rows left out and why, warnings, possible duplicates, with links to the
existing terms) and records nothing. "Import these rows" then posts the checked text back and the
import runs, its progress streamed into the page as it goes: a plain HTML page that the browser
shows while it arrives, so it needs no JavaScript. A post without a step imports at once (the
command line's way, and older clients').
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from domain.accounts import STAFF
from domain.glossary import limits
from domain.glossary.errors import ImportStructureError
from domain.glossary.exporting import FORMATS
from domain.glossary.filecheck import FileReport, check_file
from domain.glossary.importing import decode
from domain.glossary.places import CATEGORIES
from domain.glossary.rows import ImportReport, RowNote
from projections import glossary_queries as queries
from web import glossary_text as text
from web.auth import require_role
from web.consistency import see_own_write
from web.flash import flash
from web.i18n import gettext, ngettext
from web.templating import page_context, render

VIEW = "glossary"
CHECK, IMPORT = "check", "import"
MARK = "<!--import-progress-->"  # where the streamed page puts the progress and the report


def _services(request: Request) -> Any:
    return request.app.state.services


async def import_page(request: Request) -> Response:
    require_role(request, STAFF)
    return render(request, "glossary/import.html", _context("en"))


def _context(approved_column: str, **values: Any) -> dict[str, Any]:
    return {"report": None, "check": None, "errors": {}, "approved_column": approved_column, "unit": "",
            "streaming": False, "category_codes": ", ".join(CATEGORIES), **values}  # fmt: skip


async def import_upload(request: Request) -> Response:
    user = require_role(request, STAFF)
    # The checked text comes back in a form field: as large as an upload may be.
    form = await request.form(max_part_size=limits.MAX_IMPORT_BYTES)
    approved_column = str(form.get("approved_column", "en"))
    step = str(form.get("step", ""))
    context = _context(approved_column)
    if step == IMPORT and form.get("content") is not None:
        name = str(form.get("name", ""))
        return _streamed_import(request, str(form.get("content", "")), name, approved_column, user["id"])
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        context["errors"] = {"file": gettext("Choose a CSV file to import.")}
        return render(request, "glossary/import.html", context, status_code=422)
    raw, name = await upload.read(), upload.filename
    services = _services(request)
    # The read model tells rows of a two-column export from new places: it must hold the log so far.
    await see_own_write(request, await run_in_threadpool(services.log.position), VIEW)
    try:
        content = decode(raw)
        if step == CHECK:
            checked = await run_in_threadpool(_check, services, content, _format(name), approved_column)
        else:
            recorded = await run_in_threadpool(_import, services, content, user["id"], name, approved_column)
    except ImportStructureError as wrong:
        context["errors"] = {"file": text.structure_message(wrong)}
        return render(request, "glossary/import.html", context, status_code=422)
    if step == CHECK:
        context["check"] = _check_context(checked, content, name)
        return render(request, "glossary/import.html", context)
    await see_own_write(request, recorded.position, VIEW)
    _flash_imported(request, recorded.result)
    context["report"] = _report_context(recorded.result)
    return render(request, "glossary/import.html", context)


def _flash_imported(request: Request, report: ImportReport) -> None:
    if report.imported:
        flash(request, ngettext("%(count)s name imported as an initial list.", "%(count)s names imported as an initial list.",
                                report.imported, count=report.imported))  # fmt: skip
    else:
        flash(request, gettext("Nothing new was imported."))


def _format(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else "csv"
    return suffix if suffix in FORMATS else "csv"


def _check(services: Any, content: str, format: str, approved_column: str) -> FileReport:
    with services.reader(VIEW) as db:
        known = queries.KnownNamesInReadModel(db, correct_typos=False)  # a search per row: no typo corrections
        return check_file(content, known, format=format, approved_column=approved_column)


def _import(services: Any, content: str, actor: str, name: str, approved_column: str, progress: Any = None) -> Any:
    with services.reader(VIEW) as db:
        return services.glossary.import_file(
            content, actor, format=_format(name), approved_column=approved_column, source=name,
            known=queries.KnownNamesInReadModel(db), progress=progress,
        )  # fmt: skip


def _check_context(report: FileReport, content: str, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "content": content,
        "checked": report.checked,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "new": report.rows - report.unchanged,
        "findings": [
            {
                "where": text.where(report.unit, RowNote(finding.line, "")),
                "kind": finding.kind,
                "message": text.finding_message(finding),
                "term_id": text.finding_term(finding),
            }
            for finding in report.findings
        ],
    }


def _report_context(report: ImportReport) -> dict[str, Any]:
    return {
        "imported": report.imported,
        "unchanged": report.unchanged,
        "rejected": [(text.where(report.unit, note), text.reason_message(note)) for note in report.rejected],
        "notices": [(text.where(report.unit, note), text.reason_message(note)) for note in report.notices],
    }


def _streamed_import(request: Request, content: str, name: str, approved_column: str, actor: str) -> Response:
    """The import as a page that arrives as it goes: the page up to the report, a line of
    progress at each step, then the report and the rest of the page."""
    env = request.app.state.jinja
    template = env.get_template("glossary/import.html")
    values = {**page_context(request), **_context(approved_column, streaming=True)}
    head, _, tail = template.render(values).partition(MARK)
    services = _services(request)
    queue: asyncio.Queue[tuple[int, int]] = asyncio.Queue()
    loop = asyncio.get_running_loop()

    def progress(done: int, total: int) -> None:
        loop.call_soon_threadsafe(queue.put_nowait, (done, total))

    def line(message: str) -> str:
        return f"<li>{_escape(message)}</li>\n"

    async def body() -> AsyncIterator[str]:
        yield head
        yield '<ol class="progress" data-testid="import-progress">\n'
        yield line(gettext("Reading %(name)s and comparing it with the glossary…", name=name))
        await see_own_write(request, await run_in_threadpool(services.log.position), VIEW)
        work = asyncio.ensure_future(
            run_in_threadpool(_import, services, content, actor, name, approved_column, progress)
        )
        while not work.done() or not queue.empty():
            getter = asyncio.ensure_future(queue.get())
            finished, _ = await asyncio.wait({getter, work}, return_when=asyncio.FIRST_COMPLETED)
            if getter in finished:
                done, total = getter.result()
                yield line(gettext("Recorded %(done)s of %(total)s terms.", done=done, total=total))
            else:
                getter.cancel()
        try:
            recorded = work.result()
        except ImportStructureError as wrong:
            yield "</ol>\n" + f'<p class="field-error" role="alert">{_escape(text.structure_message(wrong))}</p>\n'
            yield tail
            return
        await see_own_write(request, recorded.position, VIEW)
        yield line(gettext("Done.")) + "</ol>\n"
        report = env.get_template("glossary/import.html")
        ctx = report.new_context({**values, "report": _report_context(recorded.result)})
        yield "".join(report.blocks["report"](ctx))
        yield tail

    response = StreamingResponse(body(), media_type="text/html; charset=utf-8")
    response.headers["Vary"] = "HX-Request, Accept-Language, Cookie"
    response.headers["X-Accel-Buffering"] = "no"  # a proxy passes each part on as it comes
    return response


def _escape(message: str) -> str:
    from markupsafe import escape

    return str(escape(message))
