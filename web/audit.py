"""The audit page: every event a person caused, in every context, filterable and paged."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from domain.accounts import ADMIN
from projections import audit as queries
from web.auth import require_role
from web.consistency import see_own_write
from web.i18n import gettext
from web.navigation import N_, NavItem
from web.parts import AuditWording, WebPart
from web.shell import ROLE_NAMES
from web.templating import render

MAX_PAGE = 100_000  # beyond this a filter narrows faster than paging does


def _page_number(raw: str | None) -> int:
    if raw is None or not raw.isdigit() or len(raw) > 6:
        return 1
    return max(1, min(int(raw), MAX_PAGE))


def _day(raw: str | None) -> str | None:
    try:
        return date.fromisoformat(raw).isoformat() if raw else None
    except ValueError:
        return None


async def audit(request: Request) -> Response:
    require_role(request, ADMIN)
    params = request.query_params
    wordings: dict[str, AuditWording] = request.app.state.audit_wordings
    context = params.get("context") or None
    where = queries.AuditFilter(
        context=context if context in wordings else None,
        actor=(params.get("actor") or None),
        since=_day(params.get("since")),
        until=_day(params.get("until")),
    )
    page = _page_number(params.get("page"))

    def read() -> tuple[list[dict[str, Any]], bool, list[dict[str, Any]]]:
        with request.app.state.services.reader("audit", "accounts") as db:
            rows, more = queries.audit_events(db, where, page=page)
            return rows, more, queries.audit_actors(db)

    # The trail is read as of now: wait (briefly, holding no lock) until it holds the log's head,
    # so a change made a moment ago on any page is already listed.
    services = request.app.state.services
    await see_own_write(request, await run_in_threadpool(services.log.position), "audit", "accounts")
    rows, has_next, actors = await run_in_threadpool(read)
    entries = [_entry(row, wordings) for row in rows]
    filters = {"context": where.context or "", "actor": where.actor or "", "since": where.since or "",
               "until": where.until or ""}  # fmt: skip
    return render(
        request,
        "admin/audit.html",
        {
            "entries": entries,
            "page": page,
            "has_next": has_next,
            "filters": filters,
            "contexts": [(name, wording.context) for name, wording in wordings.items()],
            "actors": actors,
            "role_names": ROLE_NAMES,
            "query": lambda **changes: _query({**filters, "page": page, **changes}),
        },
        block="results",
    )


def _entry(row: dict[str, Any], wordings: dict[str, AuditWording]) -> dict[str, Any]:
    wording = wordings.get(row["context"])
    label = wording.events.get(row["event"]) if wording else None
    return {
        **row,
        "what": gettext(label) if label else row["event"],
        "context_name": gettext(wording.context) if wording else row["context"],
        "link": wording.link(row["aggregate"], row["aggregate_id"]) if wording else None,
    }


def _query(values: dict[str, Any]) -> str:
    return "?" + urlencode({key: value for key, value in values.items() if value not in ("", None, 1)})


routes = [Mount("/admin/audit", routes=[Route("/", audit, name="audit")])]

part = WebPart(
    routes=routes,
    admin_nav=[NavItem(N_("Audit log"), "audit", ADMIN)],
    views=("audit", "accounts"),
)
