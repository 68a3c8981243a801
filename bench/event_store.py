"""How close the event store and the projections come to what the storage underneath allows.

    python bench/event_store.py [--commands 5000] [--events 100000] [--postgres URL]

Prints JSON with two comparisons, each measured in the same run on the same machine:

- ``commands``: account commands per second through the application (``Accounts.sign_in`` and
  ``Accounts.grant``, one thread), next to the raw limit of the store: one-row INSERT
  transactions into a table like eventsourcing's, with the same durability settings. On SQLite
  that is a file in WAL mode with ``synchronous`` left at SQLite's default, exactly as
  ``eventsourcing.sqlite`` opens its connections (it sets only ``journal_mode=WAL``). With
  ``--postgres URL`` the same is measured on PostgreSQL (in a scratch schema, dropped after).
- ``rebuild``: events per second of ``projections.runner.rebuild`` with every view of
  ``civic.services.all_views()`` over a SQLite log of N events, next to merely reading and
  decoding that log (``select_notifications`` pages and ``mapper.to_domain_event``).

The goal for both ratios is at least 0.5. Needs the project importable (``pip install -e .`` or
``PYTHONPATH=.``).
"""

from __future__ import annotations

import argparse
import json
import secrets
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from make_events import fill_log
from psycopg import sql

from civic.services import all_views
from civic.settings import Settings
from domain.accounts import REVIEWER, Accounts
from domain.eventlog import SYSTEM_ACTOR, EventLog
from projections.runner import rebuild

GOAL = 0.5
ISSUER = "https://bench.civic.invalid"
WARM_UP = 50
BLOCK = 250  # commands per alternation between the application and the raw store
ROUNDS = 3  # rebuild and read-and-decode each run this often; the best of each counts
TOPIC = "domain.accounts:Account.RoleGranted"

# The table eventsourcing's SQLiteApplicationRecorder creates (rowid is the notification id).
SQLITE_TABLE = (
    "CREATE TABLE raw_events (originator_id TEXT, originator_version INTEGER, topic TEXT, "
    "state BLOB, PRIMARY KEY (originator_id, originator_version))"
)
POSTGRES_TABLE = (
    "CREATE TABLE raw_events (originator_id uuid NOT NULL, originator_version bigint NOT NULL, "
    "topic text, state bytea, PRIMARY KEY (originator_id, originator_version))"
)


@dataclass
class Comparison:
    name: str
    rate: float
    limit_name: str
    limit: float
    details: dict[str, object]

    def as_json(self) -> dict[str, object]:
        ratio = self.rate / self.limit
        return {
            **self.details,
            self.name: round(self.rate),
            self.limit_name: round(self.limit),
            "ratio": round(ratio, 3),
            "goal": GOAL,
            "meets_goal": ratio >= GOAL,
        }


# --- (a) commands per second -------------------------------------------------------------------


class CommandRunner:
    """Alternates a first sign-in and a role grant, through the application."""

    def __init__(self, log: EventLog, prefix: str) -> None:
        self.accounts = Accounts(log)
        self.prefix = prefix
        self.done = 0
        self.account_id: uuid.UUID | None = None

    def run(self, commands: int) -> float:
        """Runs the next ``commands`` commands; returns the seconds they took."""
        started = time.perf_counter()
        for n in range(self.done, self.done + commands):
            if n % 2 == 0:
                self.account_id = self.accounts.sign_in(ISSUER, f"{self.prefix}-{n}", f"Resident {n}").result
            else:
                self.accounts.grant(self.account_id, REVIEWER, actor=SYSTEM_ACTOR)  # type: ignore[arg-type]
        self.done += commands
        return time.perf_counter() - started


class RawSQLite:
    """One-row INSERT transactions, on a connection opened the way eventsourcing.sqlite does."""

    def __init__(self, path: Path, state: bytes) -> None:
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, cached_statements=True)
        self.conn.execute("PRAGMA journal_mode=WAL")  # all eventsourcing sets: synchronous stays default
        self.conn.execute(SQLITE_TABLE)
        self.state = state

    def run(self, transactions: int) -> float:
        rows = [(uuid.uuid4().hex, 1, TOPIC, self.state) for _ in range(transactions)]
        started = time.perf_counter()
        for row in rows:
            self.conn.execute("BEGIN")  # eventsourcing, too, begins explicitly in autocommit mode
            self.conn.execute("INSERT INTO raw_events VALUES (?,?,?,?)", row)
            self.conn.execute("COMMIT")
        return time.perf_counter() - started

    def pragmas(self) -> dict[str, object]:
        return sqlite_pragmas(self.conn.cursor())

    def close(self) -> None:
        self.conn.close()


class RawPostgres:
    """One-row INSERT transactions (autocommit: each statement commits, as a command does)."""

    def __init__(self, conn: psycopg.Connection, schema: str, state: bytes) -> None:
        self.conn = conn
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
        conn.execute(POSTGRES_TABLE)
        self.state = state

    def run(self, transactions: int) -> float:
        rows = [(uuid.uuid4(), 1, TOPIC, self.state) for _ in range(transactions)]
        started = time.perf_counter()
        for row in rows:
            self.conn.execute("INSERT INTO raw_events VALUES (%s, %s, %s, %s)", row, prepare=True)
        return time.perf_counter() - started


def interleaved(app: CommandRunner, raw: RawSQLite | RawPostgres, commands: int) -> tuple[float, float]:
    """Rates of both, run in alternating blocks so both see the same disk and the same load."""
    app.run(WARM_UP)  # table creation, statement caches, connection pool
    raw.run(WARM_UP)
    app_seconds = raw_seconds = 0.0
    for block in range(0, commands, BLOCK):
        size = min(BLOCK, commands - block)
        app_seconds += app.run(size)
        raw_seconds += raw.run(size)
    return commands / app_seconds, commands / raw_seconds


def typical_state(log: EventLog) -> bytes:
    """The largest stored event of a first sign-in and a grant, for the raw rows."""
    notes = log.recorder.select_notifications(start=None, limit=10)
    return max((note.state for note in notes), key=len)


def sqlite_pragmas(cursor: sqlite3.Cursor | object) -> dict[str, object]:
    values = {}
    for pragma in ("journal_mode", "synchronous"):
        cursor.execute(f"PRAGMA {pragma}")  # type: ignore[attr-defined]
        values[pragma] = next(iter(cursor.fetchone()))  # type: ignore[attr-defined]
    return values


def commands_on_sqlite(commands: int) -> Comparison:
    with tempfile.TemporaryDirectory(prefix="civic-bench-") as tmp:
        log = EventLog(env=Settings(data_dir=Path(tmp)).event_store_env())
        app = CommandRunner(log, "sqlite")
        app.run(2)
        raw = RawSQLite(Path(tmp) / "raw.db", typical_state(log))
        try:
            rate, limit = interleaved(app, raw, commands)
            with log.recorder.datastore.transaction(commit=False) as cursor:  # type: ignore[attr-defined]
                app_pragmas = sqlite_pragmas(cursor)
            raw_pragmas = raw.pragmas()
        finally:
            raw.close()
            log.close()
    return Comparison(
        "commands_per_second",
        rate,
        "raw_insert_transactions_per_second",
        limit,
        {
            "store": "sqlite",
            "commands": commands,
            "event_store_pragmas": app_pragmas,
            "raw_pragmas": raw_pragmas,
        },
    )


def with_schema(url: str, schema: str) -> str:
    return urlunsplit(urlsplit(url)._replace(query=f"schema={schema}"))


def postgres_conninfo(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(query=""))


def commands_on_postgres(url: str, commands: int) -> Comparison:
    schema = f"bench_{secrets.token_hex(6)}"
    with psycopg.connect(postgres_conninfo(url), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
        try:
            log = EventLog(env=Settings(database_url=with_schema(url, schema)).event_store_env())
            try:
                app = CommandRunner(log, "postgres")
                app.run(2)
                raw = RawPostgres(conn, schema, typical_state(log))
                rate, limit = interleaved(app, raw, commands)
            finally:
                log.close()
            synchronous_commit = conn.execute("SHOW synchronous_commit").fetchone()[0]  # type: ignore[index]
        finally:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
    return Comparison(
        "commands_per_second",
        rate,
        "raw_insert_transactions_per_second",
        limit,
        {"store": "postgres", "commands": commands, "synchronous_commit": synchronous_commit},
    )


# --- (b) projection rebuild ------------------------------------------------------------------


@dataclass
class Rates:
    """Events per second by the wall clock and by this process's CPU time."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def measure(self, work: Callable[[], int]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        events = work()
        self.wall.append(events / (time.perf_counter() - wall))
        self.cpu.append(events / (time.process_time() - cpu))


def read_and_decode(log: EventLog, page: int) -> int:
    decoded = 0
    to_event = log.mapper.to_domain_event
    start = 0
    while notes := log.recorder.select_notifications(start=start, limit=page, inclusive_of_start=False):
        for note in notes:
            to_event(note)
        decoded += len(notes)
        start = notes[-1].id
    return decoded


def rebuild_on_sqlite(events: int, page: int) -> Comparison:
    with tempfile.TemporaryDirectory(prefix="civic-bench-") as tmp:
        settings = Settings(data_dir=Path(tmp))
        log = EventLog(env=settings.event_store_env())
        try:
            started = time.perf_counter()
            fill_log(log, events)
            fill_seconds = time.perf_counter() - started
            reads, rebuilds = Rates(), Rates()
            for _ in range(ROUNDS):  # alternating, so both see the same load
                reads.measure(lambda: read_and_decode(log, page))
                rebuilds.measure(lambda: rebuild(log, settings.data_dir / "rebuilt.db", all_views(), page=page))
        finally:
            log.close()
    return Comparison(
        "rebuild_events_per_second",
        max(rebuilds.wall),
        "read_and_decode_events_per_second",
        max(reads.wall),
        {
            "store": "sqlite",
            "events": events,
            "page": page,
            "views": [f"{view.name}:{view.version}" for view in all_views()],
            "fill_seconds": round(fill_seconds, 1),
            "rounds": ROUNDS,
            "all_rebuild_rates": [round(rate) for rate in rebuilds.wall],
            "all_read_and_decode_rates": [round(rate) for rate in reads.wall],
            # CPU time is steadier than the wall clock on a shared machine
            "cpu_ratio": round(max(rebuilds.cpu) / max(reads.cpu), 3),
        },
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--commands", type=int, default=5000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--page", type=int, default=5000, help="rebuild page size")
    parser.add_argument("--postgres", metavar="URL", help="run the commands benchmark on PostgreSQL")
    args = parser.parse_args(argv)

    if args.postgres:
        commands = commands_on_postgres(args.postgres, args.commands)
    else:
        commands = commands_on_sqlite(args.commands)
    report = {
        "commands": commands.as_json(),
        "rebuild": rebuild_on_sqlite(args.events, args.page).as_json(),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
