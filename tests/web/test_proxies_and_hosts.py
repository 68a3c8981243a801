"""Who is asking, under which name: forwarded headers only from trusted proxies, Host from a list.

A client can write any ``X-Forwarded-For`` or ``Host`` it likes. Trusting the first would let one
address post without limit (a new "address" per request); trusting the second would let a link or
a poisoned cache send sign-ins and redirects to another site.
"""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from civic.settings import Settings
from tests.fixtures import MakeClient

BASE_URL = "http://testserver"


def _posts(client: TestClient, count: int, **headers: str) -> list[int]:
    return [client.post("/logout", headers=headers, follow_redirects=False).status_code for _ in range(count)]


def test_forwarded_for_from_an_untrusted_peer_is_ignored(make_client: MakeClient) -> None:
    client = make_client(rate_limit_per_minute=3)
    answers = [
        client.post("/logout", headers={"X-Forwarded-For": f"203.0.113.{n}"}, follow_redirects=False).status_code
        for n in range(20)
    ]
    assert answers == [303] * 3 + [429] * 17


def test_a_trusted_proxy_names_each_client(make_client: MakeClient) -> None:
    app = make_client(rate_limit_per_minute=2, trusted_proxies="10.0.0.0/8, 192.0.2.1").app
    with TestClient(app, base_url=BASE_URL, client=("10.1.2.3", 40000)) as proxy:
        for n in range(5):  # five people behind the proxy: each has a limit of their own
            assert _posts(proxy, 2, **{"X-Forwarded-For": f"198.51.100.{n}"}) == [303, 303]
        assert _posts(proxy, 1, **{"X-Forwarded-For": "198.51.100.0"}) == [429]


def test_the_client_is_the_rightmost_address_no_trusted_proxy_added(make_client: MakeClient) -> None:
    """Whatever the client itself put in front of the list is not believed."""
    app = make_client(rate_limit_per_minute=2, trusted_proxies="10.0.0.0/8").app
    with TestClient(app, base_url=BASE_URL, client=("10.0.0.2", 40000)) as proxy:
        answers = [
            proxy.post(
                "/logout", headers={"X-Forwarded-For": f"6.6.6.{n}, 198.51.100.9, 10.0.0.1"}, follow_redirects=False
            ).status_code
            for n in range(4)
        ]
    assert answers == [303, 303, 429, 429]


def test_forwarded_proto_counts_only_from_a_trusted_proxy(make_client: MakeClient) -> None:
    app = make_client(trusted_proxies="10.0.0.1").app
    with TestClient(app, base_url=BASE_URL, client=("10.0.0.1", 40000)) as proxy:
        start = proxy.get("/login", headers={"X-Forwarded-Proto": "https"}, follow_redirects=False)
        assert "redirect_uri=https%3A%2F%2Ftestserver%2Fauth%2Fcallback" in start.headers["location"]
    with TestClient(app, base_url=BASE_URL, client=("203.0.113.5", 40000)) as stranger:
        start = stranger.get("/login", headers={"X-Forwarded-Proto": "https"}, follow_redirects=False)
        assert "redirect_uri=http%3A%2F%2Ftestserver%2Fauth%2Fcallback" in start.headers["location"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "This site does not answer to that address"), ("zh_Hant_TW", "本網站不接受以這個網址連線")],
)
@pytest.mark.parametrize("path", ["/login", "/", "/no-such-page", "/account"])
def test_an_unknown_host_is_refused_in_both_languages(client: TestClient, path: str, lang: str, text: str) -> None:
    answer = client.get(f"{path}?lang={lang}", headers={"Host": "evil.example"}, follow_redirects=False)
    assert answer.status_code == 400
    assert text in answer.text
    assert "evil.example" not in answer.text
    assert "evil.example" not in answer.headers.get("location", "")


def test_an_unknown_host_cannot_post(client: TestClient) -> None:
    answer = client.post("/logout", headers={"Host": "evil.example"}, follow_redirects=False)
    assert answer.status_code == 400
    assert "location" not in answer.headers


def test_allowed_hosts_come_from_the_settings(make_client: MakeClient) -> None:
    client = make_client(allowed_hosts="civic.kcg.gov.tw, *.civic.kcg.gov.tw")
    assert client.get("/", headers={"Host": "civic.kcg.gov.tw"}).status_code == 200
    assert client.get("/", headers={"Host": "node-2.civic.kcg.gov.tw:8443"}).status_code == 200
    assert client.get("/", headers={"Host": "testserver"}).status_code == 400
    assert client.get("/", headers={"Host": "evil.civic.kcg.gov.tw.example"}).status_code == 400


@pytest.mark.parametrize(
    ("raw_path", "safe_path"),
    [
        ("//evil.example/x", "/evil.example/x"),
        ("///evil.example/x", "/evil.example/x"),
        ("/\\evil.example/x", "/%5Cevil.example/x"),
    ],
)
def test_language_links_are_local_paths(client: TestClient, raw_path: str, safe_path: str) -> None:
    page = client.get(f"{BASE_URL}{raw_path}?lang=en")
    assert page.status_code == 404
    assert f'<a href="{safe_path}?lang=zh_Hant_TW" lang="zh-Hant-TW"' in page.text
    assert 'href="//' not in page.text and 'href="/\\' not in page.text


def test_the_settings_read_lists_from_the_environment() -> None:
    settings = Settings.from_env(
        {"CIVIC_TRUSTED_PROXIES": "10.0.0.0/8, 2001:db8::1", "CIVIC_ALLOWED_HOSTS": "Civic.Example, "}
    )
    assert [str(network) for network in settings.trusted_proxy_networks()] == ["10.0.0.0/8", "2001:db8::1/128"]
    assert settings.allowed_host_names() == ("civic.example",)
    assert Settings().trusted_proxy_networks() == ()  # by default no proxy is trusted


def test_a_proxy_entry_that_is_no_address_stops_the_start(make_client: MakeClient) -> None:
    with pytest.raises(ValueError):
        make_client(trusted_proxies="proxy.internal")
