"""Two projectors on one view file (two web nodes sharing a data directory): a page one of them
applied while the other was reading the log is refused by the other's compare-and-set, not
applied again, so a view whose rows have a key does not fail on a duplicate."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import singledispatchmethod
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from domain.accounts import Account, Accounts
from domain.eventlog import EventLog
from projections.runner import Projector, ViewBase, open_read_db, read_position

ISSUER = "http://issuer.test"


class KeyedView(ViewBase):
    """One row per account event, keyed (as the ballots and bindings views key theirs)."""

    name = "keyed"
    version = 1
    topics = (Account.Event,)

    def create(self, db: Database) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS keyed (id TEXT, version INTEGER, PRIMARY KEY (id, version))")

    @singledispatchmethod
    def apply(self, event: object, db: Database) -> None:
        pass

    @apply.register
    def _(self, event: Account.Event, db: Database) -> None:
        db.execute("INSERT INTO keyed VALUES (?, ?)", [str(event.originator_id), event.originator_version])


class LogWithAHook:
    """The log, running ``before_head`` once the first time a projector asks for its head."""

    def __init__(self, log: EventLog, before_head: Callable[[], None]) -> None:
        self._log = log
        self._before_head: Callable[[], None] | None = before_head

    def position(self) -> int:
        hook, self._before_head = self._before_head, None
        if hook is not None:
            hook()
        return self._log.position()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._log, name)


@pytest.fixture
def log(tmp_path: Path) -> Iterator[EventLog]:
    log = EventLog(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.db")})
    yield log
    log.close()


def test_a_page_the_other_node_applied_meanwhile_is_not_applied_twice(tmp_path: Path, log: EventLog) -> None:
    accounts = Accounts(log)
    for n in range(5):
        accounts.sign_in(ISSUER, f"person-{n}", f"Person {n}")
    path = tmp_path / "views.db"
    other = Projector(log, open_read_db(path), [KeyedView()])
    # This node reads the view's position (0), then, while it asks for the log's head, the other
    # node applies everything up to that head.
    this = Projector(LogWithAHook(log, other.catch_up), open_read_db(path), [KeyedView()])  # type: ignore[arg-type]

    applied = this.catch_up()

    assert applied == 0  # the other node applied the page; this one refused to apply it again
    db = open_read_db(path)
    assert db.execute("SELECT count(*) FROM keyed").fetchone()[0] == 5
    assert read_position(db, "keyed") == log.position()
    this.db.close(), other.db.close(), db.close()
