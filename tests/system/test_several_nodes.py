"""Two ``civic serve`` nodes on one PostgreSQL log (issue 14, items 1 and 6).

- A person's write through node A is seen at once through node B (signing in, casting a ballot,
  convening a meeting): B waits for the positions the session carries, or says "still
  processing" and refreshes until it can show it.
- The same verified person casting through both nodes at the same instant, round after round:
  one ballot per person, holding the last acknowledged choice, on both nodes and in the count.
- A paper ballot at a station through one node and an online ballot through the other at the
  same instant: the cycle's ``paper_after_online`` decides, exactly once.

The nodes are real processes (``tests/nodes.py``) sharing one schema of the run's database.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial

import httpx
import pytest

from civic.commands.budgeting_demo_votes import (
    PAST_SPEC,
    Resident,
    area_of,
    demo_census,
    import_census,
    verified_voters,
)
from civic.local_provider import LocalProvider
from civic.services import Services
from domain.accounts import ADMIN, STAFF
from domain.budgeting.ballot_box import ONLINE, PAPER
from domain.budgeting.cycles import Cycle, cycle_id_for
from domain.budgeting.service import city_now
from domain.budgeting.spec import CycleSpec, VotingRules
from projections.ballot_queries import ballot_count, ballots_of_area
from projections.budgeting_results import results_of
from projections.readmodels import current_file
from projections.runner import open_read_db
from tests.conftest import postgres_schema
from tests.fixtures import metadata_url, oidc_provider  # noqa: F401  (a fixture)
from tests.nodes import SAME_ORIGIN, Cluster, Node, differences_from_rebuild, wait_until
from web.budgeting_results import record_results

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

REPLACE = replace(PAST_SPEC, slug="nodes-replace", voting=VotingRules(paper_after_online="replace"))
REFUSE = replace(PAST_SPEC, slug="nodes-refuse", voting=VotingRules(paper_after_online="refuse"))
DOUBLE_ROUNDS = 20  # people who each cast through both nodes at once
PAPER_ROUNDS = 8  # per cycle: a station on one node, the person online on the other, at once
STATION = "鼓山區公所"


@dataclass
class Voter:
    account: str
    area: str
    person: Resident


@dataclass
class Seeded:
    cluster: Cluster
    a: Node
    b: Node
    provider: LocalProvider
    staff: str  # also admin
    voters: dict[str, list[Voter]]  # per cycle slug, verified before the nodes started
    unverified: Resident  # of REPLACE: verifies over HTTP
    codes: dict[str, list[str]]  # per area: the ballot's project codes
    people: dict[str, list[Resident]]  # per cycle slug: its whole census


def _seed(cluster: Cluster, provider: LocalProvider, now: datetime) -> tuple[str, dict, Resident, dict, dict]:
    issuer = provider.issuer
    voters: dict[str, list[Voter]] = {}
    with cluster.services() as services:
        staff = str(services.accounts.grant_from_command_line(issuer, "nodes-staff", STAFF).result)
        services.accounts.grant_from_command_line(issuer, "nodes-staff", ADMIN)
        people_of: dict[str, list[Resident]] = {}
        counts = {REPLACE.slug: DOUBLE_ROUNDS + PAPER_ROUNDS + 1, REFUSE.slug: PAPER_ROUNDS}
        spec: CycleSpec
        for spec in (REPLACE, REFUSE):
            services.budgeting.create_cycle(spec, staff)
            people = people_of[spec.slug] = demo_census(spec, counts[spec.slug])
            import_census(services, spec, people, staff)
            services.budgeting.advance(spec.slug, "voting", staff, now)
        for spec in (REPLACE, REFUSE):
            cycle = services.log.find(cycle_id_for(spec.slug), Cycle)
            assert cycle is not None
            people = people_of[spec.slug]
            verified = people if spec is REFUSE else people[:-1]
            made = verified_voters(services, cycle, verified, now, offset=0 if spec is REPLACE else 100)
            voters[spec.slug] = [Voter(account, area, person) for (account, _, area), person in zip(made, verified)]
            codes = {area.code: list(cycle.ballot(area.code)) for area in spec.areas}
    return staff, voters, people_of[REPLACE.slug][-1], codes, people_of


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory,
    postgres_url: str,
    oidc_provider: LocalProvider,  # noqa: F811
) -> Iterator[Seeded]:
    with postgres_schema(postgres_url) as url:
        cluster = Cluster(tmp_path_factory.mktemp("nodes"), url, oidc_metadata_url=metadata_url(oidc_provider))
        staff, voters, unverified, codes, people = _seed(cluster, oidc_provider, city_now())
        try:
            a, b = cluster.start(2)
            yield Seeded(cluster, a, b, oidc_provider, staff, voters, unverified, codes, people)
        finally:
            cluster.stop()


def read_through(client: httpx.Client, url: str, shows: Callable[[str], bool], timeout: float = 30.0) -> str:
    """GET ``url`` as a browser would: a "still processing" page (202) refreshes itself until the
    page comes; the page must then show the write."""
    answers: list[int] = []

    def page() -> httpx.Response | None:
        answer = client.get(url)
        answers.append(answer.status_code)
        if answer.status_code == 202:
            assert answer.headers.get("refresh"), "the still-processing page refreshes by itself"
            return None
        return answer

    answer: httpx.Response = wait_until(page, timeout, f"GET {url}", every=0.2)
    assert answer.status_code == 200, (answers, answer.text[:500])
    assert shows(answer.text), (answers, answer.text[:2000])
    return answer.text


def sign_in_through(client: httpx.Client, node: Node, subject: str) -> None:
    """The whole sign-in, as a browser does it, against ``node`` and the real local provider."""
    start = client.get(f"{node.url}/login", follow_redirects=False)
    assert start.status_code == 302, start.text
    authorize = start.headers["location"]
    assert client.get(authorize).status_code == 200
    decision = client.post(authorize, data={"sub": subject}, follow_redirects=False)
    assert decision.status_code == 302, decision.text
    callback = client.get(decision.headers["location"], follow_redirects=False)
    assert callback.status_code == 303, callback.text


def test_a_write_through_one_node_is_seen_at_once_through_the_other(seeded: Seeded) -> None:
    a, b, slug = seeded.a, seeded.b, REPLACE.slug
    # One cookie jar for both nodes, as one browser behind a proxy: cookies do not care for ports.
    with httpx.Client(timeout=60, headers=SAME_ORIGIN, cookies={"lang": "en"}) as browser:
        subject = "nodes-newcomer"
        sign_in_through(browser, a, subject)  # a new account, recorded through A
        read_through(browser, f"{b.url}/", lambda page: subject in page)

        person = seeded.unverified
        verified = browser.post(f"{a.url}/budgeting/{slug}/verify",
                                data={"id_number": person.number, "birth_date": person.born.isoformat()},
                                follow_redirects=False)  # fmt: skip
        assert verified.status_code == 303, verified.text
        area = area_of(REPLACE, person.district)
        read_through(browser, f"{b.url}/budgeting/{slug}/vote", lambda page: f'value="{seeded.codes[area][0]}"' in page)

        cast = browser.post(f"{a.url}/budgeting/{slug}/vote", data={"choice": seeded.codes[area][0], "action": "cast"},
                            follow_redirects=False)  # fmt: skip
        assert cast.status_code == 303, cast.text
        receipt = browser.get(f"{a.url}/budgeting/{slug}/vote/receipt").text
        code = re.search(r'data-testid="receipt">([^<]+)<', receipt)
        assert code, receipt[:2000]
        read_through(browser, f"{b.url}/budgeting/{slug}/receipts?code={code.group(1).strip()}",
                     lambda page: "A ballot with this code is in the box." in page)  # fmt: skip

    staff = seeded.cluster.cookie(seeded.staff)
    with a.client(staff, headers=SAME_ORIGIN) as on_a, b.client(staff, headers=SAME_ORIGIN) as on_b:
        for n in range(5):
            title = f"Cross-node meeting {n}"
            convened = on_a.post("/glossary/meetings", data={"date": "2026-11-20", "title": title, "members": "林委員"})
            assert convened.status_code == 303, convened.text
            # The same session on B: its cookie now carries the meeting's position.
            on_b.cookies.update(on_a.cookies)
            read_through(on_b, convened.headers["location"], lambda page, title=title: title in page)


def _at_once(*calls: Callable[[], httpx.Response]) -> list[httpx.Response]:
    """Runs the calls in threads released together; their answers in the calls' order."""
    barrier = threading.Barrier(len(calls))
    answers: list[httpx.Response | BaseException | None] = [None] * len(calls)

    def run(n: int) -> None:
        barrier.wait(timeout=30)
        try:
            answers[n] = calls[n]()
        except BaseException as error:  # reported below, in the test's thread
            answers[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for answer in answers:
        if not isinstance(answer, httpx.Response):
            raise AssertionError(f"a request did not answer: {answer!r}")
    return answers  # type: ignore[return-value]


def _ballots_on(node: Node, slug: str) -> tuple[int, dict[str, list[dict[str, int]]]]:
    db = open_read_db(current_file(node.data_dir / "views", "ballots"))
    try:
        counted = {area.code: sorted(ballots_of_area(db, slug, area.code), key=repr) for area in PAST_SPEC.areas}
        return ballot_count(db, slug), counted
    finally:
        db.close()


def test_one_person_casting_through_both_nodes_at_once_is_counted_once(seeded: Seeded) -> None:
    a, b, slug = seeded.a, seeded.b, REPLACE.slug
    acknowledged: dict[str, list[str]] = {}
    for voter in seeded.voters[slug][:DOUBLE_ROUNDS]:
        cookie = seeded.cluster.cookie(voter.account)
        first, second = seeded.codes[voter.area][:2]
        with a.client(cookie, headers=SAME_ORIGIN) as on_a, b.client(cookie, headers=SAME_ORIGIN) as on_b:
            answers = _at_once(
                partial(on_a.post, f"/budgeting/{slug}/vote", data={"choice": first, "action": "cast"}),
                partial(on_b.post, f"/budgeting/{slug}/vote", data={"choice": second, "action": "cast"}),
            )
        assert all(answer.status_code in (303, 409, 422) for answer in answers), [a.status_code for a in answers]
        acknowledged[voter.account] = [
            code for code, answer in zip((first, second), answers) if answer.status_code == 303
        ]
        assert acknowledged[voter.account], "one of two casts at once is recorded"

    seeded.cluster.converged()
    with seeded.cluster.services() as services:
        expected: dict[str, list[dict[str, int]]] = {area.code: [] for area in PAST_SPEC.areas}
        for voter in seeded.voters[slug][:DOUBLE_ROUNDS]:
            ballot = services.voting.ballot_of(slug, voter.account)
            assert ballot is not None
            codes = acknowledged[voter.account]
            assert set(ballot.choices) <= set(codes) and len(ballot.choices) == 1, (ballot.choices, codes)
            assert ballot.changes == len(codes) - 1, "each acknowledged cast is in the box once, no other"
            expected[voter.area].append(dict(ballot.choices))
        for node in (a, b):
            count, counted = _ballots_on(node, slug)
            assert count == _in_the_box(services, slug, seeded.people[slug]) >= DOUBLE_ROUNDS, node.name
            for area, ballots in expected.items():
                # What counting reads: one ballot per person, the one the box holds.
                assert all(ballot in counted[area] for ballot in ballots), (node.name, area)
        assert _ballots_on(a, slug) == _ballots_on(b, slug), "the nodes agree"
        assert differences_from_rebuild(services, a, seeded.cluster.root / "rebuilt") == []


def _in_the_box(services: Services, slug: str, people: list[Resident]) -> int:
    """How many of ``people`` have a ballot in the box, looked up by identity (through the key)."""
    voting = services.voting
    ids = [voting.ballot_keys.ballot_id(slug, voting.census_keys.person(person.number)) for person in people]
    return sum(voting.box.ballot(ballot_id) is not None for ballot_id in ids)


@pytest.mark.parametrize("spec", [REPLACE, REFUSE], ids=["replace", "refuse"])
def test_paper_and_online_at_the_same_instant_the_cycle_decides_once(seeded: Seeded, spec: CycleSpec) -> None:
    a, b, slug = seeded.a, seeded.b, spec.slug
    staff = seeded.cluster.cookie(seeded.staff)
    voters = seeded.voters[slug][-PAPER_ROUNDS:]
    outcomes: list[tuple[Voter, str, str, int, int]] = []
    for n, voter in enumerate(voters):
        paper_code, online_code = seeded.codes[voter.area][:2]
        station, online = (a, b) if n % 2 == 0 else (b, a)  # each node on each side
        person = voter.person
        paper_form = {"station": STATION, "area": voter.area, "id_number": person.number,
                      "birth_date": person.born.isoformat(), "choice": paper_code, "action": "cast"}  # fmt: skip
        with (
            station.client(staff, headers=SAME_ORIGIN) as at_station,
            online.client(seeded.cluster.cookie(voter.account), headers=SAME_ORIGIN) as at_home,
        ):
            paper, cast = _at_once(
                partial(at_station.post, f"/budgeting/{slug}/station", data=paper_form),
                partial(at_home.post, f"/budgeting/{slug}/vote", data={"choice": online_code, "action": "cast"}),
            )
        assert paper.status_code in (303, 422) and cast.status_code in (303, 422), (paper.text, cast.text)
        outcomes.append((voter, paper_code, online_code, paper.status_code, cast.status_code))

    seeded.cluster.converged()
    with seeded.cluster.services() as services:
        for voter, paper_code, online_code, paper_status, online_status in outcomes:
            ballot = services.voting.ballot_of(slug, voter.account)
            assert ballot is not None
            if spec.voting.paper_after_online == "replace":
                # The paper ballot is final whichever came first: it is recorded and it counts.
                assert paper_status == 303
                assert (ballot.channel, dict(ballot.choices)) == (PAPER, {paper_code: 1})
            else:
                # Whichever came first stands; the other is refused.
                assert sorted((paper_status, online_status)) == [303, 422]
                if paper_status == 303:
                    assert (ballot.channel, dict(ballot.choices)) == (PAPER, {paper_code: 1})
                else:
                    assert (ballot.channel, dict(ballot.choices)) == (ONLINE, {online_code: 1})
        for node in (a, b):
            count, _ = _ballots_on(node, slug)
            assert count == _in_the_box(services, slug, seeded.people[slug]) >= len(outcomes), node.name
        assert _ballots_on(a, slug) == _ballots_on(b, slug), "the nodes agree"


def test_counted_the_same_on_both_nodes_as_the_box_holds_and_equal_to_a_rebuild(seeded: Seeded) -> None:
    """Last in this module: voting closes, each cycle is counted, and both nodes show that count."""
    with seeded.cluster.services() as services:
        for spec in (REPLACE, REFUSE):
            services.budgeting.advance(spec.slug, "counting", seeded.staff)
            record_results(services, spec.slug, seeded.staff)
    seeded.cluster.converged()
    with seeded.cluster.services() as services:
        for spec in (REPLACE, REFUSE):
            voting = services.voting
            expected: dict[str, dict[str, int]] = {area.code: {} for area in spec.areas}
            for person in seeded.people[spec.slug]:
                ballot_id = voting.ballot_keys.ballot_id(spec.slug, voting.census_keys.person(person.number))
                ballot = voting.box.ballot(ballot_id)
                for code, votes in (ballot.choices if ballot else {}).items():
                    expected[ballot.area][code] = expected[ballot.area].get(code, 0) + votes
            assert sum(sum(area.values()) for area in expected.values()) > 0  # there are ballots to count
            for node in (seeded.a, seeded.b):
                db = open_read_db(current_file(node.data_dir / "views", "results"))
                try:
                    outcome = results_of(db, spec.slug)
                finally:
                    db.close()
                assert outcome is not None, node.name
                counted = {area.area: {code: n for code, n in area.votes.items() if n} for area in outcome.areas}
                assert counted == expected, (node.name, spec.slug)
        for node in (seeded.a, seeded.b):
            assert differences_from_rebuild(services, node, seeded.cluster.root / "rebuilt") == [], node.name
