"""Fills an event store with N account events, fast, to benchmark or to try ``civic rebuild`` on.

    python bench/make_events.py --events 100000 [DATA_DIR]

DATA_DIR defaults to ``CIVIC_DATA_DIR`` (and ``CIVIC_DATABASE_URL`` is honoured, like the
``civic`` command). Each account gets, in turn: Registered, RoleGranted(reviewer), Renamed,
RoleGranted(translator), RoleRevoked(reviewer); the last account stops wherever N is reached.
Events are saved a few thousand at a time with one ``EventLog.record(*accounts)`` per batch.
Needs the project importable (``pip install -e .`` or ``PYTHONPATH=.``).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from civic.settings import Settings
from domain.accounts import REVIEWER, TRANSLATOR, Account
from domain.eventlog import SYSTEM_ACTOR, EventLog

ISSUER = "https://bench.civic.invalid"

STEPS: list[Callable[[Account], None]] = [
    lambda account: account.grant(REVIEWER, SYSTEM_ACTOR),
    lambda account: account.rename(f"{account.name} (renamed)", str(account.id)),
    lambda account: account.grant(TRANSLATOR, SYSTEM_ACTOR),
    lambda account: account.revoke(REVIEWER, SYSTEM_ACTOR),
]
EVENTS_PER_ACCOUNT = 1 + len(STEPS)


def accounts_with_events(events: int, first: int = 0) -> Iterator[Account]:
    """New accounts holding ``events`` pending events between them."""
    number = first
    while events > 0:
        account = Account(ISSUER, f"bench-{number}", f"Bench {number}", actor=SYSTEM_ACTOR)
        for step in STEPS[: min(events, EVENTS_PER_ACCOUNT) - 1]:
            step(account)
        events -= EVENTS_PER_ACCOUNT
        number += 1
        yield account


def fill_log(
    log: EventLog,
    events: int,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Records ``events`` account events after whatever the log holds; returns its position."""
    first = log.position()  # new subjects each run, so refilling a log never collides
    pending: list[Account] = []
    pending_events = 0
    for account in accounts_with_events(events, first):
        pending.append(account)
        pending_events += account.version
        if pending_events >= batch:
            log.record(*pending)
            if progress:
                progress(pending_events)
            pending, pending_events = [], 0
    if pending:
        log.record(*pending)
        if progress:
            progress(pending_events)
    return log.position()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("data_dir", nargs="?", type=Path, help="defaults to CIVIC_DATA_DIR")
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.data_dir is not None:
        settings = dataclasses.replace(settings, data_dir=args.data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log = EventLog(env=settings.event_store_env())
    started = time.perf_counter()
    try:
        position = fill_log(log, args.events, progress=lambda n: print(".", end="", file=sys.stderr, flush=True))
    finally:
        log.close()
    print(file=sys.stderr)
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "data_dir": str(settings.data_dir),
                "store": "postgres" if settings.database_url else "sqlite",
                "events_added": args.events,
                "log_position": position,
                "seconds": round(seconds, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
