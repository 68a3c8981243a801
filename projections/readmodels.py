"""The read models of one node: a SQLite file per view, a manifest naming the current files.

Why a file per view: a view whose version changed is rebuilt alone, into a new file, while the old
file stays in service; the swap is one atomic rename of ``manifest.json``; and a view that fails on
an event stops alone, because no other view shares its transaction or its write lock.

A running server notices a swap made by ``civic rebuild`` in another process: every follower
compares the manifest's file identity before it uses a view, and reopens; readers look too (at
most every ``MANIFEST_LOOK_SECONDS``) and wake the followers when it changed. Readers
open view files with ``mode=rw``, so a file deleted under them is never taken for a new empty one:
the view's pages answer "being built" while its follower builds it again from the log.

One thread per view follows the log (woken by writes on this node, else once a second). A request
that must read its own write waits, without any lock, until the views it reads hold its position.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import json
import logging
import multiprocessing
import os
import pickle
import queue
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from domain.eventlog import EventLog
from projections.runner import (
    MAIN_LOG,
    OutdatedViewError,
    Projector,
    StillProcessingError,
    View,
    open_read_db,
    rebuild,
    source_of,
    sqlite_files,
    stored_version,
)

logger = logging.getLogger("civic.projections")

T = TypeVar("T")

MANIFEST = "manifest.json"
RETIRED = "_retired"  # the manifest's list of swapped-out files and when they were swapped out
# How long a swapped-out file stays for the processes still reading it: each switches within a
# follow interval of noticing the swap, so this is many times what they need.
RETIRE_SECONDS = 60.0
FOLLOW_INTERVAL_SECONDS = 1.0
# A view this many events or fewer from the head is built before serving (it takes well under a
# second); a longer build runs in the background while the pages that need the view say so.
BUILD_BEFORE_SERVING = 5_000
# Reader connections kept per set of views: as many as requests read those views at once, often.
POOL_PER_VIEWS = 16
BUILD_PAGE = 5000  # events per transaction while a view is built from position 0
REPORT_WAIT_SECONDS = 1.0  # how often a rebuild in several processes looks whether one was killed
BUILDER_STOP_SECONDS = 60.0  # how long a stopped rebuild waits for its builders to finish a view
# A reader looks at the manifest (for a swap by ``civic rebuild`` in another process, which the
# followers then switch to) at most this often; the followers look at every step.
MANIFEST_LOOK_SECONDS = 0.05
WAIT_RECHECK_SECONDS = 0.05  # a waiting request looks again at least this often, woken or not
CACHED_ANSWERS = 512  # query answers kept (``cached``), the least recently used dropped first

READY = "ready"
BUILDING = "building"
FAILED = "failed"


class ViewUnavailableError(RuntimeError):
    """A view is being built or has failed: the pages that read it cannot be served from it."""

    def __init__(self, name: str, state: str, progress: float | None = None) -> None:
        super().__init__(f"view {name} is {state}")
        self.name = name
        self.state = state
        self.progress = progress


@dataclass
class ViewStatus:
    name: str
    version: int
    state: str
    position: int
    behind: int
    progress: float | None
    error: str | None
    source: str = MAIN_LOG  # the log the view follows; ``position`` and ``behind`` count in it


@dataclass
class _Slot:
    """One view on this node: its current file and the projector writing into it."""

    view: View
    file: Path | None = None
    projector: Projector | None = None
    state: str = BUILDING
    position: int = 0
    error: str | None = None
    build_done: int = 0
    build_total: int = 0
    # Moves on whenever the view's rows may have changed (events applied, a file swapped in): what
    # caches of read-model answers compare against.
    generation: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)  # who may use the projector
    wake: threading.Event = field(default_factory=threading.Event)


class ReadModels:
    """Every view's file, position and state on this node, and the threads that follow the logs.

    ``logs``: the main log, or a mapping of every log a view may name as its ``source`` (the main
    one under ``MAIN_LOG``); each view follows its own, at a position counted in that log.
    """

    def __init__(self, logs: EventLog | Mapping[str, EventLog], directory: Path, views: Sequence[View]) -> None:
        self.logs = dict(logs) if isinstance(logs, Mapping) else {MAIN_LOG: logs}
        self.log = self.logs[MAIN_LOG]
        unknown = sorted({source_of(view) for view in views} - set(self.logs))
        if unknown:
            raise KeyError(f"views follow logs that are not given: {', '.join(unknown)}")
        self.directory = directory
        self._manifest_path = directory / MANIFEST  # looked at on every read: made once
        directory.mkdir(parents=True, exist_ok=True)
        self._slots = {view.name: _Slot(view) for view in views}
        self._manifest_id: tuple[int, int, int] | None = None
        self._manifest_looked = 0.0  # time.monotonic() of the last look at the manifest's file
        self._manifest: dict[str, Any] = {}
        self._manifest_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self._started = threading.Lock()
        # Reader connections kept between requests, per set of views: (the files attached, it),
        # each in its sqlite-utils wrapper (making one runs a PRAGMA: a tenth of a cast's reads).
        self._pool: dict[tuple[str, ...], list[tuple[tuple[Path, ...], Database]]] = {}
        self._pool_lock = threading.Lock()
        # Requests waiting for a view to reach their write (``wait_for``), per event loop: a
        # follower that moves a view on wakes them, instead of each polling on a timer.
        # Each waiter: its event, the views it waits for and the position they must hold; a move
        # wakes only the waiters it satisfies (50 requests waiting, each woken by every page any
        # follower applied, were a tenth of a ballot cast's time on the event loop).
        self._waiters: dict[asyncio.AbstractEventLoop, dict[asyncio.Event, tuple[tuple[_Slot, ...], int]]] = {}
        self._waiters_lock = threading.Lock()
        self._answers: OrderedDict[tuple[tuple[str, ...], Hashable], tuple[tuple[tuple[int, int], ...], Any]] = (
            OrderedDict()
        )
        # A save through this node wakes the followers of its log from the saving thread, so that
        # the views are on their way before the request that saved asks to wait for them.
        self._listening: list[tuple[EventLog, Callable[[int], None]]] = []
        for source, log in self.logs.items():
            listeners = getattr(log, "saved_listeners", None)
            if listeners is not None:
                followers = [slot for slot in self._slots.values() if source_of(slot.view) == source]
                listener = functools.partial(self._saved, followers)
                listeners.append(listener)
                self._listening.append((log, listener))

    # --- opening and following ----------------------------------------------------------------

    def open(self, background: bool = True) -> None:
        """Opens each view's current file; builds a missing or outdated one (long builds: later)."""
        self._refresh_manifest(force=True)
        heads = self.heads()
        for slot in self._slots.values():
            if self._open_current(slot):
                continue
            if not background or heads[source_of(slot.view)] <= BUILD_BEFORE_SERVING:
                try:
                    self._build(slot)
                except Exception as error:  # this view stops alone; the platform starts
                    self._fail(slot, error)
        if background and any(slot.state == BUILDING for slot in self._slots.values()):
            self.start()

    def start(self) -> None:
        """Starts one follower thread per view (once)."""
        with self._started:
            if self._threads:
                return
            for slot in self._slots.values():
                thread = threading.Thread(target=self._follow, args=(slot,), name=f"view-{slot.view.name}", daemon=True)
                thread.start()
                self._threads.append(thread)

    def close(self) -> None:
        for log, listener in self._listening:
            with contextlib.suppress(ValueError):
                log.saved_listeners.remove(listener)
        self._listening.clear()
        self._stopping.set()
        for slot in self._slots.values():
            slot.wake.set()
        for thread in self._threads:
            thread.join(timeout=10)
        for slot in self._slots.values():
            with slot.lock:
                if slot.projector:
                    slot.projector.db.close()
                    slot.projector = None
        with self._pool_lock:
            for kept in self._pool.values():
                for _, db in kept:
                    db.conn.close()
            self._pool.clear()

    def _saved(self, followers: list[_Slot], position: int) -> None:
        """Something was saved to the log these views follow: their followers look now."""
        if self._threads:  # followers running (a server); else whoever reads catches up itself
            for slot in followers:
                if slot.position < position and not slot.wake.is_set():
                    slot.wake.set()

    def kick(self, names: Sequence[str] = ()) -> None:
        """Asks the followers of these views (all: none named) to look at the log now."""
        for name in names or self._slots:
            self._slots[name].wake.set()

    def _follow(self, slot: _Slot) -> None:
        while not self._stopping.is_set():
            try:
                self._step(slot)
            except Exception as error:  # the view stops alone; every other view goes on
                self._fail(slot, error)
            slot.wake.wait(FOLLOW_INTERVAL_SECONDS)
            slot.wake.clear()

    @staticmethod
    def _fail(slot: _Slot, error: Exception) -> None:
        slot.state, slot.error = FAILED, f"{type(error).__name__}: {error}"
        logger.exception("view %s failed after position %s", slot.view.name, slot.position)

    def _step(self, slot: _Slot) -> None:
        self._refresh_manifest()
        self._reopen_if_swapped(slot)
        if slot.file is not None and not slot.file.exists():
            self._drop_lost(slot)  # deleted under this node: built again, from the log
        if self._manifest.get(RETIRED) and slot is next(iter(self._slots.values())):
            self.sweep()  # one follower removes what has been retired long enough
        if slot.state == BUILDING and slot.projector is None:
            self._build(slot)
        elif slot.state == READY:
            self._catch_up(slot)
        # A failed view waits for a rebuild (a swap) or a restart: retrying would fail again.

    def _drop_lost(self, slot: _Slot) -> None:
        """Forgets a view whose file was deleted (by hand, by a disk clean-up): its pages answer
        "being built" until the follower has built it again, as a view that never had a file."""
        with slot.lock:
            if slot.file is None or slot.file.exists():
                return
            logger.warning("view %s: its file %s is gone; building it again", slot.view.name, slot.file.name)
            if slot.projector is not None:
                slot.projector.db.close()
            slot.projector, slot.file, slot.state = None, None, BUILDING
            slot.generation += 1

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Brings every ready view to the head now, in this thread; returns how many events.

        ``progress`` gets how far each view's position moved (the sum of ``status().behind``).
        """
        self._refresh_manifest()
        total = 0
        for slot in self._slots.values():
            self._reopen_if_swapped(slot)
            if slot.state == BUILDING and slot.projector is None:
                self._build(slot)
            elif slot.state == READY:
                total += self._catch_up(slot, progress)
        return total

    def _catch_up(self, slot: _Slot, progress: Callable[[int], None] | None = None) -> int:
        with slot.lock:
            projector = slot.projector
            if projector is None:
                return 0
            before = slot.position
            applied = projector.catch_up_view(slot.view, progress=progress)
            # The generation first: whoever sees the new position must not take an answer cached before it.
            slot.generation += 1 if applied else 0
            slot.position = projector.position(slot.view.name)
        if slot.position != before:
            self._moved()
        return applied

    # --- files and the manifest ---------------------------------------------------------------

    def _refresh_manifest(self, force: bool = False, unless_within: float = 0.0) -> bool:
        """Re-reads the manifest if it changed on disk; returns whether it did.

        ``unless_within``: not even looked at when someone looked less than that many seconds
        ago (a reader on the event loop: each look is a ``stat``, which gives up the GIL)."""
        now = time.monotonic()
        if unless_within and now - self._manifest_looked < unless_within and not force:
            return False
        self._manifest_looked = now
        path = self._manifest_path
        try:
            stat = path.stat()
            identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            identity = None
        if identity == self._manifest_id and not force:
            return False
        with self._manifest_lock:
            self._manifest = json.loads(path.read_text()) if identity else {}
            self._manifest_id = identity
        return True

    def _reopen_if_swapped(self, slot: _Slot) -> None:
        current = self._manifest.get(slot.view.name)
        if current and (slot.file is None or slot.file.name != current):
            with slot.lock:
                self._open_current(slot, catch_up=slot.file is not None)

    def _open_current(self, slot: _Slot, catch_up: bool = False) -> bool:
        """Switches the slot to the manifest's file for its view; False when there is none usable.

        ``catch_up``: bring the new file to the head first (after a swap, so that readers never
        see less than the file they read before).
        """
        name = self._manifest.get(slot.view.name)
        if not name or not (self.directory / name).exists():
            return False
        db = open_read_db(self.directory / name)
        if stored_version(db, slot.view.name) != slot.view.version:
            db.close()  # made by another version of the code: build our own
            slot.state = BUILDING
            return False
        try:
            projector = Projector(self._log_of(slot.view), db, [slot.view])
        except OutdatedViewError:
            db.close()
            slot.state = BUILDING
            return False
        if catch_up:
            projector.catch_up_view(slot.view)
        old = slot.projector
        slot.generation += 1  # before the position, as in _catch_up
        slot.projector, slot.file = projector, self.directory / name
        slot.position = projector.position(slot.view.name)
        slot.state, slot.error = READY, None
        if old is not None:
            old.db.close()
        self._moved()
        return True

    def _build(self, slot: _Slot) -> None:
        path = self.build(slot.view, progress=slot)
        self.swap(slot.view.name, path)
        with slot.lock:
            self._refresh_manifest()
            self._open_current(slot)

    def build(
        self, view: View, progress: _Slot | None = None, on_progress: Callable[[int], None] | None = None
    ) -> Path:
        """Builds ``view`` from position 0 into a new file beside the current one; returns its path."""
        path = self.directory / f"{view.name}-v{view.version}-{int(time.time())}-{secrets.token_hex(3)}.db"
        log = self._log_of(view)
        head = log.position()
        if progress is not None:
            progress.build_done, progress.build_total = 0, head

        def moved(count: int) -> None:
            if progress is not None:
                progress.build_done += count
            if on_progress is not None:
                on_progress(count)
            done = progress.build_done if progress else 0
            logger.info("building view %s: %s of %s events", view.name, done, head)

        rebuild(log, path, [view], page=BUILD_PAGE, progress=moved)
        return path

    def swap(self, name: str, path: Path) -> None:
        """Makes ``path`` the current file of view ``name`` on this node.

        Other processes (a server, while ``civic rebuild`` runs) notice the new manifest, catch the
        new file up and switch to it. The old file is retired, not deleted: a server keeps reading
        it until it has switched, and it is removed once it has been retired for a while.
        """
        with self._manifest_file_lock():
            manifest = self._read_manifest_file()
            retired = manifest.setdefault(RETIRED, {})
            for other in self.directory.glob(f"{name}-v*.db"):
                if other.name != path.name:
                    retired.setdefault(other.name, time.time())
            manifest[name] = path.name
            self._write_manifest_file(manifest)
        self.sweep()

    def sweep(self, grace: float | None = None) -> None:
        """Deletes the files retired longer ago than the grace period."""
        grace = RETIRE_SECONDS if grace is None else grace
        with self._manifest_file_lock():
            manifest = self._read_manifest_file()
            retired = manifest.get(RETIRED, {})
            due = [name for name, at in retired.items() if time.time() - at >= grace]
            if not due:
                return
            for name in due:
                for leftover in sqlite_files(self.directory / name):
                    leftover.unlink(missing_ok=True)
                del retired[name]
            self._write_manifest_file(manifest)

    def _read_manifest_file(self) -> dict[str, Any]:
        path = self.directory / MANIFEST
        return json.loads(path.read_text()) if path.exists() else {}

    def _write_manifest_file(self, manifest: dict[str, Any]) -> None:
        path = self.directory / MANIFEST
        fresh = path.with_name(MANIFEST + ".new")
        fresh.write_text(json.dumps(manifest, indent=2, sort_keys=True))
        os.replace(fresh, path)

    @contextlib.contextmanager
    def _manifest_file_lock(self) -> Iterator[None]:
        with open(self.directory / (MANIFEST + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def rebuild(
        self, names: Sequence[str] = (), on_progress: Callable[[int], None] | None = None, workers: int = 1
    ) -> int:
        """Rebuilds some views (all: none named) into new files and swaps them in; returns events read.

        ``workers`` above 1: that many processes build the views side by side, each its own views'
        files, and this one swaps each file in as soon as it is built (``civic rebuild`` uses every
        core: ``build_workers``). Without ``fork`` (not Linux): one view after the other here.
        """
        unknown = [name for name in names if name not in self._slots]
        if unknown:
            raise KeyError(", ".join(unknown))
        heads = self.heads()
        chosen = list(names or self._slots)
        head = sum(heads[source_of(self._slots[name].view)] for name in chosen)
        workers = min(workers, len(chosen))
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            self._build_side_by_side(chosen, workers, on_progress)
            return head
        for name in chosen:
            self._swap_in(name, self.build(self._slots[name].view, on_progress=on_progress))
        return head

    def _swap_in(self, name: str, path: Path) -> None:
        slot = self._slots[name]
        self.swap(name, path)
        with slot.lock:
            self._refresh_manifest()
            self._open_current(slot)

    def _build_side_by_side(self, names: list[str], workers: int, on_progress: Callable[[int], None] | None) -> None:
        """``rebuild`` in ``workers`` forked processes, which take the views one at a time, the
        views whose current files are largest first (so that the longest build does not start last).

        Each process opens the logs anew (a connection must not cross a fork) and reports its
        progress and each built file here; this process swaps the files in. A view that fails
        stops the handing out of views; the files built so far are swapped in, then its error is
        raised here.
        """
        context = multiprocessing.get_context("fork")
        tasks: Any = context.SimpleQueue()
        reports: Any = context.Queue()
        stop = context.Event()  # set once a view failed: the views not yet taken are not built
        for name in sorted(names, key=self._current_size, reverse=True):
            tasks.put(name)
        for _ in range(workers):
            tasks.put(None)
        processes = [
            context.Process(target=self._build_worker, args=(tasks, reports, stop), daemon=True) for _ in range(workers)
        ]
        for process in processes:
            process.start()
        failure: BaseException | None = None
        running = {process.pid for process in processes}
        try:
            while running:
                try:
                    pid, kind, name, value = reports.get(timeout=REPORT_WAIT_SECONDS)
                except queue.Empty:
                    for process in processes:  # one that ended without saying so was killed
                        if process.pid in running and process.exitcode is not None:
                            running.discard(process.pid)
                            failure = failure or RuntimeError(f"a builder process ended with {process.exitcode}")
                            stop.set()
                    continue
                if kind == "progress" and on_progress is not None:
                    on_progress(value)
                elif kind == "built":
                    self._swap_in(name, Path(value))
                elif kind == "failed":
                    failure = failure or value
                    stop.set()
                elif kind == "done":
                    running.discard(pid)
        except BaseException:
            stop.set()  # this process stops (interrupted, a swap failed): so do the builders
            raise
        finally:
            for process in processes:
                process.join(timeout=None if not stop.is_set() else BUILDER_STOP_SECONDS)
                if process.is_alive():
                    process.terminate()
        if failure is not None:
            raise failure

    def _build_worker(self, tasks: Any, reports: Any, stop: Any) -> None:
        """One forked builder: builds the views it takes from ``tasks`` until it takes None.

        The logs' connections are the parent's: never used here, and never closed either (closing
        a PostgreSQL connection would end the parent's session), so ``inherited`` keeps them
        referenced until the process ends (multiprocessing ends it without finalising them).
        """
        pid = os.getpid()
        inherited = self.logs
        self.logs = {source: type(log)(env=log.env) for source, log in inherited.items()}
        self.log = self.logs[MAIN_LOG]
        try:
            for name in iter(tasks.get, None):
                if stop.is_set():
                    continue
                try:
                    path = self.build(
                        self._slots[name].view, on_progress=lambda count: reports.put((pid, "progress", None, count))
                    )
                except Exception as error:
                    reports.put((pid, "failed", name, _sendable(error)))
                else:
                    reports.put((pid, "built", name, str(path)))
        finally:
            for log in self.logs.values():
                log.close()
            reports.put((pid, "done", None, None))

    def _current_size(self, name: str) -> int:
        """The size of view ``name``'s current file (0: none): what its build will take, roughly."""
        current = self._manifest.get(name)
        try:
            return (self.directory / current).stat().st_size if current else 0
        except FileNotFoundError:
            return 0

    # --- reading ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def reader(self, names: Sequence[str] = ()) -> Iterator[Database]:
        """A connection of its own, with each named view's current file attached under its name.

        Queries name tables without a schema (``SELECT * FROM glossary_terms``): SQLite finds
        them in whichever attached file holds them.

        Connections are kept for the next request over the same views and files (opening one and
        attaching its files cost a public page more than its queries did); one whose files are
        no longer the views' current ones is closed instead, so a reader never reads a swapped-out
        file. Each is in autocommit mode between requests, so it holds no snapshot open. Its
        ``Database`` is kept with it (making one runs a PRAGMA and the plugin hooks).
        """
        if self._refresh_manifest(unless_within=MANIFEST_LOOK_SECONDS):
            self.kick()  # the followers reopen the swapped files; readers use them at once
        names = tuple(names or self._slots)
        files = tuple(self._servable_file(self._slots[name]) for name in names)
        try:
            db = self._pooled(names, files)
        except sqlite3.OperationalError:
            lost = [name for name, file in zip(names, files, strict=True) if not file.exists()]
            if not lost:
                raise
            for name in lost:  # deleted under this node: its follower builds it again
                self._slots[name].state = BUILDING
                self._slots[name].wake.set()
            raise ViewUnavailableError(lost[0], BUILDING) from None
        try:
            yield db
        except BaseException:
            db.conn.close()  # whatever it was doing, it does not go back for someone else
            raise
        self._return(names, files, db)

    def _pooled(self, names: tuple[str, ...], files: tuple[Path, ...]) -> Database:
        with self._pool_lock:
            kept = self._pool.get(names)
            while kept:
                held, db = kept.pop()
                # Still there, too: a file deleted under a node is an error, as for a new connection.
                if held == files and all(file.exists() for file in files):
                    return db
                db.conn.close()  # attached to a file that has since been swapped out
        conn = sqlite3.connect("file::memory:", uri=True, check_same_thread=False, isolation_level=None)
        try:
            for name, file in zip(names, files, strict=True):
                conn.execute("ATTACH DATABASE ? AS ?", [f"file:{file}?mode=rw", name])
            return Database(conn)
        except BaseException:
            conn.close()
            raise

    def _return(self, names: tuple[str, ...], files: tuple[Path, ...], db: Database) -> None:
        current = tuple(slot.file for slot in (self._slots[name] for name in names))
        with self._pool_lock:
            kept = self._pool.setdefault(names, [])
            if db.conn.in_transaction or current != files or len(kept) >= POOL_PER_VIEWS or self._stopping.is_set():
                db.conn.close()
            else:
                kept.append((files, db))

    def cached(self, names: Sequence[str], key: Hashable, query: Callable[[Database], T]) -> T:
        """``query``'s answer over the named views, asked again only once one of them has moved on.

        For what a crowd asks again and again (a list's first page, counts over every row): the
        answer is kept with the position and generation of each view, read before the query ran,
        so it holds at least what those positions hold, and a request that waited for its own
        write (``wait_for``) never gets an answer from before it.
        """
        names = tuple(names or self._slots)
        stamp = self.stamp(names)
        found, kept = self.recall(names, key, stamp)
        if found:
            return kept  # type: ignore[no-any-return]
        with self.reader(names) as db:
            answer = query(db)
        self.keep(names, key, stamp, answer)
        return answer

    def stamp(self, names: Sequence[str]) -> tuple[tuple[int, int], ...]:
        """Each named view's position and generation: read it before reading the views."""
        return tuple((self._slots[name].position, self._slots[name].generation) for name in names)

    def recall(self, names: Sequence[str], key: Hashable, stamp: tuple[tuple[int, int], ...]) -> tuple[bool, Any]:
        """(True, the answer) kept under ``key`` for views still at ``stamp``; else (False, None)."""
        with self._pool_lock:
            found = self._answers.get((tuple(names), key))
            if found is None or found[0] != stamp:
                return False, None
            self._answers.move_to_end((tuple(names), key))
            return True, found[1]

    def keep(self, names: Sequence[str], key: Hashable, stamp: tuple[tuple[int, int], ...], answer: Any) -> None:
        """Keeps an answer made from the views at ``stamp`` or later (``stamp`` read before them)."""
        with self._pool_lock:
            self._answers[(tuple(names), key)] = (stamp, answer)
            self._answers.move_to_end((tuple(names), key))
            while len(self._answers) > CACHED_ANSWERS:
                self._answers.popitem(last=False)

    def _servable_file(self, slot: _Slot) -> Path:
        """The file to read a view from: the one this node's follower writes (failed: stale rows).

        Not the manifest's: a file swapped in by ``civic rebuild`` in another process may not yet
        hold what this node already told someone it had recorded. The follower switches once the
        new file has caught up.
        """
        file = slot.file
        if slot.state == BUILDING or file is None:
            raise ViewUnavailableError(slot.view.name, slot.state, self._progress(slot))
        return file

    def _holds(self, slot: _Slot, position: int) -> bool:
        return slot.position >= position and slot.file is not None

    async def wait_for(self, position: int, names: Sequence[str], timeout: float) -> None:
        """Returns once every named view holds ``position``; holds no lock while it waits."""
        self.start()
        names = list(names) or list(self._slots)
        if all(self._holds(self._slots[name], position) for name in names):
            return  # there already (the follower got there while the request was answered)
        deadline = time.monotonic() + timeout
        loop = asyncio.get_running_loop()
        moved = asyncio.Event()
        with self._waiters_lock:
            self._waiters.setdefault(loop, {})[moved] = (tuple(self._slots[name] for name in names), position)
        try:
            while True:
                moved.clear()  # before looking: a move from now on wakes the wait below
                behind = [self._slots[name] for name in names if not self._holds(self._slots[name], position)]
                if not behind:
                    return
                for slot in behind:
                    if slot.state != READY:
                        raise ViewUnavailableError(slot.view.name, slot.state, self._progress(slot))
                    if not slot.wake.is_set():  # woken already (by the save itself, most often)
                        slot.wake.set()
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StillProcessingError(position, min(slot.position for slot in behind))
                # Woken by the follower; the timer only bounds a wake-up missed (another process's swap).
                timer = loop.call_later(min(left, WAIT_RECHECK_SECONDS), moved.set)
                try:
                    await moved.wait()
                finally:
                    timer.cancel()
        finally:
            with self._waiters_lock:
                waiting = self._waiters.get(loop)
                if waiting is not None:
                    waiting.pop(moved, None)
                    if not waiting:
                        del self._waiters[loop]

    def _moved(self) -> None:
        """A view moved on: wakes every waiting request (in its own event loop's thread)."""
        with self._waiters_lock:
            loops = list(self._waiters)
        for loop in loops:
            with contextlib.suppress(RuntimeError):  # that loop has closed: nobody waits there
                loop.call_soon_threadsafe(self._wake_satisfied, loop)

    def _wake_satisfied(self, loop: asyncio.AbstractEventLoop) -> None:
        """In ``loop``'s thread: wakes its waiters whose views hold their position now (or are no
        longer ready, which they then report); the others sleep on (their timer still bounds it)."""
        with self._waiters_lock:
            waiting = list(self._waiters.get(loop, {}).items())
        for moved, (slots, position) in waiting:
            if all(slot.state != READY or self._holds(slot, position) for slot in slots):
                moved.set()

    # --- telling how things are ---------------------------------------------------------------

    def position(self, name: str) -> int:
        return self._slots[name].position

    def heads(self) -> dict[str, int]:
        """The newest notification id of each log (0 when empty)."""
        return {source: log.position() for source, log in self.logs.items()}

    def source(self, name: str) -> str:
        """The log view ``name`` follows (its positions count in that log)."""
        return source_of(self._slots[name].view)

    def _log_of(self, view: View) -> EventLog:
        return self.logs[source_of(view)]

    def names(self) -> list[str]:
        return list(self._slots)

    def generation(self, name: str | None = None) -> int:
        """Changes whenever a view moves on or is swapped (for caches of read-model answers)."""
        slots = [self._slots[name]] if name else list(self._slots.values())
        return sum(slot.generation for slot in slots)

    def status(self) -> list[ViewStatus]:
        return self.snapshot()[1]

    def snapshot(self) -> tuple[int, list[ViewStatus]]:
        """The main log's head and each view's status, ``behind`` the head of the log it follows.

        Positions are read first, so none exceeds its log's head."""
        heads, statuses = self.overview()
        return heads[MAIN_LOG], statuses

    def overview(self) -> tuple[dict[str, int], list[ViewStatus]]:
        """Each log's head and each view's status, from one reading of the heads (``snapshot``)."""
        slots = [(slot, slot.position, slot.state) for slot in self._slots.values()]
        heads = self.heads()
        return heads, [
            ViewStatus(
                name=slot.view.name,
                version=slot.view.version,
                state=state,
                position=position,
                behind=max(0, heads[source_of(slot.view)] - position),
                progress=self._progress(slot),
                error=slot.error,
                source=source_of(slot.view),
            )
            for slot, position, state in slots
        ]

    def failed(self) -> list[str]:
        return [slot.view.name for slot in self._slots.values() if slot.state == FAILED]

    @staticmethod
    def _progress(slot: _Slot) -> float | None:
        if slot.state != BUILDING or not slot.build_total:
            return None
        return min(1.0, slot.build_done / slot.build_total)


def build_workers() -> int:
    """How many processes ``civic rebuild`` builds views in: one per core this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _sendable(error: Exception) -> Exception:
    """``error`` if it survives pickling (to cross from a builder process), else its description."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


def current_file(directory: Path, name: str) -> Path:
    """The file that holds view ``name`` on the node whose views live in ``directory``."""
    file: str = json.loads((directory / MANIFEST).read_text())[name]
    return directory / file
