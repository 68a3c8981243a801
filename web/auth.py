"""Sign-in with OpenID Connect (authorization code + PKCE), sign-out, and who is signed in.

Each sign-in starts a session with a random id and its start time, kept in the encrypted cookie
(``web.sessions``). Ending a session is an event in the log (``SignedOut``,
``SignedOutEverywhere``, ``RoleRevoked``), so every node refuses the cookie once its read model
has the event: ``CurrentUserMiddleware`` checks on every request.
"""

from __future__ import annotations

import secrets
import time
from typing import Protocol
from uuid import UUID

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.starlette_client import OAuth
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from projections import accounts as account_queries
from web.consistency import see_own_write
from web.templating import render
from web.threads import in_thread

SESSION_KEY = "account_id"
SESSION_ID_KEY = "session_id"
SIGNED_IN_AT_KEY = "signed_in_at"


class ProviderSettings(Protocol):
    """What sign-in reads of the settings (``civic.settings.Settings`` has these)."""

    @property
    def oidc_metadata_url(self) -> str: ...

    @property
    def oidc_client_id(self) -> str: ...

    @property
    def oidc_client_secret(self) -> str: ...


def make_oauth(settings: ProviderSettings) -> OAuth:
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
    recorded = await run_in_threadpool(services.accounts.sign_in, claims["iss"], claims["sub"], name)
    # Nothing new recorded (a known account): it may have been registered through another node,
    # so wait for the log as it stands rather than for nothing.
    position = recorded.position or await run_in_threadpool(services.log.position)
    await see_own_write(request, position, "accounts")
    next_url = safe_next(request.session.pop("next", None))
    request.session.clear()
    request.session.update(
        {
            SESSION_KEY: str(recorded.result),
            SESSION_ID_KEY: secrets.token_urlsafe(18),
            SIGNED_IN_AT_KEY: time.time(),
        }
    )
    return RedirectResponse(next_url, status_code=303)


async def logout(request: Request) -> Response:
    """Ends this session on every node, not only in this browser."""
    session = request.session
    # An ended session was already cleared by CurrentUserMiddleware; one this node's read model
    # does not know yet is still ended in the log.
    account_id, session_id = session.get(SESSION_KEY), session.get(SESSION_ID_KEY)
    if account_id and session_id:
        services = request.app.state.services
        recorded = await run_in_threadpool(services.accounts.sign_out, UUID(str(account_id)), str(session_id))
        await see_own_write(request, recorded.position, "accounts")
    session.clear()
    return RedirectResponse("/", status_code=303)


async def sign_out_everywhere(request: Request) -> Response:
    """Ends every session of the signed-in account: other browsers, other devices, this one."""
    user = require_user(request)
    services = request.app.state.services
    recorded = await run_in_threadpool(services.accounts.sign_out_everywhere, UUID(user["id"]))
    await see_own_write(request, recorded.position, "accounts")
    request.session.clear()
    return RedirectResponse("/", status_code=303)


routes = [
    Route("/login", login, methods=["GET"], name="login"),
    Route("/auth/callback", auth_callback, methods=["GET"], name="auth_callback"),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/account/sign-out-everywhere", sign_out_everywhere, methods=["POST"], name="sign_out_everywhere"),
]


class CurrentUserMiddleware:
    """Puts the signed-in account (from the read model) on ``request.state.user``.

    A session that ended (signed out, everywhere, or a role revoked) is cleared, and the browser is
    told to forget its cookie. A session whose account this node's read model does not know yet
    (signed in through another node a moment ago) is left alone: it is only not signed in here yet.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})
            scope["state"]["user"] = None
            session = scope.get("session", {})
            account_id = session.get(SESSION_KEY)
            if account_id:
                # On a worker thread: the query gives up the GIL, and the event loop's thread
                # waited for it back behind the voting threads (a fifth of its time, 50 casting).
                scope["state"]["user"] = await in_thread(self._user, scope, session, str(account_id))
        await self.app(scope, receive, send)

    def _user(self, scope: Scope, session: dict, account_id: str) -> dict | None:
        signed_in_at = session.get(SIGNED_IN_AT_KEY)
        session_id = session.get(SESSION_ID_KEY)
        with scope["app"].state.services.reader("accounts") as db:
            if isinstance(signed_in_at, (int, float)) and isinstance(session_id, str):
                user = account_queries.signed_in_account(db, account_id, session_id, float(signed_in_at))
                if user is not None:
                    return user
                if account_queries.account(db, account_id) is None:
                    return None  # not in this node's read model yet
        session.clear()  # ended, or from before sessions had ids
        return None


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
