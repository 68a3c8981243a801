"""A cycle's census page for staff: the census imported (count per district, when, by whom, the
file's digest) and the form that imports a new file.

The import runs in a thread of its own (a city's 2.7 million lines take a minute): the upload
answers as soon as the import is over if it is over within ``WAIT_SECONDS`` (a refused file: 422
with every bad line), else with a redirect to the import's progress page, which shows a progress
bar and refreshes itself every second (``<meta http-equiv="refresh">``: no JavaScript needed)
until the import is done, then its report. Nothing is recorded unless the whole file is good.

The uploaded file is held in memory only while it is read: no number or birth date is ever
written to disk. The progress of an import is known to the web node that runs it (its page is
served by that node; behind a load balancer, keep staff sessions on one node).
"""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from domain.accounts import STAFF
from domain.budgeting.census import MAX_BYTES, CensusFileError
from domain.budgeting.census_book import READING, CensusReport
from domain.budgeting.errors import BudgetingError
from domain.budgeting.service import city_now
from projections import budgeting_queries
from projections import census_queries as queries
from web import census_text as text
from web.auth import require_role
from web.consistency import see_own_write
from web.flash import flash
from web.i18n import gettext
from web.templating import is_htmx, render

VIEW = "census"
WAIT_SECONDS = 2.0  # an import over by then answers at once; a longer one shows its progress page
KEEP_SECONDS = 3600.0  # how long a finished import's page stays
TEMPLATE = "budgeting/census.html"


@dataclass
class Job:
    """One import running (or run) on this node: its stage and progress, then its outcome."""

    slug: str
    file_name: str
    stage: str = READING
    done: int = 0
    total: int = 0
    finished_at: float | None = None
    future: Future[Any] = field(default_factory=Future)

    def progress(self, stage: str, done: int, total: int) -> None:
        self.stage, self.done, self.total = stage, done, total

    @property
    def percent(self) -> int:
        share = self.done / self.total if self.total else 0.0
        # Reading is the long part: it fills the bar to 90 %, recording the rest.
        return int(90 * share) if self.stage == READING else 90 + int(10 * share)


class Jobs:
    """The imports of this node, by a random id; one at a time per cycle."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, services: Any, slug: str, data: bytes, actor: str, file_name: str) -> tuple[str, Job, bool]:
        """The new import's id and job, and True; or the import under way for the cycle, and False."""
        with self._lock:
            self._forget_old()
            for job_id, job in self._jobs.items():
                if job.slug == slug and not job.future.done():
                    return job_id, job, False  # its page, not a second import at the same time
            job_id, job = secrets.token_urlsafe(12), Job(slug, file_name)
            self._jobs[job_id] = job

        def run() -> None:
            try:
                recorded = services.census.import_census(slug, data, actor, progress=job.progress, file_name=file_name)
            except BaseException as error:  # the outcome the page shows: a refusal, or a failure
                job.future.set_exception(error)
            else:
                job.future.set_result(recorded)
            finally:
                job.finished_at = time.monotonic()

        threading.Thread(target=run, name=f"census-import-{slug}", daemon=True).start()
        return job_id, job, True

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def _forget_old(self) -> None:
        now = time.monotonic()
        for job_id in [
            key for key, job in self._jobs.items() if job.finished_at and now - job.finished_at > KEEP_SECONDS
        ]:
            del self._jobs[job_id]


JOBS = Jobs()


def _services(request: Request) -> Any:
    return request.app.state.services


async def _cycle_and_summary(request: Request, slug: str) -> tuple[dict[str, Any], Any]:
    def run() -> tuple[dict[str, Any] | None, Any]:
        with _services(request).reader("budgeting", VIEW) as db:
            return budgeting_queries.cycle(db, slug, city_now()), queries.census_summary(db, slug)

    cycle, summary = await run_in_threadpool(run)
    if cycle is None:
        raise HTTPException(404)
    return cycle, summary


def _districts(cycle: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(district for area in cycle["spec"]["areas"] for district in area["districts"]))


async def census_page(request: Request) -> Response:
    require_role(request, STAFF)
    slug = request.path_params["slug"]
    cycle, summary = await _cycle_and_summary(request, slug)
    return render(request, TEMPLATE, _context(cycle, summary))


def _context(cycle: dict[str, Any], summary: Any, **values: Any) -> dict[str, Any]:
    return {"cycle": cycle, "summary": summary, "districts": _districts(cycle), "errors": {}, "refused": None,
            "job": None, "done": None, **values}  # fmt: skip


async def census_upload(request: Request) -> Response:
    user = require_role(request, STAFF)
    slug = request.path_params["slug"]
    cycle, summary = await _cycle_and_summary(request, slug)
    form = await request.form(max_part_size=MAX_BYTES)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors = {"file": gettext("Choose the census file (CSV) to import.")}
        return render(request, TEMPLATE, _context(cycle, summary, errors=errors), status_code=422)
    data, name = await upload.read(), upload.filename[:200]
    job_id, job, started = JOBS.start(_services(request), slug, data, user["id"], name)
    if not started:
        flash(
            request,
            gettext(
                "An import of this census is under way: here is its progress. Upload your file again once it is over."
            ),
        )
    waiting = asyncio.wrap_future(job.future)
    waiting.add_done_callback(_seen)
    await asyncio.wait({waiting}, timeout=WAIT_SECONDS)  # still reading: its progress page follows it
    if job.future.done() and job.future.exception() is not None:
        return _outcome_page(request, cycle, summary, job)
    return RedirectResponse(request.url_for("budgeting_census_progress", slug=slug, job=job_id), status_code=303)


def _seen(waiting: asyncio.Future[Any]) -> None:
    """The page reads the outcome from the job: asyncio need not report a refusal as unhandled."""
    if not waiting.cancelled():
        waiting.exception()


async def census_progress(request: Request) -> Response:
    require_role(request, STAFF)
    slug = request.path_params["slug"]
    job = JOBS.get(request.path_params["job"])
    if job is None or job.slug != slug:
        # Over long ago, or run by another node or before a restart: the census page says where it stands.
        await _cycle_and_summary(request, slug)  # 404 for a cycle that does not exist
        flash(
            request, gettext("This import's progress is no longer known here: the census below is what was recorded.")
        )
        return RedirectResponse(request.url_for("budgeting_census", slug=slug), status_code=303)
    if job.future.done() and is_htmx(request):
        return Response(headers={"HX-Refresh": "true"})  # the poll ends: the whole page shows the outcome
    if job.future.done() and job.future.exception() is None:
        await see_own_write(request, job.future.result().position, VIEW)
    cycle, summary = await _cycle_and_summary(request, slug)
    if not job.future.done():
        return render(request, TEMPLATE, _context(cycle, summary, job=_job_context(job)), block="progress",
                      headers={"Cache-Control": "no-store"})  # fmt: skip
    return _outcome_page(request, cycle, summary, job)


def _job_context(job: Job) -> dict[str, Any]:
    if job.stage == READING:
        words = gettext("Reading and checking %(name)s: line %(done)s of %(total)s.", name=job.file_name,
                        done=f"{job.done:,}", total=f"{job.total:,}")  # fmt: skip
    else:
        words = gettext("Recording %(total)s entries in the log.", total=f"{job.total:,}")
    return {"percent": job.percent, "words": words, "stage": job.stage}


def _outcome_page(request: Request, cycle: dict[str, Any], summary: Any, job: Job) -> Response:
    error = job.future.exception()
    if isinstance(error, CensusFileError):
        refused = {"lines": [text.bad_line(bad) for bad in error.problems], "more": text.more_lines(error),
                   "name": job.file_name}  # fmt: skip
        return render(request, TEMPLATE, _context(cycle, summary, refused=refused), status_code=422)
    if isinstance(error, BudgetingError):
        errors = {"file": text.census_refusal(error)}
        return render(request, TEMPLATE, _context(cycle, summary, errors=errors), status_code=409)
    if error is not None:
        raise error
    report: CensusReport = job.future.result().result
    done = {"unchanged": report.unchanged, "count": report.count, "name": job.file_name}
    return render(request, TEMPLATE, _context(cycle, summary, done=done))


routes = [
    Route("/{slug}/census", census_page, name="budgeting_census"),
    Route("/{slug}/census", census_upload, methods=["POST"], name="budgeting_census_upload"),
    Route("/{slug}/census/progress/{job}", census_progress, name="budgeting_census_progress"),
]
UPLOADS = ("/budgeting/*/census",)  # bodies as large as CIVIC_MAX_UPLOAD_BYTES (a census: set it to 256 MB)
