"""Feeding the event log into SQLite read models: each view at its own position, exactly once.

A view names the event classes it consumes (``topics``); the projector asks the recorder for only
those (``select_notifications(topics=...)``), so a view never decodes another context's events,
and rebuilding one view costs what that view consumes, not the length of the log.

Each view keeps its own name, version and position in ``_views``. A page of a view's events is
applied inside one SQLite transaction together with the view's new position, written as a
compare-and-set: a crash rolls back both, and a second projector racing this one fails its
compare-and-set instead of applying the page twice. One view failing leaves the others alone.

The position a view holds is a watermark, not the id of the last event it applied: having asked
for its topics up to the head of the log, a view has seen everything up to that head, so a page
that waits for "the view holds notification N" works even when N was an event the view ignores.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from sqlite_utils import Database

from domain.eventlog import EventLog

POSITIONS = "_views"
PAGE = 1000
MAIN_LOG = "main"  # the source of a view that names none: the one log of every context


class View(Protocol):
    """One read model: its tables, the events it consumes, and how each changes its rows.

    ``begin_page`` and ``end_page`` are called around each page inside its transaction, so a view
    can buffer rows in memory and write them in bulk; ``ViewBase`` gives both as no-ops.

    A view may also name the log it follows, ``source`` (``"ballots"``: the ballot box); without
    one it follows the main log (see ``source_of``). Its position counts in that log's sequence.
    """

    # Read-only, so that a class attribute of a narrower tuple type satisfies them.
    @property
    def name(self) -> str: ...

    @property
    def version(self) -> int: ...

    @property
    def topics(self) -> tuple[type, ...]: ...

    def create(self, db: Database) -> None: ...

    def begin_page(self, db: Database) -> None: ...

    def apply(self, event: Any, db: Database) -> None: ...

    def end_page(self, db: Database) -> None: ...


def view_indexes(view: View) -> tuple[str, ...]:
    """The view's ``indexes``: ``CREATE INDEX IF NOT EXISTS`` statements for indexes that only its
    queries read, never its ``apply``. Following the log, they are made with the tables; a build
    from position 0 makes them once the rows are in (one sort instead of a random insert per row).
    """
    return tuple(getattr(view, "indexes", ()))


class ViewBase:
    """Defaults for the parts of ``View`` that most views do not need."""

    def begin_page(self, db: Database) -> None:
        pass

    def end_page(self, db: Database) -> None:
        pass


class ConcurrentProjectionError(RuntimeError):
    """Another projector advanced the view's position first; this page was rolled back."""


class OutdatedViewError(RuntimeError):
    """The file holds rows of another version of this view: it must be rebuilt."""

    def __init__(self, name: str, stored: int, wanted: int) -> None:
        super().__init__(f"view {name} is at version {stored}, the code wants {wanted}")
        self.name = name
        self.stored = stored
        self.wanted = wanted


class StillProcessingError(TimeoutError):
    """A view did not reach a command's events within the wait allowed."""

    def __init__(self, wanted: int, reached: int) -> None:
        super().__init__(f"read model at {reached}, waiting for {wanted}")
        self.wanted = wanted
        self.reached = reached


def source_of(view: View) -> str:
    """The log a view follows: its ``source``, or the main log."""
    return str(getattr(view, "source", MAIN_LOG))


def topics_of(classes: Iterable[type]) -> tuple[str, ...]:
    """The stored topics of these event classes and of every subclass of them.

    Recorders filter by exact topic, so a view that handles ``Account.Event`` asks for each
    concrete event class under it.
    """
    found: set[str] = set()
    pending = list(classes)
    while pending:
        cls = pending.pop()
        # The topic eventsourcing stores, spelt out: get_topic() refuses a second class object of
        # the same name, which eventsourcing itself makes for some decorated events.
        found.add(f"{cls.__module__}:{cls.__qualname__}")
        pending.extend(cls.__subclasses__())
    return tuple(sorted(found))


def open_read_db(path: Path | str) -> Database:
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return Database(conn)


BUILD_CACHE_KIB = 256 * 1024  # page cache of a file being built: its tables' pages stay in memory


def open_build_db(path: Path) -> Database:
    """A new file to build views into, nobody else reading it: no journal, no syncs.

    A crash or a failed build loses only this unfinished copy (the caller deletes it); the file
    is swapped in, and opened by readers, only once ``finish_build_db`` has made it a WAL file.
    """
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute(f"PRAGMA cache_size=-{BUILD_CACHE_KIB}")
    conn.execute("PRAGMA temp_store=MEMORY")
    return Database(conn)


def finish_build_db(db: Database, path: Path) -> None:
    """Makes a built file a WAL file as ``open_read_db`` opens them, on disk before it is swapped in."""
    db.execute("PRAGMA journal_mode=WAL")
    db.conn.close()
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _prepare(db: Database, view: View, indexes: bool = True) -> None:
    """Creates the view's tables and its position row; refuses a file of another version."""
    with db.atomic():
        db.execute(
            f"CREATE TABLE IF NOT EXISTS {POSITIONS} "
            "(name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL)"
        )
        row = db.execute(f"SELECT version FROM {POSITIONS} WHERE name = ?", [view.name]).fetchone()
        if row is None:
            db.execute(f"INSERT INTO {POSITIONS} VALUES (?, ?, 0)", [view.name, view.version])
        elif row[0] != view.version:
            raise OutdatedViewError(view.name, row[0], view.version)
        view.create(db)
        for statement in view_indexes(view) if indexes else ():
            db.execute(statement)


def stored_version(db: Database, name: str) -> int | None:
    """The version of ``name`` whose rows this file holds (None: not in this file)."""
    try:
        row = db.execute(f"SELECT version FROM {POSITIONS} WHERE name = ?", [name]).fetchone()
    except sqlite3.OperationalError:  # no positions table: an empty or foreign file
        return None
    return row[0] if row else None


def read_position(db: Database, name: str) -> int:
    row = db.execute(f"SELECT position FROM {POSITIONS} WHERE name = ?", [name]).fetchone()
    return row[0] if row else 0


def _advance(db: Database, name: str, old: int, new: int) -> None:
    cursor = db.execute(f"UPDATE {POSITIONS} SET position = ? WHERE name = ? AND position = ?", [new, name, old])
    if cursor.rowcount != 1:
        raise ConcurrentProjectionError(name)


def _busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


class Projector:
    """Keeps some views in step with the log inside one SQLite database, each at its own position."""

    def __init__(self, log: EventLog, db: Database, views: Sequence[View], indexes: bool = True) -> None:
        """``indexes=False``: the views' ``indexes`` wait for ``make_indexes`` (a build)."""
        self.log = log
        self.db = db
        self.views = list(views)
        self._topics = {view.name: topics_of(view.topics) for view in self.views}
        for view in self.views:
            _prepare(db, view, indexes)

    def make_indexes(self) -> None:
        """Makes every view's ``indexes`` (a no-op for those made already)."""
        with self.db.atomic():
            for view in self.views:
                for statement in view_indexes(view):
                    self.db.execute(statement)

    def position(self, name: str | None = None) -> int:
        """Where one view stands in the log (without a name: the view furthest behind)."""
        names = [name] if name else [view.name for view in self.views]
        return min((read_position(self.db, each) for each in names), default=0)

    def catch_up(self, page: int = PAGE, progress: Callable[[int], None] | None = None) -> int:
        """Applies every consumed notification up to the log's head; returns how many events."""
        return sum(self.catch_up_view(view, page, progress) for view in self.views)

    def catch_up_view(self, view: View, page: int = PAGE, progress: Callable[[int], None] | None = None) -> int:
        """Brings one view to the log's head; ``progress`` gets how far its position moved."""
        applied = 0
        while True:
            start = read_position(self.db, view.name)
            # Read the head before asking for events: everything up to it is committed, so having
            # seen the view's topics up to it, the view holds the head.
            head = self.log.position()
            if head <= start:
                return applied
            notes = self.log.recorder.select_notifications(
                start=start, limit=page, stop=head, topics=self._topics[view.name], inclusive_of_start=False
            )
            end = notes[-1].id if len(notes) == page else head
            try:
                self._apply_page(view, notes, start, end)
            except ConcurrentProjectionError:
                time.sleep(0.01)  # another projector got there first: re-read and go on
                continue
            except sqlite3.OperationalError as error:
                if not _busy(error):
                    raise
                time.sleep(0.01)  # another projector holds the write lock
                continue
            applied += len(notes)
            if progress:
                progress(end - start)

    def _apply_page(self, view: View, notes: Sequence[Any], start: int, end: int) -> None:
        to_event = self.log.mapper.to_domain_event
        # Look apply up once per page: each access of a singledispatchmethod builds a new wrapper.
        apply = view.apply
        db = self.db
        with db.atomic():
            # The compare-and-set first: it takes the file's write lock, so that no other projector
            # can commit this page while this one applies it, and a page another projector applied
            # since ``start`` was read is refused here, before its rows are written again (which,
            # in a table with a key, would fail the view on a duplicate instead).
            _advance(db, view.name, start, end)
            view.begin_page(db)
            for note in notes:
                apply(to_event(note), db)
            view.end_page(db)


def rebuild(
    log: EventLog,
    path: Path,
    views: Sequence[View],
    page: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Builds the views from position 0 into a new file at ``path`` (replacing what was there).

    The file is written without a journal (``open_build_db``) and each view's ``indexes`` are made
    after its rows; on any failure the unfinished file is deleted. Returns how many events applied.
    """
    for stale in sqlite_files(path):
        stale.unlink(missing_ok=True)
    db = open_build_db(path)
    try:
        projector = Projector(log, db, views, indexes=False)
        applied = projector.catch_up(page=page, progress=progress)
        projector.make_indexes()
        finish_build_db(db, path)
    except BaseException:
        db.close()
        for leftover in sqlite_files(path):
            leftover.unlink(missing_ok=True)
        raise
    return applied


def sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def table_rows(db: Database, tables: Iterable[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the given tables in a stable order, to compare two read models."""
    return {table: sorted(db.execute(f"SELECT * FROM [{table}]").fetchall(), key=repr) for table in tables}
