"""``create_app(settings)``: builds the platform from the contexts' web parts. The only place that
wires the web to the services.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from civic.contexts import all_contexts
from civic.services import Services, build_services
from civic.settings import Settings
from web import i18n
from web.auth import CurrentUserMiddleware, make_oauth
from web.consistency import FollowOwnWritesMiddleware
from web.dispatch import index_routes
from web.edge import EdgeMiddleware
from web.errors import exception_handlers
from web.hosts import ForwardedHeadersMiddleware
from web.parts import AuditWording, WebPart
from web.sessions import EncryptedSessionMiddleware
from web.templating import make_environment
from web.urls import RouteIndex

STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"


def web_parts() -> list[tuple[str, WebPart]]:
    """Each context's web part, in the contexts' order."""
    return [(context.name, importlib.import_module(context.web).part) for context in all_contexts() if context.web]


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    services = services or build_services(settings, background=True)
    catalogs = i18n.load_catalogs()
    parts = web_parts()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Follow the log from the start: other nodes and the command line write to it too.
        services.read_models.start()
        yield

    middleware = [
        # First, so that everything after sees the real client address and scheme.
        Middleware(ForwardedHeadersMiddleware, trusted=settings.trusted_proxy_networks()),
        # Language, security headers, refusals as error pages, allowed hosts, cross-site refusal,
        # rate limit and body size, in that order, in one layer.
        Middleware(
            EdgeMiddleware,
            catalogs=catalogs,
            default_locale=settings.default_locale,
            https_only=settings.https_only,
            allowed_hosts=settings.allowed_host_names(),
            rate_limit_per_minute=settings.rate_limit_per_minute,
            max_body_bytes=settings.max_body_bytes,
            upload_max_bytes=settings.max_upload_bytes,
            upload_paths=tuple(path for _, part in parts for path in part.uploads),
        ),
        Middleware(
            EncryptedSessionMiddleware,
            secret_key=settings.session_secret(),
            session_cookie="civic_session",
            same_site="lax",
            https_only=settings.https_only,
            max_age=8 * 3600,
            public_prefixes=("/static/",),
        ),
        # Inside the session, before the signed-in account is looked up: a write (or a sign-in)
        # made through another node is waited for here first.
        Middleware(FollowOwnWritesMiddleware),
        Middleware(CurrentUserMiddleware),
    ]
    errors: dict = {}
    filters: dict = {}
    for _, part in parts:
        errors.update(part.errors)
        filters.update(part.filters(services))
    app = Starlette(
        routes=[
            *(route for _, part in parts for route in part.routes),
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        middleware=middleware,
        exception_handlers=exception_handlers(errors),
        lifespan=lifespan,
    )
    index_routes(app.router)
    app.state.settings = settings
    app.state.services = services
    app.state.catalogs = catalogs
    app.state.oauth = make_oauth(settings)
    app.state.logger = logging.getLogger("civic")
    app.state.jinja = make_environment(filters)
    app.state.urls = RouteIndex(app.routes)
    # Every context's pages, then administration last.
    app.state.nav_items = [item for _, part in parts for item in part.nav] + [
        item for _, part in parts for item in part.admin_nav
    ]
    app.state.static_url = lambda path: f"/static/{path}"
    app.state.home_widgets = [(part.views, widget) for _, part in parts for widget in part.home_widgets]
    app.state.audit_wordings = _audit_wordings(parts)
    return app


def _audit_wordings(parts: list[tuple[str, WebPart]]) -> dict[str, AuditWording]:
    return {part.audit.code: part.audit for _, part in parts if part.audit}
