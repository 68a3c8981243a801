"""The event store's recorder on SQLite: eventsourcing's, behind group commit (``group_commit.py``).

Reads of one statement (an aggregate's events, the newest notification id) run as that one
statement on a pooled connection, in SQLite's autocommit mode, instead of eventsourcing's
``BEGIN`` / ``SELECT`` / ``ROLLBACK``: a single ``SELECT`` reads one consistent snapshot of a WAL
database by itself, and the two statements around it were a fifth of a ballot cast's reads
(bench/cast_http.py). Errors are eventsourcing's, as its transaction raises them.
"""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteDatastore

from civic.store.group_commit import GroupCommit, batchable

# sqlite3's errors as eventsourcing's transaction turns them into its own (most specific first).
_ERRORS: tuple[tuple[type[Exception], type[Exception]], ...] = (
    (sqlite3.InterfaceError, InterfaceError),
    (sqlite3.DataError, DataError),
    (sqlite3.OperationalError, OperationalError),
    (sqlite3.IntegrityError, IntegrityError),
    (sqlite3.InternalError, InternalError),
    (sqlite3.ProgrammingError, ProgrammingError),
    (sqlite3.NotSupportedError, NotSupportedError),
    (sqlite3.DatabaseError, DatabaseError),
    (sqlite3.Error, PersistenceError),
)


class GroupCommitSQLiteRecorder(SQLiteApplicationRecorder):
    """eventsourcing's SQLite recorder, one transaction (one fsync) per batch of saves."""

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name)
        self.group = GroupCommit(super().insert_events)

    def create_table(self) -> None:
        """eventsourcing's, by one node at a time (a lock on a file beside the database).

        The first connection to a new file switches it to WAL, and SQLite does not wait for a
        journal-mode change another connection is making: nodes (or threads) starting together on
        a new file failed there now and then with "database is locked". PostgreSQL's recorder
        holds an advisory lock for the same reason (``postgres.py``).
        """
        pool = self.datastore.pool
        name = pool.db_name
        if pool.is_sqlite_memory_mode or name.startswith("file:"):
            super().create_table()
            return
        with open(f"{name}-create.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
            super().create_table()

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if batchable(kwargs):
            # A save with nothing in it (a command that changed nothing) takes no write lock:
            # eventsourcing's recorder begins and commits an empty transaction.
            return self.group.save(stored_events) if stored_events else []
        return super().insert_events(stored_events, **kwargs)

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        """eventsourcing's ``select_events``: the same statement, run alone."""
        statement = self.select_events_statement
        params: list[Any] = [originator_id.hex if isinstance(originator_id, UUID) else originator_id]
        if gt is not None:
            statement += "AND originator_version>? "
            params.append(gt)
        if lte is not None:
            statement += "AND originator_version<=? "
            params.append(lte)
        statement += "ORDER BY originator_version " + ("DESC " if desc else "ASC ")
        if limit is not None:
            statement += "LIMIT ? "
            params.append(limit)
        rows = self._read(statement, params)
        convert = self.convert_originator_id
        return [
            StoredEvent(
                originator_id=convert(row["originator_id"]),
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=row["state"],
            )
            for row in rows
        ]

    def max_notification_id(self) -> int:
        rows = self._read(self.select_max_notification_id_statement, [])
        return rows[0][0]

    def _read(self, statement: str, params: list[Any]) -> list[Any]:
        with self.datastore.get_connection(commit=False) as connection:
            if connection._sqlite_conn.in_transaction:  # left open by someone: read as eventsourcing does
                with connection.transaction(commit=False) as cursor:
                    cursor.execute(statement, params)
                    return cursor.fetchall()
            try:
                return connection._sqlite_conn.execute(statement, params).fetchall()
            except sqlite3.Error as error:
                raise next(ours for theirs, ours in _ERRORS if isinstance(error, theirs))(error) from error
