"""Several ``civic serve`` processes on one PostgreSQL log, for the multi-node system tests.

Every node is a real ``python -m civic serve`` process on a free port of 127.0.0.1 with its own
data directory (its own SQLite read models under ``views/``) and the same shared settings:

- ``CIVIC_DATABASE_URL``: the one event store (main log ``civic_events`` and ballot box
  ``ballots_events``), here a schema of its own in the test run's database;
- ``CIVIC_SECRET_KEY``: a session cookie signed on one node must open on every other;
- ``CIVIC_ID_HASH_KEY``: census entries and verifications are keyed hashes under it;
- ``CIVIC_BALLOT_KEY``: ballot ids (one per person per cycle, the double-vote guard) are HMACs
  under it, so two nodes with different keys would each let the same person vote once;
- ``CIVIC_OIDC_METADATA_URL`` / client id and secret: one provider, one registration.

Left to each node: ``CIVIC_DATA_DIR``. Without the three keys set, each node would generate its
own into its data directory (``civic/settings.py``), which is exactly what must not happen.

``Cluster.services()`` opens the same store the way the command line does (its own data dir),
for seeding before the nodes start and for reading the log afterwards.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlite_utils import Database

from civic.services import Services, all_views, build_services
from civic.settings import Settings
from projections.readmodels import current_file
from projections.runner import open_read_db, rebuild, source_of, table_rows
from tests.fixtures import free_port
from web.sessions import SessionCodec

ROOT = Path(__file__).resolve().parents[1]
ISSUER = "http://issuer.test"  # the accounts' issuer when no provider runs (cookies made here)
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
START_SECONDS = 60.0  # a loaded 2-core machine starts a node in a few seconds; this is the bound


def wait_until(condition: Callable[[], Any], timeout: float, what: str, every: float = 0.05) -> Any:
    """Polls ``condition`` until it returns something true (returned); fails past ``timeout``."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = condition()
        except (httpx.HTTPError, OSError) as error:
            last = error
        else:
            if last:
                return last
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s (last: {last!r})")
        time.sleep(every)


@dataclass
class Node:
    name: str
    data_dir: Path
    env: dict[str, str] = field(repr=False)
    port: int = 0
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Starts ``civic serve`` (again on the same port after a stop) and waits for ``/healthz``."""
        assert self.process is None or self.process.poll() is not None, f"{self.name} is running"
        self.port = self.port or free_port()
        log = (self.data_dir.parent / f"{self.name}.log").open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "civic", "--lang", "en", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        self.wait_healthy()

    def wait_healthy(self, timeout: float = START_SECONDS) -> None:
        def answers() -> bool:
            process = self.process
            if process is not None and process.poll() is not None:
                raise AssertionError(f"{self.name} exited with {process.returncode}: {self.log_text()[-2000:]}")
            return httpx.get(f"{self.url}/healthz", timeout=5).status_code == 200

        wait_until(answers, timeout, f"{self.name} healthy", every=0.1)

    def stop(self) -> None:
        """SIGTERM, as an orchestrator stops a node; SIGKILL only if it does not go."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL: the node dies mid-request, with no chance to finish anything."""
        process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)

    def health(self) -> dict:
        return httpx.get(f"{self.url}/healthz", timeout=10).json()

    def log_text(self) -> str:
        path = self.data_dir.parent / f"{self.name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self, cookie: str | None = None, **options: Any) -> httpx.Client:
        cookies = {"civic_session": cookie} if cookie else None
        return httpx.Client(base_url=self.url, cookies=cookies, timeout=60, **options)


@dataclass
class Cluster:
    """N nodes sharing one PostgreSQL store and one set of secrets; each its own data dir."""

    root: Path
    database_url: str
    oidc_metadata_url: str = f"{ISSUER}/.well-known/openid-configuration"
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    id_hash_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    ballot_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    nodes: list[Node] = field(default_factory=list)

    def shared_env(self) -> dict[str, str]:
        """The settings that must be the same on every node (see the module's docstring)."""
        return {
            "CIVIC_DATABASE_URL": self.database_url,
            "CIVIC_SECRET_KEY": self.secret_key,
            "CIVIC_ID_HASH_KEY": self.id_hash_key,
            "CIVIC_BALLOT_KEY": self.ballot_key,
            "CIVIC_OIDC_METADATA_URL": self.oidc_metadata_url,
            "CIVIC_RATE_LIMIT_PER_MINUTE": "0",  # every test client comes from 127.0.0.1
        }

    def settings(self, data_dir: Path) -> Settings:
        return Settings(
            data_dir=data_dir, database_url=self.database_url, secret_key=self.secret_key,
            id_hash_key=self.id_hash_key, ballot_key=self.ballot_key, oidc_metadata_url=self.oidc_metadata_url,
        )  # fmt: skip

    @contextmanager
    def services(self) -> Iterator[Services]:
        """The store as the command line opens it, with read models of its own (``root/cli``)."""
        services = build_services(self.settings(self.root / "cli"))
        try:
            yield services
        finally:
            services.close()

    def add(self, count: int, extra: dict[str, str] | None = None) -> list[Node]:
        made = []
        for _ in range(count):
            name = f"node-{len(self.nodes) + 1}"
            data_dir = self.root / name / "data"
            data_dir.mkdir(parents=True)
            env = {**os.environ, **self.shared_env(), **(extra or {}), "CIVIC_DATA_DIR": str(data_dir)}
            node = Node(name, data_dir, env)
            self.nodes.append(node)
            made.append(node)
        return made

    def start(self, count: int, extra: dict[str, str] | None = None) -> list[Node]:
        """Adds and starts ``count`` nodes (started one after the other: their first view builds
        each take the store's migration lock in turn anyway)."""
        nodes = self.add(count, extra)
        for node in nodes:
            node.start()
        return nodes

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    def cookie(self, account_id: object, session_id: str = "nodes") -> str:
        """A session cookie for a signed-in account, signed as every node's SessionMiddleware signs."""
        data = {"account_id": str(account_id), "session_id": session_id, "signed_in_at": time.time()}
        return SessionCodec(self.secret_key, 8 * 3600).encode(data)

    def converged(self, nodes: Sequence[Node] | None = None, timeout: float = 30.0) -> list[dict]:
        """Waits until every node's every view is at the head of its log; returns their /healthz."""

        def all_at_head() -> list[dict] | None:
            answers = [node.health() for node in nodes or self.nodes]
            for answer in answers:
                views = answer["views"].values()
                if not all(view["state"] == "ready" and view["position"] == answer["logs"][view["source"]]
                           for view in views):  # fmt: skip
                    return None
            if len({tuple(sorted(answer["logs"].items())) for answer in answers}) != 1:
                return None  # a write landed between two answers: ask again
            return answers

        answers: list[dict] = wait_until(all_at_head, timeout, "every node at the head of the log", every=0.1)
        return answers


def view_tables(db: Database) -> list[str]:
    """The tables a read model keeps, to compare: virtual tables (full-text indexes) by their
    rows, not by their shadow tables, whose layout depends on how the rows came in."""
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    tables = {name: sql or "" for name, sql in rows.fetchall()}
    virtual = [name for name, sql in tables.items() if sql.upper().startswith("CREATE VIRTUAL")]
    return sorted(name for name in tables if not any(name.startswith(f"{v}_") for v in virtual))


def differences_from_rebuild(services: Services, node: Node, work: Path) -> list[str]:
    """Every view of ``node`` against the same view rebuilt from the log now: the names that differ.

    Call it once the node has converged and nothing is being written.
    """
    differ = []
    work.mkdir(parents=True, exist_ok=True)
    for view in all_views():
        rebuilt_path = work / f"{node.name}-{view.name}.db"
        rebuild(services.read_models.logs[source_of(view)], rebuilt_path, [view])
        rebuilt, served = open_read_db(rebuilt_path), open_read_db(current_file(node.data_dir / "views", view.name))
        try:
            tables = view_tables(rebuilt)
            if table_rows(served, tables) != table_rows(rebuilt, tables):
                differ.append(view.name)
        finally:
            rebuilt.close()
            served.close()
    return differ
