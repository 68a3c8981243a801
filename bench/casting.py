"""Benchmark: verifying and casting through the ``Voting`` service, without HTTP, on SQLite files.

    .venv/bin/python bench/casting.py [--voters 2000]

Each voter verifies (census lookup, two keyed hashes, the binding saved in the main log), casts an
approval ballot and changes it once (ballot box). The figures are the service's share of the
issue's HTTP target (270,000 ballots in 10 minutes: 450 casts a second); the web adds the session,
the forgery check and the wait for the ``ballots`` view.

Prints a JSON document on stdout and a readable table on stderr.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.accounts import STAFF, Accounts
from domain.budgeting.ballot_box import BallotBox, BallotKeys
from domain.budgeting.census import CensusKeys, read_census
from domain.budgeting.service import Budgeting
from domain.budgeting.spec import parse
from domain.budgeting.voting import Voting
from domain.eventlog import EventLog

LETTERS = {letter: value for value, letter in enumerate("ABCDEFGHJKLMNPQRSTUVXYWZIO", start=10)}
WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1)
SPEC = """\
slug = "bench"
name_zh = "基準"
name_en = "Bench"
rule = "greedy"
[ballot]
kind = "approval"
min_choices = 1
max_choices = 3
[schedule]
voting = 2027-04-01
counting = 2027-05-01
[[areas]]
code = "a"
name_zh = "甲"
name_en = "A"
districts = ["鼓山區"]
budget = 10000000
""" + "".join(
    f'[[areas.projects]]\ncode = "P{n}"\ntitle_zh = "計畫{n}"\ntitle_en = "Project {n}"\ncost = 100000\n'
    for n in range(1, 21)
)
IN_VOTING = datetime(2027, 4, 10, 10, 0)


def number(serial: int) -> str:
    body = f"1{serial:07d}"
    digits = [LETTERS["E"] // 10, LETTERS["E"] % 10, *(int(d) for d in body)]
    total = sum(d * w for d, w in zip(digits, WEIGHTS, strict=True))
    return f"E{body}{(10 - total % 10) % 10}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=2000)
    voters = parser.parse_args().voters
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_LOCK_TIMEOUT": "30"}
        log = EventLog(env={**sqlite, "SQLITE_DBNAME": str(Path(tmp) / "events.db")})
        box = BallotBox(env={**sqlite, "SQLITE_DBNAME": str(Path(tmp) / "ballots.db")})
        accounts = Accounts(log)
        staff = str(accounts.grant_from_command_line("https://id", "stan", STAFF).result)
        Budgeting(log, accounts).create_cycle(parse(SPEC), staff)
        keys = CensusKeys(b"bench-census-key-0123456789")
        born = date(1980, 1, 1)
        csv = "id_number,birth_date,district\n" + "".join(f"{number(n)},1980-01-01,鼓山區\n" for n in range(voters))
        census = {entry.person: entry for entry in read_census(csv.encode(), keys, ["鼓山區"], date(2027, 1, 1))}
        people = [str(accounts.sign_in("https://id", f"v{n}", f"V{n}").result) for n in range(voters)]
        voting = Voting(
            log, box, accounts, keys, BallotKeys(b"bench-ballot-key-0123456789"), lambda s, p: census.get(p)
        )
        timings: dict[str, list[float]] = {"verify": [], "cast": [], "change": []}
        for n, account in enumerate(people):
            steps = (
                ("verify", voting.verify, ("bench", account, number(n), born, IN_VOTING)),
                ("cast", voting.cast_online, ("bench", account, "a", {"P1": 1, "P2": 1}, IN_VOTING)),
                ("change", voting.cast_online, ("bench", account, "a", {"P3": 1}, IN_VOTING)),
            )
            for kind, command, args in steps:
                started = time.perf_counter()
                command(*args)  # type: ignore[operator]
                timings[kind].append(time.perf_counter() - started)
        box.close()
        log.close()
    report = {
        "voters": voters,
        "python": platform.python_version(),
        **{
            kind: {
                "per_second": round(len(values) / sum(values), 1),
                "p50_ms": round(statistics.median(values) * 1000, 2),
                "p95_ms": round(statistics.quantiles(values, n=20)[18] * 1000, 2),
            }
            for kind, values in timings.items()
        },
    }
    print(json.dumps(report, indent=2))
    for kind in timings:
        figures = report[kind]
        print(f"{kind:>7}: {figures['per_second']:>8}/s  p50 {figures['p50_ms']} ms  p95 {figures['p95_ms']} ms",
              file=sys.stderr)  # fmt: skip


if __name__ == "__main__":
    main()
