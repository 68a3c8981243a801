"""Read models per view: own file, version, position and topics; one view failing stops alone.

Stories on a real SQLite log and real view files in a temporary data directory.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from civic.services import build_services
from civic.settings import Settings
from domain.accounts import ADMIN, REVIEWER, Account, Accounts
from domain.eventlog import SYSTEM_ACTOR, EventLog
from domain.glossary.meetings import Meeting
from domain.glossary.service import Glossary
from projections import readmodels
from projections.accounts import AccountsView
from projections.audit import AuditView
from projections.glossary import GlossaryView
from projections.readmodels import FAILED, READY, ReadModels, ViewUnavailableError, current_file
from projections.runner import Projector, ViewBase, open_read_db, sqlite_files, table_rows

ISSUER = "http://issuer.test"


@pytest.fixture
def log(tmp_path: Path) -> EventLog:
    log = EventLog(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.db")})
    yield log
    log.close()


def _some_history(log: EventLog) -> tuple[Accounts, Glossary]:
    accounts = Accounts(log)
    glossary = Glossary(log, accounts)
    for n in range(5):
        accounts.sign_in(ISSUER, f"person-{n}", f"Person {n}")
    accounts.grant_from_command_line(ISSUER, "person-0", ADMIN)
    glossary.convene("2026-11-20", ["林委員"], SYSTEM_ACTOR, title="第一次會議")
    return accounts, glossary


def _manifest(directory: Path) -> dict[str, Any]:
    return json.loads((directory / "manifest.json").read_text())


class GlossaryViewV99(GlossaryView):
    version = 99


def test_bumping_one_views_version_rebuilds_that_view_alone(tmp_path: Path, log: EventLog) -> None:
    _some_history(log)
    first = ReadModels(log, tmp_path / "views", [AccountsView(), GlossaryView(), AuditView()])
    first.open(background=False)
    before = _manifest(tmp_path / "views")
    rows_before = table_rows(open_read_db(current_file(tmp_path / "views", "glossary")), ["glossary_meetings"])
    first.close()

    second = ReadModels(log, tmp_path / "views", [AccountsView(), GlossaryViewV99(), AuditView()])
    second.open(background=False)
    after = _manifest(tmp_path / "views")
    second.close()

    assert after["accounts"] == before["accounts"] and after["audit"] == before["audit"]
    assert after["glossary"] != before["glossary"] and "-v99-" in after["glossary"]
    rebuilt = open_read_db(current_file(tmp_path / "views", "glossary"))
    assert table_rows(rebuilt, ["glossary_meetings"]) == rows_before
    assert rebuilt.execute("SELECT version, position FROM _views").fetchall() == [(99, log.position())]


class CountingView(ViewBase):
    """Remembers every event it was given: a view is given only the topics it names."""

    name = "counting"
    version = 1
    topics = (Meeting.Event,)

    def __init__(self) -> None:
        self.seen: list[type] = []

    def create(self, db: Database) -> None:
        pass

    def apply(self, event: object, db: Database) -> None:
        self.seen.append(type(event))


def test_a_view_is_given_only_the_events_it_consumes_and_still_holds_the_head(tmp_path: Path, log: EventLog) -> None:
    _some_history(log)
    view = CountingView()
    projector = Projector(log, open_read_db(tmp_path / "counting.db"), [view])
    assert projector.catch_up() == 1
    assert view.seen == [Meeting.Convened]
    assert projector.position("counting") == log.position()  # it has seen everything up to the head


class BrokenView(ViewBase):
    """Fails on every role grant while ``broken`` is set (a bug that a fix and a rebuild repair)."""

    name = "broken"
    version = 1
    topics = (Account.Event,)
    broken = True

    def create(self, db: Database) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS broken_seen (id TEXT)")

    def apply(self, event: object, db: Database) -> None:
        if BrokenView.broken and isinstance(event, Account.RoleGranted):
            raise RuntimeError("a bug in the broken view")
        db.execute("INSERT INTO broken_seen VALUES (?)", [str(getattr(event, "originator_id", ""))])


def _wait_until(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def test_a_view_that_raises_stops_alone_and_comes_back_after_a_rebuild(tmp_path: Path, log: EventLog) -> None:
    accounts, _ = _some_history(log)
    BrokenView.broken = False
    models = ReadModels(log, tmp_path / "views", [AccountsView(), BrokenView()])
    models.open(background=False)
    BrokenView.broken = True  # a version with the bug is deployed
    models.start()
    try:
        person = accounts.sign_in(ISSUER, "person-9", "Person 9").result
        recorded = accounts.grant(person, REVIEWER, actor=SYSTEM_ACTOR)
        _wait_until(lambda: models.failed() == ["broken"])

        # The other view and every write go on.
        later = accounts.grant(person, "translator", actor=SYSTEM_ACTOR)
        asyncio.run(models.wait_for(later.position, ["accounts"], timeout=10))
        with models.reader(["accounts"]) as db:
            roles = db.execute("SELECT roles FROM accounts WHERE id = ?", [str(person)]).fetchone()[0]
        assert roles == "resident,reviewer,translator"
        with pytest.raises(ViewUnavailableError) as unavailable:
            asyncio.run(models.wait_for(recorded.position, ["broken"], timeout=10))
        assert unavailable.value.state == FAILED
        status = {view.name: view for view in models.status()}
        assert status["broken"].state == FAILED and "a bug in the broken view" in (status["broken"].error or "")
        assert status["accounts"].state == READY

        BrokenView.broken = False  # the fix is deployed; the rebuild swaps a good file in
        models.rebuild(["broken"])
        _wait_until(lambda: not models.failed())
        asyncio.run(models.wait_for(later.position, ["broken"], timeout=10))
    finally:
        models.close()
        BrokenView.broken = True


def test_a_view_that_fails_while_being_built_does_not_stop_the_start(tmp_path: Path, log: EventLog) -> None:
    _some_history(log)  # holds a role grant, which the broken view cannot take
    models = ReadModels(log, tmp_path / "views", [AccountsView(), BrokenView()])
    models.open(background=False)
    try:
        assert models.failed() == ["broken"]
        with models.reader(["accounts"]) as db:
            assert db.execute("SELECT count(*) FROM accounts").fetchone()[0] == 5
        with pytest.raises(ViewUnavailableError), models.reader(["broken"]):
            pass
    finally:
        models.close()


def test_a_long_build_runs_in_the_background_and_pages_say_so(
    tmp_path: Path, log: EventLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    _some_history(log)
    monkeypatch.setattr(readmodels, "BUILD_BEFORE_SERVING", 0)  # every build counts as long here
    models = ReadModels(log, tmp_path / "views", [AccountsView(), GlossaryView()])
    release = __import__("threading").Event()
    real_build = models.build

    def slow_build(view: Any, **kwargs: Any) -> Path:
        if view.name == "glossary":
            release.wait(10)
        return real_build(view, **kwargs)

    monkeypatch.setattr(models, "build", slow_build)
    models.open(background=True)  # returns at once: nothing is built yet
    try:
        with pytest.raises(ViewUnavailableError) as unavailable, models.reader(["glossary"]):
            pass
        assert unavailable.value.state == "building"
        _wait_until(lambda: models.status()[0].state == READY)  # accounts did not wait for glossary
        with models.reader(["accounts"]) as db:
            assert db.execute("SELECT count(*) FROM accounts").fetchone()[0] == 5
        release.set()
        _wait_until(lambda: all(view.state == READY for view in models.status()))
        with models.reader(["glossary"]) as db:
            assert db.execute("SELECT title FROM glossary_meetings").fetchall() == [("第一次會議",)]
    finally:
        release.set()
        models.close()


def test_a_swapped_in_file_is_used_only_once_it_holds_what_the_old_one_held(tmp_path: Path, log: EventLog) -> None:
    accounts, _ = _some_history(log)
    server = ReadModels(log, tmp_path / "views", [AccountsView()])
    server.open(background=False)
    # Another process (civic rebuild) builds a file, then the log moves on before the swap.
    rebuilder = ReadModels(log, tmp_path / "views", [AccountsView()])
    fresh = rebuilder.build(AccountsView())
    late = accounts.sign_in(ISSUER, "late", "Late").result
    server.catch_up()
    rebuilder.swap("accounts", fresh)
    with server.reader(["accounts"]) as db:  # still the old file: it holds the late sign-in
        assert db.execute("SELECT count(*) FROM accounts WHERE id = ?", [str(late)]).fetchone()[0] == 1
    server.catch_up()  # the follower's step: switch, after catching the new file up
    assert server.status()[0].position == log.position()
    with server.reader(["accounts"]) as db:
        assert db.execute("SELECT count(*) FROM accounts WHERE id = ?", [str(late)]).fetchone()[0] == 1
    retired = _manifest(tmp_path / "views")["_retired"]
    assert len(retired) == 1
    server.sweep(grace=0)
    assert not (tmp_path / "views" / next(iter(retired))).exists()
    server.close()
    rebuilder.close()


class SecondLogView(ViewBase):
    """A view of a second log (as the ballots view follows the ballot box)."""

    name = "memos"
    version = 1
    source = "second"
    topics = (Account.Event,)

    def create(self, db: Database) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS memo_accounts (id TEXT PRIMARY KEY)")

    def apply(self, event: Any, db: Database) -> None:
        db.execute("INSERT OR IGNORE INTO memo_accounts VALUES (?)", [str(event.originator_id)])


def test_a_view_follows_its_own_source_log_at_a_position_of_that_log(tmp_path: Path, log: EventLog) -> None:
    _some_history(log)  # the main log is 7 events long
    second = EventLog(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "second.db")})
    with pytest.raises(KeyError):
        ReadModels(log, tmp_path / "views", [AccountsView(), SecondLogView()])  # no log named "second"
    models = ReadModels({"main": log, "second": second}, tmp_path / "views", [AccountsView(), SecondLogView()])
    models.open(background=False)
    try:
        position = Accounts(second).sign_in(ISSUER, "only", "Only").position
        assert position == 1

        asyncio.run(models.wait_for(position, ["memos"], timeout=5))

        statuses = {status.name: status for status in models.status()}
        assert (statuses["memos"].source, statuses["memos"].position, statuses["memos"].behind) == ("second", 1, 0)
        assert statuses["accounts"].position == log.position() > 1
        assert models.heads() == {"main": log.position(), "second": 1}
        with models.reader(["memos", "accounts"]) as db:
            assert db.execute("SELECT count(*) FROM memo_accounts").fetchone()[0] == 1
            assert db.execute("SELECT count(*) FROM accounts").fetchone()[0] == 5
        models.rebuild(["memos"])
        assert models.position("memos") == 1
    finally:
        models.close()
        second.close()


def test_a_view_file_deleted_while_serving_is_built_again_and_says_so_meanwhile(tmp_path: Path, log: EventLog) -> None:
    _, glossary = _some_history(log)
    models = ReadModels(log, tmp_path / "views", [AccountsView(), GlossaryView()])
    models.open(background=False)
    lost = current_file(tmp_path / "views", "glossary")
    with models.reader(["glossary"]) as db:  # a kept connection, attached to the file about to go
        assert db.execute("SELECT count(*) FROM glossary_meetings").fetchone() == (1,)
    for path in sqlite_files(lost):
        path.unlink(missing_ok=True)
    glossary.convene("2026-11-21", ["林委員"], SYSTEM_ACTOR, title="第二次會議")
    # Never an empty file taken for the view: "being built" until it is.
    with pytest.raises(ViewUnavailableError) as unavailable, models.reader(["glossary"]):
        pass
    assert unavailable.value.state == "building"
    with models.reader(["accounts"]) as db:  # the other views serve on
        assert db.execute("SELECT count(*) FROM accounts").fetchone() == (5,)
    models.start()
    try:
        deadline = time.monotonic() + 30
        while models.status()[1].state != READY or models.position("glossary") < log.position():
            assert time.monotonic() < deadline, models.status()
            time.sleep(0.05)
        with models.reader(["glossary"]) as db:
            assert db.execute("SELECT count(*) FROM glossary_meetings").fetchone() == (2,)
        assert current_file(tmp_path / "views", "glossary") != lost
    finally:
        models.close()


def test_a_request_waiting_for_its_write_is_woken_by_the_follower_not_by_a_timer(
    tmp_path: Path, log: EventLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts, _ = _some_history(log)
    models = ReadModels(log, tmp_path / "views", [AccountsView()])
    models.open(background=False)
    # No re-check before the deadline: only the follower's wake-up can end the wait in time.
    monkeypatch.setattr(readmodels, "WAIT_RECHECK_SECONDS", 3600.0)
    try:
        person = accounts.sign_in(ISSUER, "person-9", "Person 9").result
        recorded = accounts.grant(person, REVIEWER, actor=SYSTEM_ACTOR)

        async def wait_twice() -> None:
            await asyncio.gather(*(models.wait_for(recorded.position, ["accounts"], timeout=3000) for _ in range(2)))

        asyncio.run(asyncio.wait_for(wait_twice(), timeout=60))  # raises TimeoutError if nobody woke them
        assert models.position("accounts") >= recorded.position
        assert not models._waiters  # every waiter is gone once answered
        # Already there: answered without waiting at all.
        asyncio.run(asyncio.wait_for(models.wait_for(recorded.position, ["accounts"], timeout=3000), timeout=60))
    finally:
        models.close()


def test_a_pooled_reader_is_the_same_connection_next_time_and_still_reads_new_rows(
    tmp_path: Path, log: EventLog
) -> None:
    accounts, _ = _some_history(log)
    models = ReadModels(log, tmp_path / "views", [AccountsView()])
    models.open(background=False)
    try:
        with models.reader(["accounts"]) as first:
            count = first.execute("SELECT count(*) FROM accounts").fetchone()[0]
        accounts.sign_in(ISSUER, "person-10", "Person 10")
        models.catch_up()
        with models.reader(["accounts"]) as second:
            assert second is first  # kept with its wrapper, not wrapped again
            assert second.execute("SELECT count(*) FROM accounts").fetchone()[0] == count + 1
    finally:
        models.close()


def _tables(path: Path) -> list[str]:
    db = open_read_db(path)
    try:
        return [name for name in db.table_names() if name != "_views"]
    finally:
        db.close()


def test_a_rebuild_in_two_processes_gives_the_rows_the_views_followed_event_by_event(
    tmp_path: Path, log: EventLog
) -> None:
    accounts, glossary = _some_history(log)
    second = EventLog(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "second.db")})
    views = [AccountsView(), GlossaryView(), AuditView(), SecondLogView()]
    models = ReadModels({"main": log, "second": second}, tmp_path / "views", views)
    models.open(background=False)
    try:
        for n in range(30):  # followed a few events at a time
            person = accounts.sign_in(ISSUER, f"later-{n}", f"Later {n}").result
            accounts.grant(person, REVIEWER, actor=SYSTEM_ACTOR)
            glossary.convene("2026-11-21", ["林委員"], SYSTEM_ACTOR, title=f"第{n}次會議")
            Accounts(second).sign_in(ISSUER, f"memo-{n}", f"Memo {n}")
            models.catch_up()
        followed = {view.name: current_file(tmp_path / "views", view.name) for view in views}
        rows = {name: table_rows(open_read_db(path), _tables(path)) for name, path in followed.items()}
        moved: list[int] = []

        events = models.rebuild(workers=2, on_progress=moved.append)

        assert events == 3 * log.position() + second.position() == sum(moved)
        for view in views:
            rebuilt = current_file(tmp_path / "views", view.name)
            assert rebuilt != followed[view.name]
            db = open_read_db(rebuilt)
            try:
                assert table_rows(db, _tables(rebuilt)) == rows[view.name], view.name
                assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
                indexes = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
                assert {
                    "audit_events_actor",
                    "audit_events_context",
                    "audit_events_at",
                } <= indexes or view.name != "audit"
            finally:
                db.close()
        assert {status.name: (status.state, status.behind) for status in models.status()} == {
            view.name: (READY, 0) for view in views
        }
    finally:
        models.close()
        second.close()


def test_a_view_failing_in_a_builder_process_fails_the_rebuild_and_stays_as_it_was(
    tmp_path: Path, log: EventLog
) -> None:
    _some_history(log)
    BrokenView.broken = False
    models = ReadModels(log, tmp_path / "views", [AccountsView(), BrokenView(), GlossaryView()])
    models.open(background=False)
    before = current_file(tmp_path / "views", "broken")
    rows = table_rows(open_read_db(before), ["broken_seen"])
    BrokenView.broken = True  # the builder processes start with the bug
    try:
        with pytest.raises(RuntimeError, match="a bug in the broken view"):
            models.rebuild(workers=2)
        assert current_file(tmp_path / "views", "broken") == before
        assert sorted(path.name for path in (tmp_path / "views").glob("broken-*.db")) == [before.name]  # no half file
        assert models.failed() == []  # the old file serves on
        with models.reader(["broken"]) as db:
            assert table_rows(db, ["broken_seen"]) == rows
    finally:
        models.close()
        BrokenView.broken = True


def test_after_a_rebuild_in_two_processes_the_node_goes_on_on_either_store(event_store_env: Settings) -> None:
    """The builder processes open the logs anew and leave this process's connections alone: on
    PostgreSQL, closing an inherited connection would end this process's session."""
    services = build_services(event_store_env)
    try:
        accounts, glossary = _some_history(services.log)
        services.catch_up()
        before = {name: current_file(event_store_env.views_dir, name) for name in services.read_models.names()}

        services.read_models.rebuild(workers=2)

        assert all(current_file(event_store_env.views_dir, name) != before[name] for name in before)
        later = accounts.sign_in(ISSUER, "after", "After").result  # the log's connections still serve
        glossary.convene("2026-11-22", ["林委員"], SYSTEM_ACTOR, title="第三次會議")
        services.catch_up()
        with services.reader("accounts", "glossary") as db:
            assert db.execute("SELECT name FROM accounts WHERE id = ?", [str(later)]).fetchone() == ("After",)
            assert db.execute("SELECT count(*) FROM glossary_meetings").fetchone() == (2,)
    finally:
        services.close()


class DyingView(ViewBase):
    """Ends the process that builds it (a builder killed: out of memory, a signal) unless it is ``home``."""

    name = "dying"
    version = 1
    topics = (Account.Event,)
    home = os.getpid()

    def create(self, db: Database) -> None:
        pass

    def apply(self, event: object, db: Database) -> None:
        if os.getpid() != DyingView.home:
            os._exit(3)


def test_a_builder_process_that_dies_fails_the_rebuild_instead_of_hanging_it(tmp_path: Path, log: EventLog) -> None:
    _some_history(log)
    DyingView.home = os.getpid()
    models = ReadModels(log, tmp_path / "views", [AccountsView(), DyingView()])
    models.open(background=False)
    try:
        with pytest.raises(RuntimeError, match="a builder process ended with 3"):
            models.rebuild(workers=2)
        assert models.status()[1].state == READY  # the old file serves on
    finally:
        models.close()
