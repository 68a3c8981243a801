"""Readers kept between requests, and answers kept while their views stand still, never read
less than a fresh connection would: a swapped-out file, a deleted one or an older position.

Stories on a real SQLite log and real view files in a temporary data directory.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from domain.accounts import Accounts
from domain.eventlog import EventLog
from projections.accounts import AccountsView
from projections.readmodels import ReadModels, ViewUnavailableError

ISSUER = "http://issuer.test"


@pytest.fixture
def log(tmp_path: Path) -> EventLog:
    log = EventLog(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.db")})
    yield log
    log.close()


def _count(db) -> int:  # type: ignore[no-untyped-def]
    return int(db.execute("SELECT count(*) FROM accounts").fetchone()[0])


def test_a_kept_connection_serves_the_next_reader_and_sees_what_the_follower_wrote(
    tmp_path: Path, log: EventLog
) -> None:
    accounts = Accounts(log)
    accounts.sign_in(ISSUER, "first", "First")
    views = ReadModels(log, tmp_path / "views", [AccountsView()])
    views.open(background=False)
    with views.reader(["accounts"]) as db:
        first = db.conn
        assert _count(db) == 1
    accounts.sign_in(ISSUER, "second", "Second")
    views.catch_up()
    with views.reader(["accounts"]) as db:
        assert db.conn is first  # kept, not opened again
        assert _count(db) == 2
    views.close()


def test_a_connection_to_a_swapped_out_file_is_closed_not_reused(tmp_path: Path, log: EventLog) -> None:
    accounts = Accounts(log)
    accounts.sign_in(ISSUER, "first", "First")
    views = ReadModels(log, tmp_path / "views", [AccountsView()])
    views.open(background=False)
    with views.reader(["accounts"]) as db:
        old = db.conn
    views.rebuild(["accounts"])  # a new file, swapped in
    with views.reader(["accounts"]) as db:
        assert db.conn is not old
        assert _count(db) == 1
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        old.execute("SELECT 1")
    views.close()


def test_a_kept_connection_to_a_deleted_file_is_not_used(tmp_path: Path, log: EventLog) -> None:
    Accounts(log).sign_in(ISSUER, "first", "First")
    views = ReadModels(log, tmp_path / "views", [AccountsView()])
    views.open(background=False)
    with views.reader(["accounts"]) as db:
        file = Path(db.execute("PRAGMA database_list").fetchall()[-1][2])
    for leftover in file.parent.glob(file.name + "*"):
        leftover.unlink()
    # Not read through the kept connection: the view is being built again, and says so.
    with pytest.raises(ViewUnavailableError) as unavailable, views.reader(["accounts"]) as db:
        _count(db)
    assert unavailable.value.state == "building"
    views.close()


def test_a_cached_answer_is_asked_again_once_the_view_moves_on(tmp_path: Path, log: EventLog) -> None:
    accounts = Accounts(log)
    accounts.sign_in(ISSUER, "first", "First")
    views = ReadModels(log, tmp_path / "views", [AccountsView()])
    views.open(background=False)
    asked = []

    def count(db) -> int:  # type: ignore[no-untyped-def]
        asked.append(1)
        return _count(db)

    assert views.cached(["accounts"], "count", count) == 1
    assert views.cached(["accounts"], "count", count) == 1
    assert len(asked) == 1  # the second time from the cache
    position = accounts.sign_in(ISSUER, "second", "Second").position
    views.catch_up()
    assert views.position("accounts") >= position
    assert views.cached(["accounts"], "count", count) == 2  # as a request that waited for its write sees it
    assert len(asked) == 2
    assert views.cached(["accounts"], "other key", count) == 2 and len(asked) == 3
    views.close()
