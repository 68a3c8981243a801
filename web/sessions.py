"""The session cookie: encrypted and authenticated, and answers that depend on it are not stored.

The cookie carries the pending sign-in (state, nonce, PKCE verifier) and then who is signed in:
none of it is for the browser or a proxy log to read, so it is encrypted with Fernet (AES-128-CBC
plus HMAC-SHA256, with a timestamp checked against ``max_age``) under a key derived from the
settings' secret. Whether a signed-in session is still valid is decided on the server, by
``web.auth.CurrentUserMiddleware``; this module only keeps the cookie.
"""

from __future__ import annotations

import json
from base64 import urlsafe_b64encode
from typing import Literal

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from starlette.datastructures import MutableHeaders
from starlette.middleware.sessions import Session
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

KEY_PURPOSE = b"civic session cookie v1"  # another purpose of the same secret gets another key


class SessionCodec:
    """Turns a session dict into cookie text and back; ``None`` for anything not ours or too old."""

    def __init__(self, secret: str, max_age: int) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_PURPOSE).derive(secret.encode())
        self.fernet = Fernet(urlsafe_b64encode(key))
        self.max_age = max_age

    def encode(self, session: dict) -> str:
        return self.fernet.encrypt(json.dumps(session, separators=(",", ":")).encode()).decode("ascii")

    def decode(self, cookie: str) -> dict | None:
        try:
            data = json.loads(self.fernet.decrypt(cookie.encode("ascii"), ttl=self.max_age))
        except (InvalidToken, UnicodeError, ValueError):
            return None
        return data if isinstance(data, dict) else None


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
        cookie = HTTPConnection(scope).cookies.get(self.session_cookie)
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
