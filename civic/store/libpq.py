"""A pooled psycopg connection's prepared statements, run through libpq directly (``conn.pgconn``).

Why. At 32 request threads most of a command's CPU on PostgreSQL was psycopg's own Python around
each statement, not the statement: a cursor, the query's conversion, its parameters' dumpers, the
prepared-statement bookkeeping, and a generator that gives up and takes back the GIL at each step
of the round trip (send, wait, read). ``PGconn.exec_prepared`` (psycopg's C build) does the whole
round trip in C with the GIL released once. Measured on one thread (``time.process_time``): a
prepared single-row SELECT cost 30 µs of CPU through a cursor, 10 µs this way.

What. Each statement is prepared once per connection under a name of our own (psycopg's are
``_pg3_N``; a connection replaced by the pool is a new object, so it is prepared again there).
Parameters go in binary, typed by their OIDs; results come back in binary. A result that is an
error raises psycopg's exception for it (``psycopg.errors.error_from_result``), and a connection
found broken raises ``psycopg.OperationalError``, inside eventsourcing's ``get_connection``, which
translates them into eventsourcing's errors as it does for psycopg's own execute; the pool then
discards a broken connection as it always does.
"""

from __future__ import annotations

import struct
import threading
import weakref
from collections.abc import Sequence
from uuid import UUID

import psycopg
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


def check(conn: psycopg.Connection[object], result: pq.abc.PGresult) -> pq.abc.PGresult:
    if result.status in _OK:
        return result
    if conn.pgconn.status == pq.ConnStatus.BAD:
        message = conn.pgconn.get_error_message() or "the connection is lost"
        raise psycopg.OperationalError(message)
    raise errors.error_from_result(result, encoding=conn.info.encoding)
