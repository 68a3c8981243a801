"""Feeding the event log into the SQLite read models, exactly once.

The projector pulls pages of notifications after its stored position (eventsourcing's
``ProjectionRunner`` cannot subscribe to a SQLite store, so we pull; the same loop works on
PostgreSQL). Each page is applied to every view inside one SQLite transaction together with the new
position, written as a compare-and-set: a crash rolls back both, and a second projector racing this
one fails its compare-and-set instead of applying the page twice.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol

from eventsourcing.persistence import Tracking
from sqlite_utils import Database

from domain.eventlog import EventLog

POSITIONS = "_positions"
PAGE = 1000


class View(Protocol):
    """One read model: creates its tables and maps each event to row changes.

    A view may also define ``begin_page(db)`` and ``end_page(db)``, called around each page inside
    its transaction, to buffer rows in memory and write them in bulk.
    """

    name: str
    version: int

    def create(self, db: Database) -> None: ...

    def apply(self, event: object, db: Database) -> None: ...


def _nothing(db: Database) -> None:
    pass


def _wants(interested: dict[type, bool], kind: type, view: View) -> bool:
    """Whether a view's singledispatch ``apply`` has a handler for ``kind`` (cached per type)."""
    if kind not in interested:
        method = next((vars(cls)["apply"] for cls in type(view).__mro__ if "apply" in vars(cls)), None)
        registry = getattr(getattr(method, "dispatcher", None), "registry", None)
        if registry is None:  # a plain apply method: it wants everything
            interested[kind] = True
        else:
            interested[kind] = any(base is not object and issubclass(kind, base) for base in registry)
    return interested[kind]


class ConcurrentProjectionError(RuntimeError):
    """Another projector advanced the position first; this page was rolled back."""


class StillProcessingError(TimeoutError):
    """The read model did not reach a command's events within the wait allowed."""

    def __init__(self, wanted: int, reached: int) -> None:
        super().__init__(f"read model at {reached}, waiting for {wanted}")
        self.wanted = wanted
        self.reached = reached


def open_read_db(path: Path | str) -> Database:
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return Database(conn)


def views_signature(views: Sequence[View]) -> str:
    return ",".join(f"{view.name}:{view.version}" for view in views)


def prepare(db: Database, views: Sequence[View], log_name: str) -> bool:
    """Creates the tables; returns False when the file was made by other views (rebuild it)."""
    signature = views_signature(views)
    with db.atomic():
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {POSITIONS} "
            "(log TEXT PRIMARY KEY, position INTEGER NOT NULL, views TEXT NOT NULL)"
        )
        row = db.execute(f"SELECT views FROM {POSITIONS} WHERE log = ?", [log_name]).fetchone()
        if row is None:
            db.execute(f"INSERT INTO {POSITIONS} VALUES (?, 0, ?)", [log_name, signature])
        elif row[0] != signature:
            return False
        for view in views:
            view.create(db)
    return True


def read_position(db: Database, log_name: str) -> int:
    row = db.execute(f"SELECT position FROM {POSITIONS} WHERE log = ?", [log_name]).fetchone()
    return row[0] if row else 0


def advance(db: Database, tracking: Tracking, old: int) -> None:
    cursor = db.execute(
        f"UPDATE {POSITIONS} SET position = ? WHERE log = ? AND position = ?",
        [tracking.notification_id, tracking.application_name, old],
    )
    if cursor.rowcount != 1:
        raise ConcurrentProjectionError(tracking.application_name)


class Projector:
    """Keeps one read-model file in step with the log."""

    def __init__(self, log: EventLog, db: Database, views: Sequence[View]) -> None:
        self.log = log
        self.db = db
        self.views = list(views)
        self.applied = 0  # how many notifications this projector has applied: a cache generation
        # Per view, which event types it handles (filled as types are seen): most events concern
        # one context, and skipping the others' views saves a dispatch per event and view.
        self._interests: list[dict[type, bool]] = [{} for _ in self.views]
        if not prepare(db, self.views, log.name):
            raise OutdatedReadModelError(views_signature(self.views))

    def position(self) -> int:
        return read_position(self.db, self.log.name)

    def catch_up(self, page: int = PAGE, progress: Callable[[int], None] | None = None) -> int:
        """Applies every notification after the stored position; returns how many."""
        applied = 0
        while True:
            start = self.position()
            notes = self.log.recorder.select_notifications(
                start=start, limit=page, inclusive_of_start=False
            )
            if not notes:
                return applied
            try:
                self._apply_page(notes, start)
            except ConcurrentProjectionError:
                time.sleep(0.01)  # another projector got there first: re-read and go on
                continue
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise
                time.sleep(0.01)  # another projector holds the write lock
                continue
            applied += len(notes)
            if progress:
                progress(len(notes))

    def _apply_page(self, notes: Sequence, start: int) -> None:
        to_event = self.log.mapper.to_domain_event
        db = self.db
        # Look each view's apply up once per page, not once per event: on Python 3.11 every
        # attribute access of a singledispatchmethod builds a new wrapper function, which cost
        # about a seventh of a rebuild.
        appliers = [(view.apply, view, self._interests[index]) for index, view in enumerate(self.views)]
        with db.atomic():
            for view in self.views:
                getattr(view, "begin_page", _nothing)(db)
            for note in notes:
                event = to_event(note)
                kind = type(event)
                for apply, view, interested in appliers:
                    if _wants(interested, kind, view):
                        apply(event, db)
            for view in self.views:
                # Views that buffer a page's rows write them here, in the same transaction.
                getattr(view, "end_page", _nothing)(db)
            advance(db, Tracking(self.log.name, notes[-1].id), old=start)
        self.applied += len(notes)

    def wait_for(self, position: int, timeout: float) -> None:
        """Read-your-writes: returns once the read model holds ``position``, or raises."""
        deadline = time.monotonic() + timeout
        while True:
            self.catch_up()
            reached = self.position()
            if reached >= position:
                return
            if time.monotonic() >= deadline:
                raise StillProcessingError(position, reached)
            time.sleep(0.02)


class OutdatedReadModelError(RuntimeError):
    """The read-model file was built by other view versions; it must be rebuilt."""


def rebuild(
    log: EventLog,
    path: Path,
    views: Sequence[View],
    page: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Builds a fresh read model from position 0 beside ``path``, then swaps it in."""
    fresh = path.with_name(path.name + ".rebuild")
    for leftover in _sqlite_files(fresh):
        leftover.unlink(missing_ok=True)
    db = open_read_db(fresh)
    db.execute("PRAGMA synchronous=OFF")  # a crash here loses only the unfinished copy
    try:
        applied = Projector(log, db, views).catch_up(page=page, progress=progress)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
    finally:
        db.close()
    for stale in _sqlite_files(path)[1:]:
        stale.unlink(missing_ok=True)
    os.replace(fresh, path)
    return applied


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def table_rows(db: Database, tables: Iterable[str]) -> dict[str, list[tuple]]:
    """Every row of the given tables in a stable order, to compare two read models."""
    return {
        table: sorted(db.execute(f"SELECT * FROM [{table}]").fetchall(), key=repr)
        for table in tables
    }
