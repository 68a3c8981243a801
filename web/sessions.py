"""The session cookie: encrypted and authenticated, and answers that depend on it are not stored.

The cookie carries the pending sign-in (state, nonce, PKCE verifier) and then who is signed in:
none of it is for the browser or a proxy log to read, so it is encrypted with Fernet (AES-128-CBC
plus HMAC-SHA256, with a timestamp checked against ``max_age``) under a key derived from the
settings' secret. Whether a signed-in session is still valid is decided on the server, by
``web.auth.CurrentUserMiddleware``; this module only keeps the cookie.
"""

from __future__ import annotations

import json
import os
import threading
import time
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections import OrderedDict
from collections.abc import Callable
from typing import Literal

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import Session
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KEY_PURPOSE = b"civic session cookie v1"  # another purpose of the same secret gets another key


IV_BYTES = 16  # AES-128-CBC
KEPT_COOKIES = 4096  # decrypted cookies remembered (least recently used dropped first)


class SessionCodec:
    """Turns a session dict into cookie text and back; ``None`` for anything not ours or too old.

    A cookie decrypted once is remembered, keyed by its exact text, with the time Fernet stamped it
    with: the same cookie again (every page of a visit) is only checked against ``max_age`` with
    that time, as Fernet's ``ttl`` checks it, and parsed from the kept text; Fernet's HMAC and AES
    run once per distinct cookie. A cookie only ever opens to what its text says (the key is the
    whole cookie), and whether the session still stands (signed out, everywhere) is decided on
    every request by ``web.auth.CurrentUserMiddleware``, not here.
    """

    def __init__(self, secret: str, max_age: int, clock: Callable[[], float] | None = None) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_PURPOSE).derive(secret.encode())
        self.fernet = Fernet(urlsafe_b64encode(key))
        self.max_age = max_age
        self.clock = clock or (lambda: time.time())  # looked up at each call, as Fernet does
        self._opened: OrderedDict[str, tuple[int, bytes]] = OrderedDict()  # cookie → (stamped at, plaintext)
        self._lock = threading.Lock()
        self._random = b""  # unused random bytes for IVs, each taken once

    def encode(self, session: dict) -> str:
        plain = json.dumps(session, separators=(",", ":")).encode()
        return self.fernet._encrypt_from_parts(plain, int(time.time()), self._iv()).decode("ascii")

    def _iv(self) -> bytes:
        """A fresh random IV for a token, as Fernet's ``encrypt`` takes one (``os.urandom(16)``),
        from random bytes read from the system a few hundred at a time: each read gives up the
        GIL on the event loop's thread, where the cookie is written."""
        with self._lock:
            if len(self._random) < IV_BYTES:
                self._random = os.urandom(IV_BYTES * 256)
            iv, self._random = self._random[:IV_BYTES], self._random[IV_BYTES:]
        return iv

    def decode(self, cookie: str) -> dict | None:
        with self._lock:
            opened = self._opened.get(cookie)
            if opened is not None:
                self._opened.move_to_end(cookie)
        now = int(self.clock())
        if opened is not None and opened[0] + self.max_age >= now:  # Fernet's own ttl check
            return _session(opened[1])
        try:
            token = cookie.encode("ascii")
            plain = self.fernet.decrypt_at_time(token, ttl=self.max_age, current_time=now)
            stamped = int.from_bytes(urlsafe_b64decode(token)[1:9], "big")
        except (InvalidToken, UnicodeError, ValueError):
            return None
        with self._lock:
            self._opened[cookie] = (stamped, plain)
            if len(self._opened) > KEPT_COOKIES:
                self._opened.popitem(last=False)
        return _session(plain)


def _session(plain: bytes) -> dict | None:
    try:
        data = json.loads(plain)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def session_cookie(scope: Scope, name: str) -> str | None:
    """The named cookie's value, as ``HTTPConnection(scope).cookies`` reads it (every Cookie
    header, the last of one name winning), without parsing the other headers."""
    value = None
    for key, raw in scope.get("headers", ()):
        if key == b"cookie":
            value = cookie_parser(raw.decode("latin-1")).get(name, value)
    return value


class EncryptedSessionMiddleware:
    """Starlette's ``SessionMiddleware`` with an encrypted cookie, plus ``Cache-Control: no-store``.

    Every answer to a request that had a session, or that starts or ends one, is personal: a
    shared cache or the browser's back button must not show it to the next person. Paths under
    ``public_prefixes`` (static files) are the same for everyone and stay cacheable.
    """

    def __init__(
        self,
        app: ASGIApp,
        secret_key: str,
        session_cookie: str = "session",
        max_age: int = 8 * 3600,
        same_site: Literal["lax", "strict", "none"] = "lax",
        https_only: bool = False,
        public_prefixes: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.codec = SessionCodec(secret_key, max_age)
        self.session_cookie = session_cookie
        self.max_age = max_age
        self.flags = f"path=/; httponly; samesite={same_site}" + ("; secure" if https_only else "")
        self.public_prefixes = public_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        cookie = session_cookie(scope, self.session_cookie)
        loaded = self.codec.decode(cookie) if cookie else None
        scope["session"] = Session(loaded or {})
        had_session = bool(loaded)
        public = scope["path"].startswith(self.public_prefixes) if self.public_prefixes else False

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                session: Session = scope["session"]
                headers = MutableHeaders(scope=message)
                if session.accessed:
                    headers.add_vary_header("Cookie")
                if session.modified and session:
                    headers.append(
                        "Set-Cookie",
                        f"{self.session_cookie}={self.codec.encode(session)}; Max-Age={self.max_age}; {self.flags}",
                    )
                elif session.modified and cookie is not None:
                    headers.append(
                        "Set-Cookie",
                        f"{self.session_cookie}=null; expires=Thu, 01 Jan 1970 00:00:00 GMT; {self.flags}",
                    )
                if (had_session or session.modified) and not public:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_cookie)
