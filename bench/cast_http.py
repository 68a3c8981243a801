"""Casting a ballot over HTTP against a bare Starlette endpoint: throughput ratio (target ≥ 0.5×).

    python bench/cast_http.py [--ballots 3000] [--clients 50] [--quick] [--server-cpus 0]

Both servers run under uvicorn with the same settings (bench/http_load.py: one worker, h11, no
access log) in the same run, driven by the same load generator with ``--clients`` concurrent
clients (each one keep-alive connection, one request at a time):

- **civic**: ``POST /budgeting/{slug}/vote`` for ``--ballots`` distinct verified residents, each
  with their own session cookie: the session is decrypted and checked against the accounts view,
  the cross-origin check runs, the binding is found by identity, the choices are checked with the
  cycle's ballot rules, the ballot is appended to the ballot box (a flushed SQLite commit), and
  the answer waits for the ``ballots`` view to hold it (read your own writes) before the 303 to
  the receipt. The rate limit is off (``CIVIC_RATE_LIMIT_PER_MINUTE=0``): 50 clients share one
  address here, as they would not in a city.
- **bare**: bench/cast_baseline.py, one durable SQLite insert per request and a 303.

The residents are set up before the clock starts: a census, then accounts and verifications as
``verify`` records them (civic/commands/budgeting_demo_votes.py ``verified_voters``); the session
cookies are made with the node's session secret, as the sign-in callback makes them. Prints JSON:
each server's requests per second and p50/p95/p99 latency, and civic ÷ bare against 0.5. On a
shared machine the figures are noisy; both are measured in the same minutes, so the ratio is the
figure to read, beside each server's CPU per request (``cpu_ms``, read from /proc) and their
ratio (``cpu_ratio``), which the disk's noise touches less. ``--quick``: 600 ballots.

``--server-cpus 0``: both servers kept on core 0 (``os.sched_setaffinity``, as ``taskset -c 0``),
the load generator free to use every core: how the README says to deploy a worker (one per core).
Without it both servers may use every core, and civic's threads hand the interpreter's lock from
core to core, which on a quiet 2-core machine doubles the CPU of a cast.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.http_load import Outcome, Port, Request, cpu_seconds, ratio, run_load, serve
from civic.commands.budgeting_demo_votes import census_bytes, residents, verified_voters
from civic.commands.shell import cores
from civic.services import build_services
from civic.settings import Settings
from domain.accounts import STAFF
from domain.budgeting.cycles import Cycle, cycle_id_for
from domain.budgeting.service import city_now
from domain.budgeting.spec import Area, Ballot, CycleSpec, Project
from tests.harness.served import server_env
from web.auth import SESSION_ID_KEY, SESSION_KEY, SIGNED_IN_AT_KEY
from web.sessions import SessionCodec

TARGET_RATIO = 0.5
SLUG = "bench-cast"
COOKIE = "civic_session"


def spec(areas: int = 2, districts: Sequence[str] = ("鼓山區", "鹽埕區")) -> CycleSpec:
    """A cycle of ``areas`` areas (one district each), five projects each, approval 1 to 3."""
    return CycleSpec(
        slug=SLUG, name_zh="投票效能測試", name_en="Casting benchmark", rule="mes-completed", min_age=16,
        ballot=Ballot(kind="approval", min_choices=1, max_choices=3),
        areas=tuple(
            Area(f"a{i}", f"區{i}", f"Area {i}", (districts[i],), 10_000_000,
                 tuple(Project(f"A{i}P{j}", f"計畫{j}", f"Project {j}", 1_000_000 * j) for j in range(1, 6)))
            for i in range(areas)
        ),
    )  # fmt: skip


def prepare(settings: Settings, cycle_spec: CycleSpec, voters: int) -> list[tuple[str, str]]:
    """The cycle in voting with ``voters`` verified residents; returns (session cookie, area)."""
    services = build_services(settings)
    try:
        staff = str(services.accounts.grant_from_command_line("https://bench.example.tw", "stan", STAFF).result)
        services.budgeting.create_cycle(cycle_spec, staff)
        districts = [district for area in cycle_spec.areas for district in area.districts]
        people = residents(voters, districts, seed=SLUG)
        services.census.import_census(SLUG, census_bytes(people), staff)
        services.budgeting.advance(SLUG, "voting", staff, city_now())
        cycle = services.log.find(cycle_id_for(SLUG), Cycle)
        assert cycle is not None
        made = verified_voters(services, cycle, people, city_now())
        services.catch_up()
    finally:
        services.close()
    codec = SessionCodec(settings.session_secret(), 8 * 3600)
    now = time.time()
    return [
        (codec.encode({SESSION_KEY: account, SESSION_ID_KEY: secrets.token_urlsafe(18), SIGNED_IN_AT_KEY: now}), area)
        for account, _person, area in made
    ]


def civic_requests(sessions: list[tuple[str, str]], cycle_spec: CycleSpec) -> list[Request]:
    codes = {area.code: [project.code for project in area.projects] for area in cycle_spec.areas}
    requests = []
    for n, (cookie, area) in enumerate(sessions):
        chosen = codes[area][n % 5 : n % 5 + 1 + n % 3] or codes[area][:1]
        form = [("action", "cast"), *(("choice", code) for code in chosen)]
        requests.append(Request(f"/budgeting/{SLUG}/vote", form, (("Cookie", f"{COOKIE}={cookie}"),)))
    return requests


def bare_requests(count: int) -> list[Request]:
    return [Request("/cast", [("voter", f"v{n}"), ("choice", "P1"), ("choice", "P3")]) for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="600 ballots")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument(
        "--profile", type=Path, default=None, help="py-spy profile of the civic server (collapsed stacks)"
    )
    parser.add_argument(
        "--server-cpus",
        default=None,
        help="cores both servers are confined to, e.g. 0 (as taskset -c 0); the load generator is not",
    )
    args = parser.parse_args()
    cpus = frozenset(cores(args.server_cpus)) if args.server_cpus else None  # as civic serve --cpus reads them
    ballots = 600 if args.quick else args.ballots
    data_dir = args.data or Path(tempfile.mkdtemp(prefix="civic-cast-bench-"))
    settings = Settings(data_dir=data_dir, rate_limit_per_minute=0, secret_key=secrets.token_hex(32))
    cycle_spec = spec()
    warm = min(100, ballots // 10)

    started = time.perf_counter()
    sessions = prepare(settings, cycle_spec, ballots + warm)
    setup = time.perf_counter() - started
    requests = civic_requests(sessions, cycle_spec)

    with serve("bench.cast_baseline:app", {"CAST_BASELINE_DB": str(data_dir / "baseline.db")}, cpus=cpus) as port:
        run_load(port, bare_requests(warm), args.clients)
        bare, bare_cpu = measured(port, bare_requests(ballots), args.clients)
    with serve("civic.asgi:app", server_env(settings), profile=args.profile, cpus=cpus) as port:
        run_load(port, requests[:warm], args.clients)
        platform, civic_cpu = measured(port, requests[warm:], args.clients)
    if args.profile is not None:
        civic_cpu = 0.0  # the process measured was py-spy's
    report(ballots, args.clients, setup, (bare, bare_cpu), (platform, civic_cpu), boxed(settings),
           sorted(cpus) if cpus else None)  # fmt: skip


def measured(port: Port, requests: list[Request], clients: int) -> tuple[Outcome, float]:
    """The load's outcome, and the CPU seconds the server spent (every thread) while it ran."""
    before = cpu_seconds(port.pid)
    outcome = run_load(port, requests, clients)
    return outcome, cpu_seconds(port.pid) - before


def boxed(settings: Settings) -> int:
    """Ballots in the box after the run: every request must have cast one."""
    with sqlite3.connect(settings.ballots_path) as connection:
        return int(connection.execute("SELECT count(DISTINCT originator_id) FROM stored_events").fetchone()[0])


def report(ballots: int, clients: int, setup: float, bare_run: tuple[Outcome, float],
           civic_run: tuple[Outcome, float], in_box: int, server_cpus: list[int] | None) -> None:  # fmt: skip
    """``cpu_ms``: the server's CPU per request (every thread), steadier than requests per second on
    a shared machine whose disk other work also flushes to; ``cpu_ratio``: bare ÷ civic of it (0.5:
    a cast costs the CPU of two bare requests). Under ``--profile`` civic's CPU is not measured."""
    (bare, bare_cpu), (platform, civic_cpu) = bare_run, civic_run
    cast_ratio = ratio(platform.throughput, bare.throughput)
    bare_ms, civic_ms = bare_cpu * 1000 / max(1, bare.count), civic_cpu * 1000 / max(1, platform.count)
    print(json.dumps({
        "ballots": ballots, "clients": clients, "setup_seconds": round(setup, 1), "ballots_in_box": in_box,
        "load_average": [round(load, 2) for load in os.getloadavg()], "server_cpus": server_cpus,
        "bare": {**bare.figures(), "cpu_ms": round(bare_ms, 3)},
        "civic": {**platform.figures(), "cpu_ms": round(civic_ms, 3) if civic_cpu else None},
        "throughput_ratio": cast_ratio, "target_ratio": TARGET_RATIO,
        "ratio_to_target": ratio(cast_ratio, TARGET_RATIO),
        "cpu_ratio": ratio(bare_ms, civic_ms) if civic_cpu else None,
    }, indent=2, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
