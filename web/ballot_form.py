"""The ballot form: a submitted form read into ``Choices`` per ballot kind, and the live meter.

The form's fields: approval and knapsack ballots check ``choice`` boxes (value: the project's
code); cumulative ballots fill ``points-<code>`` numbers; ranked ballots pick ``rank-<code>``
(1 = first). ``choices_from_form`` refuses what cannot be read with a ``BallotRuleError``, like
the rules themselves, so that the page words both the same way.

``POST /budgeting/{slug}/ballot/meter`` answers the meter for htmx as the voter chooses (the
fragment alone), or, without JavaScript, the whole ballot page with the meter filled, from the
"Check my ballot" button. It records nothing, so anyone may call it; like every POST it passes
the cross-origin check (web/middleware.py), and it reads only the public ballot. ``GET`` on the
same path (``?area=CODE``) shows an area's ballot to try, in any phase: a resident can see how
the ballot works before voting opens.

The cast itself is another route's (it renders the same ``budgeting/ballot_form.html``, with
``ballot_context`` and its own ``ballot_action``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from domain.budgeting.ballot_rules import DUPLICATE, MALFORMED, MARKED, Choices, Meter, meter
from domain.budgeting.errors import BallotRuleError
from domain.budgeting.service import city_now
from domain.budgeting.spec import CODE, CycleSpec
from projections import budgeting_queries as queries
from web import budgeting_text as text
from web.templating import is_htmx, render

MAX_NUMBER = 6  # digits of points or a rank: far above any cycle's points (spec: at most 10,000)


def choices_from_form(kind: str, form: FormData) -> Choices:
    """The choices the form carries, in the form's order; ``BallotRuleError`` when unreadable.

    An empty points field or an unranked project is simply not chosen; whether the choices then
    keep the cycle's rules is for ``check_choices`` (or the meter) to say.
    """
    choices: Choices = {}

    def add(code: str, value: int) -> None:
        if not CODE.match(code):
            raise BallotRuleError(MALFORMED, part=code[:40] or "?")
        if code in choices:
            raise BallotRuleError(DUPLICATE, project=code)
        choices[code] = value

    if kind in MARKED:
        for code in form.getlist("choice"):
            add(str(code), 1)
        return choices
    prefix = "points-" if kind == "cumulative" else "rank-"
    for key, raw in form.multi_items():
        if not key.startswith(prefix):
            continue
        value = str(raw).strip()
        if not value or (kind == "cumulative" and value == "0"):
            if key[len(prefix) :] in choices:
                raise BallotRuleError(DUPLICATE, project=key[len(prefix) :])
            continue
        if not value.isascii() or not value.isdecimal() or len(value) > MAX_NUMBER:
            raise BallotRuleError(MALFORMED, part=f"{key[len(prefix) :][:40]}: {value[:20]}")
        add(key[len(prefix) :], int(value))
    return choices


def ballot_context(
    spec_data: Mapping[str, Any], area_code: str, rows: list[dict[str, Any]], form: FormData | None
) -> dict[str, Any]:
    """What ``budgeting/ballot_form.html`` shows: the area's entries, the choices (as the voter
    left them) and the meter, with every problem already in the page's language."""
    spec = CycleSpec.from_dict(dict(spec_data))
    area = next((area for area in spec_data["areas"] if area["code"] == area_code), None)
    if area is None:
        raise HTTPException(404)
    entries = {row["code"]: row["cost"] for row in rows}
    problems: list[str] = []
    try:
        choices = choices_from_form(spec.ballot.kind, form) if form is not None else {}
    except BallotRuleError as error:
        choices = {}
        problems.append(text.ballot_problem(error.problem, error.params))
    shown: Meter = meter(spec, area_code, entries, choices)
    problems += [text.ballot_problem(problem.code, problem.params) for problem in shown.problems]
    return {
        "ballot_spec": spec, "ballot_area": area, "ballot_entries": rows, "ballot_rules": spec.ballot,
        "choices": choices, "meter": shown, "ballot_problems": problems,
        "ballot_checked": form is not None,
    }  # fmt: skip


async def ballot_meter(request: Request) -> Response:
    """GET: the area's ballot to try (``?area=CODE``), meter empty. POST: the meter for the choices."""
    slug = request.path_params["slug"]
    form = await request.form() if request.method == "POST" else None
    area_code = str((form or request.query_params).get("area", ""))

    def read() -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        with request.app.state.services.reader("budgeting") as db:
            found = queries.cycle(db, slug, city_now())
            return found, (queries.ballot(db, found["id"]).get(area_code, []) if found else [])

    found, rows = await run_in_threadpool(read)
    if found is None:
        raise HTTPException(404)
    context = {
        "cycle": found, "spec": found["spec"],
        **ballot_context(found["spec"], area_code, rows, form),
        "ballot_action": request.url_for("budgeting_ballot_meter", slug=slug),
    }  # fmt: skip
    if is_htmx(request):
        return render(request, "budgeting/ballot_meter.html", context)
    return render(request, "budgeting/ballot_check.html", context)
