"""The PostgreSQL recorder's batch statements (civic/store/postgres.py): one parameter per value
for a batch of up to ``SCALAR_BATCH`` events, four arrays above it. Either way the rows read back
byte for byte, with gap-free ids in the order given, and a conflict is eventsourcing's error."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, PersistenceError, ProgrammingError, StoredEvent
from psycopg import sql

from civic.settings import Settings
from civic.store.libpq import persistence_error
from civic.store.postgres import SCALAR_BATCH, GroupCommitPostgresRecorder
from domain.eventlog import EventLog

pytestmark = pytest.mark.postgres


def stored(count: int, version: int = 1) -> list[StoredEvent]:
    """``count`` events of as many aggregates, states of every byte value (no text to decode)."""
    return [
        StoredEvent(
            originator_id=uuid.uuid4(),
            originator_version=version + n * 40_000,  # int2, int4 and int8-sized versions mixed
            topic=f"tests.shapes:Event{n}",
            state=bytes(range(256)) + n.to_bytes(4, "big") + b"\x00",
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [1, 2, SCALAR_BATCH, SCALAR_BATCH + 1, 3 * SCALAR_BATCH])
def test_a_batch_reads_back_byte_for_byte_with_ids_in_order(postgres_store_env: Settings, count: int) -> None:
    log = EventLog(env=postgres_store_env.event_store_env())
    try:
        recorder = log.recorder
        assert isinstance(recorder, GroupCommitPostgresRecorder)
        first = stored(3)
        assert recorder.insert_locked(first) == [1, 2, 3]
        events = stored(count)
        assert recorder.insert_locked(events) == list(range(4, 4 + count))
        for event in events:
            assert recorder.select_events(event.originator_id) == [event]
        notes = recorder.select_notifications(start=1, limit=count + 10)
        assert [note.id for note in notes] == list(range(1, 4 + count))
        assert [(note.originator_id, note.originator_version, note.topic, note.state) for note in notes[3:]] == [
            (event.originator_id, event.originator_version, event.topic, event.state) for event in events
        ]
    finally:
        log.close()


@pytest.mark.parametrize("count", [2, SCALAR_BATCH + 1])
def test_a_conflicting_batch_writes_nothing_and_raises_eventsourcings_error(
    postgres_store_env: Settings, count: int
) -> None:
    log = EventLog(env=postgres_store_env.event_store_env())
    try:
        recorder = log.recorder
        assert isinstance(recorder, GroupCommitPostgresRecorder)
        taken = stored(1)
        recorder.insert_locked(taken)
        batch = stored(count - 1) + taken
        with pytest.raises(IntegrityError):
            recorder.insert_locked(batch)
        assert [note.id for note in recorder.select_notifications(start=1, limit=100)] == [1]
        assert recorder.select_events(batch[0].originator_id) == []
    finally:
        log.close()


def test_reads_and_writes_go_on_after_the_pools_connections_are_terminated(postgres_store_env: Settings) -> None:
    """The statements run through libpq (civic/store/libpq.py): a connection the server dropped
    raises eventsourcing's OperationalError, which is retried on a new connection, where the
    statements are prepared again."""
    log = EventLog(env=postgres_store_env.event_store_env())
    try:
        recorder = log.recorder
        assert isinstance(recorder, GroupCommitPostgresRecorder)
        first = stored(2)
        assert recorder.insert_locked(first) == [1, 2]
        assert recorder.select_events(first[0].originator_id) == [first[0]]
        with psycopg.connect(postgres_store_env.database_url.split("?")[0], autocommit=True) as admin:
            ended = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            ).fetchone()
        assert ended is not None and ended[0] >= 1
        assert recorder.select_events(first[1].originator_id) == [first[1]]
        second = stored(3)
        assert recorder.insert_locked(second) == [3, 4, 5]
        assert recorder.select_events(second[2].originator_id, gt=0, lte=10**6, limit=5) == [second[2]]
    finally:
        log.close()


def test_a_statement_the_server_refuses_raises_eventsourcings_error(postgres_store_env: Settings) -> None:
    log = EventLog(env=postgres_store_env.event_store_env())
    try:
        recorder = log.recorder
        assert isinstance(recorder, GroupCommitPostgresRecorder)
        events = stored(1)
        recorder.insert_locked(events)
        with recorder.datastore.get_connection() as conn:
            conn.execute(
                sql.SQL("DROP TABLE {} CASCADE").format(
                    sql.Identifier(recorder.datastore.schema, recorder.events_table_name)
                )
            )
        with pytest.raises(ProgrammingError):
            recorder.select_events(events[0].originator_id)
        with pytest.raises(ProgrammingError):
            recorder.insert_locked(stored(1))
    finally:
        log.close()


@pytest.mark.parametrize(
    "error",
    [
        psycopg.InterfaceError,
        psycopg.OperationalError,
        psycopg.DataError,
        psycopg.IntegrityError,
        psycopg.errors.UniqueViolation,
        psycopg.InternalError,
        psycopg.ProgrammingError,
        psycopg.errors.UndefinedTable,
        psycopg.NotSupportedError,
        psycopg.DatabaseError,
        psycopg.Error,
    ],
)
def test_the_libpq_statements_errors_are_eventsourcings_as_its_get_connection_makes_them(
    postgres_store_env: Settings, error: type[psycopg.Error]
) -> None:
    log = EventLog(env=postgres_store_env.event_store_env())
    try:
        with pytest.raises(PersistenceError) as theirs, log.recorder.datastore.get_connection():  # type: ignore[attr-defined]
            raise error("refused")
        ours = persistence_error(error("refused"))
        assert type(ours) is type(theirs.value)
        assert str(ours) == str(theirs.value)
    finally:
        log.close()
