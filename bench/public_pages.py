"""Public pages under a crowd: requests per second, latency and server CPU per request, per page.

    .venv/bin/python bench/public_pages.py [--requests 2000] [--clients 50] [--workers 1 2]
                                           [--lang zh_Hant_TW] [--data DIR] [--session]

Seeds the demo (``civic demo``) into a temporary data directory (``--data DIR`` keeps it and
reuses it next time), starts uvicorn on 127.0.0.1 with the platform (``civic.asgi:app``) for each
worker count given, and sends every public page a bounded number of anonymous GET requests over
``--clients`` keep-alive connections at once: ``/healthz`` first, as the anchor of the same run,
then home, the cycle, its proposal list, a proposal, the results page and the glossary.

Anonymous visitors get a page kept while the views it reads stand still (``SharedPage``);
``--session`` sends every request with a session cookie holding a message to show (as after a
signed-in person's action), so that every page is rendered for its visitor: what a page costs
uncached.

For each page it prints requests per second, p50/p95/p99 milliseconds, the ratio of its
requests per second to ``/healthz``'s, and the CPU the server's processes spent per request
(user + system, from /proc: unlike requests per second, that figure holds on a machine other
people are loading too). The load client runs in this process, on the same machine: on a small
machine it takes a share of the cores the server would otherwise have. The goal (issue 14,
item 5): 200 requests per second per worker, that is at most 5 ms of CPU a page, and p95 under
100 ms at 50 clients with two workers.

Prints a JSON document on stdout and a readable table on stderr. Loopback only; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_PER_WORKER = 200.0
GOAL_P95_MS = 100.0
TICKS = os.sysconf("SC_CLK_TCK")


def seed(data: Path) -> None:
    if (data / "events.db").exists():
        return
    data.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "CIVIC_DATA_DIR": str(data)}
    subprocess.run([sys.executable, "-m", "civic", "demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def server(data: Path, workers: int) -> Iterator[tuple[int, int]]:
    """uvicorn with ``workers`` processes; yields (port, pid of the process that started them)."""
    port = free_port()
    env = {**os.environ, "CIVIC_DATA_DIR": str(data), "CIVIC_ALLOWED_HOSTS": "127.0.0.1"}
    command = [sys.executable, "-m", "uvicorn", "civic.asgi:app", "--host", "127.0.0.1", "--port", str(port),
               "--workers", str(workers), "--no-access-log", "--log-level", "warning", "--no-proxy-headers"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _ = asyncio.run(fetch_once(port, "/healthz"))
                if status == 200 and len(tree(process.pid)) >= workers:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            raise RuntimeError("the server did not become healthy within 60 s")
        yield port, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's workers are children of the process we started)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(parents.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    total = 0
    for member in tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


async def fetch_once(port: int, path: str, lang: str = "") -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request_bytes(path, lang))
        return await read_response(reader)
    finally:
        writer.close()


COOKIE = ""  # --session: the session cookie every measured request carries


def session_cookie(data: Path) -> str:
    """A session holding one message to show: the page is rendered for its visitor, never kept."""
    sys.path.insert(0, str(ROOT))
    from civic.settings import Settings
    from web.sessions import SessionCodec

    secret = Settings(data_dir=data).session_secret()
    return "civic_session=" + SessionCodec(secret, 8 * 3600).encode({"flash": ["bench"]})


def request_bytes(path: str, lang: str, cookie: str = "") -> bytes:
    language = f"Accept-Language: {lang}\r\n" if lang else ""
    cookies = f"Cookie: {cookie}\r\n" if cookie else ""
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{language}{cookies}\r\n".encode()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
    if length is None:
        raise RuntimeError(f"no Content-Length in {head[:200]!r}")
    return status, await reader.readexactly(int(length.group(1)))


async def crowd(port: int, path: str, requests: int, clients: int, lang: str) -> tuple[list[float], int, float]:
    """``requests`` GETs over ``clients`` connections at once; (latencies, errors, wall seconds)."""
    latencies: list[float] = []
    errors = 0
    left = requests
    message = request_bytes(path, lang, COOKIE)

    async def client() -> None:
        nonlocal left, errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while left > 0:
                left -= 1
                started = time.perf_counter()
                writer.write(message)
                status, _ = await read_response(reader)
                latencies.append(time.perf_counter() - started)
                errors += status != 200
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - started


def public_paths(port: int, lang: str) -> dict[str, str]:
    """The pages to measure, found the way a visitor finds them: by following links."""
    _, cycles = asyncio.run(fetch_once(port, "/budgeting/", lang))
    slugs = [
        s
        for s in re.findall(r'href="(?:http://[^/"]+)?/budgeting/([^"/?#]+)"', cycles.decode())
        if s not in ("new", "agencies")
    ]
    if not slugs:
        raise RuntimeError("no cycle linked from the list of cycles")
    proposals: list[str] = []
    for slug in slugs:  # the first cycle with residents' proposals (a closed demo cycle has none)
        _, listing = asyncio.run(fetch_once(port, f"/budgeting/{slug}/proposals", lang))
        proposals = re.findall(r'href="(?:http://[^/"]+)?(/budgeting/proposals/[0-9a-f-]{36})"', listing.decode())
        if proposals:
            break
    if not proposals:
        raise RuntimeError("no proposal linked from any cycle's proposal list")
    return {
        "healthz": "/healthz",
        "home": "/",
        "cycle": f"/budgeting/{slug}",
        "proposals": f"/budgeting/{slug}/proposals",
        "proposal": proposals[0],
        "results": f"/budgeting/{slug}/results",
        "glossary": "/glossary/",
    }


def measure(data: Path, workers: int, requests: int, clients: int, lang: str) -> dict[str, object]:
    rows: dict[str, dict[str, float]] = {}
    with server(data, workers) as (port, pid):
        for name, path in public_paths(port, lang).items():
            asyncio.run(crowd(port, path, min(200, requests), clients, lang))  # warm: templates, caches
            before = cpu_seconds(pid)
            latencies, errors, wall = asyncio.run(crowd(port, path, requests, clients, lang))
            cpu = cpu_seconds(pid) - before
            ms = sorted(latency * 1000 for latency in latencies)
            rows[name] = {
                "path": path,
                "requests": len(ms),
                "errors": errors,
                "per_second": round(len(ms) / wall, 1),
                "p50_ms": round(statistics.median(ms), 1),
                "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 1),
                "p99_ms": round(ms[int(0.99 * (len(ms) - 1))], 1),
                "cpu_ms": round(cpu * 1000 / len(ms), 2),
            }  # type: ignore[assignment]
    anchor = rows["healthz"]["per_second"]
    for row in rows.values():
        row["vs_healthz"] = round(row["per_second"] / anchor, 3)
    return {"workers": workers, "clients": clients, "pages": rows}


def table(runs: list[dict[str, object]]) -> str:
    lines = []
    for run in runs:
        lines.append(f"\n{run['workers']} worker(s), {run['clients']} clients")
        lines.append(f"{'page':<10} {'req/s':>8} {'p50':>7} {'p95':>7} {'p99':>7} {'cpu ms':>7} {'/healthz':>8}  path")
        for name, row in run["pages"].items():  # type: ignore[attr-defined]
            lines.append(
                f"{name:<10} {row['per_second']:>8} {row['p50_ms']:>7} {row['p95_ms']:>7} {row['p99_ms']:>7} "
                f"{row['cpu_ms']:>7} {row['vs_healthz']:>8}  {row['path']}"
                + (f"  {row['errors']} errors" if row["errors"] else "")
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per page")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--lang", default="zh-TW", help="Accept-Language of the requests (en: English pages)")
    parser.add_argument("--data", type=Path, help="data directory to seed once and keep")
    parser.add_argument("--session", action="store_true", help="every request with a session: nothing kept")
    args = parser.parse_args()
    global COOKIE
    with tempfile.TemporaryDirectory() as scratch:
        data = args.data or Path(scratch) / "data"
        seed(data)
        COOKIE = session_cookie(data) if args.session else ""
        runs = [measure(data, workers, args.requests, args.clients, args.lang) for workers in args.workers]
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "load": os.getloadavg()},
        "goal": {"per_worker": GOAL_PER_WORKER, "p95_ms": GOAL_P95_MS, "cpu_ms": 1000 / GOAL_PER_WORKER},
        "session": args.session,
        "runs": runs,
    }
    print(json.dumps(report, indent=2))
    print(table(runs), file=sys.stderr)


if __name__ == "__main__":
    main()
