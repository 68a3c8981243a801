"""The shell's own pages: home, the account page, and role administration with its audit trail."""

from __future__ import annotations

from uuid import UUID

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from domain.accounts import ADMIN, ROLES
from projections import accounts as account_queries
from web.auth import require_role, require_user
from web.navigation import N_, NavItem
from web.templating import is_htmx, render

ROLE_NAMES = {
    "resident": N_("Resident"),
    "reviewer": N_("Reviewer"),
    "translator": N_("Translator"),
    "staff": N_("City staff"),
    "admin": N_("Administrator"),
}


async def home(request: Request) -> Response:
    return render(request, "home.html", {"widgets": request.app.state.home_widgets(request)})


async def account_page(request: Request) -> Response:
    user = require_user(request)
    return render(request, "account.html", {"account": user, "role_names": ROLE_NAMES})


async def accounts_admin(request: Request) -> Response:
    require_role(request, ADMIN)
    with request.app.state.services.reader() as db:
        rows = account_queries.accounts(db)
    return render(
        request, "admin/accounts.html", {"accounts": rows, "roles": ROLES, "role_names": ROLE_NAMES}, block="accounts"
    )


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
        await run_in_threadpool(services.accounts.grant, account_id, role, user["id"])
    else:
        with services.reader() as db:
            admins = account_queries.admin_count(db)
        await run_in_threadpool(services.accounts.revoke, account_id, role, user["id"], admins)
    await run_in_threadpool(services.wait_for_writes)
    if is_htmx(request):
        return await accounts_admin(request)
    return RedirectResponse(request.url_for("accounts_admin"), status_code=303)


async def audit(request: Request) -> Response:
    require_role(request, ADMIN)
    with request.app.state.services.reader() as db:
        changes = account_queries.role_changes(db)
    return render(request, "admin/audit.html", {"changes": changes, "role_names": ROLE_NAMES})


async def health(request: Request) -> Response:
    services = request.app.state.services
    return JSONResponse({"log": services.log.position(), "read_model": services.projector.position()})


routes = [
    Route("/", home, name="home"),
    Route("/account", account_page, name="account"),
    Route("/admin/accounts", accounts_admin, name="accounts_admin"),
    Route("/admin/accounts/{account_id}/roles", change_role, methods=["POST"], name="change_role"),
    Route("/admin/audit", audit, name="audit"),
    Route("/healthz", health, name="health"),
]

nav = [NavItem(N_("Home"), "home")]

# Administration comes last in the navigation, after every context's pages.
admin_nav = [
    NavItem(N_("Accounts"), "accounts_admin", ADMIN),
    NavItem(N_("Audit log"), "audit", ADMIN),
]
