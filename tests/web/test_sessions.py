"""Sessions end on the server: sign-out, "sign out everywhere" and a revoked role, on every node.

A copied session cookie (a shared computer, a stolen backup, a proxy log) must stop working the
moment its owner signs out, not when it expires. Sessions also stay out of shared caches, and the
cookie itself is unreadable: it carries the sign-in state, nonce and PKCE verifier.
"""

from __future__ import annotations

import base64
import json
import time

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from civic.services import Services
from domain.accounts import STAFF, account_id_for
from projections import accounts as account_queries
from tests.fixtures import MakeClient, SignIn
from web.sessions import SessionCodec

BASE_URL = "http://testserver"
COOKIE = "civic_session"


def _browser_with(app: Starlette, cookie: str) -> TestClient:
    """Another browser that holds only a copy of someone's session cookie."""
    browser = TestClient(app, base_url=BASE_URL)
    browser.cookies.set(COOKIE, cookie)
    return browser


def _event_names(services: Services) -> list[tuple[str, object]]:
    notes = services.log.recorder.select_notifications(start=1, limit=10_000)
    events = [services.log.mapper.to_domain_event(note) for note in notes]
    return [(type(event).__name__, getattr(event, "actor", None)) for event in events]


@pytest.mark.parametrize("path", ["/account", "/admin/accounts"])
def test_a_cookie_copied_before_sign_out_opens_nothing_after(admin_client: TestClient, path: str) -> None:
    copied = admin_client.cookies[COOKIE]
    assert _browser_with(admin_client.app, copied).get(path).status_code == 200  # type: ignore[arg-type]
    assert admin_client.post("/logout", follow_redirects=False).status_code == 303
    replayed = _browser_with(admin_client.app, copied).get(path)  # type: ignore[arg-type]
    assert replayed.status_code == 401
    assert "civic_session=null" in replayed.headers.get("set-cookie", "")  # and the browser forgets it


def test_sign_out_is_recorded_as_the_accounts_own_event(
    admin_client: TestClient, admin_services: Services, oidc_provider: LocalProvider
) -> None:
    admin_client.post("/logout")
    admin = str(account_id_for(oidc_provider.issuer, "demo-admin"))
    assert _event_names(admin_services)[-1] == ("SignedOut", admin)


def test_signing_out_one_browser_leaves_the_others_signed_in(make_client: MakeClient, sign_in: SignIn) -> None:
    phone = make_client()
    sign_in(phone, "demo-staff")
    with TestClient(phone.app, base_url=BASE_URL) as laptop:
        sign_in(laptop, "demo-staff")
        phone.post("/logout")
        assert phone.get("/account").status_code == 401
        assert laptop.get("/account").status_code == 200


def test_sign_out_everywhere_ends_every_session_of_the_account(
    make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider
) -> None:
    phone = make_client()
    services: Services = phone.app.state.services  # type: ignore[attr-defined]
    sign_in(phone, "demo-staff")
    with TestClient(phone.app, base_url=BASE_URL) as laptop, TestClient(phone.app, base_url=BASE_URL) as other:
        sign_in(laptop, "demo-staff")
        sign_in(other, "demo-translator")
        page = laptop.get("/account?lang=en").text
        assert 'action="/account/sign-out-everywhere"' in page and "Sign out everywhere" in page
        out = laptop.post("/account/sign-out-everywhere", follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/"
        assert laptop.get("/account").status_code == 401
        assert phone.get("/account").status_code == 401
        assert other.get("/account").status_code == 200  # another person's session is theirs
        staff = str(account_id_for(oidc_provider.issuer, "demo-staff"))
        assert _event_names(services)[-1] == ("SignedOutEverywhere", staff)
        # Signing in again afterwards works at once.
        assert sign_in(laptop, "demo-staff").status_code == 303
        assert laptop.get("/account").status_code == 200


def test_sign_out_everywhere_needs_a_session_and_a_post(client: TestClient) -> None:
    assert client.post("/account/sign-out-everywhere").status_code == 401
    assert client.get("/account/sign-out-everywhere").status_code == 405


def test_revoking_a_role_ends_that_accounts_sessions(
    admin_client: TestClient, admin_app: Starlette, sign_in: SignIn, oidc_provider: LocalProvider
) -> None:
    staff_id = account_id_for(oidc_provider.issuer, "demo-staff")
    with TestClient(admin_app, base_url=BASE_URL) as staff:
        sign_in(staff, "demo-staff")
        admin_client.post(f"/admin/accounts/{staff_id}/roles", data={"role": STAFF, "change": "grant"})
        assert staff.get("/account").status_code == 200  # a grant ends nothing
        admin_client.post(f"/admin/accounts/{staff_id}/roles", data={"role": STAFF, "change": "revoke"})
        assert staff.get("/account").status_code == 401
        assert sign_in(staff, "demo-staff").status_code == 303  # with the roles it has now
        assert "City staff" not in staff.get("/account?lang=en").text
    assert admin_client.get("/admin/accounts").status_code == 200  # the admin's own session is untouched


def test_a_session_ended_on_one_node_is_ended_on_another(
    admin_client: TestClient, admin_services: Services, oidc_provider: LocalProvider
) -> None:
    """Revocations are events in the shared log: a node learns them when its read model follows."""
    copied = admin_client.cookies[COOKIE]
    admin = account_id_for(oidc_provider.issuer, "demo-admin")
    admin_services.accounts.sign_out_everywhere(admin)  # recorded by another node (or the CLI)
    admin_services.catch_up()  # this node's follower reads it from the log
    assert _browser_with(admin_client.app, copied).get("/account").status_code == 401  # type: ignore[arg-type]


def test_the_read_model_answers_whether_a_session_is_valid(
    admin_client: TestClient, admin_services: Services, oidc_provider: LocalProvider
) -> None:
    admin = account_id_for(oidc_provider.issuer, "demo-admin")
    earlier = time.time()
    with admin_services.reader() as db:
        assert account_queries.signed_in_account(db, str(admin), "a-session", signed_in_at=earlier) is not None
    admin_services.accounts.sign_out(admin, "a-session")
    admin_services.catch_up()
    with admin_services.reader() as db:
        assert account_queries.signed_in_account(db, str(admin), "a-session", signed_in_at=earlier) is None
        assert account_queries.signed_in_account(db, str(admin), "b-session", signed_in_at=earlier) is not None
    admin_services.accounts.sign_out_everywhere(admin)
    admin_services.catch_up()
    with admin_services.reader() as db:
        assert account_queries.signed_in_account(db, str(admin), "b-session", signed_in_at=earlier) is None
        assert account_queries.signed_in_account(db, str(admin), "c-session", signed_in_at=time.time()) is not None


# --- the cookie and caches ----------------------------------------------------------------------


def test_the_session_cookie_cannot_be_read(client: TestClient) -> None:
    start = client.get("/login", follow_redirects=False)
    cookie = client.cookies[COOKIE]
    for part in cookie.split("."):
        try:
            decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            continue
        with pytest.raises(ValueError):
            json.loads(decoded)
        assert b"code_verifier" not in decoded and b"nonce" not in decoded
    assert "state=" in start.headers["location"]


def test_the_server_reads_its_own_cookie(client: TestClient) -> None:
    client.get("/login?next=/account", follow_redirects=False)
    secret = client.app.state.settings.session_secret()  # type: ignore[attr-defined]
    session = SessionCodec(secret, max_age=3600).decode(client.cookies[COOKIE])
    assert session is not None and session["next"] == "/account"
    assert SessionCodec("another-secret", max_age=3600).decode(client.cookies[COOKIE]) is None


def test_a_tampered_cookie_is_an_empty_session(admin_client: TestClient) -> None:
    cookie = admin_client.cookies[COOKIE]
    flipped = cookie[:-5] + ("A" if cookie[-5] != "A" else "B") + cookie[-4:]
    assert _browser_with(admin_client.app, flipped).get("/account").status_code == 401  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["/", "/account", "/admin/accounts", "/no-such-page", "/glossary"])
def test_answers_to_a_session_are_not_stored(admin_client: TestClient, path: str) -> None:
    assert admin_client.get(path).headers["cache-control"] == "no-store"


def test_starting_a_sign_in_is_not_stored(client: TestClient) -> None:
    start = client.get("/login", follow_redirects=False)
    assert "civic_session=" in start.headers["set-cookie"]
    assert start.headers["cache-control"] == "no-store"


def test_visitors_pages_may_be_cached(client: TestClient) -> None:
    assert "no-store" not in client.get("/").headers.get("cache-control", "")


def test_static_files_stay_cacheable_for_signed_in_people(admin_client: TestClient) -> None:
    assert "no-store" not in admin_client.get("/static/civic.css").headers.get("cache-control", "")


def test_a_cookie_opened_before_still_expires_on_time() -> None:
    now = [1_000_000.0]
    codec = SessionCodec("a-secret", max_age=3600, clock=lambda: now[0])
    cookie = SessionCodec("a-secret", max_age=3600).fernet.encrypt_at_time(b'{"account_id":"a"}', 1_000_000)
    text = cookie.decode("ascii")
    assert codec.decode(text) == {"account_id": "a"}
    now[0] += 3600
    assert codec.decode(text) == {"account_id": "a"}  # remembered, and still within max_age
    now[0] += 1
    assert codec.decode(text) is None  # remembered or not, too old


def test_a_remembered_session_is_a_fresh_copy_and_only_its_own_text_opens_it() -> None:
    codec = SessionCodec("a-secret", max_age=3600)
    text = codec.encode({"account_id": "a", "written": {"ballots": 3}})
    opened = codec.decode(text)
    assert opened is not None
    opened["written"]["ballots"] = 99
    assert codec.decode(text) == {"account_id": "a", "written": {"ballots": 3}}
    assert codec.decode(text[:-2] + ("A" if text[-2] != "A" else "B") + text[-1]) is None
