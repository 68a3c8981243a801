"""The ballot box is a log of its own on every store we deploy on: SQLite and PostgreSQL.

On SQLite it is its own file; on PostgreSQL its own table in the same database. Either way it
shares no table and no notification sequence with the main log, and two nodes casting one
person's ballot at once meet in the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import psycopg
import pytest
from eventsourcing.persistence import RecordConflictError

from civic.settings import Settings, postgres_env
from domain.accounts import Accounts
from domain.budgeting.ballot_box import Ballot, BallotBox
from domain.eventlog import EventLog


@pytest.fixture
def logs(event_store_env: Settings) -> Iterator[tuple[EventLog, BallotBox]]:
    log = EventLog(env=event_store_env.event_store_env())
    box = BallotBox(env=event_store_env.ballot_box_env())
    yield log, box
    box.close()
    log.close()


def a_ballot(receipt: str = "ACDEFGHJKM") -> Ballot:
    return Ballot(id=uuid4(), cycle="c", area="a", choices={"X": 1}, channel="online", station="", age_band="20-29",
                  receipt=receipt)  # fmt: skip


def test_the_ballot_box_and_the_main_log_each_have_their_own_sequence(logs: tuple[EventLog, BallotBox]) -> None:
    log, box = logs
    accounts = Accounts(log)
    for name in ("alice", "bob", "carol"):
        accounts.sign_in("https://id.example.tw", name, name)

    first, second = box.record(a_ballot()), box.record(a_ballot())

    assert (first, second) == (1, 2)  # the box counts from 1 however long the main log is
    assert log.position() == 3 and box.position() == 2
    box_topics = {n.topic for n in box.recorder.select_notifications(start=0, limit=10, inclusive_of_start=False)}
    log_topics = {n.topic for n in log.recorder.select_notifications(start=0, limit=10, inclusive_of_start=False)}
    assert box_topics == {"domain.budgeting.ballot_box:Ballot.Cast"}
    assert not any("ballot_box" in topic for topic in log_topics)


def test_two_nodes_casting_one_ballot_at_once_meet_in_the_store(event_store_env: Settings) -> None:
    nodes = [BallotBox(env=event_store_env.ballot_box_env()) for _ in range(2)]
    try:
        ballot = a_ballot()
        nodes[0].record(ballot)
        twin = Ballot(id=ballot.id, cycle="c", area="a", choices={"Y": 1}, channel="online", station="",
                      age_band="20-29", receipt="MKJHGFEDCA")  # fmt: skip
        with pytest.raises(RecordConflictError):
            nodes[1].record(twin)
        assert nodes[1].ballot(ballot.id).choices == {"X": 1}  # type: ignore[union-attr]
    finally:
        for node in nodes:
            node.close()


@pytest.mark.postgres
def test_on_postgresql_the_box_is_its_own_table_in_the_same_database(postgres_store_env: Settings) -> None:
    event_store_env = postgres_store_env
    log = EventLog(env=event_store_env.event_store_env())
    box = BallotBox(env=event_store_env.ballot_box_env())
    try:
        env = postgres_env(event_store_env.database_url)
        with psycopg.connect(host=env["POSTGRES_HOST"], port=int(env["POSTGRES_PORT"]), user=env["POSTGRES_USER"],
                             dbname=env["POSTGRES_DBNAME"]) as conn:  # fmt: skip
            tables = {
                name
                for (name,) in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                    [env["POSTGRES_SCHEMA"]],
                )
            }
        assert {"civic_events", "ballots_events"} <= tables
    finally:
        box.close()
        log.close()
