"""Benchmark: ``civic tally FILE --rule R`` as a whole process against the reference as a whole process.

    .venv/bin/python bench/tally_process.py [--quick] [--file NAME.pb] [--rule R] [--repeat 3] [--timeout 120]

Each row is one shared election of ``tests/data/pabulib/`` and one rule. Both sides are timed
from process start to exit, as a user waits for them: civic is the installed ``civic`` command
(start-up, reading the file, counting, printing the table); the reference is a fresh Python that
imports pabutools 1.2.3, parses the same file with ``parse_pabulib`` and makes the rule's call
exactly as ``tests/data/pabulib/expected.json`` lists it (``calls``). The two alternate within a
row, ``--repeat`` times each (a reference run longer than 10 s is not repeated: one such run
says enough), and the medians are compared. A reference that does not finish within
``--timeout`` seconds is killed; its ratio is then a lower bound, printed as "> N x" (and
"undecided" when that bound is below the target).

Targets: at least 20x on every election with more than 10,000 voters, at least 10x on the others.

Before measuring, civic's own packages are byte-compiled (``compileall``), as pip compiles an
installed package and as pabutools' modules were compiled when it was installed. An editable
install under ``PYTHONDONTWRITEBYTECODE=1`` (this machine's environment) otherwise keeps no
bytecode for civic, and every run would compile its modules from source again.

Each side is timed twice: wall seconds (exact: the child is reaped by a blocking ``os.wait4``,
not by ``subprocess``'s polling, which rounded every time up by up to 50 ms; see ``timed``), and
CPU seconds (the child's user + system time, from that ``wait4``). On a machine shared with
other jobs the wall time also counts their turns on the cores; the CPU ratio is the steadier one
there. The reference also runs threads (numpy's BLAS) on both cores, so its CPU time can exceed
its wall time: the target verdict is on wall time.

``--quick``: three files (small, medium, large) and the rules greedy and mes. ``--small``: the
files of at most 10,000 voters.

Prints a JSON document on stdout and a readable table on stderr.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "pabulib"
CIVIC = Path(sys.executable).parent / "civic"
RULES = ("greedy", "mes", "mes-completed", "phragmen")
QUICK_FILES = ("Netherlands_Assen_2024.pb", "Poland_Czestochowa_2020.pb", "Poland_Warszawa_2026.pb")
QUICK_RULES = ("greedy", "mes")
LARGE_VOTERS = 10_000
TARGETS = {True: 20.0, False: 10.0}  # more than LARGE_VOTERS voters -> target
NO_REPEAT_SECONDS = 10.0

REFERENCE = """
import sys
import pabutools.election as election_module
import pabutools.rules as rules_module
from pabutools.election.pabulib import parse_pabulib

instance, profile = parse_pabulib(sys.argv[1])
namespace = {**vars(election_module), **vars(rules_module), "instance": instance, "profile": profile}
outcome = eval(sys.argv[2], namespace)  # the exact call text from expected.json (our own test data)
print(len(outcome))
"""


def reference_calls() -> dict[str, dict[str, str]]:
    """Ballot kind -> our rule name -> the reference call text, from expected.json."""
    calls = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))["calls"]
    by_kind: dict[str, dict[str, str]] = {}
    for kind, entries in calls.items():
        for key, call in entries.items():
            rule = "mes-completed" if key.endswith("_completed") else key.split("_")[0]
            by_kind.setdefault(kind, {})[rule] = call
    return by_kind


def election_facts(path: Path) -> tuple[str, int]:
    """(vote_type, voters) from the META section, without parsing the file with either side."""
    vote_type, voters = "", 0
    with path.open(encoding="utf-8-sig") as lines:
        for line in lines:
            key, _, value = line.strip().partition(";")
            if key == "vote_type":
                vote_type = value.strip().lower()
            elif key == "num_votes":
                voters = int(value)
            elif key.upper() == "PROJECTS":
                break
    return vote_type, voters


def timed(command: list[str], timeout: float) -> tuple[float, float] | None:
    """(wall, CPU) seconds of the child from start to exit; None when killed at the timeout.

    The child is started with ``Popen`` and reaped with a blocking ``os.wait4`` on its pid, which
    returns the moment it exits, with that child's own resource usage. ``subprocess.run(...,
    timeout=)`` is not used: with a timeout, CPython's ``Popen.wait`` polls ``waitpid(WNOHANG)``
    with sleeps that double up to 50 ms, so every wall time came out rounded up to the next poll
    (civic 0.032 or 0.064 s, the reference 0.218, 0.268 or 0.318 s), a bias of up to 50 ms on
    runs of 20 ms. The timeout is a timer thread that kills the child instead.

    CPU is the child's user + system time from ``wait4``'s rusage: on a machine shared with other
    jobs the wall time counts their turns on the cores too, the CPU time does not.
    """
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        child.kill()

    killer = threading.Timer(timeout, kill)
    killer.start()
    try:
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
    finally:
        killer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
    if killed.is_set():
        return None
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, command)
    return wall, usage.ru_utime + usage.ru_stime


def measure(path: Path, rule: str, call: str, repeat: int, timeout: float) -> dict[str, object]:
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    timed_out = False
    for _ in range(repeat):
        seconds = timed([str(CIVIC), "--lang", "en", "tally", str(path), "--rule", rule], timeout)
        if seconds is not None:
            ours.append(seconds)
        if timed_out or (theirs and max(wall for wall, _ in theirs) > NO_REPEAT_SECONDS):
            continue
        reference = timed([sys.executable, "-c", REFERENCE, str(path), call], timeout)
        if reference is None:
            timed_out = True
        else:
            theirs.append(reference)
    if not ours:  # civic itself did not finish within the timeout: nothing to compare
        raise TimeoutError(f"civic tally {path.name} --rule {rule} took longer than {timeout:.0f} s")
    civic = statistics.median(wall for wall, _ in ours)
    civic_cpu = statistics.median(cpu for _, cpu in ours)
    if timed_out:
        return {
            "civic_s": civic,
            "civic_cpu_s": civic_cpu,
            "reference_s": None,
            "reference_cpu_s": None,
            "ratio": timeout / civic,
            "cpu_ratio": None,
            "lower_bound": True,
            "runs": len(ours),
        }
    reference_s = statistics.median(wall for wall, _ in theirs)
    reference_cpu_s = statistics.median(cpu for _, cpu in theirs)
    return {
        "civic_s": civic,
        "civic_cpu_s": civic_cpu,
        "reference_s": reference_s,
        "reference_cpu_s": reference_cpu_s,
        "ratio": reference_s / civic,
        "cpu_ratio": reference_cpu_s / civic_cpu if civic_cpu else None,
        "lower_bound": False,
        "runs": len(ours),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="three files, greedy and mes only")
    parser.add_argument("--file", action="append", help="only this file (repeatable)")
    parser.add_argument("--small", action="store_true", help=f"only the files of at most {LARGE_VOTERS:,} voters")
    parser.add_argument("--rule", action="append", choices=RULES, help="only this rule (repeatable)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    options = parser.parse_args()
    files = options.file or (list(QUICK_FILES) if options.quick else sorted(p.name for p in DATA.glob("*.pb")))
    rules = options.rule or (list(QUICK_RULES) if options.quick else list(RULES))
    calls = reference_calls()
    for package in ("civic", "domain", "web", "projections"):
        compileall.compile_dir(ROOT / package, quiet=1)
    rows = []
    for name in files:
        vote_type, voters = election_facts(DATA / name)
        if options.small and voters > LARGE_VOTERS:
            continue
        kind = (
            "approval"
            if vote_type in ("approval", "choose-1")
            else ("cumulative" if vote_type == "scoring" else vote_type)
        )
        for rule in rules:
            call = calls.get(kind, {}).get(rule)
            if call is None:  # Phragmén is for approval ballots only
                continue
            try:
                result = measure(DATA / name, rule, call, options.repeat, options.timeout)
            except TimeoutError as slow:
                print(slow, file=sys.stderr, flush=True)
                continue
            target = TARGETS[voters > LARGE_VOTERS]
            # A timed-out reference gives only a lower bound: below the target it decides nothing.
            meets = True if result["ratio"] >= target else (None if result["lower_bound"] else False)
            row = {"file": name, "voters": voters, "rule": rule, **result, "target": target, "meets_target": meets}
            rows.append(row)
            print(_line(row, options.timeout), file=sys.stderr, flush=True)
    document = {
        "bench": "tally_process",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "repeat": options.repeat,
        "timeout_s": options.timeout,
        "rows": rows,
        "missed": [f"{row['file']} {row['rule']}" for row in rows if row["meets_target"] is False],
        "undecided": [f"{row['file']} {row['rule']}" for row in rows if row["meets_target"] is None],
    }
    print(json.dumps(document, indent=1))
    print(_table(rows, options.timeout), file=sys.stderr)


def _line(row: dict[str, object], timeout: float) -> str:
    reference = f"> {timeout:.0f}" if row["lower_bound"] else f"{row['reference_s']:.3f}"
    ratio = f"{'> ' if row['lower_bound'] else ''}{row['ratio']:.1f} x"
    cpu = "" if row["cpu_ratio"] is None else f"{row['cpu_ratio']:.1f} x"
    reference_cpu = "" if row["reference_cpu_s"] is None else f"{row['reference_cpu_s']:.3f}"
    verdict = {
        True: "ok",
        False: f"MISSES {row['target']:.0f} x",
        None: f"undecided (target {row['target']:.0f} x; the reference timed out)",
    }[row["meets_target"]]
    return (
        f"{row['file'][:44]:44} {row['voters']:>7} {row['rule']:13} {row['civic_s']:7.3f} s "
        f"{reference:>8} s {ratio:>10} | {row['civic_cpu_s']:7.3f} s {reference_cpu:>8} s {cpu:>8}  {verdict}"
    )


def _table(rows: list[dict[str, object]], timeout: float) -> str:
    header = (
        f"{'file':44} {'voters':>7} {'rule':13} {'civic':>9} {'reference':>10} {'ratio':>10} | "
        f"{'civic CPU':>9} {'ref. CPU':>10} {'CPU ratio':>8}  target (wall)"
    )
    met = [row for row in rows if row["meets_target"] is True]
    undecided = [row for row in rows if row["meets_target"] is None]
    footer = f"{len(met)} of {len(rows)} rows meet their target, {len(undecided)} undecided (reference timed out)"
    return "\n".join(["", header, *(_line(row, timeout) for row in rows), footer])


if __name__ == "__main__":
    main()
