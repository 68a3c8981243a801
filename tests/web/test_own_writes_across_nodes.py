"""Read your own writes on any node: the session carries the positions of the person's writes.

The two-process story (a write through node A, the next page through node B) is in
tests/system/test_several_nodes.py; here one app stands for "the other node", whose views have
not reached a position the session asks for.
"""

from __future__ import annotations

import sqlite3
import time

import pytest

from civic.services import Services
from projections.readmodels import current_file
from tests.fixtures import MakeClient, SignIn
from web.consistency import WRITTEN_KEY
from web.sessions import SessionCodec

SECRET = "own-writes-secret"


def _cookie(session: dict) -> str:
    return SessionCodec(SECRET, 8 * 3600).encode({"signed_in_at": time.time(), **session})


def test_a_write_remembers_its_position_in_the_session(make_client: MakeClient, sign_in: SignIn) -> None:
    client = make_client(secret_key=SECRET)
    assert sign_in(client, "own-writes-resident").status_code == 303  # records the new account
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    session = SessionCodec(SECRET, 8 * 3600).decode(client.cookies["civic_session"])
    assert session is not None
    assert session[WRITTEN_KEY] == {"accounts": services.log.position()}
    assert "own-writes-resident" in client.get("/").text  # signed in: the wait found it at once


@pytest.mark.parametrize("lang", ["en", "zh_Hant_TW"])
def test_a_page_whose_views_lag_behind_the_sessions_write_says_still_processing_then_serves(
    make_client: MakeClient, lang: str
) -> None:
    client = make_client(secret_key=SECRET, read_wait_seconds=0.3)
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    # The accounts view cannot move on while the test holds its file's write lock: this node lags,
    # as one does behind a write made through another node.
    blocker = sqlite3.connect(current_file(services.settings.views_dir, "accounts"), isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        position = services.accounts.sign_in("http://issuer.test", "elsewhere", "Elsewhere").position
        client.cookies.set("civic_session", _cookie({WRITTEN_KEY: {"accounts": position}}))
        page = client.get(f"/?lang={lang}")
        assert page.status_code == 202
        assert page.headers["refresh"] == "2"
        assert ("Still processing" if lang == "en" else "處理中") in page.text
        assert client.get("/healthz").status_code == 200  # what reads no one's writes answers at once
    finally:
        blocker.rollback()
        blocker.close()
    deadline = time.monotonic() + 30
    while (page := client.get(f"/?lang={lang}")).status_code == 202:  # the refresh, until it resolves
        assert time.monotonic() < deadline, "the still-processing page resolves by itself"
        time.sleep(0.1)
    assert page.status_code == 200


def test_a_position_beyond_every_log_is_forgotten_rather_than_waited_for_ever(make_client: MakeClient) -> None:
    client = make_client(secret_key=SECRET, read_wait_seconds=0.2)
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    services.accounts.sign_in("http://issuer.test", "someone", "Someone")
    services.catch_up()
    client.cookies.set("civic_session", _cookie({WRITTEN_KEY: {"accounts": 10**9, "glossary": 1}}))
    page = client.get("/?lang=en")  # a cookie from before the store was reset: nothing to wait for
    assert page.status_code == 200
    session = SessionCodec(SECRET, 8 * 3600).decode(page.cookies["civic_session"])
    assert session is not None and session[WRITTEN_KEY] == {"glossary": 1}


@pytest.mark.parametrize(
    "written", [{"accounts": 1}, {"a-view-this-node-does-not-keep": 10**9}, "not a mapping", {"accounts": "x"}]
)
def test_a_page_serves_when_the_sessions_positions_are_reached_unknown_or_malformed(
    make_client: MakeClient, written: object
) -> None:
    client = make_client(secret_key=SECRET, read_wait_seconds=0.2)
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    services.accounts.sign_in("http://issuer.test", "someone", "Someone")
    services.catch_up()
    client.cookies.set("civic_session", _cookie({WRITTEN_KEY: written}))
    assert client.get("/?lang=en").status_code == 200
