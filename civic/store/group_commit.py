"""Group commit: the saves that one node's threads make at the same moment, written in one transaction.

Why. eventsourcing's PostgreSQL recorder serialises every write on the events table: each save
takes ``LOCK TABLE ... IN EXCLUSIVE MODE``, sends a NOTIFY and commits (one WAL flush) while it
holds the lock, so that notification ids are handed out in commit order and a projection never
passes a gap that a slower transaction fills in later. The lock is what the projections rely on,
and it is what makes concurrent commands queue up one flush at a time. SQLite is the same with
its one writer: one fsync per save.

What. While one save is being written, the saves that arrive meanwhile wait in a queue; the next
writer takes the whole queue and writes all of it in one transaction: one table lock, one NOTIFY,
one flush, one ``INSERT ... RETURNING`` whose ids are split back among the callers in queue order.
Nothing waits on a timer: a save that finds nobody writing is written at once, so a quiet node
pays nothing, and a busy one batches exactly as many saves as arrived during the last flush.

Each caller keeps its own result and its own error. A batch that fails on a constraint (an
optimistic-concurrency conflict: two copies of one aggregate, or one person's ballot cast twice)
wrote nothing, since it was one transaction; its members are then written one by one, each in
its own transaction, so that only the conflicting save fails, with exactly the error it raises
without batching. A batch that fails because the database is unreachable fails every member with
that error (eventsourcing has already retried it).

The recorders (``civic/store/postgres.py``, ``civic/store/sqlite.py``) are chosen by
``APPLICATION_RECORDER_TOPIC`` (``Settings.event_store_env``); the aggregates and services do not
know. Reads, and saves that carry a tracking record, go straight to eventsourcing's recorder.
"""

from __future__ import annotations

import copy
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError, PersistenceError, StoredEvent

# One transaction holds at most this many events (a larger single save still goes whole, alone).
MAX_BATCH_EVENTS = 1000

Write = Callable[[Sequence[StoredEvent]], "Sequence[int] | None"]


class _Save:
    """One caller's pending save: its events, then its ids or its error."""

    __slots__ = ("done", "error", "events", "ids", "turn")

    def __init__(self, events: Sequence[StoredEvent]) -> None:
        self.events = events
        self.ids: Sequence[int] | None = None
        self.error: BaseException | None = None
        self.done = False  # written (or failed); else, once its turn comes, this caller writes next
        # Held until the caller's turn: released by the writer that wrote it or hands it the
        # writing (a bare lock: cheaper to wake a thread with than an Event's condition).
        self.turn = threading.Lock()
        self.turn.acquire()


class GroupCommit:
    """Batches concurrent calls of ``write`` (one transaction per call) into fewer calls.

    ``write`` takes stored events and returns their notification ids in the same order, in one
    transaction. ``alone``, if given, does the same for one save that failed in ``write`` (a batch
    of one included), the way eventsourcing's own recorder does, so that the error it raises is
    eventsourcing's; without it, ``write`` is eventsourcing's own and writes members alone too.
    """

    def __init__(self, write: Write, alone: Write | None = None, max_events: int = MAX_BATCH_EVENTS) -> None:
        self._write = write
        self._alone = alone
        self._max_events = max_events
        self._mutex = threading.Lock()
        self._queue: deque[_Save] = deque()
        self._writing = False
        self.transactions = 0  # batches begun (each one transaction, or its members one by one)
        self.saves = 0  # saves in those batches

    @property
    def waiting(self) -> int:
        """Saves queued behind the one being written."""
        with self._mutex:
            return len(self._queue)

    def save(self, events: Sequence[StoredEvent]) -> Sequence[int] | None:
        """Writes ``events`` (with whatever else is pending) and returns their notification ids."""
        mine = _Save(events)
        with self._mutex:
            if self._writing:
                self._queue.append(mine)
                leads = False
            else:
                self._writing = True
                leads = True
        if not leads:
            mine.turn.acquire()
        if not mine.done:
            self._lead(mine)
        if mine.error is not None:
            raise mine.error
        return mine.ids

    def _lead(self, first: _Save) -> None:
        """Writes ``first`` and the queue behind it, then hands the writing to the next in line."""
        batch = [first]
        size = len(first.events)
        following: _Save | None = None
        try:
            with self._mutex:
                while self._queue and size + len(self._queue[0].events) <= self._max_events:
                    batch.append(self._queue.popleft())
                    size += len(batch[-1].events)
                self.transactions += 1
                self.saves += len(batch)
            self._commit(batch)
        finally:
            with self._mutex:
                for save in batch:
                    if save.ids is None and save.error is None:  # the leader was interrupted
                        save.error = PersistenceError("interrupted before this save was written")
                    save.done = True
                if self._queue:
                    following = self._queue.popleft()  # writes next, with whatever queued behind it
                else:
                    self._writing = False
            if following is not None:
                following.turn.release()  # first: the next batch is what everyone else waits for
            for save in batch[1:]:
                save.turn.release()

    def _commit(self, batch: list[_Save]) -> None:
        try:
            ids = self._write([stored for save in batch for stored in save.events])
        except (InterfaceError, OperationalError) as error:
            # The database, not a member: every member fails alike (each its own copy to raise).
            for save in batch:
                save.error = error if save is batch[0] else _copy(error)
            return
        except Exception as error:
            # A conflict (or a refused row) rolled the whole transaction back: nothing of the
            # batch was written. Each member on its own, so that only the guilty one fails, and
            # with the error that eventsourcing's own recorder raises for it.
            if len(batch) == 1 and self._alone is None:
                batch[0].error = error
                return
            for save in batch:
                self._one(save)
            return
        offset = 0
        for save in batch:
            if ids is not None:
                save.ids = ids[offset : offset + len(save.events)]
            offset += len(save.events)

    def _one(self, save: _Save) -> None:
        try:
            save.ids = (self._alone or self._write)(save.events)
        except Exception as error:
            save.error = error


def _copy(error: BaseException) -> BaseException:
    """A copy to raise in another thread (one exception object raised in many threads at once
    would collect all their tracebacks), caused by the original."""
    try:
        twin = copy.copy(error)
    except Exception:
        return error
    twin.__cause__ = error
    return twin


def batchable(kwargs: dict[str, Any]) -> bool:
    """A plain save: no tracking record (a process application's position) or other extras."""
    return all(value is None for value in kwargs.values())
