"""``civic rebuild`` while a server serves and writes: nothing is lost, nothing served stale.

A real uvicorn process on a real SQLite log. One client convenes glossary meetings and grants
roles without pause, and after each write opens the page that must show it; another polls
``/healthz``. Meanwhile ``civic rebuild`` swaps every view twice, then the glossary alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from civic.services import build_services
from civic.settings import Settings
from domain.accounts import ADMIN, STAFF
from tests.system.test_crash_recovery import ISSUER, SECRET, free_port, session_cookie, start_server

ROOT = Path(__file__).resolve().parents[2]

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def _manifest(settings: Settings) -> dict[str, str]:
    return json.loads((settings.views_dir / "manifest.json").read_text())


def _views_in(manifest: dict) -> dict[str, str]:
    return {name: file for name, file in manifest.items() if not name.startswith("_")}


def test_rebuild_while_serving_and_writing_shows_every_write_and_tells_the_truth(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=SECRET)
    services = build_services(settings)
    admin_id = services.accounts.grant_from_command_line(ISSUER, "admin", ADMIN).result
    services.accounts.grant_from_command_line(ISSUER, "admin", STAFF)
    residents = [services.accounts.sign_in(ISSUER, f"resident-{n}", f"Resident {n}").result for n in range(30)]
    services.close()
    before = _views_in(_manifest(settings))

    port = free_port()
    server = start_server(tmp_path, port)
    base = f"http://127.0.0.1:{port}"
    cookie = session_cookie({"account_id": str(admin_id)})
    stop = threading.Event()
    failures: list[str] = []
    written: list[str] = []
    health_answers: list[tuple[int, dict]] = []

    def write_and_look() -> None:
        with httpx.Client(base_url=base, cookies={"civic_session": cookie}, timeout=60) as client:
            n = 0
            while not stop.is_set() and n < 400:
                n += 1
                if n % 2:
                    title = f"Meeting {n}"
                    answer = client.post(
                        "/glossary/meetings",
                        data={"date": "2026-11-20", "title": title, "members": "林委員"},
                        headers=SAME_ORIGIN,
                    )
                    if answer.status_code != 303:
                        failures.append(f"convene {n}: {answer.status_code}")
                        continue
                    page = client.get(answer.headers["location"])
                    if page.status_code != 200 or title not in page.text:
                        failures.append(f"meeting {n} not shown: {page.status_code}")
                    written.append(title)
                else:
                    target = residents[(n // 2) % len(residents)]
                    change = "grant" if (n // 2) // len(residents) % 2 == 0 else "revoke"
                    answer = client.post(f"/admin/accounts/{target}/roles", data={"role": "reviewer", "change": change},
                                         headers=SAME_ORIGIN)  # fmt: skip
                    if answer.status_code != 303:
                        failures.append(f"role {n}: {answer.status_code}")
                        continue
                    page = client.get("/admin/accounts")
                    if page.status_code != 200:
                        failures.append(f"accounts page {n}: {page.status_code}")
                    written.append(f"{change} {target}")

    def poll_health() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                answer = client.get("/healthz")
                health_answers.append((answer.status_code, answer.json()))
                time.sleep(0.05)

    threads = [threading.Thread(target=write_and_look), threading.Thread(target=poll_health)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(1)
        env = {**os.environ, "CIVIC_DATA_DIR": str(tmp_path), "CIVIC_SECRET_KEY": SECRET}
        for views in ([], [], ["glossary"]):
            rebuilt = subprocess.run(
                [sys.executable, "-m", "civic", "--lang", "en", "rebuild", *views],
                env=env, capture_output=True, text=True, cwd=ROOT, timeout=300,
            )  # fmt: skip
            assert rebuilt.returncode == 0, rebuilt.stderr
            time.sleep(0.5)
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)

        assert not failures, failures[:10]
        assert len(written) > 20, "the writer kept writing through the rebuilds"
        after = _manifest(settings)
        assert all(after[name] != before[name] for name in before), "every view was swapped"
        # Swapped-out files stay a while for readers that have not switched yet, then go.
        current = {after[name] for name in before}
        assert {path.name for path in settings.views_dir.glob("*.db")} == current | set(after["_retired"])

        # After the writes, every meeting shows on the list, served from the swapped-in files.
        with httpx.Client(base_url=base, cookies={"civic_session": cookie}, timeout=30) as client:
            listing = client.get("/glossary/meetings").text
            for title in (entry for entry in written if entry.startswith("Meeting ")):
                assert f">{title}<" in listing or title in listing, title
            deadline = time.monotonic() + 10
            while True:
                final = client.get("/healthz")
                caught_up = all(view["behind"] == 0 for view in final.json()["views"].values())
                if (final.status_code == 200 and caught_up) or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
        final_health = final.json()
        assert final.status_code == 200, final_health
        assert all(view["position"] == final_health["logs"][view["source"]] for view in final_health["views"].values())
    finally:
        stop.set()
        server.terminate()
        server.wait()

    # Truthful throughout: no view ever ahead of the log, "ok" only when every view is ready and
    # within the bound, and the log only ever grows.
    assert health_answers
    logs = [body["log"] for _, body in health_answers]
    assert logs == sorted(logs)
    for status, body in health_answers:
        views = body["views"].values()
        assert all(view["position"] <= body["log"] for view in views), body
        healthy = all(view["state"] == "ready" and view["behind"] <= body["max_behind"] for view in views)
        assert (status == 200) == healthy, body
