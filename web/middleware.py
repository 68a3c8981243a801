"""What the edge of the app checks and adds (web/edge.py runs them): the request's language, the
security headers, the cross-site refusal, and the rate limit (also a plain ASGI middleware)."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from ipaddress import IPv6Address, IPv6Network, ip_address

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from web import i18n

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
LANG_COOKIE = "lang"


def request_locale(scope: Scope, default: str = i18n.ZH) -> str:
    headers = Headers(scope=scope)
    query = QueryParams(scope.get("query_string", b"")).get("lang")
    cookie = cookie_value(headers.get("cookie", ""), LANG_COOKIE)
    fallback = i18n.normalize(default) or i18n.ZH  # CIVIC_DEFAULT_LOCALE
    return i18n.negotiate(query, cookie, headers.get("accept-language"), default=fallback)


def cookie_value(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


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


def cross_site(scope: Scope, site: str | None, origin: str | None, host: str) -> bool:
    """Whether an unsafe request comes from another site: by Sec-Fetch-Site, else by Origin.

    Browsers send at least one of the two on every POST, so a forged form post from another site is
    refused without tokens in the templates. Requests with neither (curl, tests) are not from a
    browser and carry no ambient credentials worth forging. ``host``: the request's Host header.
    """
    if site is not None:
        return site not in ("same-origin", "none")
    if origin is not None and origin != "null":
        return origin != _own_origin(scope, host)
    return origin == "null"


def _own_origin(scope: Scope, host: str) -> str:
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
