"""The checks and headers every request gets, in one plain ASGI layer.

In order, as seven layers did them before (each its own coroutine and, for three of them, its own
wrapper around ``send``; each reading the request's headers again):

1. **language**: ``?lang=`` → ``lang`` cookie → ``Accept-Language`` → the default; activated for
   the request, put on ``scope["state"]``, answered as ``Content-Language``, and a ``?lang=``
   choice remembered in a cookie;
2. **security headers** on every answer (those an answer sets itself are kept);
3. **refusals**: what a check below (or anything inside) raises as ``RequestRefusedError``
   before the answer started is answered with the error page, in the request's language and with
   the headers above;
4. **allowed hosts** (400 for a ``Host`` this site does not answer to);
5. **cross-site refusal** of unsafe methods, by ``Sec-Fetch-Site`` else ``Origin`` (403);
6. **rate limit** of unsafe methods per client address (429 with ``Retry-After``);
7. **body size** (413, by ``Content-Length`` and as the body is read).

The request's headers are read once, into the few values these need (each header's first
occurrence, as ``Headers.get`` reads it). Answers that only depend on a header's text (a language
negotiated, a host allowed) are kept in small tables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from fnmatch import translate

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web import i18n
from web.errors import refusal_page
from web.hosts import host_allowed
from web.middleware import (
    LANG_COOKIE,
    UNSAFE_METHODS,
    RateLimitMiddleware,
    RequestRefusedError,
    cookie_value,
    cross_site,
    rate_key,
    security_headers,
)

KEPT_ANSWERS = 512  # distinct header texts remembered per table (cleared when full)
_WANTED = {b"host", b"cookie", b"accept-language", b"sec-fetch-site", b"origin", b"content-length"}


class EdgeMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        catalogs: dict,
        default_locale: str = i18n.ZH,
        https_only: bool = False,
        allowed_hosts: Sequence[str] = ("*",),
        rate_limit_per_minute: int = 0,
        max_body_bytes: int,
        upload_max_bytes: int,
        upload_paths: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.catalogs = catalogs
        self.default_locale = i18n.normalize(default_locale) or i18n.ZH  # CIVIC_DEFAULT_LOCALE
        self.headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in security_headers(https_only).items()
        ]
        self.allowed_hosts = tuple(allowed_hosts)
        self.limiter = RateLimitMiddleware(app, per_minute=rate_limit_per_minute)
        self.max_body_bytes = max_body_bytes
        self.upload_max_bytes = upload_max_bytes
        # A prefix may hold * for a path segment's name: /budgeting/*/census (fnmatch, as before).
        self.uploads = (
            re.compile("|".join(translate(prefix + "*") for prefix in upload_paths)) if upload_paths else None
        )
        self._locales: dict[tuple[str | None, str | None, str | None], str] = {}
        self._hosts: dict[str, bool] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket" and not self._host_allowed(_first_headers(scope).get(b"host", "")):
                raise RequestRefusedError(400, reason="host")
            await self.app(scope, receive, send)
            return
        found = _first_headers(scope)
        chosen = _lang_query(scope.get("query_string", b""))
        locale = self._locale(
            chosen, cookie_value(found.get(b"cookie", ""), LANG_COOKIE), found.get(b"accept-language")
        )
        i18n.activate(locale, self.catalogs)
        state = scope.setdefault("state", {})
        state["locale"] = locale
        state["translations"] = i18n.current.get()
        language = b"zh-Hant-TW" if locale == i18n.ZH else b"en"
        remember = (
            f"{LANG_COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax".encode()
            if chosen and i18n.normalize(chosen)
            else None
        )
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", ()))
                present = {name for name, _ in headers}
                headers.extend(item for item in self.headers if item[0] not in present)
                if b"content-language" in present:
                    headers = [item for item in headers if item[0] != b"content-language"]
                headers.append((b"content-language", language))
                if remember is not None:
                    headers.append((b"set-cookie", remember))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, self._checked(scope, found, receive), send_with_headers)
        except RequestRefusedError as refusal:
            if started:
                raise
            response = refusal_page(Request(scope, receive), refusal)
            await response(scope, receive, send_with_headers)

    def _checked(self, scope: Scope, found: dict[bytes, str], receive: Receive) -> Receive:
        """Refuses the request (host, cross-site, rate, declared size) or gives the body's reader."""
        if not self._host_allowed(found.get(b"host", "")):
            raise RequestRefusedError(400, reason="host")
        if scope["method"] in UNSAFE_METHODS:
            if cross_site(scope, found.get(b"sec-fetch-site"), found.get(b"origin"), found.get(b"host", "")):
                raise RequestRefusedError(403)
            if self.limiter.per_minute > 0:
                self.limiter.check(rate_key((scope.get("client") or ("?", 0))[0]))
        limit = self.max_body_bytes
        if self.uploads is not None and self.uploads.match(scope["path"]):
            limit = self.upload_max_bytes
        declared = found.get(b"content-length")
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

        return counting_receive

    def _locale(self, query: str | None, cookie: str | None, accept_language: str | None) -> str:
        key = (query, cookie, accept_language)
        locale = self._locales.get(key)
        if locale is None:
            locale = i18n.negotiate(query, cookie, accept_language, default=self.default_locale)
            if len(self._locales) >= KEPT_ANSWERS:
                self._locales.clear()
            self._locales[key] = locale
        return locale

    def _host_allowed(self, host: str) -> bool:
        allowed = self._hosts.get(host)
        if allowed is None:
            allowed = host_allowed(host, self.allowed_hosts)
            if len(self._hosts) >= KEPT_ANSWERS:
                self._hosts.clear()
            self._hosts[host] = allowed
        return allowed


def _first_headers(scope: Scope) -> dict[bytes, str]:
    """The first value of each header these checks read (as ``Headers.get`` gives it)."""
    found: dict[bytes, str] = {}
    for name, value in scope.get("headers", ()):
        if name in _WANTED and name not in found:
            found[name] = value.decode("latin-1")
    return found


def _lang_query(query_string: bytes) -> str | None:
    """``?lang=``, as ``QueryParams`` reads it (the last one; a name may be percent-encoded)."""
    if not query_string or (b"lang" not in query_string and b"%" not in query_string):
        return None
    return QueryParams(query_string).get("lang")
