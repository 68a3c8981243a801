"""The glossary in a real browser: a translator proposes, a review meeting approves, and the
approved English shows on the public list, on the term's page and wherever the place appears.

Also: search as you type (htmx) and without JavaScript, the proposal form without JavaScript
(post/redirect/get), axe-core on every glossary page in both languages, no CSP violation, and
screenshots for a person to look at (/tmp/civic-glossary-*.png).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from domain.glossary.names import term_id_for
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import Civic, NewPage
from tests.e2e.session import sign_in, sign_out

WEIWUYING = "衛武營國家藝術文化中心"
WEIWUYING_EN = "National Kaohsiung Center for the Arts (Weiwuying)"
WEIWUYING_ID = term_id_for(WEIWUYING, "landmark", "鳳山區")
LAKE_ID = term_id_for("澄清湖", "landmark", "鳥松區")  # in none of the demo lists
YIDE_RD_ID = term_id_for("一德路", "road", "前鎮區")  # a road in 前鎮區
LANGUAGES = ("zh_Hant_TW", "en")


def _propose(page: Page, zh: str, en: str, category: str, district: str = "") -> None:
    """Types a proposal the way a translator does; the suggestions come while typing."""
    page.get_by_label("Chinese name").press_sequentially(zh, delay=20)
    page.get_by_label("English name").fill(en)
    page.get_by_label("Category", exact=True).select_option(category)
    page.get_by_label("District", exact=True).select_option(district)


def test_a_translator_proposes_a_meeting_approves_and_the_approved_english_shows(new_page: NewPage) -> None:
    """The issue's acceptance story, start to end, with JavaScript (htmx) as most people have it."""
    page = new_page(locale="en-US")

    # The district list is complete: an English page shows 前鎮區 as the city approved it.
    page.goto(f"/glossary/terms/{YIDE_RD_ID}")
    expect(page.locator(".facts .place")).to_have_text("Cianjhen District")
    expect(page.locator(".facts .place")).not_to_have_class(re.compile("unofficial"))

    # A translator proposes two names, seeing the suggestions appear as they type.
    sign_in(page, "demo-translator", next_path="/glossary/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Propose a name").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose an English place name")
    page.get_by_label("Chinese name").press_sequentially("衛武營", delay=30)
    expect(page.get_by_test_id("hanyu")).to_have_text("Weiwuying")  # htmx, while typing
    page.get_by_label("Chinese name").press_sequentially("國家藝術文化中心", delay=20)
    expect(page.get_by_test_id("hanyu")).to_have_text("Weiwuying National Arts and Culture Center")
    expect(page.get_by_test_id("tongyong")).to_have_text("Weiwuying National Arts and Culture Center")
    page.get_by_label("English name").fill(WEIWUYING_EN)
    page.get_by_label("Category", exact=True).select_option("landmark")
    page.get_by_label("District", exact=True).select_option("鳳山區")
    page.get_by_role("button", name="Propose", exact=True).click()
    page.wait_for_url(f"**/glossary/terms/{WEIWUYING_ID}")  # htmx: 204 + HX-Redirect
    expect(page.get_by_role("heading", level=1)).to_have_text(WEIWUYING)  # no approved English yet
    expect(page.locator(".status-badge")).to_have_text("Proposed")
    expect(page.get_by_text(f"Proposed English: {WEIWUYING_EN}")).to_be_visible()

    page.goto("/glossary/propose")
    _propose(page, "澄清湖", "Chengcing Lake", "landmark", "鳥松區")
    page.get_by_role("button", name="Propose", exact=True).click()
    page.wait_for_url(f"**/glossary/terms/{LAKE_ID}")
    sign_out(page)

    # Staff convene a review meeting, put both on the agenda and approve them.
    sign_in(page, "demo-staff", next_path="/glossary/meetings")
    page.get_by_label("Date").fill("2026-12-01")
    page.get_by_label("Title").fill("英語友善環境審查會議 第2次 (e2e)")
    page.get_by_label("Members").fill("林委員\n陳委員")
    page.get_by_role("button", name="Convene").click()
    page.wait_for_url(re.compile(r"/glossary/meetings/[0-9a-f-]{36}$"))
    meeting_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("英語友善環境審查會議 第2次 (e2e)")
    for zh, en in ((WEIWUYING, WEIWUYING_EN), ("澄清湖", "Chengcing Lake")):
        page.get_by_label("Put a proposal on the agenda").select_option(label=f"{zh} → {en}")
        page.get_by_role("button", name="Add to agenda").click()
        expect(page.locator("#minutes li").filter(has_text=zh)).to_contain_text(f"proposed: {en}")
    for zh in (WEIWUYING, "澄清湖"):
        page.locator("#minutes li").filter(has_text=zh).get_by_role("button", name="Approve", exact=True).click()
        page.get_by_test_id("confirm").get_by_role("button", name="Confirm the approval").click()  # the warnings seen
        expect(page.locator("#minutes tbody tr").filter(has_text=zh)).to_contain_text("Approved")
    expect(page.get_by_text("Nothing waits on this agenda.")).to_be_visible()
    assert page.url == meeting_url  # decided in place, through htmx
    sign_out(page)

    # A visitor finds it on the public list, searching as they type.
    page.goto("/glossary/")
    page.get_by_label("Search in Chinese, English or pinyin").press_sequentially("weiwuying", delay=20)
    row = page.locator("#results tbody tr").filter(has_text=WEIWUYING)
    expect(row).to_contain_text(WEIWUYING_EN)
    expect(row).to_contain_text("Fongshan District")  # its district, through the place filter
    row.get_by_role("link", name=WEIWUYING).click()

    # The term page: the approved English, its history, and the meeting that approved it.
    page.wait_for_url(f"**/glossary/terms/{WEIWUYING_ID}")
    expect(page.locator(".status-badge")).to_have_text("Approved")
    facts = page.locator(".facts")
    expect(facts).to_contain_text(WEIWUYING_EN)
    expect(facts).to_contain_text("Fongshan District")
    expect(facts.get_by_role("link", name="英語友善環境審查會議 第2次 (e2e)")).to_be_visible()
    history = page.locator(".history > li")
    expect(history).to_have_count(3)
    expect(history.nth(0)).to_contain_text("Proposed")
    expect(history.nth(1)).to_contain_text("Put on a meeting's agenda")
    expect(history.nth(2)).to_contain_text("Approved · ")
    expect(history.nth(2)).to_contain_text("英語友善環境審查會議 第2次 (e2e), decision 1")
    history.nth(2).get_by_role("link").click()
    expect(page.locator("#minutes tbody tr").first).to_contain_text(WEIWUYING_EN)

    # The second name is approved too, and districts show in English in the list.
    page.goto(f"/glossary/terms/{LAKE_ID}")
    expect(page.locator(".status-badge")).to_have_text("Approved")
    expect(page.locator(".facts")).to_contain_text("Chengcing Lake")
    page.goto("/glossary/?district=前鎮區&q=一德路")
    expect(page.locator("#results tbody tr").first.locator("td").nth(2)).to_have_text("Cianjhen District")

    # and in Chinese, the Chinese.
    page.goto(f"/glossary/terms/{WEIWUYING_ID}?lang=zh_Hant_TW")
    expect(page.locator(".status-badge")).to_have_text("已核定")
    expect(page.locator(".facts")).to_contain_text(WEIWUYING_EN)
    expect(page.locator(".facts")).to_contain_text("鳳山區")


def test_search_as_you_type_updates_the_results_in_place(new_page: NewPage) -> None:
    page = new_page(locale="en-US")
    page.goto("/glossary/")
    page.evaluate("() => { window.sameDocument = true }")  # gone if the browser navigated
    expect(page.locator("#results tbody tr")).to_have_count(50)
    page.get_by_label("Search in Chinese, English or pinyin").press_sequentially("feng shan", delay=30)
    expect(page.locator("#results tbody tr").first).to_contain_text("Fongshan")
    expect(page.locator("#results tbody tr").filter(has_text="鳳山區").first).to_contain_text("Fongshan District")
    page.get_by_label("Category", exact=True).select_option("district")  # filters apply at once too
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results tbody tr")).to_contain_text("Fongshan District")
    assert page.evaluate("() => window.sameDocument === true"), "the page was reloaded instead of swapped"
    query = parse_qs(urlsplit(page.url).query)  # hx-push-url: the address can be shared
    assert query["q"] == ["feng shan"] and query["category"] == ["district"]

    page.get_by_label("Search in Chinese, English or pinyin").fill("fongshn distrct")  # typos
    expect(page.locator("#results tbody tr")).to_contain_text("Fongshan District")
    page.get_by_label("Search in Chinese, English or pinyin").fill("xyzzyplugh")
    expect(page.locator("#results")).to_contain_text("No approved place name matches.")


def test_search_works_without_javascript(new_page: NewPage) -> None:
    page = new_page(locale="zh-TW", java_script_enabled=False)
    page.goto("/glossary/")
    page.get_by_label("以中文、英文或拼音搜尋").fill("前金")
    with page.expect_navigation():
        page.get_by_role("button", name="搜尋").click()
    assert parse_qs(urlsplit(page.url).query)["q"] == ["前金"]
    expect(page.get_by_label("以中文、英文或拼音搜尋")).to_have_value("前金")
    expect(page.locator("#results tbody tr").filter(has_text="前金區").first).to_contain_text("Cianjin District")
    page.get_by_label("類別", exact=True).select_option("district")
    with page.expect_navigation():
        page.get_by_label("以中文、英文或拼音搜尋").press("Enter")
    expect(page.locator("#results tbody tr")).to_have_count(1)


def test_the_proposal_form_works_without_javascript(new_page: NewPage) -> None:
    page = new_page(locale="en-US", java_script_enabled=False)
    sign_in(page, "demo-translator", next_path="/glossary/propose")
    _propose(page, "前金區", "Qianjin District", "road", "前金區")  # a check first: warnings, nothing recorded
    with page.expect_navigation() as checked:
        page.get_by_role("button", name="Check without proposing").click()
    assert checked.value is not None and checked.value.request.method == "POST"
    expect(page.get_by_test_id("hanyu")).to_have_text("Qianjin District")
    expect(page.get_by_test_id("warnings")).to_contain_text("前金區 already has approved English: Cianjin District.")
    expect(page.get_by_label("English name")).to_have_value("Qianjin District")

    page.get_by_label("Chinese name").fill("城市光廊")
    page.get_by_label("English name").fill("Urban Spotlight Arcade")
    page.get_by_label("Category", exact=True).select_option("landmark")
    page.get_by_label("District", exact=True).select_option("苓雅區")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Propose", exact=True).click()
    assert navigation.value is not None and navigation.value.request.method == "GET"  # after the 303
    redirected_from = navigation.value.request.redirected_from
    assert redirected_from is not None and redirected_from.method == "POST"
    assert urlsplit(page.url).path == f"/glossary/terms/{term_id_for('城市光廊', 'landmark', '苓雅區')}"
    expect(page.locator(".status-badge")).to_have_text("Proposed")
    expect(page.locator(".facts")).to_contain_text("Lingya District")


# --- accessibility, CSP, screenshots ---------------------------------------------------------------


@pytest.fixture(scope="module")
def staff_axe_context(browser: Browser, civic: Civic) -> Iterator[BrowserContext]:
    """demo-staff (who may also propose) for the module, in a context that lets axe be injected."""
    context = browser.new_context(base_url=civic.url, locale="zh-TW", bypass_csp=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, "demo-staff")
    page.close()
    yield context
    context.close()


@pytest.fixture(scope="module")
def open_meeting(staff_axe_context: BrowserContext) -> str:
    """A review meeting with a decision in its minutes and an item waiting for the next one.

    The demo's deferred 蓮池潭 goes on the agenda, is deferred again, and goes back on it.
    """
    page = staff_axe_context.new_page()
    try:
        page.goto("/glossary/meetings?lang=en")
        page.get_by_label("Date").fill("2026-12-15")
        page.get_by_label("Title").fill("英語友善環境審查會議 第3次 (axe)")
        page.get_by_label("Members").fill("黃委員")
        page.get_by_role("button", name="Convene").click()
        page.wait_for_url(re.compile(r"/glossary/meetings/[0-9a-f-]{36}$"))
        for decided in (False, True):
            page.get_by_label("Put a proposal on the agenda").select_option(label="蓮池潭 → Lotus Pond")
            page.get_by_role("button", name="Add to agenda").click()
            item = page.locator("#minutes li").filter(has_text="蓮池潭")
            expect(item).to_contain_text("proposed: Lotus Pond")
            if not decided:
                item.get_by_role("button", name="Defer").click()
                expect(page.locator("#minutes tbody tr")).to_contain_text(["Deferred"])
        return urlsplit(page.url).path
    finally:
        page.close()


def _show_warnings(page: Page) -> None:
    """The proposal form as a translator sees it with suggestions and warnings (typed, via htmx)."""
    page.locator("#field-zh").press_sequentially("前金區", delay=20)
    page.locator("#field-en").fill("Qianjin District")
    expect(page.get_by_test_id("warnings").get_by_role("listitem")).to_have_count(2)


def _show_rejected_rows(page: Page) -> None:
    """The import's check with a rejected row; the file's other row is approved already."""
    page.locator("#field-file").set_input_files(
        files=[
            {"name": "names.csv", "mimeType": "text/csv", "buffer": "zh,en\n鳳山區,Fongshan District\n壽山,\n".encode()}
        ]
    )
    page.locator('button[type="submit"]').last.click()
    expect(page.get_by_test_id("check-report")).to_be_visible()


GLOSSARY_PAGES = {
    "list": "/glossary/",
    "term": f"/glossary/terms/{term_id_for('駁二藝術特區', 'landmark', '鹽埕區')}",
    "propose": "/glossary/propose",
    "meetings": "/glossary/meetings",
    "minutes": "",  # the open meeting's: decisions, and decision forms for staff
    "import": "/glossary/import",
    "waiting": "/glossary/waiting",
    "mine": "/glossary/mine",
    "queue": "/glossary/queue",
}
AFTER_LOAD = {"propose": _show_warnings, "import": _show_rejected_rows}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", GLOSSARY_PAGES)
def test_glossary_page_is_accessible(
    staff_axe_context: BrowserContext, open_meeting: str, name: str, lang: str
) -> None:
    page = staff_axe_context.new_page()
    try:
        path = GLOSSARY_PAGES[name] or open_meeting
        response = page.goto(f"{path}?lang={lang}")
        assert response is not None and response.status == 200
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW" if lang == "zh_Hant_TW" else "en")
        page.wait_for_function("() => window.htmx !== undefined")
        if name in AFTER_LOAD:
            AFTER_LOAD[name](page)
        assert_accessible(page)
    finally:
        page.close()


def test_a_refused_proposal_is_accessible(staff_axe_context: BrowserContext) -> None:
    """The 422 form swapped in by htmx: errors next to the fields, announced as alerts."""
    page = staff_axe_context.new_page()
    try:
        page.goto("/glossary/propose?lang=en")
        page.locator("#field-zh").fill("Weiwuying")  # no Chinese characters
        page.locator("#field-en").fill("Weiwuying")
        page.get_by_role("button", name="Propose", exact=True).click()
        expect(page.locator("#error-zh")).to_have_text("Chinese name must contain Chinese characters.")
        expect(page.locator("#field-zh")).to_have_attribute("aria-invalid", "true")
        assert_accessible(page)
    finally:
        page.close()


def test_no_csp_violation_or_script_error_on_glossary_pages(new_page: NewPage, open_meeting: str) -> None:
    page = new_page(locale="zh-TW")  # enforces our CSP, unlike the axe context
    sign_in(page, "demo-staff")
    for lang in LANGUAGES:
        for path in GLOSSARY_PAGES.values():
            response = page.goto(f"{path or open_meeting}?lang={lang}")
            assert response is not None and response.status == 200, path
            page.wait_for_function("() => window.htmx !== undefined")  # htmx loaded under the CSP
    page.goto("/glossary/propose?lang=en")
    _show_warnings(page)  # an htmx swap under the CSP
    page.goto("/glossary/?lang=en")
    page.get_by_label("Search in Chinese, English or pinyin").fill("hamasen")
    expect(page.locator("#results tbody tr").first).to_contain_text("Hamasen")


TERM_PAGE = GLOSSARY_PAGES["term"]
SCREENSHOTS = {
    "/tmp/civic-glossary-list-zh.png": "/glossary/?lang=zh_Hant_TW",
    "/tmp/civic-glossary-list-en.png": "/glossary/?lang=en",
    "/tmp/civic-glossary-term-en.png": f"{TERM_PAGE}?lang=en",
    "/tmp/civic-glossary-term-zh.png": f"{TERM_PAGE}?lang=zh_Hant_TW",
}


def test_screenshots(new_page: NewPage, open_meeting: str) -> None:
    """Not an assertion of looks: pictures for a person to look at (/tmp/civic-glossary-*.png)."""
    page = new_page(locale="zh-TW", viewport={"width": 1280, "height": 800})
    sign_in(page, "demo-staff")
    shots = list(SCREENSHOTS)
    for target, path in SCREENSHOTS.items():
        page.goto(path)
        page.screenshot(path=target, full_page=True)
    for lang in LANGUAGES:
        page.goto(f"/glossary/propose?lang={lang}")
        _show_warnings(page)
        shots.append(f"/tmp/civic-glossary-propose-{lang[:2]}.png")
        page.screenshot(path=shots[-1], full_page=True)
    page.goto(f"{open_meeting}?lang=en")
    shots.append("/tmp/civic-glossary-minutes-en.png")
    page.screenshot(path=shots[-1], full_page=True)
    assert all(Path(target).stat().st_size > 0 for target in shots)
