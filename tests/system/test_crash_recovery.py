"""SIGKILL the server during a burst of commands: nothing acknowledged is lost, nothing doubled.

The server is a real uvicorn process on a real SQLite log; the admin's session cookie is signed
with the same secret the server uses, as SessionMiddleware would sign it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from civic.services import build_services
from civic.settings import Settings
from domain.accounts import ROLES
from domain.eventlog import EventLog
from projections.accounts import AccountsView
from projections.readmodels import current_file
from projections.runner import open_read_db, rebuild, table_rows
from web.sessions import SessionCodec

SECRET = "crash-test-secret"
ISSUER = "http://issuer.test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(data: dict) -> str:
    return SessionCodec(SECRET, 8 * 3600).encode({"session_id": "crash", "signed_in_at": time.time(), **data})


def start_server(data_dir: Path, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "CIVIC_DATA_DIR": str(data_dir),
        "CIVIC_SECRET_KEY": SECRET,
        "CIVIC_RATE_LIMIT_PER_MINUTE": "0",
        "CIVIC_OIDC_METADATA_URL": f"{ISSUER}/.well-known/openid-configuration",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "civic.asgi:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def test_sigkill_during_a_burst_loses_no_acknowledged_command(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=SECRET)
    services = build_services(settings)
    admin_id = services.accounts.grant_from_command_line(ISSUER, "admin", "admin").result
    targets = [services.accounts.sign_in(ISSUER, f"resident-{n}", f"Resident {n}").result for n in range(40)]
    services.close()

    port = free_port()
    server = start_server(tmp_path, port)
    cookie = session_cookie({"account_id": str(admin_id)})
    commands = [(target, role) for target in targets for role in ROLES if role != "resident"]
    acknowledged: list[tuple] = []
    lock = threading.Lock()

    killed = threading.Event()

    def send(batch: list[tuple]) -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", cookies={"civic_session": cookie}) as client:
            for target, role in batch:
                try:
                    response = client.post(
                        f"/admin/accounts/{target}/roles",
                        data={"role": role, "change": "grant"},
                        headers={"Sec-Fetch-Site": "same-origin"},
                        timeout=60,
                    )
                except httpx.HTTPError:
                    if killed.is_set():
                        return  # the server is gone: this command was never acknowledged
                    continue  # a slow machine: not acknowledged, go on with the burst
                if response.status_code == 303:
                    with lock:
                        acknowledged.append((target, role))

    workers = [threading.Thread(target=send, args=(commands[n::4],)) for n in range(4)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 120
    while len(acknowledged) < len(commands) // 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    killed.set()
    server.send_signal(signal.SIGKILL)
    server.wait()
    for worker in workers:
        worker.join()
    assert 0 < len(acknowledged) < len(commands), "the kill must land in the middle of the burst"

    server = start_server(tmp_path, port)
    try:
        deadline = time.monotonic() + 30
        while True:  # the followers catch up within a second or so of starting
            health = httpx.get(f"http://127.0.0.1:{port}/healthz").json()
            if all(view["behind"] == 0 for view in health["views"].values()) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert all(view["position"] == health["logs"][view["source"]] for view in health["views"].values()), health
    finally:
        server.terminate()
        server.wait()

    db = open_read_db(current_file(settings.views_dir, "accounts"))
    granted = set(db.execute("SELECT account_id, role FROM role_changes WHERE change = 'granted'").fetchall())
    for target, role in acknowledged:
        assert (str(target), role) in granted
    changes = db.execute("SELECT account_id, role, change FROM role_changes").fetchall()
    assert len(changes) == len(set(changes)), "a role change was applied twice"

    log = EventLog(env=settings.event_store_env())
    rebuilt = tmp_path / "rebuilt.db"
    rebuild(log, rebuilt, [AccountsView()])
    tables = ["accounts", "role_changes"]
    assert table_rows(db, tables) == table_rows(open_read_db(rebuilt), tables), "gap or duplicate in read model"
