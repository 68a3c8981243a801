"""``create_app(settings)``: builds the platform. The only place that wires web to services."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from civic import i18n
from civic.services import Services, build_services
from civic.settings import Settings
from web import routes as web_routes
from web.auth import CurrentUserMiddleware, make_oauth
from web.errors import RefusalMiddleware, exception_handlers
from web.hosts import AllowedHostsMiddleware, ForwardedHeadersMiddleware
from web.sessions import EncryptedSessionMiddleware
from web.middleware import (
    BodySizeLimitMiddleware,
    CrossOriginProtection,
    LocaleMiddleware,
    RateLimitMiddleware,
    SecurityHeadersMiddleware,
)
from web.templating import make_environment

STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
FOLLOW_INTERVAL_SECONDS = 1.0


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    services = services or build_services(settings)
    catalogs = i18n.load_catalogs()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Serve nothing older than the log, then follow it: other nodes write to it too.
        await asyncio.to_thread(services.catch_up)
        follower = asyncio.create_task(_follow(services))
        try:
            yield
        finally:
            follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await follower

    middleware = [
        # First, so that everything after sees the real client address and scheme.
        Middleware(ForwardedHeadersMiddleware, trusted=settings.trusted_proxy_networks()),
        Middleware(LocaleMiddleware, catalogs=catalogs, default=settings.default_locale),
        Middleware(SecurityHeadersMiddleware, https_only=settings.https_only),
        Middleware(RefusalMiddleware),
        Middleware(AllowedHostsMiddleware, allowed=settings.allowed_host_names()),
        Middleware(CrossOriginProtection),
        Middleware(RateLimitMiddleware, per_minute=settings.rate_limit_per_minute),
        Middleware(
            BodySizeLimitMiddleware,
            max_bytes=settings.max_body_bytes,
            upload_max_bytes=settings.max_upload_bytes,
            upload_paths=web_routes.UPLOAD_PATHS,
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
        Middleware(CurrentUserMiddleware),
    ]
    app = Starlette(
        routes=[*web_routes.all_routes(), Mount("/static", StaticFiles(directory=STATIC_DIR), name="static")],
        middleware=middleware,
        exception_handlers=exception_handlers(web_routes.exception_handlers()),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = services
    app.state.catalogs = catalogs
    app.state.oauth = make_oauth(settings)
    app.state.logger = logging.getLogger("civic")
    app.state.jinja = make_environment(web_routes.template_filters(services))
    app.state.nav_items = web_routes.all_nav()
    app.state.static_url = lambda path: f"/static/{path}"
    app.state.home_widgets = _home_widgets(services)
    return app


def _home_widgets(services: Services) -> Callable[[Request], list[dict]]:
    def widgets(request: Request) -> list[dict]:
        with services.reader() as db:
            return [widget for provider in web_routes.HOME_WIDGETS if (widget := provider(db))]

    return widgets


async def _follow(services: Services) -> None:
    while True:
        await asyncio.sleep(FOLLOW_INTERVAL_SECONDS)
        try:
            await asyncio.to_thread(services.catch_up)
        except Exception:  # keep following; the next round retries
            logging.getLogger("civic").exception("read-model follower failed")
