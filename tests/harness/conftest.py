"""The robustness harness: one platform for the whole run, served by uvicorn, seeded, signed in once per role.

- ``harness_app``: ``create_app`` in this process on the harness data dir; its routes are what the
  matrix must cover, its services seed the data and read the log position. It never serves.
- ``platform``: the same data dir served by uvicorn (tests/harness/served.py), with a visitor per
  role of tests/harness/access.py, each signed in through the real OpenID provider.
- ``probe``: a /healthz probe running for the length of one test.

Before every test the server is checked, and restarted if a request timed out or it stopped
answering: a request that stalls it cannot be cancelled, and must not fail the tests after it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

from civic.app import create_app
from civic.local_provider import LocalProvider
from civic.settings import Settings
from tests.fixtures import metadata_url, oidc_provider  # noqa: F401  (a fixture)
from tests.harness.access import ANONYMOUS
from tests.harness.platform import Platform
from tests.harness.seed import SUBJECTS, Seeded, seed
from tests.harness.served import Probe, Server, Visitor, sign_in

MAX_UPLOAD_BYTES = 1_000_000  # small, so that the oversized upload is quick to send


@pytest.fixture(scope="session")
def harness_settings(tmp_path_factory: pytest.TempPathFactory, oidc_provider: LocalProvider) -> Settings:  # noqa: F811
    return Settings(
        data_dir=tmp_path_factory.mktemp("harness"),
        oidc_metadata_url=metadata_url(oidc_provider),
        secret_key=secrets.token_urlsafe(32),  # the same across restarts: the visitors' cookies stay valid
        rate_limit_per_minute=0,  # every request comes from 127.0.0.1
        max_upload_bytes=MAX_UPLOAD_BYTES,
    )


@pytest.fixture(scope="session")
def harness_app(harness_settings: Settings) -> Iterator[Starlette]:
    app = create_app(harness_settings)
    yield app
    app.state.services.close()


@pytest.fixture(scope="session")
def seeded(harness_app: Starlette, oidc_provider: LocalProvider) -> Seeded:  # noqa: F811
    return seed(harness_app.state.services, oidc_provider.issuer)


@pytest.fixture(scope="session")
def platform(harness_app: Starlette, harness_settings: Settings, seeded: Seeded) -> Iterator[Platform]:
    server = Server(harness_settings, harness_settings.data_dir / "uvicorn.log")
    server.start()
    try:
        with httpx.Client(timeout=10) as provider_browser:
            visitors = {ANONYMOUS: Visitor(ANONYMOUS)}
            for role, subject in SUBJECTS.items():
                visitors[role] = sign_in(server.url, provider_browser, subject, role)

            def sign_in_again(role: str) -> Visitor:
                return sign_in(server.url, provider_browser, SUBJECTS[role], role)

            yield Platform(server, harness_app.state.services, visitors, seeded, sign_in_again)
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def responsive_server(request: pytest.FixtureRequest) -> None:
    if "platform" in request.fixturenames:
        request.getfixturevalue("platform").server.ensure_responsive()


@pytest.fixture
def probe(platform: Platform) -> Iterator[Probe]:
    with Probe(platform.server) as running:
        yield running
