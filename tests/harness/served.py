"""The platform served by uvicorn on 127.0.0.1, the people who use it, and a probe of its event loop.

- ``Server``: ``python -m uvicorn civic.asgi:app`` in a process of its own, configured through
  ``CIVIC_*`` variables from the same ``Settings`` the tests seeded with. A request that stalls
  the server cannot be cancelled, so a server that stopped answering (or was sent a request that
  timed out) is killed and started again on the same data dir before the next test.
  It is started with a larger h11 buffer than uvicorn's 16 KB default, so that the 100 KB URLs
  of the harness reach the application (as they do behind httptools or most proxies) instead of
  being turned away by the server in front of it.
- ``Visitor``: one role's session cookie, got once through the real OpenID provider; every
  request sends that cookie explicitly, so that what an answer sets (sign-out, a ``lang``
  choice) never leaks into the next request.
- ``Probe``: asks ``/healthz`` every 20 ms from a thread of its own; ``longest_wait(start, end)``
  is the longest any probe waited while a request ran. A request that holds the event loop
  (CPU work in an ``async def``) shows up there even when it answers quickly itself.
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from civic.settings import Settings
from tests.fixtures import free_port, stop_process, wait_for_http

ROOT = Path(__file__).resolve().parents[2]
H11_BUFFER_BYTES = 4_000_000
SESSION_COOKIE = "civic_session"
HEALTH_PATH = "/healthz"
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

ANSWER_SECONDS = 2.0  # no answer may take longer (generous: this is not a benchmark)
PROBE_SECONDS = 1.0  # no /healthz probe may wait longer while a request runs
CLIENT_TIMEOUT = 3.0  # give up on an answer (and restart the server) after this


def server_env(settings: Settings) -> dict[str, str]:
    """The ``CIVIC_*`` variables that make ``Settings.from_env()`` equal ``settings``."""
    env = {}
    for spec in fields(settings):
        if spec.name == "env":
            continue
        value = getattr(settings, spec.name)
        env["CIVIC_" + spec.name.upper()] = ("1" if value else "0") if isinstance(value, bool) else str(value)
    return env


def healthy(url: str, timeout: float) -> bool:
    """Whether ``/healthz`` answers 200 within ``timeout`` (plain http.client: an httpx client
    costs an SSL context to make, and this is asked often)."""
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
    try:
        connection.request("GET", HEALTH_PATH)
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


class Server:
    """civic served by uvicorn in a child process; ``url`` changes when it is restarted."""

    def __init__(self, settings: Settings, log_path: Path) -> None:
        self.settings = settings
        self.log_path = log_path
        self.url = ""
        self.process: subprocess.Popen | None = None
        self.tainted = False  # a request timed out: the server may still be busy with it

    def start(self) -> None:
        port = free_port()
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "civic.asgi:app", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "warning", "--no-access-log", "--h11-max-incomplete-event-size", str(H11_BUFFER_BYTES)],
            env={**os.environ, **server_env(self.settings)}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        self.url = f"http://127.0.0.1:{port}"
        wait_for_http(self.url + HEALTH_PATH, self.process)
        self.tainted = False

    def stop(self) -> None:
        if self.process is not None:
            if self.tainted and self.process.poll() is None:
                self.process.kill()  # a stalled event loop never gets to a graceful shutdown
            stop_process(self.process)
            self.process = None

    def ensure_responsive(self) -> None:
        """Restarts the server if a request timed out or it does not answer /healthz within a second."""
        alive = not self.tainted and self.process is not None and self.process.poll() is None
        if alive and healthy(self.url, PROBE_SECONDS):
            return
        self.tainted = True
        self.stop()
        self.start()

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's output: the traceback of a 500 is there."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass(frozen=True)
class Visitor:
    """Someone using the platform in one role; ``session`` is None for an anonymous visitor."""

    role: str
    session: str | None = None

    def cookie_header(self, lang_cookie: str | None = None) -> str:
        parts = [f"{SESSION_COOKIE}={self.session}"] if self.session else []
        if lang_cookie:
            parts.append(f"lang={lang_cookie}")
        return "; ".join(parts)


def sign_in(url: str, provider_browser: httpx.Client, subject: str, role: str) -> Visitor:
    """The browser's authorization-code flow against the real provider; returns the session cookie."""
    with httpx.Client(base_url=url, timeout=CLIENT_TIMEOUT) as browser:
        start = browser.get("/login", follow_redirects=False)
        assert start.status_code == 302, start.text
        authorize_url = start.headers["location"]
        assert provider_browser.get(authorize_url).status_code == 200
        decision = provider_browser.post(authorize_url, data={"sub": subject}, follow_redirects=False)
        assert decision.status_code == 302, decision.text
        callback = decision.headers["location"]
        assert callback.startswith(f"{url}/auth/callback?"), callback
        answer = browser.get(callback, follow_redirects=False)
        assert answer.status_code == 303, answer.text
        session = browser.cookies.get(SESSION_COOKIE)
        assert session, "the callback set no session cookie"
        return Visitor(role=role, session=session)


@dataclass(frozen=True)
class Response:
    status_code: int
    headers: httpx.Headers
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


@dataclass(frozen=True)
class Answer:
    """What came back, and how long it took (``seconds`` is wall time at the client)."""

    response: Response
    seconds: float
    started: float
    ended: float


def send(
    server: Server, visitor: Visitor, method: str, target: str, *,
    headers: dict[str, str] | None = None, lang_cookie: str | None = None,
    content: bytes | None = None, data: dict | None = None, files: dict | None = None,
    timeout: float = CLIENT_TIMEOUT,
) -> Answer:  # fmt: skip
    """One request as ``visitor``; ``target`` is path and query, already percent-encoded.

    Sent with http.client, which (unlike httpx) takes a 100 KB URL and any bytes as they are;
    httpx only encodes the form or multipart body. A request that gets no answer within
    ``timeout`` marks the server tainted (it is restarted before the next test) and fails the test.
    """
    all_headers = dict(headers or {})
    cookie = visitor.cookie_header(lang_cookie)
    if cookie:
        all_headers["Cookie"] = cookie
    if data is not None or files is not None:
        encoded = httpx.Request(method, "http://body.invalid/", data=data, files=files)
        content = encoded.read()
        if "content-type" in encoded.headers:
            all_headers.setdefault("Content-Type", encoded.headers["content-type"])
    address = urlsplit(server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.putrequest(method, target, skip_accept_encoding=True, skip_host="Host" in all_headers)
        for name, value in all_headers.items():
            connection.putheader(name, value)
        if content is not None or method in UNSAFE:
            connection.putheader("Content-Length", str(len(content or b"")))
        connection.endheaders(content or None)
        answer = connection.getresponse()
        response = Response(answer.status, httpx.Headers(answer.getheaders()), answer.read())
    except http.client.LineTooLong:  # the server is fine; what it sent back is not
        raise AssertionError(f"{method} {target[:120]} answered with a header line over 64 KB") from None
    except TimeoutError:
        server.tainted = True
        raise AssertionError(f"{method} {target[:120]} got no answer within {timeout} s") from None
    except (OSError, http.client.HTTPException) as error:
        server.tainted = True
        raise AssertionError(f"{method} {target[:120]} broke the connection: {error!r}") from None
    finally:
        connection.close()
    ended = time.monotonic()
    return Answer(response, ended - started, started, ended)


class Probe:
    """Times ``GET /healthz`` every 20 ms while it runs (a context manager)."""

    INTERVAL = 0.02

    def __init__(self, server: Server) -> None:
        self.server = server
        self.samples: list[tuple[float, float]] = []
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="healthz-probe", daemon=True)

    def __enter__(self) -> Probe:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()  # a probe stuck on a stalled server ends by its own timeout
        self.thread.join(timeout=0.2)

    def _run(self) -> None:
        while not self.stopped.is_set():
            started = time.monotonic()
            healthy(self.server.url, CLIENT_TIMEOUT)  # a restart in between, or a stall: the wait counts
            ended = time.monotonic()
            with self.lock:
                self.samples.append((started, ended))
                del self.samples[:-2000]
            self.stopped.wait(self.INTERVAL)

    def longest_wait(self, start: float, end: float) -> float:
        """The longest wait of a probe that ran during [start, end].

        First waits for a probe that began after ``end`` to come back, so that every probe that
        overlapped the request is finished; if none comes back, the loop is still held.
        """
        deadline = end + CLIENT_TIMEOUT + 1
        while time.monotonic() < deadline:
            with self.lock:
                if self.samples and self.samples[-1][0] >= end:
                    return max((e - s for s, e in self.samples if s < end and e > start), default=0.0)
            time.sleep(0.005)
        return float("inf")
