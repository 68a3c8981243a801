"""Signing in over real HTTP: authorization code + PKCE against the local OpenID provider."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlsplit

import httpx
from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from civic.services import Services
from domain.accounts import account_id_for
from tests.fixtures import MakeClient, SignIn, free_port
from web.sessions import SessionCodec


def _registrations(services: Services, subject: str) -> int:
    notes = services.log.recorder.select_notifications(start=1, limit=10_000)
    events = [services.log.mapper.to_domain_event(note) for note in notes]
    return sum(1 for event in events if type(event).__name__ == "Registered" and event.subject == subject)


def test_login_starts_an_authorization_code_flow_with_pkce(client: TestClient, oidc_provider: LocalProvider) -> None:
    start = client.get("/login", follow_redirects=False)
    assert start.status_code == 302
    target = urlsplit(start.headers["location"])
    assert f"{target.scheme}://{target.netloc}" == oidc_provider.issuer
    assert target.path == "/oauth2/authorize"  # discovered from the metadata URL
    query = {key: values[0] for key, values in parse_qs(target.query).items()}
    assert query["response_type"] == "code"
    assert query["client_id"] == "civic"
    assert query["redirect_uri"] == "http://testserver/auth/callback"
    assert set(query["scope"].split()) == {"openid", "profile", "email"}
    assert query["code_challenge_method"] == "S256"
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", query["code_challenge"])  # base64url of a SHA-256
    assert len(query["state"]) >= 20 and len(query["nonce"]) >= 16
    assert client.get("/login", follow_redirects=False).headers["location"] != start.headers["location"]


def test_the_code_verifier_waits_in_the_session_and_matches_the_challenge(client: TestClient) -> None:
    """PKCE: the challenge sent to the provider is S256 of a verifier only this browser's session holds.

    (The local provider, oidc-provider-mock 0.3, does not check PKCE itself; a city provider does.)
    """
    start = client.get("/login", follow_redirects=False)
    query = {key: values[0] for key, values in parse_qs(urlsplit(start.headers["location"]).query).items()}
    secret = client.app.state.settings.session_secret()  # type: ignore[attr-defined]
    session = SessionCodec(secret, max_age=3600).decode(client.cookies["civic_session"])  # encrypted
    assert session is not None
    pending = session[f"_state_city_{query['state']}"]["data"]
    verifier = pending["code_verifier"]
    assert 43 <= len(verifier) <= 128
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert digest == query["code_challenge"]
    assert verifier not in start.headers["location"]


def test_first_sign_in_registers_the_account_by_issuer_and_subject(
    make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider
) -> None:
    client = make_client()
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    landed = sign_in(client, "demo-translator", next_path="/account")
    assert landed.status_code == 303
    assert landed.headers["location"] == "/account"
    assert "civic_session=" in landed.headers["set-cookie"]

    account_id = account_id_for(oidc_provider.issuer, "demo-translator")
    account = services.accounts.get(account_id)
    assert (account.issuer, account.subject, account.name) == (
        oidc_provider.issuer,
        "demo-translator",
        "Wang Mei-ling (translator)",
    )
    assert account.roles == {"resident"}
    with services.reader() as db:  # read-your-writes: the read model already has it
        row = db.execute("SELECT issuer, subject FROM accounts WHERE id = ?", [str(account_id)]).fetchone()
    assert row == (oidc_provider.issuer, "demo-translator")

    page = client.get("/account?lang=en").text
    assert '<dd data-testid="account-name">Wang Mei-ling (translator)</dd>' in page
    assert "<li>Resident</li>" in page
    assert oidc_provider.issuer in page


def test_signing_in_again_does_not_register_twice(make_client: MakeClient, sign_in: SignIn) -> None:
    client = make_client()
    services: Services = client.app.state.services  # type: ignore[attr-defined]
    sign_in(client, "demo-reviewer")
    client.post("/logout")  # records SignedOut
    position = services.log.position()
    with TestClient(client.app) as other_browser:
        assert sign_in(other_browser, "demo-reviewer").status_code == 303
        assert "黃建宏 (reviewer)" in other_browser.get("/account").text
    assert services.log.position() == position  # same name, nothing new to record
    assert _registrations(services, "demo-reviewer") == 1
    with services.reader() as db:
        assert db.execute("SELECT count(*) FROM accounts").fetchone() == (1,)


def test_the_same_subject_from_another_issuer_is_another_account(oidc_provider: LocalProvider) -> None:
    assert account_id_for(oidc_provider.issuer, "demo-admin") != account_id_for("https://id.example", "demo-admin")


def test_sign_out_clears_the_session(client: TestClient, sign_in: SignIn) -> None:
    sign_in(client, "demo-staff")
    assert client.get("/account").status_code == 200
    session_cookie = client.cookies.get("civic_session")
    out = client.post("/logout", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert client.get("/account").status_code == 401
    home = client.get("/?lang=en").text
    assert "Sign in" in home and "Sign out" not in home
    # The old cookie carried the account id; a fresh session must not be that one.
    assert client.cookies.get("civic_session") != session_cookie


def test_sign_out_is_post_only(client: TestClient, sign_in: SignIn) -> None:
    sign_in(client, "demo-staff")
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200  # a link or image cannot sign anyone out


def test_a_forged_callback_is_refused(client: TestClient) -> None:
    client.get("/login", follow_redirects=False)  # a flow is pending, but with another state
    answer = client.get("/auth/callback?code=stolen&state=forged")
    assert answer.status_code == 400
    assert client.get("/account").status_code == 401


def test_the_provider_denying_access_is_refused(client: TestClient, provider_browser: httpx.Client) -> None:
    authorize_url = client.get("/login", follow_redirects=False).headers["location"]
    denied = provider_browser.post(authorize_url, data={"action": "deny"}, follow_redirects=False)
    assert denied.status_code == 302
    assert "error=access_denied" in denied.headers["location"]
    assert client.get(denied.headers["location"]).status_code == 400
    assert client.get("/account").status_code == 401


def test_sign_in_unavailable_when_the_provider_is_down(make_client: MakeClient) -> None:
    nobody = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    client = make_client(oidc_metadata_url=nobody)
    answer = client.get("/login?lang=en", follow_redirects=False)
    assert answer.status_code == 503
    assert "Sign-in is unavailable" in answer.text
    assert "目前無法登入" in client.get("/login?lang=zh_Hant_TW").text
