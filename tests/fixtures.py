"""Fixtures shared by the HTTP tests (tests/web) and the browser tests (tests/e2e).

Both folders import what they need from here (``from tests.fixtures import ...``); pytest is run
from the repository root (``python -m pytest``), which puts ``tests`` on the import path.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from civic import local_provider
from civic.local_provider import LocalProvider

if TYPE_CHECKING:
    import httpx
    from starlette.testclient import TestClient

# The signatures of two fixtures of tests/web, for type hints in its test modules.
MakeClient = Callable[..., "TestClient"]  # make_client(raise_server_exceptions=True, **settings)
SignIn = Callable[..., "httpx.Response"]  # sign_in(client, subject, next_path=None)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def metadata_url(provider: LocalProvider) -> str:
    return f"{provider.issuer}/.well-known/openid-configuration"


def wait_for_http(url: str, process: subprocess.Popen | None = None, timeout: float = 30.0) -> None:
    """Polls ``url`` until it answers 200; fails early when ``process`` has exited."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError as error:
            last_error = error
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s: {last_error}")


def stop_process(process: subprocess.Popen) -> None:
    """Terminates a process this test run started, and reaps it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[LocalProvider]:
    """The real local OpenID provider (oidc-provider-mock) on a free port of 127.0.0.1.

    It is started the way ``civic serve --local-provider`` starts it, with the demo users.
    """
    provider = local_provider.start(free_port())
    try:
        yield provider
    finally:
        provider.stop()
