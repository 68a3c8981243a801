"""The shell's own pages: home, the account page, and role administration with its audit trail."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from domain.accounts import ADMIN, ROLES, LastAdminError
from projections import accounts as account_queries
from projections.readmodels import READY, ViewStatus, ViewUnavailableError
from projections.runner import MAIN_LOG
from web import auth
from web.auth import require_role, require_user
from web.consistency import see_own_write
from web.flash import flash
from web.i18n import gettext
from web.navigation import N_, NavItem
from web.parts import AuditWording, WebPart
from web.templating import SharedPage, is_htmx, render

ROLE_NAMES = {
    "resident": N_("Resident"),
    "reviewer": N_("Reviewer"),
    "translator": N_("Translator"),
    "staff": N_("City staff"),
    "admin": N_("Administrator"),
}


async def home(request: Request) -> Response:
    views = tuple(dict.fromkeys(name for names, _ in request.app.state.home_widgets for name in names))
    shared = SharedPage.of(request, views, ("home",))  # for visitors without a session
    recalled = shared.recalled() if shared else None
    if recalled is not None:
        return recalled
    widgets = await run_in_threadpool(home_widgets, request)
    response = render(request, "home.html", {"widgets": widgets})
    return shared.keep(response) if shared else response


async def account_page(request: Request) -> Response:
    user = require_user(request)
    return render(request, "account.html", {"account": user, "role_names": ROLE_NAMES})


ACCOUNTS_PER_PAGE = 50  # a city has hundreds of thousands of accounts


async def accounts_admin(request: Request, error: str = "", status_code: int = 200) -> Response:
    require_role(request, ADMIN)
    search = request.query_params.get("q", "").strip()[:100]
    raw_page = request.query_params.get("page", "")
    page = min(int(raw_page), 100_000) if raw_page.isdigit() and 0 < len(raw_page) <= 6 and int(raw_page) > 0 else 1
    with request.app.state.services.reader("accounts") as db:
        rows, total = account_queries.accounts_page(db, search, page, ACCOUNTS_PER_PAGE)

    def link(number: int) -> str:
        return "?" + urlencode({key: value for key, value in (("q", search), ("page", number)) if value})

    return render(
        request, "admin/accounts.html",
        {"accounts": rows, "roles": ROLES, "role_names": ROLE_NAMES, "error": error, "search": search,
         "page": page, "per_page": ACCOUNTS_PER_PAGE, "total": total, "has_next": page * ACCOUNTS_PER_PAGE < total, "link": link},
        block="accounts", status_code=status_code,
    )  # fmt: skip


async def change_role(request: Request) -> Response:
    user = require_role(request, ADMIN)
    services = request.app.state.services
    form = await request.form()
    role, change = str(form.get("role", "")), str(form.get("change", ""))
    try:
        account_id = UUID(request.path_params["account_id"])
    except ValueError:
        raise HTTPException(404) from None
    if role not in ROLES or change not in ("grant", "revoke"):
        raise HTTPException(400)
    if change == "grant":
        recorded = await run_in_threadpool(services.accounts.grant, account_id, role, user["id"])
    else:
        with services.reader("accounts") as db:
            admins = account_queries.admin_count(db)
        try:
            recorded = await run_in_threadpool(services.accounts.revoke, account_id, role, user["id"], admins)
        except LastAdminError:
            message = gettext(
                "The last administrator cannot be removed. Grant the administrator role to someone else first."
            )
            return await accounts_admin(request, message, 409)
    await see_own_write(request, recorded.position, "accounts")
    name = await run_in_threadpool(_account_name, services, account_id)
    role_name = gettext(ROLE_NAMES[role])
    if recorded.position == 0:  # nothing was recorded: it was already so
        already = (
            N_("%(name)s already has the role %(role)s.")
            if change == "grant"
            else N_("%(name)s does not have the role %(role)s.")
        )
        flash(request, gettext(already, name=name, role=role_name))
    elif change == "grant":
        flash(request, gettext("Granted the role %(role)s to %(name)s.", name=name, role=role_name))
    else:
        flash(request, gettext("Revoked the role %(role)s from %(name)s.", name=name, role=role_name))
    if is_htmx(request):
        return await accounts_admin(request)
    return RedirectResponse(request.url_for("accounts_admin"), status_code=303)


def _account_name(services, account_id: UUID) -> str:
    with services.reader("accounts") as db:
        found = account_queries.account(db, str(account_id))
    return str(found["name"]) if found else str(account_id)


class HealthReadings:
    """Health checks that arrive together share one reading, made after each of them arrived.

    A check that finds no reading waiting to start asks for one (a task, started once the event
    loop gets to it); every check that arrives before that task starts joins it. So each answer is
    read after its check arrived, as if it had read alone, while a crowd of checks costs one
    reading of the logs' heads per round instead of one per check.
    """

    def __init__(self, services: Any) -> None:
        self.services = services
        self.waiting: asyncio.Future[tuple[bytes, int]] | None = None
        self.reading: asyncio.Task[None] | None = None  # kept: the loop holds tasks only weakly

    async def answer(self) -> tuple[bytes, int]:
        if self.waiting is None or self.waiting.get_loop() is not asyncio.get_running_loop():
            self.waiting = asyncio.get_running_loop().create_future()
            self.reading = asyncio.ensure_future(self._read(self.waiting))
        return await asyncio.shield(self.waiting)

    async def _read(self, done: asyncio.Future[tuple[bytes, int]]) -> None:
        if self.waiting is done:
            self.waiting = None  # from here on, a check that arrives asks for the next reading
        try:
            heads, statuses = await run_in_threadpool(self.services.read_models.overview)
            done.set_result(health_body(heads, statuses, self.services.settings.health_max_lag))
        except BaseException as error:
            done.set_exception(error)
            if not isinstance(error, Exception):
                raise


def health_body(heads: dict[str, int], statuses: list[ViewStatus], bound: int) -> tuple[bytes, int]:
    healthy = all(status.state == READY and status.behind <= bound for status in statuses)
    body = {
        "status": "ok" if healthy else "degraded",
        "log": heads[MAIN_LOG],
        "logs": heads,  # the ballot box counts on its own
        "max_behind": bound,
        "views": {status.name: dict(status.__dict__) for status in statuses},
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), 200 if healthy else 503


async def health(request: Request) -> Response:
    """Each view's position against the log's, truthfully: 503 when one is failed, building or behind.

    One reading of each log's head, in one trip to a worker thread, shared by the checks that
    arrive together (``HealthReadings``): it was two readings and two trips per check (and a deep
    copy of every status), which made the check dearer than a public page."""
    state = request.app.state
    if getattr(state, "health_readings", None) is None:
        state.health_readings = HealthReadings(state.services)
    body, status_code = await state.health_readings.answer()
    return Response(body, status_code=status_code, media_type="application/json",
                    headers={"Cache-Control": "no-store"})  # fmt: skip


routes = [
    Route("/", home, name="home"),
    Route("/account", account_page, name="account"),
    Route("/admin/accounts", accounts_admin, name="accounts_admin"),
    Route("/admin/accounts/{account_id}/roles", change_role, methods=["POST"], name="change_role"),
    Route("/healthz", health, name="health"),
]

nav = [NavItem(N_("Home"), "home")]

# Administration comes last in the navigation, after every context's pages.
admin_nav = [NavItem(N_("Accounts"), "accounts_admin", ADMIN)]


def home_widgets(request: Request) -> list[dict]:
    """The home page's panels, one per context that offers one (see ``WebPart.home_widgets``)."""
    widgets = []
    for views, provider in request.app.state.home_widgets:
        try:  # the same for everyone, until one of the views it reads moves on
            widget = request.app.state.services.cached(views, ("home widget", provider), provider)
        except ViewUnavailableError:
            continue  # that part is being rebuilt: the home page still shows the rest
        if widget:
            widgets.append(widget)
    return widgets


AUDIT = AuditWording(
    code="accounts",
    context=N_("Accounts"),
    events={
        "Account.Registered": N_("Signed in for the first time"),
        "Account.Renamed": N_("Changed display name"),
        "Account.RoleGranted": N_("Role granted"),
        "Account.RoleRevoked": N_("Role revoked"),
        "Account.SignedOut": N_("Signed out"),
        "Account.SignedOutEverywhere": N_("Signed out everywhere"),
    },
)

part = WebPart(routes=[*routes, *auth.routes], nav=nav, admin_nav=admin_nav, audit=AUDIT, views=("accounts",))
