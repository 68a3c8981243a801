"""Every page of the shell, in both languages: axe-core finds no serious or critical WCAG 2 A/AA
violation, and the browser reports no Content-Security-Policy violation or script error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.axe import assert_accessible, axe_violations
from tests.e2e.conftest import Civic, Console, NewPage
from tests.e2e.session import sign_in

PAGES = {
    "home": ("/", 200),
    "account": ("/account", 200),
    "admin-accounts": ("/admin/accounts", 200),
    "audit": ("/admin/audit/", 200),
    "not-found": ("/no-such-page", 404),
}
LANGUAGES = ("zh_Hant_TW", "en")
SCREENSHOTS = {
    "/tmp/civic-home-zh.png": ("/?lang=zh_Hant_TW", False),
    "/tmp/civic-account.png": ("/account?lang=zh_Hant_TW", True),
    "/tmp/civic-admin.png": ("/admin/accounts?lang=en", True),
    "/tmp/civic-admin-zh.png": ("/admin/accounts?lang=zh_Hant_TW", True),
    "/tmp/civic-audit.png": ("/admin/audit?lang=zh_Hant_TW", True),
    "/tmp/civic-404-en.png": ("/no-such-page?lang=en", True),
}


@pytest.fixture(scope="module")
def admin_axe_context(browser: Browser, civic: Civic) -> Iterator[BrowserContext]:
    """One signed-in admin for the whole module, in a context that lets axe be injected."""
    context = browser.new_context(base_url=civic.url, locale="zh-TW", bypass_csp=True)
    page = context.new_page()
    sign_in(page, "demo-admin")
    page.close()
    yield context
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_page_is_accessible(admin_axe_context: BrowserContext, name: str, lang: str) -> None:
    path, status = PAGES[name]
    page = admin_axe_context.new_page()
    try:
        response = page.goto(f"{path}?lang={lang}")
        assert response is not None and response.status == status
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW" if lang == "zh_Hant_TW" else "en")
        assert_accessible(page)
    finally:
        page.close()


def test_signed_out_home_is_accessible(axe_page: Page) -> None:
    axe_page.goto("/?lang=en")
    assert_accessible(axe_page)
    axe_page.goto("/account?lang=zh_Hant_TW")  # the 401 page, with its sign-in button
    assert_accessible(axe_page)


def test_error_fragment_swapped_in_by_htmx_is_accessible(axe_page: Page) -> None:
    sign_in(axe_page, "demo-admin", next_path="/admin/accounts")
    row = axe_page.locator("#accounts tbody tr").filter(has=axe_page.locator("small", has_text="demo-admin"))
    row.locator("select").select_option("admin")
    row.locator('button[value="revoke"]').click()
    expect(axe_page.locator("#accounts").get_by_role("alert")).to_be_visible()
    assert_accessible(axe_page)


def test_no_csp_violation_or_script_error_on_any_page(new_page: NewPage, console: Console) -> None:
    page = new_page(locale="zh-TW")  # enforces our CSP, unlike the axe contexts
    sign_in(page, "demo-admin")
    for lang in LANGUAGES:
        for path, status in PAGES.values():
            response = page.goto(f"{path}?lang={lang}")
            assert response is not None and response.status == status
            page.wait_for_function("() => window.htmx !== undefined")  # htmx loaded under the CSP
    assert not console.csp_violations()  # checked again, with every message, when the fixture ends


def test_screenshots(new_page: NewPage) -> None:
    """Not an assertion of looks: pictures for a person to look at (/tmp/civic-*.png)."""
    visitor = new_page(locale="zh-TW", viewport={"width": 1280, "height": 800})
    admin = new_page(locale="zh-TW", viewport={"width": 1280, "height": 800})
    sign_in(admin, "demo-admin")
    for target, (path, signed_in) in SCREENSHOTS.items():
        page = admin if signed_in else visitor
        page.goto(path)
        page.screenshot(path=target, full_page=True)
        assert Path(target).stat().st_size > 0
    narrow = new_page(locale="zh-TW", viewport={"width": 375, "height": 740})
    sign_in(narrow, "demo-admin", next_path="/admin/accounts")
    narrow.screenshot(path="/tmp/civic-admin-mobile.png", full_page=True)


def test_axe_helper_really_reports_violations(axe_page: Page) -> None:
    """Guards the guard: a page with known problems must fail the check."""
    axe_page.goto("/")
    axe_page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<img src="/static/none.png"><button></button></main></body></html>'
    )
    found = {violation["id"] for violation in axe_violations(axe_page)}
    assert {"image-alt", "button-name"} <= found
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(axe_page)


def test_console_listener_really_sees_csp_violations(new_page: NewPage, console: Console) -> None:
    """Guards the guard: an inline script is refused by our CSP, and the refusal is seen."""
    page = new_page()
    page.goto("/")
    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.inlineRan = true';
        document.body.appendChild(script);
    }""")
    page.wait_for_timeout(200)
    assert not page.evaluate("() => window.inlineRan === true")
    assert console.csp_violations(), console.messages
    console.messages.clear()  # seen on purpose: don't fail this test's teardown
