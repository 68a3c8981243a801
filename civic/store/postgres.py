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
from psycopg.sql import SQL, Composed, Identifier
from psycopg.types.numeric import Int8

from civic.store.group_commit import GroupCommit, batchable

# pg_advisory_lock key under which a node creates the store's tables ("civic" in ASCII).
CREATE_LOCK = 0x6369766963

# A batch of up to this many events is sent as one scalar parameter per column per event (one
# prepared statement per batch size); a larger one as four arrays. psycopg's C build dumps scalars
# in C, but an array element by element in Python: for a batch of 12 events the arrays cost five
# times the CPU (256 against 45 microseconds, one measurement), all of it holding the GIL.
SCALAR_BATCH = 64


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
        self._insert_queries: dict[int, str] = {}  # rendered once per batch size (0: the arrays)
        self._select_queries: dict[tuple[bool, bool, bool, bool], str] = {}
        # eventsourcing's ``select_events_statement`` with its columns named, for rows as tuples.
        self.select_columns_statement = SQL(
            "SELECT originator_id, originator_version, topic, state FROM {schema}.{table} WHERE originator_id = %s"
        ).format(schema=schema, table=Identifier(self.events_table_name))
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
        if stored_events and batchable(kwargs):
            return self.group.save(stored_events)
        return super().insert_events(stored_events, **kwargs)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_locked(self, stored_events: Sequence[StoredEvent]) -> list[int]:
        """One statement, one transaction: the table lock, the NOTIFY and the rows; their ids in order."""
        count = len(stored_events)
        params: list[Any]
        if count <= SCALAR_BATCH:
            # One parameter per value, in binary (bytea as it is, no hex), each dumped in C; the
            # versions as int8 whatever their size, so that a batch size keeps one prepared statement.
            params = [event.originator_id for event in stored_events]
            params += [Int8(event.originator_version) for event in stored_events]
            params += [event.topic for event in stored_events]
            params += [event.state for event in stored_events]
            shape = count
        else:
            # Four arrays of plain types rather than one of eventsourcing's composite type.
            params = [
                [event.originator_id for event in stored_events],
                [event.originator_version for event in stored_events],
                [event.topic for event in stored_events],
                [event.state for event in stored_events],
            ]
            shape = 0
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as curs:
            query = self._insert_queries.get(shape)
            if query is None:
                query = self._insert_queries[shape] = self._insert_query(shape).as_string(conn)
            curs.execute(query, params, prepare=True)
            return [row[0] for row in curs.fetchall()]

    def _insert_query(self, count: int) -> Composed:
        """The statement for a batch of ``count`` events, each value a parameter of its own (0: arrays)."""
        if not count:
            return self.locked_insert_statement
        values = SQL(", ").join([SQL("%b")] * count)
        query = SQL(
            "SELECT id FROM {schema}.{function}(ARRAY[{values}]::{id_type}[], ARRAY[{values}]::bigint[], "
            "ARRAY[{values}]::text[], ARRAY[{values}]::bytea[]) AS ids(id)"
        ).format(
            schema=Identifier(self.datastore.schema),
            function=Identifier(self.locked_insert_function),
            id_type=Identifier(self.datastore.originator_id_type),
            values=values,
        )
        return query

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
        """eventsourcing's query, rendered once per shape: it composes and escapes it on every call,
        which is most of the CPU a command's read costs. Rows come as tuples in binary (bytea as
        it is, not hex text to decode), each value loaded in C."""
        shape = (gt is not None, lte is not None, desc, limit is not None)
        params: list[Any] = [originator_id]
        params += [value for value in (gt, lte, limit) if value is not None]
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row, binary=True) as curs:
            query = self._select_queries.get(shape)
            if query is None:
                query = self._select_queries[shape] = self._select_query(shape).as_string(conn)
            curs.execute(query, params, prepare=True)
            return [
                StoredEvent(originator_id=id_, originator_version=version, topic=topic, state=bytes(state))
                for id_, version, topic, state in curs.fetchall()
            ]

    def _select_query(self, shape: tuple[bool, bool, bool, bool]) -> Composed:
        has_gt, has_lte, desc, has_limit = shape
        statement = self.select_columns_statement
        if has_gt:
            statement += SQL(" AND originator_version > %s")
        if has_lte:
            statement += SQL(" AND originator_version <= %s")
        statement += SQL(" ORDER BY originator_version DESC" if desc else " ORDER BY originator_version ASC")
        if has_limit:
            statement += SQL(" LIMIT %s")
        return statement
