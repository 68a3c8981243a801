"""A real OpenID Connect provider on 127.0.0.1 for running civic with no outside service.

It is the PyPI package oidc-provider-mock (built on Authlib), started as its own process. Demo
accounts are offered on its sign-in page; any other subject can be typed in. A city deployment
points ``CIVIC_OIDC_METADATA_URL`` at its own provider instead and never starts this.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

DEMO_USERS = (
    {"sub": "demo-admin", "name": "林雅婷 (admin)", "email": "admin@example.org"},
    {"sub": "demo-staff", "name": "陳志明 (staff)", "email": "staff@example.org"},
    {"sub": "demo-translator", "name": "Wang Mei-ling (translator)", "email": "translator@example.org"},
    {"sub": "demo-reviewer", "name": "黃建宏 (reviewer)", "email": "reviewer@example.org"},
    {"sub": "demo-resident", "name": "張淑芬 (resident)", "email": "resident@example.org"},
)


@dataclass
class LocalProvider:
    process: subprocess.Popen
    issuer: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


# Runs the provider and ends it once the process that started it is gone, however that ended:
# uvicorn re-raises SIGTERM after its graceful shutdown, so `civic serve` dies without reaching the
# `finally` that stops the provider, which would otherwise keep running (and keep its port).
_RUN_WHILE_PARENT_LIVES = """
import os, runpy, sys, threading, time
parent = os.getppid()
def watch():
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
runpy.run_module("oidc_provider_mock", run_name="__main__", alter_sys=True)
"""


def start(port: int, users: tuple[dict, ...] = DEMO_USERS, timeout: float = 20.0) -> LocalProvider:
    command = [sys.executable, "-c", _RUN_WHILE_PARENT_LIVES, "--host", "127.0.0.1", "--port", str(port)]
    for user in users:
        command += ["--user-claims", json.dumps(user, ensure_ascii=False)]
    process = subprocess.Popen(
        command, env={**os.environ, "NO_COLOR": "1"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local OpenID provider exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=1):
                return LocalProvider(process, issuer)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the local OpenID provider did not answer on {issuer} within {timeout} s")
