"""A pooled psycopg connection's prepared statements, run through libpq directly (``conn.pgconn``).

Why. A command's CPU on PostgreSQL went in good part to psycopg's own Python around each
statement, not to the statement: a cursor, the query's conversion, its parameters' dumpers, the
prepared-statement bookkeeping, and a generator that gives up and takes back the GIL at each step
of the round trip (send, wait, read). ``PGconn.exec_prepared`` does the whole round trip in libpq
with the GIL released once (in C in psycopg's C build, through ctypes in the pure-Python one).
Measured on one thread (``time.process_time``): a prepared single-row SELECT cost 30 µs of CPU
through a cursor, 10 µs this way; at 32 threads a command's CPU fell by about a quarter
(README, "The event store's write path").

What. Each statement is prepared once per connection under a name of our own (psycopg's are
``_pg3_N``; a connection replaced by the pool is a new object, so it is prepared again there).
Parameters go in binary, typed by their OIDs; results come back in binary. A result that is an
error raises psycopg's exception for it (``psycopg.errors.error_from_result``), and a connection
found broken raises ``psycopg.OperationalError``; ``run_pooled`` translates them into
eventsourcing's errors exactly as eventsourcing's ``get_connection`` does for psycopg's own
execute, and the pool discards a broken connection as it always does.
"""

from __future__ import annotations

import struct
import threading
import weakref
from collections.abc import Sequence
from uuid import UUID

import psycopg
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
)
from eventsourcing.postgres import PostgresDatastore
from psycopg import errors, pq

UUID_OID = 2950
INT8_OID = 20
TEXT_OID = 25
BYTEA_OID = 17
BINARY = 1

_INT8 = struct.Struct(">q")
pack_int8 = _INT8.pack
_OK = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)


def uuid_bytes(value: UUID | str) -> bytes:
    return value.bytes if isinstance(value, UUID) else UUID(value).bytes


def int8(value: bytes) -> int:
    return int.from_bytes(value, "big", signed=True)


class Statements:
    """Named statements, each prepared on a connection the first time it runs there."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._names: dict[str, bytes] = {}  # query text -> statement name
        self._prepared: weakref.WeakKeyDictionary[psycopg.Connection[object], set[bytes]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def run(
        self, conn: psycopg.Connection[object], query: str, types: Sequence[int], params: Sequence[bytes]
    ) -> pq.abc.PGresult:
        """Runs ``query`` (``$1``-style placeholders, parameters of those OIDs, binary) in one
        round trip; returns its binary result, or raises psycopg's error."""
        pgconn = conn.pgconn
        with self._lock:
            name = self._names.get(query)
            if name is None:
                name = self._names[query] = f"{self._prefix}_{len(self._names)}".encode()
            prepared = self._prepared.get(conn)
            if prepared is None:
                prepared = self._prepared[conn] = set()
        if name not in prepared:
            check(conn, pgconn.prepare(name, query.encode(), list(types)))
            prepared.add(name)
        return check(conn, pgconn.exec_prepared(name, params, [BINARY] * len(params), BINARY))


def run_pooled(
    datastore: PostgresDatastore, statements: Statements, query: str, types: Sequence[int], params: Sequence[bytes]
) -> pq.abc.PGresult:
    """``statements.run`` on a connection of the datastore's pool, errors as eventsourcing's.

    What eventsourcing's ``get_connection`` does around a statement, without what costs here: its
    context manager, which takes the pool's lock to open the pool every time, and the pool's
    ``connection()`` context manager, which commits on the way out (nothing to commit in
    autocommit, but psycopg's generator machinery and the connection's lock all the same). A pool
    not yet open is left to ``get_connection`` to open.
    """
    pool = datastore.pool
    if pool.closed:
        with datastore.get_connection() as conn:
            return statements.run(conn, query, types, params)
    try:
        conn = pool.getconn()
        try:
            return statements.run(conn, query, types, params)
        finally:
            pool.putconn(conn)
    except psycopg.Error as error:
        raise persistence_error(error) from error


# eventsourcing's translation in ``PostgresDatastore.get_connection``, in its order (subclasses first).
_ERRORS: tuple[tuple[type[psycopg.Error], type[PersistenceError]], ...] = (
    (psycopg.InterfaceError, InterfaceError),
    (psycopg.OperationalError, OperationalError),
    (psycopg.DataError, DataError),
    (psycopg.IntegrityError, IntegrityError),
    (psycopg.InternalError, InternalError),
    (psycopg.ProgrammingError, ProgrammingError),
    (psycopg.NotSupportedError, NotSupportedError),
    (psycopg.DatabaseError, DatabaseError),
)


def persistence_error(error: psycopg.Error) -> PersistenceError:
    for theirs, ours in _ERRORS:
        if isinstance(error, theirs):
            return ours(str(error))
    return PersistenceError(str(error))


def check(conn: psycopg.Connection[object], result: pq.abc.PGresult) -> pq.abc.PGresult:
    if result.status in _OK:
        return result
    if conn.pgconn.status == pq.ConnStatus.BAD:
        message = conn.pgconn.get_error_message() or "the connection is lost"
        raise psycopg.OperationalError(message)
    raise errors.error_from_result(result, encoding=conn.info.encoding)
