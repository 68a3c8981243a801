"""Group commit on every store we deploy on (civic/store/group_commit.py).

Saves that arrive while another is being written go together in the next transaction. These
tests make that happen on purpose: they hold the store's write lock from a connection of their
own (PostgreSQL: the events table's EXCLUSIVE lock, the one eventsourcing takes; SQLite: the
file's write lock), start one save, which blocks, queue others behind it, and let go.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, RecordConflictError
from psycopg import sql

from civic.settings import Settings, postgres_env
from civic.store.group_commit import GroupCommit
from domain.accounts import REVIEWER, STAFF, Account, Accounts
from domain.eventlog import SYSTEM_ACTOR, EventLog

ISSUER = "https://id.example.tw"
DEADLINE = 60.0  # seconds; generous, for a loaded machine


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


@contextmanager
def writes_held(settings: Settings, table: str = "civic_events") -> Iterator[None]:
    """Every writer of the log blocks until the block ends (reads go on)."""
    if settings.database_url:
        env = postgres_env(settings.database_url)
        with psycopg.connect(
            host=env["POSTGRES_HOST"], port=int(env["POSTGRES_PORT"]), user=env["POSTGRES_USER"],
            dbname=env["POSTGRES_DBNAME"],
        ) as conn:  # fmt: skip
            conn.execute(
                sql.SQL("LOCK TABLE {}.{} IN EXCLUSIVE MODE").format(
                    sql.Identifier(env["POSTGRES_SCHEMA"]), sql.Identifier(table)
                )
            )
            yield
            conn.rollback()
    else:
        conn = sqlite3.connect(settings.events_path, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield
            conn.execute("ROLLBACK")
        finally:
            conn.close()


class Saving(threading.Thread):
    """One web request's save, in a thread of its own: its position, or its error."""

    def __init__(self, log: EventLog, *aggregates: Aggregate) -> None:
        super().__init__(daemon=True)
        self.log, self.aggregates = log, aggregates
        self.position: int | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.position = self.log.record(*self.aggregates)
        except BaseException as error:
            self.error = error

    def result(self) -> int:
        self.join(DEADLINE)
        assert not self.is_alive(), "a save never finished"
        if self.error is not None:
            raise self.error
        assert self.position is not None
        return self.position


def group_of(log: EventLog) -> GroupCommit:
    group = getattr(log.recorder, "group", None)
    assert isinstance(group, GroupCommit), "Settings.event_store_env chooses the group-commit recorder"
    return group


def saved_behind_one(log: EventLog, settings: Settings, saves: list[tuple[Aggregate, ...]]) -> list[Saving]:
    """The first save is written alone while the others queue behind it; then they go together."""
    group = group_of(log)
    begun = group.transactions
    with writes_held(settings):
        threads = [Saving(log, *saves[0])]
        threads[0].start()
        wait_until(lambda: group.transactions == begun + 1, "the first save to start writing")
        for queued, aggregates in enumerate(saves[1:], start=1):
            threads.append(Saving(log, *aggregates))
            threads[-1].start()
            wait_until(lambda queued=queued: group.waiting == queued, f"save {queued} to queue")  # type: ignore[misc]
    for thread in threads:
        thread.join(DEADLINE)
    return threads


def stored(log: EventLog) -> list[tuple[int, object, int]]:
    notes = log.recorder.select_notifications(start=0, limit=100_000, inclusive_of_start=False)
    return [(note.id, note.originator_id, note.originator_version) for note in notes]


@pytest.fixture
def log(event_store_env: Settings) -> Iterator[EventLog]:
    log = EventLog(env=event_store_env.event_store_env())
    yield log
    log.close()


def an_account(name: str, *roles: str) -> Account:
    account = Account(ISSUER, name, name.title(), actor=SYSTEM_ACTOR)
    for role in roles:
        account.grant(role, actor=SYSTEM_ACTOR)
    return account


def test_saves_queued_behind_one_go_in_one_transaction_each_with_its_own_gap_free_ids(
    event_store_env: Settings, log: EventLog
) -> None:
    first = an_account("first")
    queued = [(an_account(f"resident-{n}", REVIEWER),) for n in range(6)]
    queued.append((an_account("two-at-once"), an_account("in-one-save", STAFF)))
    group = group_of(log)

    threads = saved_behind_one(log, event_store_env, [(first,), *queued])

    positions = [thread.result() for thread in threads]
    assert (group.transactions, group.saves) == (2, 8)  # the first alone, then the seven together
    rows = stored(log)
    assert [row[0] for row in rows] == list(range(1, 17))  # gap-free, 1 + 6 × 2 + 1 + 2 events
    expected = [(a.id, v) for save in [(first,), *queued] for a in save for v in range(1, a.version + 1)]
    assert [row[1:] for row in rows] == expected  # in queue order, each save's events together
    assert positions == [1, 3, 5, 7, 9, 11, 13, 16]  # each caller gets the id of its own last event
    assert log.position() == 16


def test_a_conflicting_save_in_a_batch_fails_alone_with_the_error_it_raises_unbatched(
    event_store_env: Settings, log: EventLog
) -> None:
    contested = an_account("contested")
    log.record(contested)
    in_one_tab, in_another_tab = log.repository.get(contested.id), log.repository.get(contested.id)
    in_one_tab.grant(REVIEWER, actor=SYSTEM_ACTOR)
    in_another_tab.grant(STAFF, actor=SYSTEM_ACTOR)
    bystander = an_account("bystander")  # saved with the stale copy: must not be half-written
    before, after = an_account("before", REVIEWER), an_account("after")

    threads = saved_behind_one(
        log, event_store_env, [(an_account("leader"),), (before,), (in_one_tab,), (bystander, in_another_tab), (after,)]
    )

    for index in (0, 1, 2, 4):
        threads[index].result()
    with pytest.raises(RecordConflictError) as batched:
        threads[3].result()
    assert log.get_or_none(bystander.id) is None
    assert Accounts(log).get(contested.id).roles == {"resident", "reviewer"}
    rows = stored(log)
    assert [row[1:] for row in rows] == [
        (contested.id, 1),
        *[(a.id, v) for a in (threads[0].aggregates[0], before) for v in range(1, a.version + 1)],
        (contested.id, 2),
        (after.id, 1),
    ]
    assert [row[0] for row in rows] == sorted({row[0] for row in rows})  # ordered; a rolled-back batch
    # may have used up PostgreSQL sequence numbers (gaps, never filled later), as a lone conflict does

    # The same conflict without group commit: eventsourcing's own recorder, alone.
    env = {
        key: value for key, value in event_store_env.event_store_env().items() if key != "APPLICATION_RECORDER_TOPIC"
    }
    plain = EventLog(env=env)
    try:
        assert not hasattr(plain.recorder, "group")
        stale = plain.repository.get(contested.id, version=1)
        stale.grant(STAFF, actor=SYSTEM_ACTOR)
        with pytest.raises(RecordConflictError) as unbatched:
            plain.record(stale)
    finally:
        plain.close()
    assert type(batched.value) is type(unbatched.value)
    assert isinstance(batched.value, IntegrityError)
    assert str(batched.value) == str(unbatched.value)


def test_two_nodes_writing_at_once_make_one_gap_free_sequence(event_store_env: Settings) -> None:
    nodes = [EventLog(env=event_store_env.event_store_env()) for _ in range(2)]
    threads_per_node, accounts_per_thread = 6, 5
    start = threading.Barrier(2 * threads_per_node)
    errors: list[BaseException] = []
    made: dict[Any, int] = {}

    def requests(node: EventLog, name: str) -> None:
        accounts = Accounts(node)
        start.wait()
        try:
            for n in range(accounts_per_thread):
                account = accounts.sign_in(ISSUER, f"{name}-{n}", name).result
                accounts.grant(account, REVIEWER, actor=SYSTEM_ACTOR)
                made[account] = 2
        except BaseException as error:
            errors.append(error)

    try:
        threads = [
            threading.Thread(target=requests, args=(node, f"node{index}-thread{t}"))
            for index, node in enumerate(nodes)
            for t in range(threads_per_node)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE * 2)
        assert not any(thread.is_alive() for thread in threads)
        assert errors == []

        total = 2 * threads_per_node * accounts_per_thread * 2
        rows = stored(nodes[0])
        assert [row[0] for row in rows] == list(range(1, total + 1))
        assert stored(nodes[1]) == rows  # both nodes read the one sequence
        versions: dict[Any, list[int]] = {}
        for _, originator, version in rows:
            versions.setdefault(originator, []).append(version)
        assert versions == {account: [1, 2] for account in made}
    finally:
        for node in nodes:
            node.close()


def started_together(settings: Settings, count: int) -> tuple[list[EventLog], list[BaseException]]:
    start = threading.Barrier(count)
    nodes: list[EventLog] = []
    errors: list[BaseException] = []

    def start_node() -> None:
        start.wait()
        try:
            nodes.append(EventLog(env=settings.event_store_env()))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start_node) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(DEADLINE)
    return nodes, errors


def test_nodes_starting_together_on_one_store_all_start_and_share_it(event_store_env: Settings) -> None:
    """eventsourcing creates its tables, types and functions at every start; on PostgreSQL nodes
    starting at once failed there ("tuple concurrently updated", a duplicate pg_type key)."""
    for round_, store in enumerate(("an empty store", "the store they made")):
        nodes, errors = started_together(event_store_env, 4)
        try:
            assert errors == [], store
            assert len(nodes) == 4
            nodes[0].record(an_account(f"first-of-round-{round_}"))
            assert {node.position() for node in nodes} == {round_ + 1}
        finally:
            for node in nodes:
                node.close()


def test_a_save_with_nothing_in_it_touches_no_database(log: EventLog) -> None:
    """A command that changes nothing (a sign-in with the same name, a role already held) saves
    no event: it returns position 0 and opens no transaction, where eventsourcing's recorder
    checked out a connection and committed an empty one."""
    accounts = Accounts(log)
    account_id = accounts.sign_in(ISSUER, "ada", "Ada").result
    account = accounts.get(account_id)
    datastore = log.recorder.datastore  # type: ignore[attr-defined]

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("the database was touched")

    datastore.transaction = datastore.get_connection = refused
    if hasattr(datastore.pool, "getconn"):  # PostgreSQL's pool, which the libpq statements use directly
        datastore.pool.getconn = refused
    assert log.record(account) == 0
    account.grant(REVIEWER, actor=SYSTEM_ACTOR)
    with pytest.raises(AssertionError, match="touched"):  # the same save with an event in it does touch it
        log.record(account)
