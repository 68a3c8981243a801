"""Benchmark: civic's tally engine against the reference implementation, in the same run.

    .venv/bin/python bench/tally.py [--timeout 200] [--quick] [--file NAME.pb] [--no-reference]

For each large shared instance and each rule it times ``domain.tally.tally(election, rule)``
(after parsing; the rule call includes building its internal profile, as the reference's does)
and the reference call exactly as ``tests/data/pabulib/expected.json`` lists it (pabutools 1.2.3,
a test/bench extra only). Every measurement runs in its own forked process, so its peak memory
(``ru_maxrss``) is its own; the reference gets ``--timeout`` seconds, and a timeout is reported
as a lower bound of the ratio ("> N x"). Then ``mes-completed`` runs on every shared instance
(parse + count) against the 10-second goal.

Where the reference's ``mes-completed`` times out, the bench also estimates how long it would
take, from that same run: its Add1 loop sets up once, then runs MES once per currency unit added
per voter (``mes_inner_algo``), ``k + 1`` times where civic stopped at ``k``. The child
process counts those runs as they finish; the estimate is its set-up time plus ``k + 1`` times
the mean time of the runs it finished before the timeout. It is printed as an estimate, next to
the measured lower bound.

"Large" instances are those with thousands of voters. Budapest VIII (864 voters) is in the table
because the reference's ``mes-completed`` does not finish on it; on its other rules both sides
take milliseconds, and civic's fixed cost per call (grouping ballots, building arrays) decides.

Prints a JSON document on stdout and a readable table on stderr.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data" / "pabulib"
LARGE = [
    "Hungary_Budapest_2024.pb",
    "Poland_Lodz_2023.pb",
    "Poland_Warszawa_2026.pb",
    "Poland_Czestochowa_2020.pb",
    "Poland_Warszawa_2023_Bielany.pb",
    "Hungary_Budapest_2024_VIII_Jozsefvaros.pb",  # small, but the reference's mes-completed stalls
]
SMALL = {"Hungary_Budapest_2024_VIII_Jozsefvaros.pb"}
GOAL_SECONDS = 10.0
# Written by the reference's child process, read by the parent after a timeout: when the call
# started, when its first inner MES run started, how many finished, when the last one ended.
LOOP = multiprocessing.get_context("fork").Array("d", 4, lock=False)


def reference_calls(vote_type: str) -> dict[str, str]:
    """Our rule name -> the reference call text from expected.json."""
    calls = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))["calls"]
    kind = "approval" if vote_type in ("approval", "choose-1") else vote_type
    by_rule = {}
    for key, call in calls[kind].items():
        rule = "mes-completed" if key.endswith("_completed") else key.split("_")[0]
        by_rule[rule] = call
    return by_rule


# --- what runs in the child processes ----------------------------------------------------------


def ours(name: str, rule: str) -> dict[str, float]:
    from domain.tally import tally
    from domain.tally.pabulib import parse

    started = time.perf_counter()
    election = parse((DATA / name).read_text(encoding="utf-8-sig"))
    parsed = time.perf_counter()
    reached = [0]  # the k where mes-completed stopped: the reference's Add1 loop runs k + 1 times

    def progress(k: int) -> None:
        reached[0] = k

    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    outcome = tally(election, rule, progress=progress)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "parse_s": parsed - started,
        "wall_s": wall,
        "cpu_s": cpu,
        "selected": sorted(outcome.selected),
        "stopped_at": reached[0],
    }


def reference(name: str, rule: str, vote_type: str) -> dict[str, float]:
    import pabutools.election as election_module
    import pabutools.rules as rules_module
    from pabutools.election.pabulib import parse_pabulib

    started = time.perf_counter()
    instance, profile = parse_pabulib(str(DATA / name))
    parsed = time.perf_counter()
    namespace = {**vars(election_module), **vars(rules_module), "instance": instance, "profile": profile}
    call = reference_calls(vote_type)[rule]
    if rule == "mes-completed":
        _count_inner_runs()
    gc.collect()
    LOOP[:] = [time.perf_counter(), 0.0, 0.0, 0.0]
    cpu, wall = time.process_time(), time.perf_counter()
    outcome = eval(call, namespace)  # the exact call text from expected.json (our own test data)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "parse_s": parsed - started,
        "wall_s": wall,
        "cpu_s": cpu,
        "selected": sorted(project.name for project in outcome),
    }


def _count_inner_runs() -> None:
    """Record each of the reference's inner MES runs in LOOP (for the estimate after a timeout)."""
    import pabutools.rules.mes.mes_rule as mes_rule

    inner = mes_rule.mes_inner_algo
    depth = [0]  # it calls itself once per round: count only the outermost calls

    def counted(*args: object, **kwargs: object) -> object:
        if LOOP[2] == 0 and depth[0] == 0:
            LOOP[1] = time.perf_counter()
        depth[0] += 1
        try:
            return inner(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                LOOP[2] += 1
                LOOP[3] = time.perf_counter()

    mes_rule.mes_inner_algo = counted  # looked up by name at each call


def _child(job: Callable[..., dict[str, float]], args: tuple, pipe: multiprocessing.connection.Connection) -> None:
    result = job(*args)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB
    pipe.send(result)


def isolated(job: Callable[..., dict[str, float]], args: tuple, timeout: float) -> dict[str, object]:
    """Run ``job`` in a forked process; {'status': 'timeout'} if it takes longer than timeout."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(job, args, send))
    process.start()
    if receive.poll(timeout):
        result: dict[str, object] = {"status": "ok", **receive.recv()}
    else:
        result = {"status": "timeout", "wall_s": timeout}
    process.kill()
    process.join()
    return result


# --- the run -----------------------------------------------------------------------------------


def vote_type_of(name: str) -> str:
    for line in (DATA / name).read_text(encoding="utf-8-sig").splitlines():
        if line.startswith("vote_type;"):
            return line.split(";", 1)[1].strip()
    raise ValueError(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=200.0, help="seconds for each reference call")
    parser.add_argument("--no-reference", action="store_true", help="time civic only")
    parser.add_argument("--quick", action="store_true", help="only Budapest VIII and Bielany")
    parser.add_argument("--file", action="append", help="only this shared file (repeatable)")
    options = parser.parse_args()
    files = options.file or (LARGE[-2:] if options.quick else LARGE)
    report: dict[str, object] = {"machine": _machine(), "timeout_s": options.timeout, "large": [], "mes_completed": []}
    for name in files:
        vote_type = vote_type_of(name)
        for rule in ("greedy", "mes", "mes-completed", "phragmen"):
            if rule not in reference_calls(vote_type):
                continue
            mine = isolated(ours, (name, rule), 3600)
            theirs = (
                {"status": "skipped"}
                if options.no_reference
                else isolated(reference, (name, rule, vote_type), options.timeout)
            )
            row = {
                "file": name,
                "rule": rule,
                "large": name not in SMALL,
                "ours": mine,
                "reference": theirs,
                "ratio": _ratio(mine, theirs),
            }
            if theirs.get("status") == "ok":  # a check, not a timing: the same projects?
                row["same_outcome"] = mine.get("selected") == theirs.get("selected")
            if rule == "mes-completed" and theirs.get("status") == "timeout" and mine.get("status") == "ok":
                row["estimate"] = _estimate(int(mine["stopped_at"]), mine)  # type: ignore[arg-type]
            report["large"].append(row)  # type: ignore[union-attr]
            _print_row(row)
    for name in sorted(path.name for path in DATA.glob("*.pb")):
        mine = isolated(ours, (name, "mes-completed"), 3600)
        total = float(mine["parse_s"]) + float(mine["wall_s"])  # type: ignore[arg-type]
        row = {
            "file": name,
            "parse_s": mine["parse_s"],
            "count_s": mine["wall_s"],
            "total_s": total,
            "peak_mb": mine["peak_mb"],
            "under_goal": total < GOAL_SECONDS,
        }
        report["mes_completed"].append(row)  # type: ignore[union-attr]
        print(
            f"mes-completed {name:60s} parse {mine['parse_s']:6.2f}s  count {mine['wall_s']:6.2f}s  "
            f"total {total:6.2f}s  {'ok' if total < GOAL_SECONDS else 'OVER 10 s'}",
            file=sys.stderr,
        )
    print(json.dumps(report, indent=1))


def _estimate(k: int, mine: dict[str, object]) -> dict[str, object]:
    called, first, finished, last = LOOP[:]
    setup, per_run = first - called, (last - first) / finished if finished else float("nan")
    total = setup + per_run * (k + 1)
    return {
        "stopped_at": k,
        "reference_setup_s": setup,
        "reference_runs_finished": int(finished),
        "reference_run_s": per_run,
        "reference_total_s": total,
        "ratio": f"{total / float(mine['wall_s']):.0f}",
    }  # type: ignore[arg-type]


def _ratio(mine: dict[str, object], theirs: dict[str, object]) -> str | None:
    if theirs.get("status") == "ok":
        return f"{float(theirs['wall_s']) / float(mine['wall_s']):.1f}"  # type: ignore[arg-type]
    if theirs.get("status") == "timeout":
        return f"> {float(theirs['wall_s']) / float(mine['wall_s']):.1f}"  # type: ignore[arg-type]
    return None


def _print_row(row: dict[str, object]) -> None:
    mine, theirs = row["ours"], row["reference"]
    ref = (
        "skipped"
        if theirs["status"] == "skipped"
        # type: ignore[index]
        else (f"> {theirs['wall_s']:.0f}s" if theirs["status"] == "timeout" else f"{theirs['wall_s']:8.2f}s")
    )  # type: ignore[index]
    print(
        f"{row['file']:45s} {row['rule']:14s} ours {mine['wall_s']:7.3f}s (cpu {mine['cpu_s']:6.3f}s, "  # type: ignore[index]
        f"{mine['peak_mb']:5.0f} MB)  reference {ref:>9s}  ratio {row['ratio'] or '-':>8s}x"
        + {True: "  same outcome", False: "  DIFFERENT OUTCOME", None: ""}[row.get("same_outcome")],  # type: ignore[index]
        file=sys.stderr,
    )
    estimate = row.get("estimate")
    if estimate:
        print(
            f"{'':60s} estimate: set-up {estimate['reference_setup_s']:.1f}s + "  # type: ignore[index]
            f"{estimate['stopped_at'] + 1} MES runs x {estimate['reference_run_s']:.2f}s "  # type: ignore[index]
            f"(mean of {estimate['reference_runs_finished']} it finished) "  # type: ignore[index]
            f"= {_duration(float(estimate['reference_total_s']))}, ratio about {estimate['ratio']}x",  # type: ignore[index]
            file=sys.stderr,
        )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _machine() -> dict[str, object]:
    import numpy

    try:
        import gmpy2  # noqa: F401 - only reported: civic does not use it

        gmpy = True
    except ImportError:
        gmpy = False
    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg(),
        "gmpy2_installed": gmpy,
    }


if __name__ == "__main__":
    main()
