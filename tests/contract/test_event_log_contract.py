"""What the event log must do on every store we deploy on, told once and run on each.

Every test that takes ``event_store_env`` runs against SQLite and against PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import singledispatchmethod
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate, DomainEvent, event
from eventsourcing.persistence import RecordConflictError
from sqlite_utils import Database

import domain
from civic.services import build_services
from civic.settings import Settings
from domain.accounts import ADMIN, REVIEWER, STAFF, TRANSLATOR, Account, Accounts
from domain.eventlog import SYSTEM_ACTOR, EventLog
from projections import accounts as read
from projections.accounts import AccountsView
from projections.runner import Projector, ViewBase, open_read_db, table_rows

ISSUER = "https://id.example.tw"


class Memo(Aggregate):
    """A second kind of aggregate, so the log holds more than accounts."""

    @event("Written")
    def __init__(self, text: str, actor: str) -> None:
        self.text = text


@pytest.fixture
def log(event_store_env: Settings) -> Iterator[EventLog]:
    log = EventLog(env=event_store_env.event_store_env())
    yield log
    log.close()


def events_in(log: EventLog) -> list[DomainEvent]:
    notes = log.recorder.select_notifications(start=0, limit=10_000, inclusive_of_start=False)
    return [log.mapper.to_domain_event(note) for note in notes]


# --- One ordered log ----------------------------------------------------------------------


def test_events_of_every_aggregate_type_share_one_ordered_sequence(log: EventLog) -> None:
    accounts = Accounts(log)
    alice = accounts.sign_in(ISSUER, "alice", "Alice").result
    memo = Memo("Bike lanes on Zhongshan Rd", actor=str(alice))
    log.record(memo)
    bob = accounts.sign_in(ISSUER, "bob", "Bob").result
    accounts.grant(alice, REVIEWER, actor=SYSTEM_ACTOR)

    notes = log.recorder.select_notifications(start=0, limit=100, inclusive_of_start=False)

    assert [(note.originator_id, note.topic.rsplit(":", 1)[1]) for note in notes] == [
        (alice, "Account.Registered"),
        (memo.id, "Memo.Written"),
        (bob, "Account.Registered"),
        (alice, "Account.RoleGranted"),
    ]
    ids = [note.id for note in notes]
    assert ids == sorted(set(ids))
    assert log.position() == ids[-1]


def test_record_returns_the_notification_id_of_its_last_event(log: EventLog) -> None:
    account = Account(ISSUER, "carol", "Carol", actor=SYSTEM_ACTOR)
    account.grant(STAFF, actor=SYSTEM_ACTOR)
    memo = Memo("Night market noise", actor=SYSTEM_ACTOR)

    last = log.record(account, memo)

    assert last == log.position()
    assert [note.id for note in log.recorder.select_notifications(start=last, limit=10)] == [last]
    assert log.record(account, memo) == 0  # nothing pending: nothing recorded


def test_an_aggregate_reads_back_as_it_was_saved(event_store_env: Settings, log: EventLog) -> None:
    alice = Accounts(log).sign_in(ISSUER, "alice", "Alice").result
    Accounts(log).sign_in(ISSUER, "alice", "Alice Lin")
    Accounts(log).grant(alice, TRANSLATOR, actor=SYSTEM_ACTOR)

    reopened = EventLog(env=event_store_env.event_store_env())
    try:
        account = Accounts(reopened).get(alice)
        assert (account.subject, account.name, account.roles) == (
            "alice",
            "Alice Lin",
            {"resident", "translator"},
        )
        assert account.version == 3
        assert reopened.get_or_none(Memo("unsaved", actor=SYSTEM_ACTOR).id) is None
    finally:
        reopened.close()


def test_two_copies_of_one_aggregate_cannot_both_be_saved(log: EventLog) -> None:
    alice = Accounts(log).sign_in(ISSUER, "alice", "Alice").result
    in_one_tab = log.repository.get(alice)
    in_another_tab = log.repository.get(alice)

    in_one_tab.grant(REVIEWER, actor=SYSTEM_ACTOR)
    log.record(in_one_tab)
    position = log.position()
    in_another_tab.grant(STAFF, actor=SYSTEM_ACTOR)

    with pytest.raises(RecordConflictError):
        log.record(in_another_tab)
    assert log.position() == position
    assert Accounts(log).get(alice).roles == {"resident", "reviewer"}


def test_every_event_says_who_acted_and_when(log: EventLog) -> None:
    accounts = Accounts(log)
    alice = accounts.sign_in(ISSUER, "alice", "Alice").result
    accounts.grant_from_command_line(ISSUER, "alice", ADMIN)
    accounts.sign_in(ISSUER, "alice", "Alice Lin")
    log.record(Memo("Library hours", actor=str(alice)))

    events = events_in(log)

    assert [(type(e).__name__, e.actor) for e in events] == [  # type: ignore[attr-defined]
        ("Registered", str(alice)),
        ("RoleGranted", SYSTEM_ACTOR),
        ("Renamed", str(alice)),
        ("Written", str(alice)),
    ]
    assert all(e.timestamp.utcoffset() is not None for e in events)
    assert [e.timestamp for e in events] == sorted(e.timestamp for e in events)


# --- The convention every aggregate follows ---------------------------------------------------


def domain_aggregates() -> list[type[Aggregate]]:
    """Every Aggregate subclass defined anywhere in the domain package."""
    for info in pkgutil.walk_packages(domain.__path__, prefix="domain."):
        if info.name == "domain.tally" or info.name.startswith("domain.tally."):
            continue  # tallying is pure computation: no aggregates, no events
        importlib.import_module(info.name)
    found: list[type[Aggregate]] = []
    pending = list(Aggregate.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("domain."):
            found.append(cls)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}:{cls.__qualname__}")


def stored_event_classes(aggregate: type[Aggregate]) -> list[type[DomainEvent]]:
    """The event classes an aggregate can record.

    eventsourcing gives every aggregate a generic ``Event`` base and a generic ``Created``
    event; ``Created`` is only used when no other "created" event is defined.
    """
    own = [value for value in vars(aggregate).values() if isinstance(value, type) and issubclass(value, DomainEvent)]
    named_created = [c for c in own if issubclass(c, Aggregate.Created) and c.__name__ != "Created"]
    generic = {"Event"} | ({"Created"} if named_created else set())
    return [c for c in own if c.__name__ not in generic]


def field_names(event_class: type) -> set[str]:
    names = {f.name for f in dataclasses.fields(event_class)} if dataclasses.is_dataclass(event_class) else set()
    for klass in event_class.__mro__:
        names |= set(vars(klass).get("__annotations__", {}))
    return names


# The one documented exception: a ballot names nobody, not even the staff member who entered it
# (domain/budgeting/ballot_box.py); the station's audit (domain/budgeting/stations.py) does that.
WITHOUT_ACTOR = ("domain.budgeting.ballot_box:Ballot",)


def test_every_domain_event_class_carries_an_actor() -> None:
    aggregates = domain_aggregates()
    event_classes = [e for a in aggregates if _name(a) not in WITHOUT_ACTOR for e in stored_event_classes(a)]
    assert Account.RoleGranted in event_classes  # the walk finds what we know is there

    missing = [f"{e.__module__}:{e.__qualname__}" for e in event_classes if "actor" not in field_names(e)]

    assert missing == [], "every command takes `actor` (see domain/eventlog.py)"


def test_ballot_events_carry_no_actor_nor_anything_else_that_names_a_person() -> None:
    ballot = next(a for a in domain_aggregates() if _name(a) in WITHOUT_ACTOR)
    fields = set().union(*(field_names(e) for e in stored_event_classes(ballot)))
    assert {"cycle", "area", "choices", "receipt"} <= fields  # the walk sees the ballot's events
    assert not fields & {"actor", "account", "person", "proof", "name", "number", "birth_date", "staff"}


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


# --- Services and read models ---------------------------------------------------------------


def test_the_accounts_read_model_follows_sign_in_grant_and_revoke(event_store_env: Settings) -> None:
    services = build_services(event_store_env)
    try:
        accounts = services.accounts
        alice = accounts.sign_in(ISSUER, "alice", "Alice").result
        bob = accounts.sign_in(ISSUER, "bob", "Bob").result
        accounts.grant_from_command_line(ISSUER, "alice", ADMIN)
        accounts.grant(bob, REVIEWER, actor=str(alice))
        services.catch_up()
        with services.reader() as db:
            assert read.account(db, str(bob))["roles"] == ["resident", "reviewer"]  # type: ignore[index]
            admins = read.admin_count(db)

        accounts.revoke(bob, REVIEWER, actor=str(alice), admin_count=admins)
        services.catch_up()

        with services.reader() as db:
            assert read.account(db, str(bob))["roles"] == ["resident"]  # type: ignore[index]
            assert [row["name"] for row in read.accounts(db)] == ["Alice", "Bob"]
            history = [
                (row["account_name"], row["role"], row["change"], row["actor_name"])
                for row in reversed(read.role_changes(db))
            ]
        assert history == [
            ("Alice", "admin", "granted", SYSTEM_ACTOR),
            ("Bob", "reviewer", "granted", "Alice"),
            ("Bob", "reviewer", "revoked", "Alice"),
        ]
    finally:
        services.close()


def fill_log_with_role_changes(log: EventLog, people: int) -> None:
    """Each person registers, gains two roles, then loses one: four events each."""
    everyone = [Account(ISSUER, f"person-{n}", f"Person {n}", actor=SYSTEM_ACTOR) for n in range(people)]
    log.record(*everyone)
    for change in (
        lambda a: a.grant(REVIEWER, SYSTEM_ACTOR),
        lambda a: a.grant(TRANSLATOR, SYSTEM_ACTOR),
        lambda a: a.revoke(REVIEWER, SYSTEM_ACTOR),
    ):
        for account in everyone:
            change(account)
        log.record(*everyone)


def role_changes_in(log: EventLog) -> list[tuple[str, str, str]]:
    return [
        (str(e.originator_id), e.role, "granted" if isinstance(e, Account.RoleGranted) else "revoked")
        for e in events_in(log)
        if isinstance(e, (Account.RoleGranted, Account.RoleRevoked))
    ]


def test_two_projectors_racing_on_one_file_apply_every_event_exactly_once(
    event_store_env: Settings, log: EventLog
) -> None:
    fill_log_with_role_changes(log, people=40)
    path = event_store_env.data_dir / "read.db"
    projectors = [Projector(log, open_read_db(path), [AccountsView()]) for _ in range(2)]
    start_together = threading.Barrier(len(projectors))

    def catch_up_twice(projector: Projector) -> int:
        start_together.wait()
        return projector.catch_up(page=7) + projector.catch_up(page=7)

    with ThreadPoolExecutor(len(projectors)) as pool:
        applied = list(pool.map(catch_up_twice, projectors))
    for projector in projectors:
        projector.db.close()

    db = open_read_db(path)
    rows = db.execute("SELECT position, account_id, role, change FROM role_changes ORDER BY position").fetchall()
    accounts_count = db.execute("SELECT count(*) FROM accounts").fetchone()[0]
    db.close()
    assert sum(applied) == len(events_in(log))
    assert [row[1:] for row in rows] == role_changes_in(log)  # no duplicates, none missing
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))  # no gaps
    assert accounts_count == 40


class Tripped(RuntimeError):
    """The tripwire view hit the event it was told to fail on."""


class TripwireView(ViewBase):
    """Notes every event it sees, and fails on one chosen event while ``trip_on`` is set."""

    name = "tripwire"
    version = 1
    topics = (Account.Event,)

    def __init__(self) -> None:
        self.trip_on: tuple[UUID, int] | None = None

    def create(self, db: Database) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS tripwire_seen (originator_id TEXT, version INTEGER)")

    @singledispatchmethod
    def apply(self, event: object, db: Database) -> None:
        pass

    @apply.register
    def _(self, event: Account.Event, db: Database) -> None:
        if (event.originator_id, event.originator_version) == self.trip_on:
            raise Tripped(event)
        db.execute("INSERT INTO tripwire_seen VALUES (?, ?)", [str(event.originator_id), event.originator_version])


READ_TABLES = ["accounts", "role_changes", "tripwire_seen"]


def test_a_page_that_fails_midway_changes_nothing_of_its_view_and_is_applied_once_later(
    event_store_env: Settings, log: EventLog
) -> None:
    accounts = Accounts(log)
    tripwire = TripwireView()
    db = open_read_db(event_store_env.data_dir / "read.db")
    projector = Projector(log, db, [AccountsView(), tripwire])
    alice = accounts.sign_in(ISSUER, "alice", "Alice").result
    accounts.grant(alice, REVIEWER, actor=SYSTEM_ACTOR)
    projector.catch_up()
    before = (projector.position("tripwire"), table_rows(db, ["tripwire_seen"]))

    accounts.grant(alice, STAFF, actor=SYSTEM_ACTOR)  # version 3: applied, then rolled back
    accounts.revoke(alice, REVIEWER, actor=SYSTEM_ACTOR, admin_count=0)  # version 4: fails
    accounts.grant(alice, TRANSLATOR, actor=SYSTEM_ACTOR)  # version 5: never reached
    tripwire.trip_on = (alice, 4)
    with pytest.raises(Tripped):
        projector.catch_up(page=10)

    # The failing view is untouched; the view before it in the list applied its own page.
    assert (projector.position("tripwire"), table_rows(db, ["tripwire_seen"])) == before
    assert projector.position("accounts") == log.position()

    tripwire.trip_on = None
    assert projector.catch_up(page=10) == 3
    assert projector.catch_up(page=10) == 0
    assert projector.position() == log.position()
    assert db.execute("SELECT version FROM tripwire_seen ORDER BY rowid").fetchall() == [(v,) for v in range(1, 6)]
    assert [
        row[1:]
        for row in db.execute(
            "SELECT position, account_id, role, change FROM role_changes ORDER BY position"
        ).fetchall()
    ] == role_changes_in(log)
    assert read.account(db, str(alice))["roles"] == ["resident", "staff", "translator"]  # type: ignore[index]
    db.close()
