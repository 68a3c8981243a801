"""The last hour of a vote, against one node and against two: load, then the promises checked.

    .venv/bin/python bench/vote_hour.py [--residents 2000] [--clients 50] [--nodes 1 2]
                                        [--stores sqlite postgres] [--seconds 600] [--quick]

For each store (SQLite; PostgreSQL at 127.0.0.1:5432, in a database ``civic_bench_<random>`` made
for the run and dropped after) and each number of nodes, a fresh cycle in voting with a census of
``--residents`` synthetic residents, then uvicorn serving the platform (bench/http_load.py
``serve``: one worker, h11) once per node on its own 127.0.0.1 port, all on one store:

- SQLite: every node is given the same data directory. The views' directory is not a setting of
  its own (``Settings.views_dir`` is ``data_dir/views``), so the nodes share the view files too;
  each node's projectors follow the log into them, a compare-and-set on each view's position
  keeping a page from being applied twice.
- PostgreSQL: both logs (events and the ballot box) in the one database; each node its own data
  directory, hence its own SQLite read models, and the same secret, ID-hash and ballot keys.

Residents (the mix is seeded; ``--seed``): about one in seven only browse, anonymously (home, the
cycle, its proposals, a proposal or two); the others arrive signed in (a session cookie made with
the node's secret, as the sign-in callback makes it: bench/cast_http.py; one in twenty residents
instead signs in through the local OpenID provider, civic/local_provider.py, started for the run:
/login, the provider's page and its answer, the node's callback), browse a little, verify
with their census number and birth date if they have not yet (one in twelve first types a wrong
birth date: 422), open the ballot, cast (one in thirty first ticks too many projects: 422), read
their receipt, and a quarter change their ballot one to three times; one in ten checks their code
on the public receipt page. With two nodes a resident's successive requests alternate between the
nodes, as behind a proxy without sticky sessions: a ballot cast on one node, its receipt read on
the other. The rate limit is off (every client shares 127.0.0.1).

Prints JSON: per scenario the setup time, throughput, p50/p95/p99 milliseconds and the answers per
request kind, unexpected answers by status, and the checks, made after every node's ``ballots``
view has reached the ballot box's head:

- ballots in the box (distinct ballot ids) == ballots in every node's ``ballots`` view (what
  counting reads) == acknowledged voters (those with at least one cast answered 303 to the receipt);
- per acknowledged voter, on every node: the receipt code of their last acknowledged cast (read
  from their receipt page) is in the box as the current code of their ballot, that ballot's
  choices are their last acknowledged choices, and every code they were shown names that one
  ballot (no second ballot);
- with two nodes, their ``ballots`` views are equal.

A cast with no answer (a timeout or a closed connection) is neither acknowledged nor refused: its
voter's final ballot is then either choice, and such voters are counted apart (``uncertain``).
Exits with status 1 when a check fails. Bounded: ``--residents`` scripts, no new script after
``--seconds`` per scenario, every answer within ``--timeout``; servers stop when it ends.
On a shared machine the figures are noisy; they are as measured. ``--quick``: 300 residents
(``--residents`` still wins: ``--quick --stores sqlite --nodes 1 --residents 30`` is the smoke test's
run, tests/system/test_vote_hour_bench.py).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import random
import re
import secrets
import sqlite3
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.cast_http import spec as cast_spec
from bench.http_load import Connections, Outcome, Request, free_port, run_scripts, serve
from civic import local_provider
from civic.commands.budgeting_demo_votes import BATCH, census_bytes, residents, verified_voters, voter
from civic.demo import issuer_of
from civic.services import build_services
from civic.settings import Settings
from domain.accounts import STAFF, Account, account_id_for
from domain.budgeting.cycles import Cycle, cycle_id_for
from domain.budgeting.service import city_now
from tests.harness.served import server_env
from web.auth import SESSION_ID_KEY, SESSION_KEY, SIGNED_IN_AT_KEY
from web.sessions import SessionCodec

SLUG = "vote-hour"
COOKIE = "civic_session"
POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER, POSTGRES_MAINTENANCE_DB = "127.0.0.1", 5432, "postgres", "test"
RECEIPT = re.compile(rb'data-testid="receipt">\s*([^<\s]+)\s*<')
PROPOSAL_LINK = re.compile(rb'href="(?:http://[^/"]+)?(/budgeting/proposals/[0-9a-f-]{36})"')
BROWSE_ONLY, PRE_VERIFIED = 0.15, 0.35  # shares of all residents; the rest verify during the hour
PROVIDER_SHARE = 0.05  # of all residents, among those verifying: signed in through the OpenID provider

# What each kind of request should answer; anything else is an error.
EXPECTED = {
    "home": {200}, "cycle": {200}, "proposals": {200}, "proposal": {200},
    "verify_form": {200}, "verify": {303}, "verify_mistyped": {422}, "ballot": {200},
    "cast": {303}, "cast_refused": {422}, "receipt": {200}, "receipt_check": {200},
    "sign_in": {302}, "provider": {200, 302}, "callback": {303},
}  # fmt: skip


@dataclass
class Voter:
    """One resident of the run, and what the servers acknowledged to them."""

    index: int
    cookie: str
    area: str
    number: str
    born: str
    verified: bool  # before the run started
    subject: str = ""  # signs in through the OpenID provider as this subject (no cookie made for them)
    casts: list[tuple[dict[str, int], str]] = field(default_factory=list)  # acknowledged: (choices, receipt)
    receipts: list[str] = field(default_factory=list)  # every code shown to them
    uncertain: bool = False  # a cast went unanswered: the box may hold either ballot
    unread: int = 0  # acknowledged casts whose receipt page could not be read


@dataclass(frozen=True)
class Plan:
    """What one resident will do: browse the cycle, its proposals and how many proposals, mistype
    their birth date, tick too many projects, leave before casting, change how many times, check
    their code on the public page, and their picks for each cast."""

    cycle: bool
    proposals: bool
    proposal: int
    mistype: bool
    too_many: bool
    leave: bool
    changes: int
    check: bool
    picks: list[list[str]]


@dataclass
class Run:
    ports: list[int]
    proposals: list[str]
    codes: dict[str, list[str]]  # area → project codes
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    unanswered: dict[str, int] = field(default_factory=dict)  # "KIND timeout" / "KIND connection" → count
    visits: int = 0  # residents whose visit started before the time ran out


# --- the store and its data -------------------------------------------------------------------


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A database of our own for one scenario, dropped afterwards; yields its URL."""
    import psycopg
    from psycopg import sql

    def admin() -> psycopg.Connection:
        return psycopg.connect(host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER,
                               dbname=POSTGRES_MAINTENANCE_DB, autocommit=True, connect_timeout=10)  # fmt: skip

    name = f"civic_bench_{secrets.token_hex(6)}"
    with admin() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    finally:
        with admin() as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def node_settings(root: Path, nodes: int, database_url: str, provider: str) -> list[Settings]:
    """Each node's settings: one store; on PostgreSQL each its own data dir, with the same keys."""
    secret, id_hash, ballot = (secrets.token_hex(32) for _ in range(3))
    dirs = [root / f"node{n}" for n in range(nodes)] if database_url else [root / "node0"] * nodes
    metadata = f"{provider}/.well-known/openid-configuration"
    return [Settings(data_dir=d, database_url=database_url, rate_limit_per_minute=0, secret_key=secret,
                     id_hash_key=id_hash, ballot_key=ballot, oidc_metadata_url=metadata) for d in dirs]  # fmt: skip


def prepare(settings: Settings, count: int, rng: random.Random) -> tuple[list[Voter], dict[str, list[str]]]:
    """The cycle in voting with proposals, a census of ``count``, an account for each resident
    and a share of them verified already; returns the residents and each area's project codes."""
    cycle_spec = dataclasses.replace(cast_spec(), slug=SLUG)
    services = build_services(settings)
    try:
        staff = str(services.accounts.grant_from_command_line("https://bench.example.tw", "stan", STAFF).result)
        services.budgeting.create_cycle(cycle_spec, staff)
        for area in cycle_spec.areas:
            for n in range(3):
                services.budgeting.submit(SLUG, area.code, f"{area.name_zh}提案{n + 1}", "人行道與街燈改善。",
                                          "哈瑪星", "public_works", 500_000 * (n + 1), "zh", staff)  # fmt: skip
        districts = [district for area in cycle_spec.areas for district in area.districts]
        people = residents(count, districts, seed=SLUG)
        services.census.import_census(SLUG, census_bytes(people), staff)
        services.budgeting.advance(SLUG, "voting", staff, city_now())
        cycle = services.log.find(cycle_id_for(SLUG), Cycle)
        assert cycle is not None
        early = round(count * PRE_VERIFIED)
        made = verified_voters(services, cycle, people[:early], city_now())
        issuer = issuer_of(services)
        area_of = {district: area.code for area in cycle_spec.areas for district in area.districts}
        through_provider = min(count - early, max(1, round(count * PROVIDER_SHARE)))
        later = [("", area_of[people[n].district]) for n in range(early, early + through_provider)]
        for start in range(early + through_provider, count, BATCH):
            batch = []
            for n in range(start, min(count, start + BATCH)):
                subject, name = voter(SLUG, n)
                account = str(account_id_for(issuer, subject))
                batch.append(Account(issuer, subject, name, actor=account))
                later.append((account, area_of[people[n].district]))
            services.log.record(*batch)
        services.catch_up()
    finally:
        services.close()
    codec = SessionCodec(settings.session_secret(), 8 * 3600)
    accounts = [(account, area) for account, _person, area in made] + later
    voters = []
    for n, ((account, votes_in), person) in enumerate(zip(accounts, people, strict=True)):
        session = {SESSION_KEY: account, SESSION_ID_KEY: secrets.token_urlsafe(18), SIGNED_IN_AT_KEY: time.time()}
        cookie, subject = (codec.encode(session), "") if account else ("", f"vote-hour-resident-{n + 1:05d}")
        voters.append(Voter(n, cookie, votes_in, person.number, person.born.isoformat(), n < early, subject))
    rng.shuffle(voters)  # the already verified among the others, not first in the queue
    codes = {area.code: [project.code for project in area.projects] for area in cycle_spec.areas}
    return voters, codes


# --- the residents' visits --------------------------------------------------------------------


def script(run: Run, person: Voter, browse_only: bool, rng: random.Random) -> Any:
    """One resident's visit (its random choices made now, so that the mix is the seed's)."""
    plan = Plan(
        cycle=rng.random() < 0.7, proposals=rng.random() < 0.5, proposal=rng.randint(0, 2),
        mistype=rng.random() < 1 / 12, too_many=rng.random() < 1 / 30, leave=rng.random() < 0.04,
        changes=rng.randint(1, 3) if rng.random() < 0.25 else 0, check=rng.random() < 0.1,
        picks=[rng.sample(run.codes[person.area], rng.randint(1, 3)) for _ in range(4)],
    )  # fmt: skip
    base = f"/budgeting/{SLUG}"
    step = [person.index]

    def headers() -> tuple[tuple[str, str], ...]:
        return () if browse_only or not person.cookie else (("Cookie", f"{COOKIE}={person.cookie}"),)

    async def send(connections: Connections, kind: str, request: Request, port: int | None = None) -> Any:
        if port is None:
            port = run.ports[step[0] % len(run.ports)]
            step[0] += 1
        try:
            return await connections.send(port, request, run.outcomes.setdefault(kind, Outcome()))
        except (ConnectionError, TimeoutError) as failed:
            label = "timeout" if isinstance(failed, TimeoutError) else "connection"
            run.unanswered[f"{kind} {label}"] = run.unanswered.get(f"{kind} {label}", 0) + 1
            return None

    def get(path: str) -> Request:
        return Request(path, (), headers(), method="GET")

    async def sign_in(connections: Connections) -> bool:
        """The authorization-code flow as a browser follows it: the node sends the resident to the
        provider, they pick their subject there, the provider sends them back to that node's
        callback, which registers the account and sets the session cookie."""
        start = await send(connections, "sign_in", Request("/login", (), (), method="GET"))
        if start is None or start.status != 302:
            return False
        authorize = urlsplit(start.header("location"))
        target = f"{authorize.path}?{authorize.query}"
        page = await send(connections, "provider", Request(target, (), (), method="GET"), authorize.port)
        if page is None or page.status != 200:
            return False
        decision = await send(connections, "provider", Request(target, [("sub", person.subject)]), authorize.port)
        if decision is None or decision.status != 302:
            return False
        back = urlsplit(decision.header("location"))
        state = (("Cookie", f"{COOKIE}={session_cookie(start)}"),)
        answer = await send(connections, "callback", Request(f"{back.path}?{back.query}", (), state, "GET"), back.port)
        person.cookie = session_cookie(answer) if answer is not None and answer.status == 303 else ""
        return bool(person.cookie)

    async def cast(connections: Connections, picks: list[str]) -> None:
        form = [("action", "cast"), *(("choice", code) for code in picks)]
        answer = await send(connections, "cast", Request(f"{base}/vote", form, headers()))
        if answer is None:
            person.uncertain = True
            return
        if (answer.status, answer.location) != (303, f"{base}/vote/receipt"):
            return  # refused, or sent elsewhere (to verify, when this node does not see the binding)
        for _attempt in range(3):
            receipt = await send(connections, "receipt", get(f"{base}/vote/receipt"))
            found = RECEIPT.search(receipt.body) if receipt is not None and receipt.status == 200 else None
            if found:
                code = found.group(1).decode()
                person.casts.append(({code_: 1 for code_ in picks}, code))
                person.receipts.append(code)
                return
        person.casts.append(({code_: 1 for code_ in picks}, ""))
        person.unread += 1

    async def visit(connections: Connections) -> None:
        run.visits += 1
        if person.subject and not browse_only and not await sign_in(connections):
            return
        await send(connections, "home", get("/"))
        if browse_only or plan.cycle:
            await send(connections, "cycle", get(base))
        if browse_only or plan.proposals:
            await send(connections, "proposals", get(f"{base}/proposals"))
        for n in range(plan.proposal + (1 if browse_only else 0)):
            await send(connections, "proposal", get(run.proposals[(person.index + n) % len(run.proposals)]))
        if browse_only:
            return
        if not person.verified:
            await send(connections, "verify_form", get(f"{base}/verify"))
            if plan.mistype:
                wrong = [("id_number", person.number), ("birth_date", "1939-12-31")]
                await send(connections, "verify_mistyped", Request(f"{base}/verify", wrong, headers()))
            form = [("id_number", person.number), ("birth_date", person.born)]
            await send(connections, "verify", Request(f"{base}/verify", form, headers()))
        await send(connections, "ballot", get(f"{base}/vote"))
        if plan.leave:
            return
        if plan.too_many:
            form = [("action", "cast"), *(("choice", code) for code in run.codes[person.area][:4])]
            await send(connections, "cast_refused", Request(f"{base}/vote", form, headers()))
        await cast(connections, plan.picks[0])
        for change in range(plan.changes):
            await send(connections, "ballot", get(f"{base}/vote"))
            await cast(connections, plan.picks[1 + change])
        if plan.check and person.receipts:
            await send(connections, "receipt_check", get(f"{base}/receipts?code={quote(person.receipts[-1])}"))

    return visit


def session_cookie(answer: Any) -> str:
    """The session cookie an answer sets ("" when none)."""
    for name, value in answer.headers:
        if name == "set-cookie" and value.startswith(f"{COOKIE}="):
            return str(value.split(";", 1)[0].split("=", 1)[1])
    return ""


# --- after the load: convergence and the checks ------------------------------------------------


def health(port: int) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as answer:
            return dict(json.load(answer))
    except urllib.error.HTTPError as degraded:  # 503 still carries the document
        return dict(json.load(degraded))


def wait_until(ready: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: not within {seconds} s")
        time.sleep(0.2)


def converged(ports: Sequence[int], views: Sequence[str] = ("ballots", "bindings")) -> bool:
    """Every node's views named are ready and at their log's head."""
    for port in ports:
        state = health(port)
        for name in views:
            view = state["views"].get(name, {})
            if view.get("state") == "failed":
                raise RuntimeError(f"view {name} failed on port {port}: {view.get('error')}")
            if view.get("state") != "ready" or view.get("behind", 1) != 0:
                return False
    return True


def view_rows(settings: Settings) -> dict[str, Any]:
    """A node's ``ballots`` view: ballot → choices, and receipt → (ballot, current)."""
    directory = settings.views_dir
    name = json.loads((directory / "manifest.json").read_text())["ballots"]
    with contextlib.closing(sqlite3.connect(f"file:{directory / name}?mode=ro", uri=True)) as db:
        ballots = {b: json.loads(c) for b, c in db.execute(
            "SELECT ballot, choices FROM budgeting_ballots WHERE cycle = ?", [SLUG])}  # fmt: skip
        receipts = {r: (b, bool(c)) for r, b, c in db.execute(
            "SELECT receipt, ballot, current FROM budgeting_receipts WHERE cycle = ?", [SLUG])}  # fmt: skip
    return {"ballots": ballots, "receipts": receipts}


@contextlib.contextmanager
def postgres_connection(url: str, attempts: int = 30) -> Iterator[Any]:
    """A connection to the scenario's database; when the server has no connection slot left (the
    nodes' pools and whoever else uses it), asks again once a second for a while."""
    import psycopg

    for attempt in range(attempts):
        try:
            connection = psycopg.connect(url, connect_timeout=10)
            break
        except psycopg.OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(1)
    with connection:
        yield connection


def postgres_sessions(url: str) -> int:
    """How many connections the database has open now (the nodes' pools, and this one)."""
    with postgres_connection(url) as connection:
        row = connection.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()").fetchone()
        return int(row[0]) - 1 if row else 0


def ballots_in_box(settings: Settings) -> int:
    """Distinct ballots in the ballot box itself, read from its store."""
    if not settings.database_url:
        with contextlib.closing(sqlite3.connect(f"file:{settings.ballots_path}?mode=ro", uri=True)) as db:
            return int(db.execute("SELECT count(DISTINCT originator_id) FROM stored_events").fetchone()[0])
    with postgres_connection(settings.database_url) as connection:
        table = connection.execute(
            "SELECT table_schema || '.' || table_name FROM information_schema.tables "
            "WHERE table_name LIKE 'ballots%events' ORDER BY table_name LIMIT 1"
        ).fetchone()
        assert table is not None, "no ballot box table in the database"
        row = connection.execute(f"SELECT count(DISTINCT originator_id) FROM {table[0]}").fetchone()
        return int(row[0]) if row else 0


def checks(voters: Sequence[Voter], nodes: Sequence[dict[str, Any]], in_box: int) -> dict[str, Any]:
    acknowledged = [person for person in voters if person.casts]
    certain = [person for person in acknowledged if not person.uncertain]
    unsure = sum(1 for person in voters if person.uncertain)
    failures: list[str] = []
    low, high = len(acknowledged), len(acknowledged) + sum(1 for p in voters if p.uncertain and not p.casts)
    counted = [len(node["ballots"]) for node in nodes]
    for where, figure in [("box", in_box), *((f"node {n} view", c) for n, c in enumerate(counted))]:
        if not low <= figure <= high:
            failures.append(f"{where}: {figure} ballots, {low} acknowledged" + (f" (+{high - low} uncertain)"
                                                                                   if high > low else ""))  # fmt: skip
    wrong = 0
    for person in certain:
        choices, code = person.casts[-1]
        for n, node in enumerate(nodes):
            found = node["receipts"].get(code)
            problem = ""
            if not code:
                problem = "receipt page unreadable"
            elif found is None:
                problem = f"last receipt {code} not in the box"
            elif not found[1]:
                problem = f"last receipt {code} not the current one"
            elif node["ballots"].get(found[0]) != choices:
                problem = f"counted {node['ballots'].get(found[0])}, last acknowledged {choices}"
            elif len({node["receipts"][r][0] for r in person.receipts if r in node["receipts"]}) != 1:
                problem = "receipts name more than one ballot"
            if problem:
                wrong += 1
                if len(failures) < 20:
                    failures.append(f"voter {person.index} on node {n}: {problem}")
    if len(nodes) > 1 and any(node != nodes[0] for node in nodes[1:]):
        failures.append("the nodes' ballots views differ")
    return {
        "acknowledged_voters": len(acknowledged), "acknowledged_casts": sum(len(p.casts) for p in voters),
        "changed_voters": sum(1 for p in voters if len(p.casts) > 1), "uncertain_voters": unsure,
        "ballots_in_box": in_box, "ballots_counted_per_node": counted,
        "voters_checked": len(certain), "voters_wrong": wrong,
        "counted_equals_acknowledged": all(low <= c <= high for c in [in_box, *counted]),
        "last_acknowledged_is_counted": wrong == 0, "failures": failures, "ok": not failures,
    }  # fmt: skip


# --- one scenario -------------------------------------------------------------------------------


def scenario(store: str, nodes: int, count: int, args: argparse.Namespace, provider: str) -> dict[str, Any]:
    rng = random.Random(f"{args.seed}-{store}-{nodes}")
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(postgres_database()) if store == "postgres" else ""
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="civic-vote-hour-")))
        settings = node_settings(root, nodes, url, provider)
        started = time.perf_counter()
        voters, codes = prepare(settings[0], count, rng)
        setup = time.perf_counter() - started
        ports = [stack.enter_context(serve("civic.asgi:app", server_env(each))) for each in settings]
        wait_until(lambda: converged(ports), 300, "the nodes' views ready before the load")
        with urllib.request.urlopen(f"http://127.0.0.1:{ports[0]}/budgeting/{SLUG}/proposals", timeout=30) as page:
            proposals = sorted(set(m.decode() for m in PROPOSAL_LINK.findall(page.read())))
        if not proposals:
            raise RuntimeError("no proposal linked from the cycle's proposal list")
        run = Run(ports, proposals, codes)
        scripts = [script(run, person, rng.random() < BROWSE_ONLY, rng) for person in voters]
        seconds = run_scripts(scripts, args.clients, args.seconds, args.timeout)
        connections = postgres_sessions(url) if url else None
        waited = time.perf_counter()
        wait_until(lambda: converged(ports), 300, "the nodes' views at the logs' heads after the load")
        convergence = time.perf_counter() - waited
        views = [view_rows(each) for each in (settings if url else settings[:1])] * (1 if url else nodes)
        verdict = checks(voters, views, ballots_in_box(settings[0]))
    requests = sum(outcome.count for outcome in run.outcomes.values())
    unexpected: dict[str, int] = dict(run.unanswered)
    for kind, outcome in run.outcomes.items():
        for label, times in outcome.statuses.items():
            status = int(label.split()[0])
            if status not in EXPECTED[kind]:
                unexpected[str(status)] = unexpected.get(str(status), 0) + times
    kinds = {kind: {k: v for k, v in run.outcomes[kind].figures().items() if k not in ("seconds", "per_second")}
             for kind in EXPECTED if kind in run.outcomes}  # fmt: skip
    return {
        "store": store, "nodes": nodes, "residents": count, "clients": args.clients,
        "view_files": "one set per node" if store == "postgres" else "shared (one data dir)",
        "residents_served": run.visits,
        "setup_seconds": round(setup, 1), "load_seconds": round(seconds, 1),
        "convergence_seconds": round(convergence, 2), "requests": requests,
        "postgres_connections_after_load": connections,
        "per_second": round(requests / seconds, 1) if seconds else 0.0,
        "casts_per_second": round(run.outcomes.get("cast", Outcome()).count / seconds, 1) if seconds else 0.0,
        "errors_by_status": dict(sorted(unexpected.items())), "kinds": kinds, "checks": verdict,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=None, help="2000; with --quick 300")
    parser.add_argument("--quick", action="store_true", help="300 residents")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--nodes", type=int, nargs="+", default=[1, 2], choices=[1, 2])
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--seconds", type=float, default=600.0, help="no new resident after this, per scenario")
    parser.add_argument("--timeout", type=float, default=60.0, help="longest an answer may take")
    parser.add_argument("--seed", default="vote-hour")
    args = parser.parse_args()
    count = args.residents or (300 if args.quick else 2000)
    results = []
    provider = local_provider.start(free_port(), users=())
    try:
        for store in args.stores:
            for nodes in args.nodes:
                try:
                    result = scenario(store, nodes, count, args, provider.issuer)
                except Exception as failed:  # a scenario that could not finish: said, and the next one run
                    result = {"store": store, "nodes": nodes, "error": repr(failed), "checks": {"ok": False}}
                print(json.dumps(result, ensure_ascii=False), file=sys.stderr, flush=True)  # as each ends
                results.append(result)
    finally:
        provider.stop()
    print(json.dumps({"scenarios": results, "ok": all(r["checks"]["ok"] for r in results)}, indent=2,
                     ensure_ascii=False))  # fmt: skip
    sys.exit(0 if all(r["checks"]["ok"] for r in results) else 1)


if __name__ == "__main__":
    main()
