"""Security headers on every answer, and cross-site requests refused on every unsafe method."""

from __future__ import annotations

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from civic.services import Services
from domain.accounts import account_id_for
from tests.fixtures import MakeClient, SignIn

HEADER_CASES = [
    ("GET", "/", {}),
    ("GET", "/?lang=en", {}),
    ("GET", "/", {"HX-Request": "true"}),
    ("GET", "/account", {}),  # 401
    ("GET", "/admin/accounts", {}),  # 401
    ("GET", "/no-such-page", {}),  # 404
    ("GET", "/no-such-page", {"HX-Request": "true"}),  # 404 fragment
    ("GET", "/logout", {}),  # 405
    ("GET", "/auth/callback?code=x&state=y", {}),  # 400
    ("GET", "/static/civic.css", {}),
    ("GET", "/static/no-such-file.css", {}),
    ("GET", "/healthz", {}),
    ("GET", "/login", {}),  # redirect to the provider
    ("POST", "/logout", {}),  # 303
    ("POST", "/logout", {"Origin": "https://evil.example"}),  # 403 from middleware
    ("GET", "/boom", {}),  # 500
    ("GET", "/boom", {"HX-Request": "true"}),  # 500 fragment
]


@pytest.fixture
def tolerant_client(make_client: MakeClient) -> TestClient:
    """A client that gets the 500 page (instead of the exception) from a route that raises."""
    client = make_client(raise_server_exceptions=False)

    async def boom(request: object) -> None:
        raise RuntimeError("a bug")

    client.app.router.routes.append(Route("/boom", boom))  # type: ignore[attr-defined]
    return client


@pytest.mark.parametrize(("method", "path", "headers"), HEADER_CASES)
def test_every_answer_carries_the_security_headers(
    tolerant_client: TestClient, method: str, path: str, headers: dict[str, str]
) -> None:
    answer = tolerant_client.request(method, path, headers=headers, follow_redirects=False)
    csp = answer.headers.get("content-security-policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split("; ") if part}
    assert directives.get("script-src") == ["'self'"], csp
    assert directives.get("frame-ancestors") == ["'none'"], csp
    assert directives.get("object-src") == ["'none'"], csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert answer.headers.get("x-content-type-options") == "nosniff"
    assert answer.headers.get("referrer-policy") == "strict-origin-when-cross-origin"
    assert answer.headers.get("x-frame-options") == "DENY"


def test_no_strict_transport_security_over_plain_http(client: TestClient) -> None:
    assert "strict-transport-security" not in client.get("/").headers


def test_https_deployments_send_hsts(make_client: MakeClient) -> None:
    client = make_client(https_only=True)
    home = client.get("https://testserver/?lang=en")
    assert home.headers["strict-transport-security"].startswith("max-age=")


def test_session_cookie_is_http_only_and_same_site_lax(admin_client: TestClient) -> None:
    # admin_client signed in: the last Set-Cookie came from the callback; check it again on logout.
    answer = admin_client.post("/logout", follow_redirects=False)
    cookie = answer.headers["set-cookie"].lower()
    assert cookie.startswith("civic_session=") and "httponly" in cookie and "samesite=lax" in cookie


CROSS_SITE = [
    {"Origin": "https://evil.example"},
    {"Origin": "http://testserver.evil.example"},
    {"Origin": "https://testserver"},  # another scheme is another origin
    {"Origin": "null"},  # sandboxed frames, data: URLs
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is not us either
    {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},  # the browser's verdict wins
]
SAME_SITE = [
    {"Sec-Fetch-Site": "same-origin"},
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    {"Origin": "http://testserver"},
    {"Sec-Fetch-Site": "none"},  # typed by the user, e.g. a bookmark
    {},  # not a browser (curl): no ambient credentials to forge
]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cross_site_unsafe_requests_are_refused(client: TestClient, method: str, headers: dict[str, str]) -> None:
    answer = client.request(method, "/logout", headers={**headers, "Accept-Language": "en"}, follow_redirects=False)
    assert answer.status_code == 403
    assert "You are not allowed to do that" in answer.text
    assert "<html" in answer.text


def test_cross_site_refusal_is_a_fragment_for_htmx(client: TestClient) -> None:
    answer = client.post("/logout", headers={"Origin": "https://evil.example", "HX-Request": "true"})
    assert answer.status_code == 403
    assert 'role="alert"' in answer.text and "<html" not in answer.text
    assert "您沒有權限執行這個動作" in answer.text


@pytest.mark.parametrize("headers", SAME_SITE)
def test_same_site_posts_are_accepted(client: TestClient, headers: dict[str, str]) -> None:
    answer = client.post("/logout", headers=headers, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


def test_safe_methods_are_not_checked(client: TestClient) -> None:
    answer = client.get("/", headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert answer.status_code == 200


def test_forged_role_grant_records_nothing(
    admin_client: TestClient, admin_services: Services, oidc_provider: LocalProvider
) -> None:
    target = account_id_for(oidc_provider.issuer, "demo-admin")
    before = admin_services.log.position()
    answer = admin_client.post(
        f"/admin/accounts/{target}/roles",
        data={"role": "staff", "change": "grant"},
        headers={"Origin": "https://evil.example"},
    )
    assert answer.status_code == 403
    assert admin_services.log.position() == before
    assert "staff" not in admin_services.accounts.get(target).roles


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "https:/evil.example", "javascript:alert(1)"],
)
def test_sign_in_never_redirects_off_site(client: TestClient, sign_in: SignIn, target: str) -> None:
    landed = sign_in(client, "demo-resident", next_path=target)
    assert landed.status_code == 303
    assert landed.headers["location"] == "/"


def test_sign_in_returns_to_the_local_page_it_started_from(client: TestClient, sign_in: SignIn) -> None:
    landed = sign_in(client, "demo-resident", next_path="/account?lang=en")
    assert landed.headers["location"] == "/account?lang=en"
