"""Faults on several nodes (issue 14, item 4): a node SIGKILLed mid-writes, a read-model file
dropped while serving, PostgreSQL itself restarted. After each: no acknowledged write lost or
doubled, every node's read models equal to a rebuild from the log, and the nodes agree.

Writes are glossary meetings (main log) and ballots (the ballot box), sent by several threads
through both nodes; a write counts as acknowledged only when its answer (303) came back.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import httpx
import pytest

from civic.commands.budgeting_demo_votes import PAST_SPEC, demo_census, import_census, verified_voters
from domain.accounts import ADMIN, STAFF
from domain.budgeting.cycles import Cycle, cycle_id_for
from domain.budgeting.service import city_now
from projections.readmodels import current_file
from projections.runner import sqlite_files
from tests.conftest import postgres_schema
from tests.nodes import ISSUER, SAME_ORIGIN, Cluster, Node, differences_from_rebuild, wait_until
from tests.throwaway_postgres import ThrowawayPostgres, server_binaries

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SPEC = replace(PAST_SPEC, slug="faults")
VOTERS = 40


@dataclass
class Workload:
    """What was sent and what was acknowledged, thread-safe."""

    cluster: Cluster
    staff: str
    voters: list[tuple[str, str]]  # (account, area)
    codes: dict[str, list[str]]
    meetings: list[str] = field(default_factory=list)  # acknowledged titles
    ballots: dict[str, str] = field(default_factory=dict)  # account → acknowledged choice (the last)
    errors: list[str] = field(default_factory=list)  # answers that are neither 303 nor a refusal
    lock: threading.Lock = field(default_factory=threading.Lock)

    def convene(self, node: Node, title: str) -> bool:
        try:
            with node.client(self.cluster.cookie(self.staff), headers=SAME_ORIGIN) as client:
                answer = client.post(
                    "/glossary/meetings", data={"date": "2026-11-20", "title": title, "members": "林委員"}
                )
        except httpx.HTTPError:
            return False  # no answer: not acknowledged
        if answer.status_code == 303:
            with self.lock:
                self.meetings.append(title)
            return True
        if answer.status_code not in (202, 500, 503):  # 500/503: the store was away (not acknowledged)
            self.errors.append(f"convene {title}: {answer.status_code}")
        return False

    def cast(self, node: Node, account: str, area: str, n: int) -> bool:
        choice = self.codes[area][n % len(self.codes[area])]
        try:
            with node.client(self.cluster.cookie(account), headers=SAME_ORIGIN) as client:
                answer = client.post(f"/budgeting/{SPEC.slug}/vote", data={"choice": choice, "action": "cast"})
        except httpx.HTTPError:
            return False
        if answer.status_code == 303:
            with self.lock:
                self.ballots[account] = choice
            return True
        if answer.status_code not in (202, 500, 503):
            self.errors.append(f"cast {account}: {answer.status_code}")
        return False


def _seed(cluster: Cluster) -> Workload:
    now = city_now()
    with cluster.services() as services:
        staff = str(services.accounts.grant_from_command_line(ISSUER, "faults-staff", STAFF).result)
        services.accounts.grant_from_command_line(ISSUER, "faults-staff", ADMIN)
        services.budgeting.create_cycle(SPEC, staff)
        people = demo_census(SPEC, VOTERS)
        import_census(services, SPEC, people, staff)
        services.budgeting.advance(SPEC.slug, "voting", staff, now)
        cycle = services.log.find(cycle_id_for(SPEC.slug), Cycle)
        assert cycle is not None
        voters = [(account, area) for account, _, area in verified_voters(services, cycle, people, now)]
        codes = {area.code: list(cycle.ballot(area.code)) for area in SPEC.areas}
    return Workload(cluster, staff, voters, codes)


@pytest.fixture
def cluster(tmp_path: Path, postgres_url: str) -> Iterator[Cluster]:
    with postgres_schema(postgres_url) as url:
        made = Cluster(tmp_path, url)
        try:
            yield made
        finally:
            made.stop()


def check_nothing_lost_or_doubled(work: Workload) -> None:
    """Every acknowledged meeting once in the log, every acknowledged ballot in the box holding
    its last acknowledged choice; every node equal to a rebuild from the log."""
    cluster = work.cluster
    cluster.converged(timeout=60)
    with cluster.services() as services:
        services.catch_up()
        with services.reader("glossary") as db:
            titles = [row[0] for row in db.execute("SELECT title FROM glossary_meetings")]
        assert sorted(set(work.meetings) - set(titles)) == [], "acknowledged meetings lost"
        assert len(titles) == len(set(titles)), "a meeting recorded twice"
        for account, choice in work.ballots.items():
            ballot = services.voting.ballot_of(SPEC.slug, account)
            assert ballot is not None, f"the acknowledged ballot of {account} is lost"
            assert set(ballot.choices) == {choice}
        for node in cluster.nodes:
            assert differences_from_rebuild(services, node, cluster.root / "rebuilt") == [], node.name


def test_a_node_killed_mid_writes_loses_nothing_acknowledged(cluster: Cluster) -> None:
    work = _seed(cluster)
    a, b = cluster.start(2)
    killed = threading.Event()

    def write(node: Node, thread: int) -> None:
        voters = work.voters[thread::4]
        for n in range(25):
            if node is a and killed.is_set():
                return  # the node is gone
            work.convene(node, f"Meeting {thread}-{n}")
            if n < len(voters):
                work.cast(node, *voters[n], n)

    threads = [threading.Thread(target=write, args=(a if n % 2 == 0 else b, n)) for n in range(4)]
    for thread in threads:
        thread.start()
    wait_until(lambda: sum(title.startswith(("Meeting 0-", "Meeting 2-")) for title in work.meetings) >= 8, 120,
               "writes acknowledged through the node to kill")  # fmt: skip
    a.kill()
    killed.set()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    through_a = [title for title in work.meetings if title.startswith(("Meeting 0-", "Meeting 2-"))]
    assert 8 <= len(through_a) < 50, "the kill landed in the middle of A's writes"
    assert not work.errors, work.errors[:5]

    a.start()  # on the same data directory: its views go on from the positions they committed
    check_nothing_lost_or_doubled(work)
    # Served after the restart: the meetings list on A shows what B recorded meanwhile.
    with a.client(cluster.cookie(work.staff)) as client:
        listing = client.get("/glossary/meetings").text
    assert all(title in listing for title in work.meetings if title.startswith("Meeting 1-"))


def test_a_read_model_file_dropped_while_serving_is_rebuilt_and_converges(cluster: Cluster) -> None:
    work = _seed(cluster)
    a, b = cluster.start(2)
    for n in range(5):
        assert work.convene(b, f"Before {n}")
    cluster.converged()
    stop = threading.Event()
    statuses: list[int] = []

    def read() -> None:
        with a.client(cluster.cookie(work.staff)) as client:
            while not stop.is_set():
                statuses.append(client.get("/glossary/meetings").status_code)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        wait_until(lambda: len(statuses) >= 3, 60, "the reader reads")
        for path in sqlite_files(current_file(a.data_dir / "views", "glossary")):
            path.unlink(missing_ok=True)
        for n in range(5):
            assert work.convene(b, f"After {n}")
        assert work.convene(a, "Through A")
        # It serves again, and shows every meeting, the ones recorded while it had no file too.
        with a.client(cluster.cookie(work.staff)) as client:
            wait_until(lambda: all(title in client.get("/glossary/meetings").text for title in work.meetings), 60,
                       "node A's glossary rebuilt with every meeting")  # fmt: skip
    finally:
        stop.set()
        reader.join(timeout=60)
    assert set(statuses) <= {200, 503}, sorted(set(statuses))  # serving, or "rebuilding": never an error
    assert statuses[-1] == 200
    check_nothing_lost_or_doubled(work)


@pytest.fixture
def own_postgres() -> Iterator[ThrowawayPostgres]:
    binaries = server_binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) installed to run a throwaway server")
    server = ThrowawayPostgres(binaries)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_postgresql_restarted_under_writes_the_nodes_reconnect_and_lose_nothing(
    tmp_path: Path, own_postgres: ThrowawayPostgres
) -> None:
    cluster = Cluster(tmp_path, own_postgres.url)
    stop = threading.Event()
    try:
        work = _seed(cluster)
        a, b = cluster.start(2)
        for n in range(6):
            assert work.convene(a if n % 2 else b, f"Before restart {n}")
            assert work.cast(b if n % 2 else a, *work.voters[n], n)

        def keep_writing(node: Node, thread: int) -> None:
            voters = work.voters[12 + thread :: 2]
            n = 0
            while not stop.is_set() and n < 200:
                work.convene(node, f"During {thread}-{n}")
                work.cast(node, *voters[n % len(voters)], n)
                n += 1

        writers = [threading.Thread(target=keep_writing, args=(node, n)) for n, node in enumerate((a, b))]
        for writer in writers:
            writer.start()
        wait_until(lambda: sum(title.startswith("During") for title in work.meetings) >= 4, 60, "writes under way")
        started = own_postgres.started_at()
        own_postgres.restart()
        assert own_postgres.started_at() > started, "the server was restarted"
        during = len(work.meetings)
        # Back: each node records again (the first tries may meet a connection cut by the restart).
        wait_until(lambda: sum(title.startswith("During") for title in work.meetings[during:]) >= 6, 60,
                   "writes acknowledged again after the restart")  # fmt: skip
        stop.set()
        for writer in writers:
            writer.join(timeout=120)
        for node, n in ((a, 0), (b, 1)):
            assert work.convene(node, f"After restart {n}"), node.name
            node.wait_healthy()
        assert not work.errors, work.errors[:5]
        check_nothing_lost_or_doubled(work)
    finally:
        stop.set()
        cluster.stop()
