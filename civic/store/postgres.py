"""The event store's recorder on PostgreSQL: eventsourcing's, behind group commit (``group_commit.py``).

A batch is written by one statement in autocommit, ``SELECT ... FROM civic_events_insert_locked(ids,
versions, topics, states)``: a PL/pgSQL function (created beside the table, as eventsourcing creates its own) that does exactly
what eventsourcing's recorder does in its transaction: ``SET LOCAL lock_timeout``, ``LOCK TABLE
... IN EXCLUSIVE MODE``, ``NOTIFY``, ``INSERT ... RETURNING notification_id``. One round trip
instead of eventsourcing's two (its pipeline, then ``COMMIT``), and the table lock is no longer
held across a round trip to this process: only for the insert and the commit's WAL flush.
(eventsourcing's own ``POSTGRES_ENABLE_DB_FUNCTIONS`` function takes no table lock, so it could
hand out ids out of commit order; it stays off.)

A write that fails there is done again, save by save, by eventsourcing's own ``insert_events``,
so that a conflict raises exactly the error it raises without this module.

Tables, types and functions are created by one node at a time (an advisory lock): eventsourcing
creates them at every start, and nodes starting together on one database failed with "tuple
concurrently updated" or a duplicate ``pg_type`` key about half the time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from civic.store.group_commit import GroupCommit, batchable
from civic.store.libpq import (
    BYTEA_OID,
    INT8_OID,
    TEXT_OID,
    UUID_OID,
    Statements,
    int8,
    pack_int8,
    run_pooled,
    uuid_bytes,
)

# pg_advisory_lock key under which a node creates the store's tables ("civic" in ASCII).
CREATE_LOCK = 0x6369766963

# A batch of up to this many events is sent as one scalar parameter per column per event (one
# prepared statement per batch size, through libpq); a larger one as four arrays through a psycopg
# cursor, which dumps an array element by element in Python: for a batch of 12 events the arrays
# cost five times the CPU of scalars (256 against 45 microseconds, one measurement).
SCALAR_BATCH = 64
# The types of a read's parameters: the originator id, then its bounds and limit, as given.
SELECT_TYPES = [UUID_OID, INT8_OID, INT8_OID, INT8_OID]


class GroupCommitPostgresRecorder(PostgresApplicationRecorder):
    """eventsourcing's PostgreSQL recorder, table lock and NOTIFY included, once per batch of saves."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events") -> None:
        super().__init__(datastore, events_table_name=events_table_name)
        self.locked_insert_function = f"{self.events_table_name}_insert_locked"
        self.check_identifier_length(self.locked_insert_function)
        schema = Identifier(self.datastore.schema)
        self.sql_create_statements.append(
            SQL(
                "CREATE OR REPLACE FUNCTION {schema}.{function}("
                "ids {id_type}[], versions bigint[], topics text[], states bytea[]) "
                "RETURNS SETOF bigint LANGUAGE plpgsql AS $BODY$ "
                "BEGIN "
                "SET LOCAL lock_timeout = '{lock_timeout}s'; "
                "LOCK TABLE {schema}.{table} IN EXCLUSIVE MODE; "
                "NOTIFY {channel}; "
                "RETURN QUERY INSERT INTO {schema}.{table} AS t (originator_id, originator_version, topic, state) "
                "SELECT * FROM unnest(ids, versions, topics, states) "
                "RETURNING notification_id; "
                "END; $BODY$"
            ).format(
                schema=schema,
                function=Identifier(self.locked_insert_function),
                id_type=Identifier(self.datastore.originator_id_type),
                lock_timeout=self.datastore.lock_timeout,
                table=Identifier(self.events_table_name),
                channel=Identifier(self.channel_name),
            )
        )
        self.locked_insert_statement = SQL("SELECT id FROM {schema}.{function}(%s, %s, %s, %s) AS ids(id)").format(
            schema=schema, function=Identifier(self.locked_insert_function)
        )
        self._insert_queries: dict[int, str] = {}  # rendered once per batch size
        self._insert_types = [
            [UUID_OID] * n + [INT8_OID] * n + [TEXT_OID] * n + [BYTEA_OID] * n for n in range(SCALAR_BATCH + 1)
        ]
        self._select_queries: dict[tuple[bool, bool, bool, bool], str] = {}
        # eventsourcing's ``select_events_statement`` with its columns named (the id is the one asked for).
        self.select_columns_statement = SQL(
            "SELECT originator_version, topic, state FROM {schema}.{table} WHERE originator_id = $1"
        ).format(schema=schema, table=Identifier(self.events_table_name))
        self._uuid_ids = self.datastore.originator_id_type == "uuid"
        self._statements = Statements(f"civic_{self.events_table_name}")
        self.group = GroupCommit(self.insert_locked, alone=super().insert_events)

    def create_table(self) -> None:
        """eventsourcing's, while holding a database-wide advisory lock on a connection of its own."""
        pool_kwargs = self.datastore.pool.kwargs  # eventsourcing gives its pool a dict (with the password)
        assert isinstance(pool_kwargs, dict)
        kwargs = {key: value for key, value in pool_kwargs.items() if key != "row_factory"}
        with psycopg.connect(**kwargs, autocommit=True) as conn:
            conn.execute("SELECT pg_advisory_lock(%s)", [CREATE_LOCK])
            try:
                super().create_table()
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", [CREATE_LOCK])

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if batchable(kwargs):
            # A save with nothing in it (a command that changed nothing) touches no database:
            # eventsourcing's recorder checks out a connection and commits an empty transaction.
            return self.group.save(stored_events) if stored_events else None
        return super().insert_events(stored_events, **kwargs)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_locked(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        """One statement, one transaction: the table lock, the NOTIFY and the rows; their ids in order."""
        count = len(stored_events)
        if count <= SCALAR_BATCH and self._uuid_ids:
            # One binary parameter per value, through libpq (``libpq.py``): ids as their 16 bytes,
            # versions as int8 whatever their size, topics as UTF-8, states as they are.
            params = [uuid_bytes(event.originator_id) for event in stored_events]
            params += [pack_int8(event.originator_version) for event in stored_events]
            params += [event.topic.encode() for event in stored_events]
            params += [event.state for event in stored_events]
            query = self._insert_queries.get(count)
            if query is None:
                query = self._insert_queries[count] = self._insert_query(count)
            result = run_pooled(self.datastore, self._statements, query, self._insert_types[count], params)
            return [int8(result.get_value(row, 0) or b"") for row in range(result.ntuples)]
        # A larger batch: four arrays of plain types rather than one of eventsourcing's composite type.
        arrays = [
            [event.originator_id for event in stored_events],
            [event.originator_version for event in stored_events],
            [event.topic for event in stored_events],
            [event.state for event in stored_events],
        ]
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            curs.execute(self.locked_insert_statement, arrays, prepare=True)
            return [row[0] for row in curs.fetchall()]

    def _insert_query(self, count: int) -> str:
        """The statement for a batch of ``count`` events, each value a parameter of its own."""

        def values(column: int) -> str:
            return ", ".join(f"${column * count + n + 1}" for n in range(count))

        return (
            SQL(
                "SELECT id FROM {schema}.{function}(ARRAY[{ids}]::uuid[], ARRAY[{versions}]::bigint[], "
                "ARRAY[{topics}]::text[], ARRAY[{states}]::bytea[]) AS ids(id)"
            )
            .format(
                schema=Identifier(self.datastore.schema),
                function=Identifier(self.locked_insert_function),
                ids=SQL(values(0)),
                versions=SQL(values(1)),
                topics=SQL(values(2)),
                states=SQL(values(3)),
            )
            .as_string()
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        """eventsourcing's query, rendered once per shape (it composes and escapes it on every
        call) and run through libpq (``libpq.py``): the id and the bounds go in binary, the rows
        come back in binary (bytea as it is, not hex text to decode)."""
        if not self._uuid_ids:
            return super().select_events(originator_id, gt=gt, lte=lte, desc=desc, limit=limit)
        shape = (gt is not None, lte is not None, desc, limit is not None)
        query = self._select_queries.get(shape)
        if query is None:
            query = self._select_queries[shape] = self._select_query(shape)
        params = [uuid_bytes(originator_id)]
        params += [pack_int8(value) for value in (gt, lte, limit) if value is not None]
        result = run_pooled(self.datastore, self._statements, query, SELECT_TYPES[: len(params)], params)
        # Every row is of this originator: its id is the one asked for, as a UUID.
        id_ = originator_id if isinstance(originator_id, UUID) else UUID(originator_id)
        get = result.get_value
        return [
            StoredEvent(
                originator_id=id_,
                originator_version=int8(get(row, 0) or b""),
                topic=(get(row, 1) or b"").decode(),
                state=get(row, 2) or b"",
            )
            for row in range(result.ntuples)
        ]

    def _select_query(self, shape: tuple[bool, bool, bool, bool]) -> str:
        has_gt, has_lte, desc, has_limit = shape
        statement = self.select_columns_statement
        n = 1
        if has_gt:
            n += 1
            statement += SQL(f" AND originator_version > ${n}")
        if has_lte:
            n += 1
            statement += SQL(f" AND originator_version <= ${n}")
        statement += SQL(" ORDER BY originator_version DESC" if desc else " ORDER BY originator_version ASC")
        if has_limit:
            n += 1
            statement += SQL(f" LIMIT ${n}")
        return statement.as_string()
