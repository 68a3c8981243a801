"""The glossary's workflow in a real browser, in both languages: a translator meets a duplicate
(the form shows the approved term) and proposes a new name, staff build an agenda from the review
queue, amend the English at the meeting, confirm it with its warnings in view, and the public page
shows the amended English. Every glossary page fits a 390 px phone without scrolling sideways, and
axe-core finds nothing serious on the new pages and steps.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from domain.glossary.names import term_id_for
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import Civic, NewPage
from tests.e2e.session import sign_in, sign_out

# One place per language, proposed in lowercase, amended at the meeting.
PLACES = {
    "zh_Hant_TW": ("高雄港旅運中心", "kaohsiung port cruise terminal", "Kaohsiung Port Cruise Terminal", "苓雅區"),
    "en": ("高雄展覽館", "kaohsiung exhibition center", "Kaohsiung Exhibition Center", "前鎮區"),
}
WORDS = {
    "zh_Hant_TW": {"propose": "提案", "approve": "核定", "confirm": "確認核定", "add": "將勾選的項目列入議程",
                   "convene": "召開", "approved": "修正英文後核定", "en_box": "要核定的英文（可在此修正）"},
    "en": {"propose": "Propose", "approve": "Approve", "confirm": "Confirm the approval",
           "add": "Add the selected items to the agenda", "convene": "Convene",
           "approved": "Approved with amended English", "en_box": "English to approve (amend it here)"},
}  # fmt: skip


@pytest.mark.parametrize("lang", list(PLACES))
def test_staff_build_an_agenda_from_the_queue_amend_and_approve(new_page: NewPage, lang: str) -> None:
    zh, proposed, amended, district = PLACES[lang]
    words = WORDS[lang]
    term_id = term_id_for(zh, "landmark", district)
    page = new_page(locale="zh-TW" if lang == "zh_Hant_TW" else "en-US")

    # A translator first types a name already approved: the form shows the existing term.
    sign_in(page, "demo-translator", next_path=f"/glossary/propose?lang={lang}")
    page.locator("#field-zh").press_sequentially("愛河", delay=30)
    page.locator("#field-en").press_sequentially("Love river", delay=20)
    expect(page.get_by_test_id("duplicates").get_by_role("link", name=re.compile("Love River"))).to_be_visible()

    # Then proposes the new name in lowercase and is told it is recorded.
    page.locator("#field-zh").fill(zh)
    page.locator("#field-en").fill(proposed)
    page.locator("#field-category").select_option("landmark")
    page.locator("#field-district").select_option(district)
    page.get_by_role("button", name=words["propose"], exact=True).click()
    page.wait_for_url(f"**/glossary/terms/{term_id}*")
    expect(page.get_by_test_id("flash")).to_be_visible()
    page.goto(f"/glossary/mine?lang={lang}")
    expect(page.locator("[data-testid=mine] tr").filter(has_text=zh).locator("[data-state]")).to_have_attribute(
        "data-state", "waiting"
    )
    sign_out(page)

    # Staff convene a meeting and build its agenda from the queue.
    sign_in(page, "demo-staff", next_path=f"/glossary/meetings?lang={lang}")
    title = f"英語友善環境審查會議 ({lang} e2e)"
    page.locator("#field-date").fill("2026-12-20")
    page.locator("#field-title").fill(title)
    page.locator("#field-members").fill("林委員")
    page.get_by_role("button", name=words["convene"]).click()
    page.wait_for_url(re.compile(r"/glossary/meetings/[0-9a-f-]{36}"))
    meeting_path = page.url.split("?")[0]
    page.goto(f"/glossary/queue?lang={lang}")
    page.locator(f'input[name="term_id"][value="{term_id}"]').check()
    page.locator("#field-meeting_id").select_option(meeting_path.rsplit("/", 1)[-1])
    page.get_by_role("button", name=words["add"]).click()
    page.wait_for_url(meeting_path + "*")
    expect(page.get_by_test_id("flash")).to_be_visible()

    # At the meeting the chair amends the English and presses Approve: the warnings of exactly that
    # English are shown, and the confirmation records it.
    item = page.locator(".agenda-item").filter(has_text=zh)
    item.get_by_label(words["en_box"]).fill(amended)
    item.get_by_role("button", name=words["approve"], exact=True).click()
    confirm = page.get_by_test_id("confirm")
    expect(confirm.get_by_test_id("confirm-en")).to_have_text(amended)
    confirm.get_by_role("button", name=words["confirm"]).click()
    expect(page.locator("#minutes tbody tr").filter(has_text=zh)).to_contain_text(words["approved"])
    expect(page.get_by_test_id("flash")).to_contain_text(amended)
    sign_out(page)

    # The public page shows the amended English.
    page.goto(f"/glossary/terms/{term_id}?lang={lang}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{zh} {amended}")
    page.goto(f"/glossary/waiting?lang={lang}")
    expect(page.locator("main")).not_to_contain_text(zh)


def test_the_decision_to_confirm_is_accessible(staff_context: BrowserContext) -> None:
    page = staff_context.new_page()
    try:
        page.goto("/glossary/propose?lang=en")  # staff may propose too
        page.locator("#field-zh").fill("旗津燈塔")
        page.locator("#field-en").fill("Cijin Lighthouse")
        page.locator("#field-category").select_option("landmark")
        page.locator("#field-district").select_option("旗津區")
        page.get_by_role("button", name="Propose", exact=True).click()
        page.wait_for_url("**/glossary/terms/*")
        page.goto("/glossary/meetings?lang=en")
        page.locator("#field-date").fill("2026-12-21")
        page.locator("#field-title").fill("英語友善環境審查會議 (confirm, axe)")
        page.locator("#field-members").fill("林委員")
        page.get_by_role("button", name="Convene").click()
        page.wait_for_url(re.compile(r"/glossary/meetings/[0-9a-f-]{36}"))
        page.get_by_label("Put a proposal on the agenda").select_option(label="旗津燈塔 → Cijin Lighthouse")
        page.get_by_role("button", name="Add to agenda").click()
        item = page.locator(".agenda-item").filter(has_text="旗津燈塔")
        item.get_by_label("English to approve (amend it here)").fill("cijin lighthouse")
        item.get_by_role("button", name="Approve", exact=True).click()
        expect(page.get_by_test_id("confirm-warnings").get_by_role("listitem")).not_to_have_count(0)
        assert_accessible(page)
        page.get_by_role("link", name="Cancel").click()  # nothing recorded: the item waits still
        expect(page.locator(".agenda-item").filter(has_text="旗津燈塔")).to_be_visible()
    finally:
        page.close()


@pytest.fixture(scope="module")
def staff_context(browser: Browser, civic: Civic) -> Iterator[BrowserContext]:
    """demo-staff on a 390 px phone, in a context that lets axe be injected."""
    context = browser.new_context(
        base_url=civic.url, locale="zh-TW", bypass_csp=True, viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, "demo-staff")
    page.close()
    yield context
    context.close()


def _a_meeting_with_decisions(page: Page) -> str:
    page.goto("/glossary/meetings?lang=en")
    link = page.locator("table a[href*='/glossary/meetings/']").first
    return str(link.get_attribute("href"))


GLOSSARY_PATHS = (
    "/glossary/",
    f"/glossary/terms/{term_id_for('駁二藝術特區', 'landmark', '鹽埕區')}",
    "/glossary/propose",
    "/glossary/meetings",
    "/glossary/import",
    "/glossary/waiting",
    "/glossary/mine",
    "/glossary/queue",
)


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_no_glossary_page_scrolls_sideways_on_a_phone(staff_context: BrowserContext, lang: str) -> None:
    page = staff_context.new_page()
    try:
        meeting = _a_meeting_with_decisions(page)
        initial_list = page.locator("[data-testid=initial-lists] a").first.get_attribute("href")
        for path in (*GLOSSARY_PATHS, meeting, str(initial_list)):
            response = page.goto(f"{path}?lang={lang}")
            assert response is not None and response.status == 200, path
            widths = page.evaluate(
                "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
            )
            assert widths[0] <= widths[1], f"{path} scrolls sideways at 390 px: {widths}"
        page.goto(f"{meeting}?lang={lang}")
        page.screenshot(path=f"/tmp/civic-glossary-meeting-390-{lang}.png", full_page=True)
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
@pytest.mark.parametrize("path", ["/glossary/waiting", "/glossary/mine", "/glossary/queue"])
def test_the_queues_are_accessible_on_a_phone(staff_context: BrowserContext, path: str, lang: str) -> None:
    page = staff_context.new_page()
    try:
        response = page.goto(f"{path}?lang={lang}")
        assert response is not None and response.status == 200
        assert_accessible(page)
    finally:
        page.close()
