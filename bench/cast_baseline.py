"""The bare baseline of bench/cast_http.py: a Starlette endpoint doing one durable SQLite insert.

    CAST_BASELINE_DB=/tmp/x.db python -m uvicorn bench.cast_baseline:app

What the platform's casting is measured against: the least any web stack on this machine must do
to record a vote durably. It reads the posted form, inserts one row in a SQLite file in WAL mode
with ``synchronous=FULL`` (every commit is flushed to disk, as the event log's are: eventsourcing
leaves SQLite's default, FULL) from the thread pool, as the platform's services run, and answers
303 as a cast does. No session, no forgery check, no validation, no read model.
"""

from __future__ import annotations

import os
import sqlite3
import threading

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

PATH = os.environ.get("CAST_BASELINE_DB", "cast-baseline.db")
_local = threading.local()


def _connection() -> sqlite3.Connection:
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = sqlite3.connect(PATH, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        connection.execute("CREATE TABLE IF NOT EXISTS votes (id INTEGER PRIMARY KEY, voter TEXT, choices TEXT)")
        _local.connection = connection
    return connection


def _insert(voter: str, choices: str) -> None:
    connection = _connection()
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO votes (voter, choices) VALUES (?, ?)", (voter, choices))
    connection.execute("COMMIT")


async def cast(request: Request) -> Response:
    form = await request.form()
    await run_in_threadpool(_insert, str(form.get("voter", "")), ";".join(map(str, form.getlist("choice"))))
    return RedirectResponse("/done", status_code=303)


app = Starlette(routes=[Route("/cast", cast, methods=["POST"])])
