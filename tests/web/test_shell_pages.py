"""The shell's pages as a visitor sees them: layout, skip link, navigation by role, the account page."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from civic.app import create_app
from civic.services import build_services
from civic.settings import Settings
from tests.fixtures import SignIn

ISSUER = "http://127.0.0.1:8765"

ZH_TITLE = "高雄市民參與平臺"
EN_TITLE = "Kaohsiung civic platform"


def test_home_is_in_traditional_chinese_by_default(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="zh-Hant-TW">' in page.text
    assert ZH_TITLE in page.text
    assert EN_TITLE not in page.text
    assert page.headers["content-language"] == "zh-Hant-TW"
    assert "登入參與" in page.text  # "Sign in to take part" for a visitor


def test_layout_starts_with_a_skip_link_to_main(client: TestClient) -> None:
    page = client.get("/").text
    body = page.split("<body>", 1)[1]
    first_link = re.search(r"<a [^>]*>", body)
    assert first_link and 'class="skip-link"' in first_link.group(0) and 'href="#main"' in first_link.group(0)
    assert '<main id="main"' in page
    assert "跳到主要內容" in page


def test_language_switch_offers_both_languages_in_their_own_language(client: TestClient) -> None:
    page = client.get("/account?lang=en", follow_redirects=False).text
    assert '<a href="/account?lang=zh_Hant_TW" lang="zh-Hant-TW"' in page
    assert '<a href="/account?lang=en" lang="en"' in page
    assert re.search(r'lang="en"\s+aria-current="true">English</a>', page)


def test_layout_loads_only_local_scripts_and_styles(client: TestClient) -> None:
    page = client.get("/").text
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ['<script src="/static/htmx-2.0.11.min.js" defer>']
    assert "<style" not in page and " style=" not in page  # the CSP forbids inline styles too
    assert client.get("/static/htmx-2.0.11.min.js").status_code == 200
    assert client.get("/static/civic.css").headers["content-type"].startswith("text/css")


def test_visitor_sees_only_public_navigation(client: TestClient) -> None:
    page = client.get("/?lang=en").text
    nav = _main_nav(page)
    assert re.findall(r">([^<]+)</a>", nav) == [
        "Home",
        "Place names",
        "Participatory budgeting",
        "Review panels and awards",
    ]
    assert 'href="/" aria-current="page"' in nav
    assert "/login?next=/" in page  # the header's sign-in link comes back here


def test_resident_sees_no_administration(client: TestClient, sign_in: SignIn) -> None:
    sign_in(client, "demo-resident")
    page = client.get("/?lang=en").text
    assert re.findall(r">([^<]+)</a>", _main_nav(page)) == [
        "Home", "Place names", "Participatory budgeting", "My budget proposals", "Review panels and awards",
        "My review entries",
    ]  # fmt: skip
    assert "張淑芬 (resident)" in page  # the header names who is signed in
    assert "Sign out" in page


def test_admin_sees_administration_with_the_current_page_marked(admin_client: TestClient) -> None:
    page = admin_client.get("/admin/audit?lang=en").text
    nav = _main_nav(page)
    assert re.findall(r">([^<]+)</a>", nav) == [
        "Home", "Place names", "Participatory budgeting", "My budget proposals", "Review panels and awards",
        "My review entries", "Accounts", "Audit log",
    ]  # fmt: skip
    assert 'href="/admin/audit/" aria-current="page"' in nav
    zh_nav = _main_nav(admin_client.get("/?lang=zh_Hant_TW").text)
    assert re.findall(r">([^<]+)</a>", zh_nav) == [
        "首頁", "地名譯名", "參與式預算", "我的預算提案", "評審與獎項", "我的評審提案", "帳號管理", "稽核紀錄",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh_Hant_TW", ["我的帳號", "林雅婷 (admin)", "系統管理員", "市民", "登出"]),
        ("en", ["Your account", "林雅婷 (admin)", "Administrator", "Resident", "Sign out"]),
    ],
)
def test_account_page_shows_name_and_roles(admin_client: TestClient, lang: str, expected: list[str]) -> None:
    page = admin_client.get(f"/account?lang={lang}")
    assert page.status_code == 200
    for text in expected:
        assert text in page.text
    roles = re.search(r'data-testid="account-roles">(.*?)</ul>', page.text, re.S)
    assert roles is not None
    assert len(re.findall(r"<li>", roles.group(1))) == 2  # admin + resident


def test_account_page_dates_follow_the_language(admin_client: TestClient) -> None:
    zh = admin_client.get("/account?lang=zh_Hant_TW").text
    en = admin_client.get("/account?lang=en").text
    assert re.search(r"<dd>民國\d+年\d+月\d+日</dd>", zh)
    assert re.search(r"<dd>[A-Z][a-z]+ \d+, \d{4}</dd>", en)


def test_names_from_the_provider_are_escaped(client: TestClient, sign_in: SignIn) -> None:
    # A subject the provider does not know signs in with no name claim: civic shows the subject.
    sign_in(client, "<b>mallory</b>")
    page = client.get("/account").text
    assert "&lt;b&gt;mallory&lt;/b&gt;" in page
    assert "<b>mallory</b>" not in page


def test_health_reports_log_and_read_model_positions(admin_client: TestClient) -> None:
    admin_client.app.state.services.catch_up()  # type: ignore[attr-defined]
    answer = admin_client.get("/healthz")
    health = answer.json()
    assert answer.status_code == 200 and health["status"] == "ok"
    assert health["log"] >= 2  # registered + granted admin
    assert {"accounts", "glossary", "budgeting", "review", "audit", "ballots", "bindings"} <= set(health["views"])
    assert health["logs"]["main"] == health["log"] and health["views"]["ballots"]["source"] == "ballots"
    for view in health["views"].values():
        assert view["state"] == "ready"
        assert view["position"] == health["logs"][view["source"]] and view["behind"] == 0


def _main_nav(page: str) -> str:
    match = re.search(r'<nav class="main-nav"[^>]*>(.*?)</nav>', page, re.S)
    assert match, "the layout has a main navigation"
    return match.group(1)


def test_health_checks_that_arrive_together_each_see_the_log_as_it_was_when_they_arrived(tmp_path: Path) -> None:
    """Checks share readings of the log's head, but never one made before they arrived."""
    settings = Settings(data_dir=tmp_path, rate_limit_per_minute=0)
    services = build_services(settings)
    app = create_app(settings, services)

    async def run() -> list[tuple[int, httpx.Response]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            checks = []
            for n in range(30):
                position = services.accounts.sign_in(ISSUER, f"person-{n}", f"Person {n}").position
                checks.append((position, asyncio.ensure_future(client.get("/healthz"))))
                for _ in range(n % 4):  # let the readings already asked for start, some of the time
                    await asyncio.sleep(0)
            return [(position, await check) for position, check in checks]

    try:
        answers = asyncio.run(run())
    finally:
        services.close()
    for position, answer in answers:
        assert answer.headers["cache-control"] == "no-store"
        health = answer.json()
        assert health["log"] >= position > 0 and health["logs"]["main"] == health["log"]
        assert set(health["views"]) >= {"accounts", "glossary", "budgeting"}
        assert answer.status_code == (200 if health["status"] == "ok" else 503)
