"""The event store's recorder on SQLite: eventsourcing's, behind group commit (``group_commit.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from civic.store.group_commit import GroupCommit, batchable


class GroupCommitSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite recorder, one transaction (one fsync) per batch of saves."""

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name)
        self.group = GroupCommit(super().insert_events)

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if batchable(kwargs):
            # A save with nothing in it (a command that changed nothing) takes no write lock:
            # eventsourcing's recorder begins and commits an empty transaction.
            return self.group.save(stored_events) if stored_events else []
        return super().insert_events(stored_events, **kwargs)
