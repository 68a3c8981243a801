"""Browser tests: civic served by uvicorn on 127.0.0.1, Debian's Chromium driven by Playwright,
sign-in through the real local OpenID provider.

Run this folder in its own pytest process (``pytest tests/e2e``): Playwright's event loop and the
asyncio-based tests elsewhere don't mix in one process.

Fixtures:
- ``civic``: the running platform (session): URL, data dir, provider. Seeded with ``civic demo``.
- ``new_page(**context_options)``: a page in a fresh browser context whose ``base_url`` is civic;
  console messages are recorded, and the test fails on any CSP violation or script error.
- ``page``: ``new_page(locale="zh-TW")``.
- ``axe_page``: a page in a context with ``bypass_csp=True`` (for injecting axe-core).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, sync_playwright

from civic.local_provider import LocalProvider
from tests.fixtures import free_port, metadata_url, oidc_provider, stop_process, wait_for_http  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NewPage = Callable[..., Page]


@dataclass(frozen=True)
class Civic:
    url: str
    data_dir: Path
    provider: LocalProvider
    env: dict[str, str] = field(repr=False)


@pytest.fixture(scope="session")
def civic(tmp_path_factory: pytest.TempPathFactory, oidc_provider: LocalProvider) -> Iterator[Civic]:  # noqa: F811
    data_dir = tmp_path_factory.mktemp("civic-e2e")
    env = {
        **os.environ,
        "CIVIC_DATA_DIR": str(data_dir),
        "CIVIC_OIDC_METADATA_URL": metadata_url(oidc_provider),
        "CIVIC_RATE_LIMIT_PER_MINUTE": "0",  # every test browses from 127.0.0.1
    }
    seeded = subprocess.run(
        [sys.executable, "-m", "civic", "demo"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert seeded.returncode == 0, seeded.stderr
    port = free_port()
    log = (data_dir / "uvicorn.log").open("w")
    server = subprocess.Popen(
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
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/healthz", server)
        yield Civic(url=url, data_dir=data_dir, provider=oidc_provider, env=env)
    finally:
        stop_process(server)
        log.close()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium): browser tests need it")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class Console:
    """What the pages of a test printed to the console, and the script errors they threw."""

    messages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [text for text in self.messages if "Content Security Policy" in text]


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def new_page(browser: Browser, civic: Civic, console: Console) -> Iterator[NewPage]:
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> Page:
        context = browser.new_context(base_url=civic.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()

        def record(message: ConsoleMessage) -> None:
            console.messages.append(f"[{message.type}] {message.text} ({page.url})")

        page.on("console", record)
        page.on("pageerror", lambda error: console.errors.append(f"{error} ({page.url})"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not console.csp_violations(), "CSP violations:\n" + "\n".join(console.csp_violations())
    assert not console.errors, "script errors:\n" + "\n".join(console.errors)


@pytest.fixture
def page(new_page: NewPage) -> Page:
    """A browser whose person reads Traditional Chinese (Accept-Language: zh-TW)."""
    return new_page(locale="zh-TW")


@pytest.fixture
def axe_page(new_page: NewPage) -> Page:
    return new_page(locale="zh-TW", bypass_csp=True)
