"""HTTP tests: Starlette's TestClient against ``create_app(Settings(...tmp_path...))``.

Sign-in is never faked: the real local OpenID provider runs once per test session and every
signed-in client went through its authorization-code + PKCE flow (see ``sign_in_over_http``).

- ``client``: a fresh browser (own cookies) on one app shared by the session, for tests that
  change nothing but a visitor's own session (rate limit off, since they all share one address).
- ``make_client(**settings)``: a fresh app on its own data dir, for tests that need settings.
- ``admin_client`` / ``resident_client``: a fresh app whose first admin (demo-admin) was granted
  from the command line, with demo-admin (and demo-resident) signed in through the provider.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from civic.app import create_app
from civic.local_provider import LocalProvider
from civic.services import Services
from civic.settings import Settings
from domain.accounts import ADMIN
from tests.fixtures import MakeClient, SignIn, metadata_url, oidc_provider  # noqa: F401  (a fixture)

BASE_URL = "http://testserver"


def _settings(data_dir: Path, provider: LocalProvider, **overrides: Any) -> Settings:
    return Settings(**{"data_dir": data_dir, "oidc_metadata_url": metadata_url(provider), **overrides})


@pytest.fixture(scope="session")
def shared_app(tmp_path_factory: pytest.TempPathFactory, oidc_provider: LocalProvider) -> Iterator[Starlette]:  # noqa: F811
    app = create_app(_settings(tmp_path_factory.mktemp("shared"), oidc_provider, rate_limit_per_minute=0))
    yield app
    app.state.services.close()


@pytest.fixture
def client(shared_app: Starlette) -> Iterator[TestClient]:
    with TestClient(shared_app, base_url=BASE_URL) as browser:
        yield browser


@pytest.fixture
def make_client(tmp_path: Path, oidc_provider: LocalProvider) -> Iterator[MakeClient]:  # noqa: F811
    """Builds an app on a fresh data dir with the given setting overrides, and a client for it."""
    with contextlib.ExitStack() as stack:
        made = 0

        def make(raise_server_exceptions: bool = True, **overrides: Any) -> TestClient:
            nonlocal made
            made += 1
            app = create_app(_settings(tmp_path / f"data-{made}", oidc_provider, **overrides))
            stack.callback(app.state.services.close)  # runs after the client's lifespan ended
            return stack.enter_context(
                TestClient(app, base_url=BASE_URL, raise_server_exceptions=raise_server_exceptions)
            )

        yield make


@pytest.fixture(scope="session")
def provider_browser() -> Iterator[httpx.Client]:
    """What talks to the provider's own pages during sign-in (plain HTTP on 127.0.0.1)."""
    with httpx.Client(timeout=10, verify=False) as browser:
        yield browser


def sign_in_over_http(
    client: TestClient, browser: httpx.Client, subject: str, next_path: str | None = None
) -> httpx.Response:
    """Signs in the way a browser does, against the real provider; returns the callback's answer.

    ``GET /login`` redirects to the provider's authorization endpoint; its page is a plain HTML
    form (``<form method="post">`` with an input ``sub``) that posts back to the same URL, and the
    provider answers with a redirect to our callback carrying the code.
    """
    start = client.get("/login", params={"next": next_path} if next_path else None, follow_redirects=False)
    assert start.status_code == 302, start.text
    authorize_url = start.headers["location"]
    form_page = browser.get(authorize_url)
    assert form_page.status_code == 200, form_page.text
    assert '<form method="post"' in form_page.text and 'name="sub"' in form_page.text
    decision = browser.post(authorize_url, data={"sub": subject}, follow_redirects=False)
    assert decision.status_code == 302, decision.text
    callback = decision.headers["location"]
    assert callback.startswith(f"{BASE_URL}/auth/callback?"), callback
    return client.get(callback, follow_redirects=False)


@pytest.fixture
def sign_in(provider_browser: httpx.Client) -> SignIn:
    """``sign_in(client, subject, next_path=None)``: the whole flow; returns the callback's answer."""

    def run(client: TestClient, subject: str, next_path: str | None = None) -> httpx.Response:
        return sign_in_over_http(client, provider_browser, subject, next_path)

    return run


@pytest.fixture
def admin_client(make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider) -> TestClient:  # noqa: F811
    """demo-admin made the first admin from the command line, then signed in through the provider."""
    client = make_client()
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    services.accounts.grant_from_command_line(oidc_provider.issuer, "demo-admin", ADMIN)
    services.catch_up()
    assert sign_in(client, "demo-admin").status_code == 303
    return client


@pytest.fixture
def admin_app(admin_client: TestClient) -> Starlette:
    return admin_client.app  # type: ignore[return-value]


@pytest.fixture
def admin_services(admin_app: Starlette) -> Services:
    return admin_app.state.services


@pytest.fixture
def resident_client(admin_app: Starlette, sign_in: SignIn) -> Iterator[TestClient]:
    """demo-resident signed in for the first time (resident role only), on the admin's app."""
    with TestClient(admin_app, base_url=BASE_URL) as browser:
        assert sign_in(browser, "demo-resident").status_code == 303
        yield browser
