"""Plain ASGI middleware: language, security headers, body limits, cross-site refusal, rate limits."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from fnmatch import fnmatchcase
from ipaddress import IPv6Address, IPv6Network, ip_address

from starlette.datastructures import Headers, MutableHeaders, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web import i18n

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
LANG_COOKIE = "lang"


def request_locale(scope: Scope, default: str = i18n.ZH) -> str:
    headers = Headers(scope=scope)
    query = QueryParams(scope.get("query_string", b"")).get("lang")
    cookie = _cookie(headers.get("cookie", ""), LANG_COOKIE)
    fallback = i18n.normalize(default) or i18n.ZH  # CIVIC_DEFAULT_LOCALE
    return i18n.negotiate(query, cookie, headers.get("accept-language"), default=fallback)


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


class LocaleMiddleware:
    """Chooses the language; a ``?lang=`` choice is remembered in a cookie."""

    def __init__(self, app: ASGIApp, catalogs: dict, default: str = i18n.ZH) -> None:
        self.app = app
        self.catalogs = catalogs
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        locale = request_locale(scope, self.default)
        i18n.activate(locale, self.catalogs)
        scope.setdefault("state", {})
        scope["state"]["locale"] = locale
        scope["state"]["translations"] = i18n.current.get()
        chosen = QueryParams(scope.get("query_string", b"")).get("lang")

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Language"] = "zh-Hant-TW" if locale == i18n.ZH else "en"
                if chosen and i18n.normalize(chosen):
                    headers.append(
                        "Set-Cookie",
                        f"{LANG_COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax",
                    )
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def content_security_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(https_only: bool = False) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if https_only:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, https_only: bool = False) -> None:
        self.app = app
        self.headers = security_headers(https_only)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in self.headers.items():
                    headers.setdefault(key, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestRefusedError(Exception):
    """Raised by middleware so the app's error pages can answer in the user's language.

    ``reason`` picks a more precise explanation for the page (``"host"``); ``headers`` go on the
    answer (``Retry-After`` on a 429).
    """

    def __init__(self, status_code: int, reason: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(status_code)
        self.status_code = status_code
        self.reason = reason
        self.headers = headers or {}


class BodySizeLimitMiddleware:
    """Refuses bodies over the limit (413) before a route reads them."""

    def __init__(self, app: ASGIApp, max_bytes: int, upload_max_bytes: int, upload_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        # A prefix may hold * for a path segment's name: /budgeting/*/census.
        if any(fnmatchcase(scope["path"], prefix + "*") for prefix in self.upload_paths):
            limit = self.upload_max_bytes
        declared = Headers(scope=scope).get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise RequestRefusedError(413)
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise RequestRefusedError(413)
            return message

        await self.app(scope, counting_receive, send)


class CrossOriginProtection:
    """Refuses cross-site unsafe requests by Sec-Fetch-Site, else by Origin.

    Browsers send at least one of the two on every POST, so a forged form post from another site is
    refused without tokens in the templates. Requests with neither (curl, tests) are not from a
    browser and carry no ambient credentials worth forging.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS:
            headers = Headers(scope=scope)
            site = headers.get("sec-fetch-site")
            origin = headers.get("origin")
            if site is not None:
                if site not in ("same-origin", "none"):
                    raise RequestRefusedError(403)
            elif origin is not None and origin != "null":
                if origin != _own_origin(scope, headers):
                    raise RequestRefusedError(403)
            elif origin == "null":
                raise RequestRefusedError(403)
        await self.app(scope, receive, send)


def _own_origin(scope: Scope, headers: Headers) -> str:
    host = headers.get("host", "")
    return f"{scope.get('scheme', 'http')}://{host}"


MAX_ADDRESSES = 50_000
WINDOW_SECONDS = 60.0


def rate_key(address: str) -> str:
    """What one client is: its IPv4 address, or the /64 an IPv6 client gets from its provider."""
    try:
        parsed = ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is None:
        return str(IPv6Network((parsed, 64), strict=False))
    return str(parsed.ipv4_mapped or parsed) if isinstance(parsed, IPv6Address) else str(parsed)


class RateLimitMiddleware:
    """``per_minute`` state-changing requests per client address, 429 with ``Retry-After`` beyond.

    Each address keeps one number, the time its allowance is next fully used up (the generic cell
    rate algorithm, a token bucket of ``per_minute`` that refills evenly over a minute). An address
    idle for a minute has its whole allowance back and is dropped; the table is an LRU of at most
    ``max_addresses`` entries, so a flood of new addresses costs memory once and O(1) per request.
    """

    def __init__(
        self,
        app: ASGIApp,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        max_addresses: int = MAX_ADDRESSES,
    ) -> None:
        self.app = app
        self.per_minute = per_minute
        self.clock = clock
        self.max_addresses = max_addresses
        self.interval = WINDOW_SECONDS / per_minute if per_minute > 0 else 0.0
        self.burst = WINDOW_SECONDS - self.interval  # how far ahead of now an address may run
        self.windows: OrderedDict[str, float] = OrderedDict()  # address -> allowance used up at

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in UNSAFE_METHODS and self.per_minute > 0:
            self.check(rate_key((scope.get("client") or ("?", 0))[0]))
        await self.app(scope, receive, send)

    def check(self, key: str) -> None:
        now = self.clock()
        windows = self.windows
        while windows:  # least recently used first: drop those whose allowance is whole again
            oldest = next(iter(windows))
            if windows[oldest] > now:
                break
            del windows[oldest]
        used_up = max(windows.get(key, now), now)
        ahead = used_up - now
        if ahead > self.burst:
            windows.move_to_end(key)  # a client being refused stays remembered through a flood
            retry = max(1, math.ceil(ahead - self.burst))
            raise RequestRefusedError(429, headers={"Retry-After": str(retry)})
        windows[key] = used_up + self.interval
        windows.move_to_end(key)
        if len(windows) > self.max_addresses:
            windows.popitem(last=False)
