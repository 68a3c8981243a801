"""The write path under concurrency: commands from many threads against raw one-row transactions.

    python bench/write_path.py --postgres URL [--sqlite] [--threads 32] [--blocks 4] [--block 40]
    python bench/write_path.py --quick --postgres URL --sqlite

Web requests issue commands from a thread pool, so a node's write path is measured as N threads
(``--threads``) each issuing account commands (``Accounts.sign_in`` of a new account, then
``Accounts.grant`` on it: each loads its aggregate, then saves one event), against the raw limit
of the same store at the same concurrency, in the same process:

- PostgreSQL: N threads, each with a connection of its own, doing one-row INSERT transactions
  (autocommit, as eventsourcing's pool opens its connections) into a table like eventsourcing's.
- SQLite: the same rows, one durable transaction each (WAL, ``synchronous`` at SQLite's default,
  FULL, as ``eventsourcing.sqlite`` opens it), every thread through one connection behind a lock,
  which is the most one-row transactions get from SQLite in one process; a connection per
  thread (bench/cast_baseline.py's way) waits in SQLite's busy handler and is printed too.

The command path is measured in variants, each in a scratch schema (or directory) of its own:

- ``eventsourcing``: as before issue 14: eventsourcing's recorder (PostgreSQL: a table lock, a
  NOTIFY and a commit per save, in a pipeline then a COMMIT), the pool as ``Settings`` configures
  it (5 connections, up to 10 more under load: eventsourcing's default ``POSTGRES_MAX_OVERFLOW``);
- ``pool`` (PostgreSQL): the same with a pool of exactly the thread count;
- ``group_commit``: ``civic/store`` (saves that arrive while one is written go together in the
  next transaction; on PostgreSQL one statement per batch, run through libpq), the same pool:
  what ``Settings.event_store_env`` configures now;
- ``group_commit_pool`` (PostgreSQL): both.

Each variant runs in blocks (``--block`` commands per thread) alternating with blocks of raw
transactions (``--blocks`` times), so that both see the same load on a shared machine; its ratio
is against the raw blocks run alongside it. On PostgreSQL all of it runs once per psycopg build,
each in its own process (``PSYCOPG_IMPL=python``, the pure-Python build, and ``binary``, the C
build from ``psycopg[binary]``). The goal is a ratio of at least 0.5. Figures are as measured.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

GOAL = 0.5
ISSUER = "https://bench.civic.invalid"
TOPIC = "domain.accounts:Account.RoleGranted"
STATE = b"x" * 220  # about the size of a stored RoleGranted event

POSTGRES_TABLE = (
    "CREATE TABLE raw_events (originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
    "topic text, state bytea, PRIMARY KEY (originator_id, originator_version))"
)
SQLITE_TABLE = (
    "CREATE TABLE IF NOT EXISTS raw_events (originator_id TEXT, originator_version INTEGER, topic TEXT, "
    "state BLOB, PRIMARY KEY (originator_id, originator_version))"
)
POSTGRES_VARIANTS = ("eventsourcing", "pool", "group_commit", "group_commit_pool")
SQLITE_VARIANTS = ("eventsourcing", "group_commit")
CHOSEN = "group_commit"  # what Settings.event_store_env configures now


def run_threads(threads: int, per_thread: int, work: Callable[[int, int], None]) -> float:
    """Runs ``work(thread, count)`` in ``threads`` threads started together; returns the seconds."""
    start = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def body(n: int) -> None:
        start.wait()
        try:
            work(n, per_thread)
        except BaseException as error:
            errors.append(error)

    pool = [threading.Thread(target=body, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in pool:
        thread.join()
    seconds = time.perf_counter() - began
    if errors:
        raise errors[0]
    return seconds


def command_work(log: object, tag: str) -> Callable[[int, int], None]:
    """Each thread: a first sign-in, then a grant on that account, and so on (new names each call)."""
    from domain.accounts import REVIEWER, Accounts
    from domain.eventlog import SYSTEM_ACTOR

    accounts = Accounts(log)  # type: ignore[arg-type]
    done: dict[int, int] = {}
    last: dict[int, object] = {}

    def work(thread: int, count: int) -> None:
        account_id = last.get(thread)
        first = done.get(thread, 0)
        for n in range(first, first + count):
            if n % 2 == 0:
                account_id = accounts.sign_in(ISSUER, f"{tag}-{thread}-{n}", f"Resident {n}").result
            else:
                accounts.grant(account_id, REVIEWER, actor=SYSTEM_ACTOR)  # type: ignore[arg-type]
        done[thread] = first + count
        last[thread] = account_id

    return work


def alternate(
    threads: int, blocks: int, block: int, raw: Callable[[int, int], None], app: Callable[[int, int], None]
) -> tuple[float, float]:
    """Rates (per second) of ``app`` and ``raw``, run in alternating blocks so both see the same load."""
    run_threads(threads, 4, raw)  # warm up: connections, statement caches, pools
    run_threads(threads, 4, app)
    raw_seconds = app_seconds = 0.0
    for _ in range(blocks):
        raw_seconds += run_threads(threads, block, raw)
        app_seconds += run_threads(threads, block, app)
    operations = threads * block * blocks
    return operations / app_seconds, operations / raw_seconds


def gap_free(log: object) -> bool:
    ids = [note.id for note in log.recorder.select_notifications(start=0, limit=10**7)]  # type: ignore[attr-defined]
    return ids == list(range(1, len(ids) + 1))


def batching(log: object) -> dict[str, object]:
    group = getattr(log.recorder, "group", None)  # type: ignore[attr-defined]
    if group is None:
        return {}
    return {"saves_per_transaction": round(group.saves / max(group.transactions, 1), 2)}


# --- PostgreSQL --------------------------------------------------------------------------------


def conninfo(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(query=""))


@contextmanager
def scratch_schema(url: str) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    schema = f"bench_{secrets.token_hex(6)}"
    with psycopg.connect(conninfo(url), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        try:
            yield schema
        finally:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))


def postgres_env(url: str, schema: str, variant: str, threads: int) -> dict[str, str]:
    from civic.settings import Settings

    env = Settings(database_url=urlunsplit(urlsplit(url)._replace(query=f"schema={schema}"))).event_store_env()
    if variant in ("eventsourcing", "pool"):
        env.pop("APPLICATION_RECORDER_TOPIC")
    if variant in ("pool", "group_commit_pool"):
        env["POSTGRES_POOL_SIZE"], env["POSTGRES_MAX_OVERFLOW"] = str(threads), "0"
    # Else the pool as Settings configures it, as before issue 14: 5 connections, and up to 10
    # more under load (eventsourcing's default POSTGRES_MAX_OVERFLOW).
    return env


@contextmanager
def postgres_raw(url: str, schema: str, threads: int) -> Iterator[Callable[[int, int], None]]:
    """One-row INSERT transactions, a connection per thread, opened as eventsourcing's pool opens them."""
    import psycopg
    from psycopg import sql

    conns = [psycopg.connect(conninfo(url), autocommit=True) for _ in range(threads)]
    try:
        for conn in conns:
            conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            conn.execute("SET idle_in_transaction_session_timeout = '5000ms'")
        conns[0].execute(POSTGRES_TABLE)

        def work(thread: int, count: int) -> None:
            conn = conns[thread]
            for _ in range(count):
                conn.execute(
                    "INSERT INTO raw_events VALUES (%s, %s, %s, %s)", (uuid.uuid4(), 1, TOPIC, STATE), prepare=True
                )

        yield work
    finally:
        for conn in conns:
            conn.close()


def postgres_child(url: str, threads: int, blocks: int, block: int) -> dict[str, object]:
    """One psycopg build: every variant, each alternating with raw transactions."""
    import psycopg

    from domain.eventlog import EventLog

    report: dict[str, object] = {"psycopg": psycopg.pq.__impl__, "threads": threads}
    raw_rates = []
    with scratch_schema(url) as raw_schema, postgres_raw(url, raw_schema, threads) as raw:
        for variant in POSTGRES_VARIANTS:
            with scratch_schema(url) as schema:
                log = EventLog(env=postgres_env(url, schema, variant, threads))
                try:
                    rate, raw_rate = alternate(threads, blocks, block, raw, command_work(log, variant))
                    figures = {"gap_free": gap_free(log), **batching(log)}
                finally:
                    log.close()
            raw_rates.append(raw_rate)
            report[variant] = {
                "commands_per_second": round(rate),
                "raw_per_second_alongside": round(raw_rate),
                "ratio": round(rate / raw_rate, 3),
                **figures,
            }
    with psycopg.connect(conninfo(url)) as conn:
        report["synchronous_commit"] = conn.execute("SHOW synchronous_commit").fetchone()[0]  # type: ignore[index]
    return report


def postgres_report(url: str, threads: int, blocks: int, block: int) -> dict[str, object]:
    """Each psycopg build in its own process (the build is chosen at import)."""
    builds = {}
    for impl in ("python", "binary"):
        child = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--postgres",
                url,
                "--threads",
                str(threads),
                "--blocks",
                str(blocks),
                "--block",
                str(block),
            ],
            env={**os.environ, "PSYCOPG_IMPL": impl},
            capture_output=True,
            text=True,
            check=True,
        )
        builds[impl] = json.loads(child.stdout)
    chosen = builds["binary"][CHOSEN]  # type: ignore[index]
    return {
        "store": "postgres",
        "builds": builds,
        "chosen": f"psycopg binary, {CHOSEN}",
        "ratio": chosen["ratio"],
        "ratio_before": builds["python"]["eventsourcing"]["ratio"],  # type: ignore[index]
        "goal": GOAL,
        "meets_goal": chosen["ratio"] >= GOAL,
    }


# --- SQLite ------------------------------------------------------------------------------------


def sqlite_raw(path: Path) -> Callable[[int, int], None]:
    """One durable INSERT per transaction, a connection per thread: bench/cast_baseline.py's write."""
    local = threading.local()

    def connection() -> sqlite3.Connection:
        if not hasattr(local, "conn"):
            local.conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
            local.conn.execute("PRAGMA journal_mode=WAL")  # all eventsourcing sets: synchronous stays FULL
            local.conn.execute(SQLITE_TABLE)
        return local.conn  # type: ignore[no-any-return]

    def work(thread: int, count: int) -> None:
        conn = connection()
        for _ in range(count):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO raw_events VALUES (?,?,?,?)", (uuid.uuid4().hex, 1, TOPIC, STATE))
            conn.execute("COMMIT")

    return work


def sqlite_raw_one_writer(path: Path) -> Callable[[int, int], None]:
    """One durable INSERT per transaction, every thread through one connection behind a lock: the
    most a process of one-row transactions gets from SQLite (connections of their own per thread
    wait in SQLite's busy handler, which sleeps)."""
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(SQLITE_TABLE)
    lock = threading.Lock()

    def work(thread: int, count: int) -> None:
        for _ in range(count):
            row = (uuid.uuid4().hex, 1, TOPIC, STATE)
            with lock:
                conn.execute("BEGIN IMMEDIATE")
                conn.execute("INSERT INTO raw_events VALUES (?,?,?,?)", row)
                conn.execute("COMMIT")

    return work


def sqlite_report(threads: int, blocks: int, block: int) -> dict[str, object]:
    from civic.settings import Settings
    from domain.eventlog import EventLog

    report: dict[str, object] = {"store": "sqlite", "threads": threads}
    with tempfile.TemporaryDirectory(prefix="civic-bench-") as name:
        tmp = Path(name)
        per_thread_raw = sqlite_raw(tmp / "raw-per-thread.db")
        run_threads(threads, 4, per_thread_raw)
        seconds = run_threads(threads, block * blocks, per_thread_raw)
        report["raw_connection_per_thread_per_second"] = round(threads * block * blocks / seconds)
        raw = sqlite_raw_one_writer(tmp / "raw.db")
        for variant in SQLITE_VARIANTS:
            (tmp / variant).mkdir()
            env = Settings(data_dir=tmp / variant).event_store_env()
            if variant == "eventsourcing":
                env.pop("APPLICATION_RECORDER_TOPIC")
            log = EventLog(env=env)
            try:
                rate, raw_rate = alternate(threads, blocks, block, raw, command_work(log, variant))
                figures = {"gap_free": gap_free(log), **batching(log)}
            finally:
                log.close()
            report[variant] = {
                "commands_per_second": round(rate),
                "raw_per_second_alongside": round(raw_rate),
                "ratio": round(rate / raw_rate, 3),
                **figures,
            }
    report["ratio"] = report["group_commit"]["ratio"]  # type: ignore[index]
    report["goal"] = GOAL
    report["meets_goal"] = report["ratio"] >= GOAL  # type: ignore[operator]
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--postgres", metavar="URL", help="measure on PostgreSQL (scratch schemas, dropped after)")
    parser.add_argument("--sqlite", action="store_true", help="measure on SQLite (a temporary directory)")
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--blocks", type=int, default=4, help="alternations of raw and commands per variant")
    parser.add_argument("--block", type=int, default=40, help="operations per thread per block")
    parser.add_argument("--quick", action="store_true", help="3 blocks per variant")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.blocks = min(args.blocks, 3)
    if args.child:
        print(json.dumps(postgres_child(args.postgres, args.threads, args.blocks, args.block)))
        return
    if not (args.postgres or args.sqlite):
        parser.error("say --postgres URL, --sqlite, or both")
    report: dict[str, object] = {"load_average": [round(x, 2) for x in os.getloadavg()]}
    if args.postgres:
        report["postgres"] = postgres_report(args.postgres, args.threads, args.blocks, args.block)
    if args.sqlite:
        report["sqlite"] = sqlite_report(args.threads, args.blocks, args.block)
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
