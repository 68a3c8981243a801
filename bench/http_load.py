"""A small HTTP/1.1 load generator and uvicorn launcher for the casting benchmarks.

The load generator is asyncio streams with hand-written requests (keep-alive, one connection per
client): on a 2-core machine that the server shares, a client library's own CPU cost (httpx's,
some 0.3 ms a request) would be charged to whichever server is measured. Both the platform and
the bare baseline are driven by this same code, in the same run, so what the client costs is the
same for both.

``run_load`` sends a fixed list of independent requests; ``run_scripts`` runs scripts (a
resident's visit: each next request chosen from the answers before it) over the same connections,
one keep-alive connection per server a client talks to (``Connections``).

``serve`` starts ``python -m uvicorn APP`` with the settings every server of a run shares (one
worker, h11, no access log), waits until it answers, and stops it on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
# The same for every server of a run: what the comparison holds fixed.
UVICORN_ARGS = ("--workers", "1", "--http", "h11", "--no-access-log", "--log-level", "warning")


class Port(int):
    """The port a served app answers on, with the process serving it (``pid``)."""

    pid: int = 0


def cpu_seconds(pid: int) -> float:
    """The CPU time (user and system, every thread) process ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve(
    app: str,
    env: dict[str, str] | None = None,
    timeout: float = 60.0,
    profile: Path | None = None,
    cpus: frozenset[int] | None = None,
) -> Iterator[Port]:
    """Runs ``app`` (``module:attribute``) under uvicorn on a free port; yields the port (its
    ``pid``: the server's process, for ``cpu_seconds``).

    ``cpus``: the cores the server may run on (``os.sched_setaffinity``, as ``taskset -c``), None
    for every core, as the load generator runs.

    ``profile``: run the server under ``py-spy record`` (if installed), writing a collapsed-stack
    profile of every thread there, to see where a request's time goes."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), *UVICORN_ARGS]
    if profile is not None:
        spy = Path(sys.executable).with_name("py-spy")
        command = [
            str(spy),
            "record",
            "--format",
            "raw",
            "--threads",
            "--nonblocking",
            "-o",
            str(profile),
            "--",
            *command,
        ]
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})}, preexec_fn=pin)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{app} exited with status {process.returncode}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{app} did not start within {timeout} s")
        served = Port(port)
        served.pid = process.pid
        yield served
    finally:
        process.send_signal(signal.SIGINT)  # py-spy writes its profile on SIGINT; uvicorn stops on it
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass(frozen=True)
class Request:
    path: str
    form: Sequence[tuple[str, str]]
    headers: Sequence[tuple[str, str]] = ()
    method: str = "POST"  # or "GET" (``form`` then is ignored)


@dataclass(frozen=True)
class Answer:
    status: int
    location: str  # the path a redirect leads to, "" otherwise
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()  # (lower-case name, value as sent)

    def header(self, name: str) -> str:
        return next((value for key, value in self.headers if key == name), "")

    @property
    def label(self) -> str:
        """What ``Outcome.statuses`` counts: the status, and where a redirect leads."""
        return f"{self.status} {self.location}" if self.location else str(self.status)


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)  # seconds, one per request
    statuses: dict[str, int] = field(default_factory=dict)  # "303 /path" (where a redirect leads) → count
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def throughput(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return 0.0
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def figures(self) -> dict[str, object]:
        return {
            "requests": self.count,
            "seconds": round(self.seconds, 2),
            "per_second": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50) * 1000, 1),
            "p95_ms": round(self.percentile(95) * 1000, 1),
            "p99_ms": round(self.percentile(99) * 1000, 1),
            "answers": dict(sorted(self.statuses.items())),
        }


def encode(request: Request, port: int) -> bytes:
    if request.method == "GET":
        head = [
            f"GET {request.path} HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            *(f"{name}: {value}" for name, value in request.headers),
        ]
        return ("\r\n".join(head) + "\r\n\r\n").encode()
    body = urlencode(list(request.form)).encode()
    head = [
        f"POST {request.path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Origin: http://127.0.0.1:{port}",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in request.headers),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


async def _read_answer(reader: asyncio.StreamReader) -> tuple[Answer, bool]:
    """Reads one response; returns it and whether the server keeps the connection open."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length, keep, location = 0, True, ""
    chunked = False
    headers = []
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, raw = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), raw.strip().lower()
        headers.append((name, raw.strip()))
        if name == "content-length":
            length = int(value)
        elif name == "location":
            location = urlsplit(value).path
        elif name == "connection" and value == "close":
            keep = False
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
    body = b""
    if chunked:
        parts = []
        while True:
            size = int((await reader.readline()).strip() or b"0", 16)
            parts.append((await reader.readexactly(size + 2))[:size])
            if size == 0:
                break
        body = b"".join(parts)
    elif length:
        body = await reader.readexactly(length)
    return Answer(status, location, body, tuple(headers)), keep


class Connections:
    """One client's keep-alive connections, one per server port, one request at a time on each."""

    def __init__(self, timeout: float | None = None) -> None:
        self.timeout = timeout  # seconds an answer may take (None: no limit); then TimeoutError
        self._open: dict[int, tuple[asyncio.StreamReader, asyncio.StreamWriter]] = {}

    async def send(self, port: int, request: Request, outcome: Outcome | None = None) -> Answer:
        """Sends ``request`` and reads its answer, counting its latency and status in ``outcome``.

        A connection the server closed is opened again and the request sent once more (keep-alive
        races); a second failure raises ConnectionError. A timeout is not retried: the server may
        be acting on the request still."""
        payload = encode(request, port)
        for attempt in range(2):
            if port not in self._open:
                self._open[port] = await asyncio.open_connection("127.0.0.1", port)
            reader, writer = self._open[port]
            started = time.perf_counter()
            try:
                writer.write(payload)
                await writer.drain()
                answer, keep = await asyncio.wait_for(_read_answer(reader), self.timeout)
            except (ConnectionError, asyncio.IncompleteReadError):
                self._drop(port)
                if attempt:
                    raise ConnectionError(f"no answer from port {port}") from None
                continue
            except TimeoutError:
                self._drop(port)
                raise
            if outcome is not None:
                outcome.latencies.append(time.perf_counter() - started)
                outcome.statuses[answer.label] = outcome.statuses.get(answer.label, 0) + 1
            if not keep:
                self._drop(port)
            return answer
        raise AssertionError("unreachable")

    def _drop(self, port: int) -> None:
        opened = self._open.pop(port, None)
        if opened is not None:
            opened[1].close()

    def close(self) -> None:
        for port in list(self._open):
            self._drop(port)


async def _client(port: int, requests: asyncio.Queue[Request], outcome: Outcome) -> None:
    connections = Connections()
    while True:
        try:
            request = requests.get_nowait()
        except asyncio.QueueEmpty:
            break
        with contextlib.suppress(ConnectionError):  # twice without an answer: not counted
            await connections.send(port, request, outcome)
    connections.close()


def run_load(port: int, requests: Sequence[Request], clients: int) -> Outcome:
    """Sends every request, ``clients`` at a time (each client one connection, one request at a
    time), and measures each answer's latency and the whole run's throughput."""

    async def main() -> Outcome:
        queue: asyncio.Queue[Request] = asyncio.Queue()
        for request in requests:
            queue.put_nowait(request)
        outcome = Outcome()
        started = time.perf_counter()
        await asyncio.gather(*(_client(port, queue, outcome) for _ in range(clients)))
        outcome.seconds = time.perf_counter() - started
        return outcome

    return asyncio.run(main())


Script = Callable[[Connections], Awaitable[None]]


def run_scripts(scripts: Sequence[Script], clients: int, seconds: float, timeout: float = 60.0) -> float:
    """Runs every script, ``clients`` at a time, each client on its own connections; a client
    starts no new script after ``seconds`` (a script under way finishes). Returns the seconds the
    whole run took. What each request answered is the scripts' to record (``Connections.send``)."""

    async def client(queue: asyncio.Queue[Script], stop: float) -> None:
        connections = Connections(timeout)
        try:
            while time.perf_counter() < stop:
                try:
                    script = queue.get_nowait()
                except asyncio.QueueEmpty:
                    break
                await script(connections)
        finally:
            connections.close()

    async def main() -> float:
        queue: asyncio.Queue[Script] = asyncio.Queue()
        for script in scripts:
            queue.put_nowait(script)
        started = time.perf_counter()
        await asyncio.gather(*(client(queue, started + seconds) for _ in range(clients)))
        return time.perf_counter() - started

    return asyncio.run(main())


def ratio(value: float, target: float) -> float:
    return round(value / target, 3) if target else 0.0


def timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started
