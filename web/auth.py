"""Sign-in with OpenID Connect (authorization code + PKCE), sign-out, and who is signed in."""

from __future__ import annotations

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import OAuth
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from civic.settings import Settings
from projections import accounts as account_queries
from web.consistency import see_own_write
from web.templating import render

SESSION_KEY = "account_id"


def make_oauth(settings: Settings) -> OAuth:
    oauth = OAuth()
    oauth.register(
        name="city",
        server_metadata_url=settings.oidc_metadata_url,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        client_kwargs={"scope": "openid profile email", "code_challenge_method": "S256"},
    )
    return oauth


def safe_next(target: str | None) -> str:
    """Only local paths: a sign-in link must not become an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


async def login(request: Request) -> Response:
    request.session["next"] = safe_next(request.query_params.get("next"))
    client = request.app.state.oauth.city
    redirect_uri = request.url_for("auth_callback")
    try:
        return await client.authorize_redirect(request, str(redirect_uri))
    except Exception as exc:  # the provider is down or its metadata is unreadable
        request.app.state.logger.warning("sign-in provider unavailable: %s", exc)
        return render(request, "login_unavailable.html", status_code=503)


async def auth_callback(request: Request) -> Response:
    client = request.app.state.oauth.city
    try:
        token = await client.authorize_access_token(request)
    except OAuthError:
        raise HTTPException(400) from None
    claims = token.get("userinfo") or {}
    if not claims.get("sub") or not claims.get("iss"):
        raise HTTPException(400)
    name = claims.get("name") or claims.get("preferred_username") or claims.get("nickname") or claims["sub"]
    services = request.app.state.services
    account_id = await run_in_threadpool(services.accounts.sign_in, claims["iss"], claims["sub"], name)
    await see_own_write(request, services.log.position(), "accounts")
    next_url = safe_next(request.session.pop("next", None))
    request.session.clear()
    request.session[SESSION_KEY] = str(account_id)
    return RedirectResponse(next_url, status_code=303)


async def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/", status_code=303)


routes = [
    Route("/login", login, methods=["GET"], name="login"),
    Route("/auth/callback", auth_callback, methods=["GET"], name="auth_callback"),
    Route("/logout", logout, methods=["POST"], name="logout"),
]


class CurrentUserMiddleware:
    """Puts the signed-in account (from the read model) on ``request.state.user``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})
            scope["state"]["user"] = None
            account_id = scope.get("session", {}).get(SESSION_KEY)
            if account_id:
                services = scope["app"].state.services
                with services.reader() as db:
                    scope["state"]["user"] = account_queries.account(db, account_id)
        await self.app(scope, receive, send)


def require_user(request: Request) -> dict:
    user = request.state.user
    if user is None:
        raise HTTPException(401)
    return user


def require_role(request: Request, role: str) -> dict:
    """The page-level check; the service checks again before any event is recorded."""
    user = require_user(request)
    if role not in user["roles"]:
        raise HTTPException(403)
    return user
