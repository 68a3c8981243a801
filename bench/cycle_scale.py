"""Kaohsiung scale: 270,000 ballots over 38 areas cast through HTTP, counted, every view rebuilt.

    python bench/cycle_scale.py [--ballots 270000] [--clients 50] [--quick] [--data DIR] [--server-cpus 0]
    python bench/cycle_scale.py --rebuild-only --data DIR [--repeat 3]

Targets (issue 12, on this 2-core machine): casting < 10 minutes, counting all 38 areas with
``mes-completed`` < 30 s, rebuilding every read model from the logs < 1 minute.

1. **Setup** (timed, not a target): a cycle of 38 areas, one per district of Kaohsiung, 12
   projects each; a census of ``--ballots`` residents spread over the districts
   (``civic cycle census import``'s service); an account and a verification for each (what
   ``verify`` records, in batches: civic/commands/budgeting_demo_votes.py ``verified_voters``);
   a session cookie each, made with the node's session secret as the sign-in callback makes it.
2. **Cast**: every resident casts once, ``POST /budgeting/{slug}/vote`` under uvicorn, 50
   concurrent clients (bench/http_load.py; session, forgery check, binding, ballot rules, durable
   append to the ballot box, wait for the ``ballots`` view). With fewer than 270,000 ballots the
   time for 270,000 at the measured rate is printed beside the measured one.
3. **Count**: the cycle advanced to counting and counted as ``civic cycle advance`` does
   (``record_results``: the ballots read per area, ``count_area`` with mes-completed, one
   ``CycleResults`` saved). The counting itself is also benchmarked alone by V4's
   bench/count_areas.py on synthetic ballots.
4. **Rebuild**: ``civic rebuild``'s work, every view of both logs rebuilt into new files and swapped
   in, in as many processes as there are cores (``build_workers``).

Prints JSON with each step's seconds and its ratio to the target (below 1 is within it). The
machine is shared: the figures are an upper bound. ``--quick``: 3,000 ballots. ``--data DIR``
keeps the data directory there. ``--server-cpus 0``: the server kept on core 0 (the load generator
free), as the README says to deploy a worker (one per core); see bench/cast_http.py.

``--rebuild-only --data DIR``: only step 4, on the data directory of an earlier run, ``--repeat``
times each way: in one process (how ``civic rebuild`` built before it used every core) and in
``build_workers()`` processes, alternating, with CPU seconds (this process and its builders) beside
the wall-clock ones; then each view alone, in one process. Events counts as ``civic rebuild``
reports them: each view's log head, summed over the views.
"""

from __future__ import annotations

import argparse
import json
import resource
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cast_http import COOKIE, boxed
from bench.http_load import Request, ratio, run_load, serve
from civic.commands.budgeting_demo_votes import census_bytes, residents, verified_voters
from civic.commands.shell import cores
from civic.services import build_services
from civic.settings import Settings
from domain.accounts import STAFF
from domain.budgeting.cycles import Cycle, cycle_id_for
from domain.budgeting.service import city_now
from domain.budgeting.spec import Area, Ballot, CycleSpec, Project
from domain.glossary.places import DISTRICTS
from projections.readmodels import build_workers
from tests.harness.served import server_env
from web.auth import SESSION_ID_KEY, SESSION_KEY, SIGNED_IN_AT_KEY
from web.budgeting_results import record_results
from web.sessions import SessionCodec

KAOHSIUNG = DISTRICTS[:38]
FULL = 270_000
TARGETS = {"cast": 600.0, "count": 30.0, "rebuild": 60.0}
SLUG = "kaohsiung-scale"
PROJECTS = 12


def spec() -> CycleSpec:
    return CycleSpec(
        slug=SLUG, name_zh="高雄市參與式預算（規模測試）", name_en="Kaohsiung PB (scale test)",
        rule="mes-completed", min_age=16, ballot=Ballot(kind="approval", min_choices=1, max_choices=5),
        areas=tuple(
            Area(f"d{i:02d}", district, f"District {i}", (district,), 8_000_000,
                 tuple(Project(f"D{i:02d}P{j:02d}", f"{district}計畫{j}", f"Project {j}", 400_000 * (1 + j % 6))
                       for j in range(1, PROJECTS + 1)))
            for i, district in enumerate(KAOHSIUNG, start=1)
        ),
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=FULL)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--quick", action="store_true", help="3,000 ballots")
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--rebuild-only", action="store_true", help="only rebuild the views of --data DIR")
    parser.add_argument("--repeat", type=int, default=3, help="with --rebuild-only: runs each way")
    parser.add_argument(
        "--server-cpus", default=None, help="cores the server is kept on, e.g. 0 (as taskset -c 0), as cast_http's"
    )
    args = parser.parse_args()
    if args.rebuild_only:
        if args.data is None or not (args.data / "events.db").exists():
            parser.error("--rebuild-only needs --data DIR of an earlier run")
        print(json.dumps(rebuild_only(args.data, args.repeat), indent=2, ensure_ascii=False))
        return
    ballots = 3_000 if args.quick else args.ballots
    data_dir = args.data or Path(tempfile.mkdtemp(prefix="civic-scale-bench-"))
    settings = Settings(data_dir=data_dir, rate_limit_per_minute=0, secret_key=secrets.token_hex(32))
    cycle_spec = spec()
    cpus = frozenset(cores(args.server_cpus)) if args.server_cpus else None  # as civic serve --cpus reads them
    figures: dict[str, object] = {"ballots": ballots, "areas": len(cycle_spec.areas), "clients": args.clients,
                                  "server_cpus": sorted(cpus) if cpus else None}  # fmt: skip

    started = time.perf_counter()
    services = build_services(settings)
    try:
        staff = str(services.accounts.grant_from_command_line("https://bench.example.tw", "stan", STAFF).result)
        services.budgeting.create_cycle(cycle_spec, staff)
        people = residents(ballots, KAOHSIUNG, seed=SLUG)
        services.census.import_census(SLUG, census_bytes(people), staff)
        services.budgeting.advance(SLUG, "voting", staff, city_now())
        cycle = services.log.find(cycle_id_for(SLUG), Cycle)
        assert cycle is not None
        made = verified_voters(services, cycle, people, city_now())
        services.catch_up()
    finally:
        services.close()
    codec = SessionCodec(settings.session_secret(), 8 * 3600)
    codes = {area.code: [project.code for project in area.projects] for area in cycle_spec.areas}
    requests = []
    for n, (account, _person, area) in enumerate(made):
        cookie = codec.encode({SESSION_KEY: account, SESSION_ID_KEY: secrets.token_urlsafe(18),
                               SIGNED_IN_AT_KEY: time.time()})  # fmt: skip
        chosen = codes[area][n % 7 : n % 7 + 1 + n % 5]
        form = [("action", "cast"), *(("choice", code) for code in chosen)]
        requests.append(Request(f"/budgeting/{SLUG}/vote", form, (("Cookie", f"{COOKIE}={cookie}"),)))
    figures["setup_seconds"] = round(time.perf_counter() - started, 1)

    with serve("civic.asgi:app", server_env(settings), cpus=cpus) as port:
        outcome = run_load(port, requests, args.clients)
    cast = outcome.figures()
    full = FULL / outcome.throughput if outcome.throughput else 0.0
    cast["seconds_for_270000"] = round(full, 1)
    cast["ratio_to_target"] = ratio(full, TARGETS["cast"])
    cast["ballots_in_box"] = boxed(settings)
    figures["cast"] = cast

    services = build_services(settings)
    try:
        staff = str(services.accounts.grant_from_command_line("https://bench.example.tw", "stan", STAFF).result)
        started = time.perf_counter()
        services.budgeting.advance(SLUG, "counting", staff, city_now())
        results = record_results(services, SLUG, staff).result
        counted = time.perf_counter() - started
        figures["count"] = {
            "seconds": round(counted, 2), "ratio_to_target": ratio(counted, TARGETS["count"]),
            "ballots_counted": sum(area.voters for area in results), "selected": sum(len(a.selected) for a in results),
        }  # fmt: skip
        started = time.perf_counter()
        events = services.read_models.rebuild(workers=build_workers())
        rebuilt = time.perf_counter() - started
        figures["rebuild"] = {"seconds": round(rebuilt, 2), "events": events, "processes": build_workers(),
                              "ratio_to_target": ratio(rebuilt, TARGETS["rebuild"])}  # fmt: skip
    finally:
        services.close()
    print(json.dumps(figures, indent=2, ensure_ascii=False))


def cpu_seconds() -> float:
    """CPU seconds of this process and of its children that have ended (the builder processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def rebuild_only(data_dir: Path, repeat: int) -> dict[str, object]:
    """Step 4 alone on a kept data directory: one process against every core, then each view."""
    settings = Settings(data_dir=data_dir, rate_limit_per_minute=0, secret_key=secrets.token_hex(32))
    services = build_services(settings)
    workers = build_workers()
    runs: dict[int, list[tuple[float, float]]] = {1: [], workers: []}
    try:
        events = 0
        for round_number in range(repeat):
            for processes in (1, workers) if round_number % 2 == 0 else (workers, 1):
                started, cpu = time.perf_counter(), cpu_seconds()
                events = services.read_models.rebuild(workers=processes)
                runs[processes].append((time.perf_counter() - started, cpu_seconds() - cpu))
                print(f"round {round_number + 1}: {processes} process(es): {runs[processes][-1][0]:.2f} s",
                      file=sys.stderr)  # fmt: skip
        views = {}
        for name in services.read_models.names():
            started, cpu = time.perf_counter(), cpu_seconds()
            services.read_models.rebuild([name])
            views[name] = {
                "seconds": round(time.perf_counter() - started, 2),
                "cpu_seconds": round(cpu_seconds() - cpu, 2),
            }
        heads = services.read_models.heads()
    finally:
        services.close()

    def summary(processes: int) -> dict[str, object]:
        wall = statistics.median(seconds for seconds, _ in runs[processes])
        return {"median_seconds": round(wall, 2), "events_per_second": round(events / wall),
                "median_cpu_seconds": round(statistics.median(cpu for _, cpu in runs[processes]), 2),
                "runs_seconds": [round(seconds, 2) for seconds, _ in runs[processes]]}  # fmt: skip

    one, every = summary(1), summary(workers)
    wall = statistics.median(seconds for seconds, _ in runs[workers])
    return {
        "heads": heads, "events": events, "processes": workers,
        "one_process": one, f"{workers}_processes": every,
        "speed_up_over_one_process": round(statistics.median(seconds for seconds, _ in runs[1]) / wall, 2),
        "seconds_for_6750192_events": round(wall * 6_750_192 / events, 1),
        "ratio_to_target": ratio(wall * 6_750_192 / events, TARGETS["rebuild"]),
        "each_view_in_one_process": views,
    }  # fmt: skip


if __name__ == "__main__":
    main()
