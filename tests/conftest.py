"""Fixtures shared by every test folder. Keep each group under its own heading."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from civic.settings import Settings

# ---------------------------------------------------------------------------------------------
# Event stores: SQLite in a tmp_path data dir, or the PostgreSQL server on 127.0.0.1:5432.
#
# The server keeps its data between runs, so every run creates its own database
# (civic_test_<random>) and drops it at the end; every test gets its own schema in it.
# ---------------------------------------------------------------------------------------------

POSTGRES_HOST = "127.0.0.1"
POSTGRES_PORT = 5432
POSTGRES_USER = "postgres"
POSTGRES_MAINTENANCE_DB = "test"


def _postgres_unreachable_reason() -> str | None:
    """Why nothing answers on the PostgreSQL port, or None when something does.

    Only an unreachable server skips: a server that answers but refuses us is a failure.
    """
    try:
        with socket.create_connection((POSTGRES_HOST, POSTGRES_PORT), timeout=3):
            return None
    except OSError as error:
        return f"PostgreSQL not reachable on {POSTGRES_HOST}:{POSTGRES_PORT}: {error}"


def _connect(dbname: str) -> psycopg.Connection:
    return psycopg.connect(
        host=POSTGRES_HOST,
        port=POSTGRES_PORT,
        user=POSTGRES_USER,
        dbname=dbname,
        autocommit=True,
        connect_timeout=10,
    )


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, empty database for this test run; dropped when the run ends."""
    reason = _postgres_unreachable_reason()
    if reason:
        pytest.skip(reason)
    name = f"civic_test_{secrets.token_hex(6)}"
    with _connect(POSTGRES_MAINTENANCE_DB) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    finally:
        with _connect(POSTGRES_MAINTENANCE_DB) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def postgres_schema(url: str) -> Iterator[str]:
    """A schema of its own in the run's database ``url``: the URL that names it, dropped after.

    eventsourcing creates its table and composite type in POSTGRES_SCHEMA but not the schema
    itself (a missing schema fails with 'schema ... does not exist'), so it is made here.
    """
    dbname = url.rsplit("/", 1)[1]
    schema = f"t_{secrets.token_hex(6)}"
    with _connect(dbname) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    try:
        yield f"{url}?schema={schema}"
    finally:
        with _connect(dbname) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def _postgres_settings(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[Settings]:
    """Settings whose event store is a schema of its own in the run's database."""
    with postgres_schema(request.getfixturevalue("postgres_url")) as url:
        yield Settings(data_dir=data_dir, database_url=url)


@pytest.fixture
def postgres_store_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a data dir in tmp_path whose event store is PostgreSQL only."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    yield from _postgres_settings(request, data_dir)


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def event_store_env(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for a data dir in tmp_path, once with each event store we deploy on."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    if request.param == "sqlite":
        yield Settings(data_dir=data_dir)
    else:
        yield from _postgres_settings(request, data_dir)
