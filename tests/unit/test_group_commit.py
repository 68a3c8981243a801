"""Group commit's bookkeeping (civic/store/group_commit.py), over a store that is a list.

The store here is a function standing in for eventsourcing's ``insert_events``: it appends events
and hands out ids, all or nothing, or raises the error it is told to. The first write can be held
at a gate, so that saves queue behind it exactly as they do behind a slow flush. The real stores
are tested in tests/contract/test_group_commit_contract.py.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence

import pytest
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent

from civic.store.group_commit import GroupCommit

DEADLINE = 60.0


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


def events(count: int = 1, originator: uuid.UUID | None = None) -> list[StoredEvent]:
    originator = originator or uuid.uuid4()
    return [StoredEvent(originator, version, "topic", b"{}") for version in range(1, count + 1)]


class ListStore:
    """All or nothing per call; a repeated (originator, version) is a conflict, as in the table."""

    def __init__(self) -> None:
        self.rows: list[StoredEvent] = []
        self.calls: list[int] = []  # events per call
        self.gate = threading.Event()
        self.gate.set()
        self.failure: Exception | None = None

    def write(self, batch: Sequence[StoredEvent]) -> Sequence[int]:
        self.calls.append(len(batch))
        self.gate.wait(DEADLINE)
        if self.failure is not None:
            raise self.failure
        keys = {(row.originator_id, row.originator_version) for row in self.rows}
        new = [(event.originator_id, event.originator_version) for event in batch]
        if len(set(new)) < len(new) or keys & set(new):
            raise IntegrityError("duplicate key")
        self.rows.extend(batch)
        return list(range(len(self.rows) - len(batch) + 1, len(self.rows) + 1))


class Caller(threading.Thread):
    def __init__(self, group: GroupCommit, batch: list[StoredEvent]) -> None:
        super().__init__(daemon=True)
        self.group, self.batch = group, batch
        self.ids: Sequence[int] | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.ids = self.group.save(self.batch)
        except BaseException as error:
            self.error = error

    def finish(self) -> None:
        self.join(DEADLINE)
        assert not self.is_alive()


def queued_behind_a_held_write(store: ListStore, group: GroupCommit, batches: list[list[StoredEvent]]) -> list[Caller]:
    before = len(store.calls)
    store.gate.clear()
    callers = [Caller(group, batches[0])]
    callers[0].start()
    wait_until(lambda: len(store.calls) == before + 1)
    for n, batch in enumerate(batches[1:], start=1):
        callers.append(Caller(group, batch))
        callers[-1].start()
        wait_until(lambda n=n: group.waiting == n)  # type: ignore[misc]
    store.gate.set()
    for caller in callers:
        caller.finish()
    return callers


def test_a_save_on_a_quiet_node_is_written_at_once_alone() -> None:
    store = ListStore()
    group = GroupCommit(store.write)

    assert group.save(events(2)) == [1, 2]
    assert group.save(events(1)) == [3]
    assert store.calls == [2, 1]


def test_saves_that_queue_during_a_write_are_written_together_next_each_with_its_ids() -> None:
    store = ListStore()
    group = GroupCommit(store.write)

    callers = queued_behind_a_held_write(store, group, [events(1), events(2), events(1), events(3)])

    assert store.calls == [1, 6]
    assert [caller.ids for caller in callers] == [[1], [2, 3], [4], [5, 6, 7]]
    assert (group.transactions, group.saves) == (2, 4)


def test_a_batch_holds_at_most_max_events_and_the_rest_follows() -> None:
    store = ListStore()
    group = GroupCommit(store.write, max_events=4)

    callers = queued_behind_a_held_write(store, group, [events(1), events(2), events(2), events(1), events(5)])

    assert store.calls == [1, 4, 1, 5]  # a save larger than the cap still goes whole, alone
    assert [caller.ids for caller in callers] == [[1], [2, 3], [4, 5], [6], [7, 8, 9, 10, 11]]


def test_a_conflict_in_a_batch_fails_only_its_own_save() -> None:
    store = ListStore()
    group = GroupCommit(store.write)
    taken = uuid.uuid4()
    group.save(events(1, taken))

    callers = queued_behind_a_held_write(store, group, [events(1), events(1), events(1, taken), events(1)])

    assert store.calls == [1, 1, 3, 1, 1, 1]  # the batch of three failed whole, then one by one
    assert isinstance(callers[2].error, IntegrityError)
    assert [caller.ids for caller in callers] == [[2], [3], None, [4]]
    assert [(row.originator_id, row.originator_version) for row in store.rows].count((taken, 1)) == 1


def test_when_the_database_fails_a_batch_every_save_in_it_fails_and_nothing_is_written() -> None:
    store = ListStore()
    group = GroupCommit(store.write)
    first = Caller(group, events(1))
    store.gate.clear()
    first.start()
    wait_until(lambda: len(store.calls) == 1)
    others = [Caller(group, events(1)) for _ in range(3)]
    for n, caller in enumerate(others, start=1):
        caller.start()
        wait_until(lambda n=n: group.waiting == n)  # type: ignore[misc]
    store.failure = OperationalError("server closed the connection")
    store.gate.set()
    for caller in [first, *others]:
        caller.finish()

    assert store.calls == [1, 3]  # not retried one by one: the database, not a save, failed
    assert store.rows == []
    errors = [caller.error for caller in [first, *others]]
    assert all(isinstance(error, OperationalError) for error in errors)
    assert len({id(error) for error in errors[1:]}) == 3  # each thread raises its own copy

    store.failure = None
    assert group.save(events(1)) == [1]  # and the next save goes through


def test_a_save_the_fast_write_refuses_is_done_again_the_plain_way_which_gives_its_error() -> None:
    store = ListStore()
    plain: list[int] = []

    def fast(batch: Sequence[StoredEvent]) -> Sequence[int]:
        raise IntegrityError("duplicate key (with the function's context)")

    def alone(batch: Sequence[StoredEvent]) -> Sequence[int]:
        plain.append(len(batch))
        return store.write(batch)

    group = GroupCommit(fast, alone=alone)
    taken = uuid.uuid4()
    assert group.save(events(2, taken)) == [1, 2]
    with pytest.raises(IntegrityError, match=r"^duplicate key$"):
        group.save(events(1, taken))
    assert plain == [2, 1]
