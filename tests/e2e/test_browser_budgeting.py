"""Participatory budgeting, part 1, in a real browser: staff create a cycle, a resident proposes,
two others endorse past the threshold, staff assign the review, the reviewer answers feasible with
a cost, staff put it on the ballot. In English with JavaScript (htmx), in Chinese without it;
axe-core on every budgeting page in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import Civic, NewPage
from tests.e2e.session import sign_in

SPEC = """\
slug = "{slug}"
name_zh = "鹽埕參與式預算（瀏覽器測試）"
name_en = "Yancheng budgeting (browser test)"
rule = "top-per-area"

[ballot]
kind = "approval"
max_choices = 2

[endorsement]
threshold = 2
days = 30

[[areas]]
code = "pier2"
name_zh = "駁二"
name_en = "Pier-2"
districts = ["鹽埕區"]
budget = 2000000
"""
WORDS = {
    "en": {"waiting": "Waiting for feasibility review", "under": "Under review", "ballot": "On the ballot",
           "feasible": "Feasible: the agency estimates NT$480,000 and 90 days.", "count": "2 endorsements"},
    "zh_Hant_TW": {"waiting": "等待可行性評估", "under": "審查中", "ballot": "列入選票",
                   "feasible": "可行：機關估計經費 新臺幣480,000元、工期 90 天。", "count": "2 人附議"},
}  # fmt: skip
WALKS = {"en-with-javascript": ("en", True), "zh-without-javascript": ("zh_Hant_TW", False)}


def person(new_page: NewPage, subject: str, lang: str, javascript: bool, next_path: str) -> Page:
    page = new_page(locale="en-US" if lang == "en" else "zh-TW", java_script_enabled=javascript, bypass_csp=True)
    sign_in(page, subject, next_path=next_path)
    return page


def check(page: Page, javascript: bool) -> None:
    if javascript:  # axe is a script: it runs in the walk with JavaScript
        assert_accessible(page)


@pytest.mark.parametrize(("lang", "javascript"), WALKS.values(), ids=WALKS.keys())
def test_part_one_walk(new_page: NewPage, lang: str, javascript: bool) -> None:
    words = WORDS[lang]
    slug = f"e2e-{'en' if lang == 'en' else 'zh'}-{'js' if javascript else 'nojs'}"

    # Staff create the cycle from its settings.
    staff = person(new_page, "demo-staff", lang, javascript, f"/budgeting/new?lang={lang}")
    check(staff, javascript)
    staff.locator("#field-spec").fill(SPEC.format(slug=slug))
    staff.locator("form[action$='/budgeting/new'] button[type=submit]").click()
    staff.wait_for_url(f"**/budgeting/{slug}")
    expect(staff.get_by_test_id("rule")).to_contain_text("top-per-area")
    check(staff, javascript)

    # A resident proposes; a second resident typing something close is shown it.
    resident = person(new_page, "demo-resident", lang, javascript, f"/budgeting/{slug}/propose")
    check(resident, javascript)
    resident.locator("#field-title").fill("駁二倉庫前的遮陽棚")
    resident.locator("#field-description").fill("夏天排隊參觀時需要遮陽，也能擋雨。")
    resident.locator("#field-place").fill("大勇路")
    resident.locator("#field-category").select_option("public_works")
    resident.locator("#field-cost").fill("450000")
    resident.locator("#proposal-form button[value=submit]").click()
    resident.wait_for_url(re.compile(r"/budgeting/proposals/[0-9a-f-]{36}$"))
    proposal = "/budgeting/proposals/" + resident.url.rsplit("/", 1)[1]
    expect(resident.locator("h1")).to_have_text("駁二倉庫前的遮陽棚")
    check(resident, javascript)

    bob = person(new_page, f"{slug}-bob", lang, javascript, f"/budgeting/{slug}/propose")
    if javascript:
        bob.locator("#field-title").press_sequentially("倉庫前遮陽", delay=30)  # htmx, while typing
    else:
        bob.locator("#field-title").fill("倉庫前遮陽")
        bob.locator("#proposal-form button[value=check]").click()
    expect(bob.get_by_test_id("similar")).to_contain_text("駁二倉庫前的遮陽棚")

    # Two residents endorse: the threshold (2 within 30 days) sends it to review.
    bob.goto(proposal)
    bob.locator("#endorsement button[type=submit]").click()
    expect(bob.get_by_test_id("endorsements")).to_have_text(re.compile(r"^\s*1(?!\d)"))  # the count, not "…30 days"
    carol = person(new_page, f"{slug}-carol", lang, javascript, proposal)
    carol.locator("#endorsement button[type=submit]").click()
    expect(carol.get_by_test_id("endorsements")).to_contain_text(words["count"])
    carol.goto(proposal)
    expect(carol.get_by_test_id("status")).to_have_text(words["waiting"])
    check(carol, javascript)

    # Staff assign the review to an agency whose reviewer is demo-reviewer (the demo's agencies).
    staff.goto(proposal)
    staff.locator("#assign-agency").select_option("public-works")
    staff.locator("form[action$='/assign'] button").click()
    expect(staff.get_by_test_id("status")).to_have_text(words["under"])
    check(staff, javascript)

    reviewer = person(new_page, "demo-reviewer", lang, javascript, proposal)
    reviewer.locator("#answer-cost").fill("480000")
    reviewer.locator("#answer-days").fill("90")
    reviewer.locator("form[action$='/answer'] button").click()
    expect(reviewer.get_by_test_id("review")).to_have_text(words["feasible"])
    check(reviewer, javascript)

    staff.goto(proposal)
    staff.locator("form[action$='/ballot'] button").click()
    expect(staff.get_by_test_id("status")).to_have_text(words["ballot"])

    # The author sees the answer on "my proposals".
    resident.goto("/budgeting/mine/proposals")
    expect(resident.locator("main")).to_contain_text("480,000")
    check(resident, javascript)


DEMO = "/budgeting/kaohsiung-2027"
PUBLIC = {
    "cycles": "/budgeting/",
    "cycle": DEMO,
    "proposals": f"{DEMO}/proposals",
    "proposals-filtered": f"{DEMO}/proposals?area=pier2&status=on_ballot&sort=cost",
}
STAFF_PAGES = {"new": "/budgeting/new", "agencies": "/budgeting/agencies", "review": f"{DEMO}/review",
               "mine": "/budgeting/mine/proposals", "endorsements": "/budgeting/mine/endorsements"}  # fmt: skip
LANGUAGES = ("zh_Hant_TW", "en")


@pytest.fixture(scope="module")
def staff_context(browser: Browser, civic: Civic) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=civic.url, locale="zh-TW", bypass_csp=True)
    page = context.new_page()
    sign_in(page, "demo-admin")
    page.close()
    yield context
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_budgeting_page_is_accessible(staff_context: BrowserContext, new_page: NewPage, lang: str) -> None:
    visitor = new_page(locale="zh-TW", bypass_csp=True)
    for path in PUBLIC.values():
        visitor.goto(f"{path}{'&' if '?' in path else '?'}lang={lang}")
        assert_accessible(visitor)
    visitor.goto(f"{DEMO}/proposals?lang={lang}")
    links = visitor.locator("#results a[href*='/budgeting/proposals/']")
    proposal_paths = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(proposal_paths) >= 5
    page = staff_context.new_page()
    try:
        for path in [*STAFF_PAGES.values(), *proposal_paths[:3]]:
            page.goto(f"{path}?lang={lang}")
            assert_accessible(page)
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW" if lang == "zh_Hant_TW" else "en")
    finally:
        page.close()
    for path in proposal_paths[:2]:
        visitor.goto(f"{path}?lang={lang}")
        assert_accessible(visitor)
    if lang == "en":
        visitor.goto(f"{DEMO}?lang=en")
        expect(visitor.locator("main")).to_contain_text("Gushan District")  # |place: the glossary's English
        visitor.screenshot(path="/tmp/civic-budgeting-cycle-en.png", full_page=True)
    else:
        visitor.goto(f"{DEMO}?lang=zh_Hant_TW")
        expect(visitor.locator("main")).to_contain_text("民國")
        visitor.screenshot(path="/tmp/civic-budgeting-cycle-zh.png", full_page=True)
