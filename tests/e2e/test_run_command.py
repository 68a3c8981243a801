"""The run command: ``civic serve --local-provider`` starts the platform and the local OpenID provider
on 127.0.0.1, in Chinese, and stops the provider again when it stops."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import ROOT
from tests.e2e.session import sign_in
from tests.fixtures import free_port, stop_process, wait_for_http


def _answers(port: int, within: float = 0.0) -> bool:
    """Whether something listens on the port (still, after waiting up to ``within`` seconds)."""
    deadline = time.monotonic() + within
    while True:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            listening = probe.connect_ex(("127.0.0.1", port)) == 0
        if not listening or time.monotonic() >= deadline:
            return listening
        time.sleep(0.1)


def test_civic_serve_with_local_provider(tmp_path: Path, browser: Browser) -> None:
    port, provider_port = free_port(), free_port()
    env = {
        **os.environ,
        "CIVIC_DATA_DIR": str(tmp_path / "data"),
        "CIVIC_OIDC_METADATA_URL": f"http://127.0.0.1:{provider_port}/.well-known/openid-configuration",
    }
    subprocess.run([sys.executable, "-m", "civic", "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "civic", "serve", "--local-provider", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/healthz", server)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as home:  # no Accept-Language at all
            html = home.read().decode()
        assert '<html lang="zh-Hant-TW">' in html and "高雄市民參與平臺" in html
        with urllib.request.urlopen(f"http://127.0.0.1:{provider_port}/.well-known/openid-configuration") as found:
            assert json.load(found)["issuer"] == f"http://127.0.0.1:{provider_port}"

        context = browser.new_context(base_url=f"http://127.0.0.1:{port}", locale="zh-TW")
        try:
            page = context.new_page()
            sign_in(page, "demo-admin")
            expect(page.get_by_test_id("account-name")).to_have_text("林雅婷 (admin)")
            expect(page.get_by_test_id("account-roles")).to_contain_text("系統管理員")
        finally:
            context.close()
    finally:
        stop_process(server)
        provider_left = _answers(provider_port, within=5)  # it notices its parent is gone
        if provider_left:  # do not leave it behind for the next run, then fail
            os.killpg(server.pid, signal.SIGTERM)
    assert not provider_left, "civic serve left the local provider running after it stopped"
    assert not _answers(port)
