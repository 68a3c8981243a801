"""Rebuilding one view over a long log of which it consumes a tenth, with topics and without.

    python bench/view_rebuild.py [--view accounts|glossary] [--events 1000000] [--repeat 3] [--data DIR]

The log holds events of two contexts, and the view rebuilt consumes one event in ten of it:
``--view accounts`` rebuilds the accounts view from a log of account events (one in ten) and
glossary meeting events (nine in ten); ``--view glossary`` the glossary view from the reverse.
"topics" is how civic rebuilds a view now: the recorder is asked for the view's topics only, so
nothing else is read or decoded. "every event" is how it rebuilt before views declared topics:
every notification was read and decoded, and the view skipped the events of other contexts. Both
runs build the same rows (checked). Runs alternate, each in a fresh file; medians are compared.

Prints a JSON report. The log is kept in DIR (default: a folder under /tmp) for the next run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_events import fill_log
from domain.eventlog import SYSTEM_ACTOR, EventLog
from domain.glossary.meetings import Meeting
from projections.accounts import AccountsView
from projections.glossary import GlossaryView
from projections.runner import Projector, open_read_db, table_rows, topics_of

BATCH = 10_000  # events per round: nine in ten of accounts, one in ten of meetings
AGENDA_ITEMS = 9  # each meeting: convened, then nine agenda items (ten events)


def every_event(view_class: type) -> Any:
    """The view as rebuilt before topics: read and decode everything, skip what is not its own."""

    class EveryEvent(view_class):  # type: ignore[misc, valid-type]
        topics = ()  # no filter: the recorder returns every notification

        def __init__(self) -> None:
            super().__init__()
            self.wanted: dict[type, bool] = {}
            self.own = topics_of(view_class.topics)

        def apply(self, event: Any, db: Any) -> None:
            kind = type(event)
            if kind not in self.wanted:  # the old runner cached this per type, too
                self.wanted[kind] = f"{kind.__module__}:{kind.__qualname__}" in self.own
            if self.wanted[kind]:
                super().apply(event, db)

    return EveryEvent()


VIEWS = {
    "accounts": (AccountsView, ["accounts", "role_changes"]),
    "glossary": (GlossaryView, ["glossary_meetings", "glossary_agenda"]),
}


def fill(log: EventLog, events: int, consumed: str) -> None:
    accounts, meetings_share = (1, 9) if consumed == "accounts" else (9, 1)
    while log.position() < events:
        fill_log(log, BATCH * accounts // 10)
        meetings = []
        for _ in range(BATCH * meetings_share // 10 // (AGENDA_ITEMS + 1)):
            meeting = Meeting("2026-11-20", ["林委員"], "bench", "review", actor=SYSTEM_ACTOR)
            for _ in range(AGENDA_ITEMS):
                meeting.add_to_agenda(uuid4(), SYSTEM_ACTOR)
            meetings.append(meeting)
        log.record(*meetings)
        print(f"\rfilled {log.position():,} events", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def build(
    log: EventLog, view: Any, path: Path, tables: list[str]
) -> tuple[float, int, dict[str, list[tuple[Any, ...]]]]:
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    db = open_read_db(path)
    db.execute("PRAGMA synchronous=OFF")
    started = time.perf_counter()
    applied = Projector(log, db, [view]).catch_up(page=5000)
    seconds = time.perf_counter() - started
    rows = table_rows(db, tables)
    db.close()
    return seconds, applied, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--view", choices=sorted(VIEWS), default="accounts")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    view_class, tables = VIEWS[args.view]
    args.data = args.data or Path(tempfile.gettempdir()) / f"civic-bench-view-rebuild-{args.view}-{args.events}"
    args.data.mkdir(parents=True, exist_ok=True)
    log = EventLog(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(args.data / "events.db")})
    fill(log, args.events, args.view)
    total = log.position()
    runs: dict[str, list[float]] = {"topics": [], "every event": []}
    consumed = 0
    for round_number in range(args.repeat):
        order = [("topics", view_class()), ("every event", every_event(view_class))]
        if round_number % 2:
            order.reverse()
        results = {}
        for name, view in order:
            seconds, applied, rows = build(log, view, args.data / f"{name.replace(' ', '-')}.db", tables)
            runs[name].append(seconds)
            results[name] = (applied, rows)
            print(f"round {round_number + 1}: {name}: {seconds:.2f} s", file=sys.stderr)
        assert results["topics"][1] == results["every event"][1], "both ways must build the same rows"
        consumed = results["topics"][0]
    log.close()
    topics, everything = statistics.median(runs["topics"]), statistics.median(runs["every event"])
    print(
        json.dumps(
            {
                "view": args.view,
                "log_events": total,
                "consumed_by_the_view": consumed,
                "consumed_share": round(consumed / total, 3),
                "median_seconds": {"topics": round(topics, 2), "every event (before)": round(everything, 2)},
                "runs_seconds": {name: [round(value, 2) for value in values] for name, values in runs.items()},
                "speed_up": round(everything / topics, 1),
                "target": "at least 5x",
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
