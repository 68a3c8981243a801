"""Review panels in a real browser: staff open a call and appoint its panel and screeners, a
resident (standing for an agency's staff) submits an entry, two screeners pass it and the chair
confirms the shortlist, the chair scores it as a member, the chair confirms the awards with the
vote, staff publish, and the public award list shows it. In English with JavaScript (htmx), in
Chinese without it (every form, the score form included, posts as plain HTML); axe-core on every
review page in the walk with JavaScript.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import NewPage
from tests.e2e.session import sign_in

SCORES = {"innovation": "27", "feasibility": "18", "impact": "27", "transferability": "9", "presentation": "9"}
WORDS = {
    "en": {"tier": "Outstanding", "total": "total 90", "confirmed": "The awards are confirmed"},
    "zh_Hant_TW": {"tier": "特優", "total": "總分90", "confirmed": "獎項已確認"},
}
WALKS = {"en-with-javascript": ("en", True), "zh-without-javascript": ("zh_Hant_TW", False)}


def person(new_page: NewPage, subject: str, lang: str, javascript: bool, next_path: str) -> Page:
    page = new_page(locale="en-US" if lang == "en" else "zh-TW", java_script_enabled=javascript, bypass_csp=True)
    sign_in(page, subject, next_path=next_path)
    return page


def check(page: Page, javascript: bool) -> None:
    if javascript:  # axe is a script: it runs in the walk with JavaScript
        assert_accessible(page)


@pytest.mark.parametrize(("lang", "javascript"), WALKS.values(), ids=WALKS.keys())
def test_call_to_published_awards(new_page: NewPage, lang: str, javascript: bool) -> None:
    words = WORDS[lang]
    slug = f"e2e-review-{'en' if lang == 'en' else 'zh'}-{'js' if javascript else 'nojs'}"
    title = f"公車到站提醒（{slug}）"
    today = date.today()

    # Staff open the call and appoint the panel's chair and two screeners.
    staff = person(new_page, "demo-staff", lang, javascript, f"/review/new?lang={lang}")
    check(staff, javascript)
    staff.locator("#field-slug").fill(slug)
    staff.locator("#field-title_zh").fill("瀏覽器測試創新提案")
    staff.locator("#field-title_en").fill("Browser test innovation proposals")
    staff.locator("#field-opens").fill((today - timedelta(days=1)).isoformat())
    staff.locator("#field-closes").fill((today + timedelta(days=30)).isoformat())
    staff.locator("form[action$='/review/new'] button[type=submit]").click()
    staff.wait_for_url(f"**/review/{slug}")
    check(staff, javascript)
    staff.goto(f"/review/{slug}/panel")
    check(staff, javascript)
    staff.locator("#field-account_id").select_option(label="黃建宏 (reviewer)")
    staff.locator("#field-name").fill("黃召集人")
    staff.locator("input[name=kind][value=external]").check()
    staff.locator("input[name=chair]").check()
    staff.locator("form[action$='/panel'] button[type=submit]").click()
    staff.wait_for_url(f"**/review/{slug}/panel")
    expect(staff.locator("main")).to_contain_text("黃召集人")
    for screener in ("陳志明 (staff)", "黃建宏 (reviewer)"):
        staff.locator("#field-screener").select_option(label=screener)
        staff.locator("form[action$='/screeners'] button[type=submit]").click()
        staff.wait_for_url(f"**/review/{slug}/panel")
    check(staff, javascript)

    # An entry is submitted within the window.
    entrant = person(new_page, "demo-resident", lang, javascript, f"/review/{slug}/submit")
    check(entrant, javascript)
    entrant.locator("#field-title").fill(title)
    entrant.locator("#field-agency").fill("交通局")
    entrant.locator("#field-summary").fill("公車到站前以簡訊提醒。")
    entrant.locator("#field-benefits").fill("減少候車時間。")
    entrant.locator("form[action$='/submit'] button[type=submit]").click()
    entrant.wait_for_url("**/review/mine")
    expect(entrant.locator("main")).to_contain_text(title)
    check(entrant, javascript)
    # Within the window the entrant adds a PDF to the entry from its edit page.
    entrant.locator(f"main a[href*='/review/{slug}/'][href$='/edit']").first.click()
    entrant.wait_for_url("**/edit")
    check(entrant, javascript)
    entrant.locator("#field-attachment").set_input_files(
        {"name": "annex.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"}
    )
    entrant.locator("form[action$='/attachments'] button[type=submit]").click()
    entrant.wait_for_url("**/edit")
    expect(entrant.locator("main")).to_contain_text("annex.pdf")
    check(entrant, javascript)

    # The first screen: both screeners pass it, the chair confirms the shortlist.
    staff.goto(f"/review/{slug}")
    staff.locator("button[name=action][value=start_screening]").click()
    staff.wait_for_url(f"**/review/{slug}")
    staff.goto(f"/review/{slug}/screening")
    check(staff, javascript)
    staff.locator("input[name=decision][value=pass]").check()
    staff.locator("form[action$='/screen'] button[type=submit]").click()
    staff.wait_for_url(f"**/review/{slug}/screening")
    chair = person(new_page, "demo-reviewer", lang, javascript, f"/review/{slug}/screening")
    chair.locator("input[name=decision][value=revise]").check()
    chair.locator("form[action$='/screen'] textarea[name=reason]").fill("請補充經費估算")
    chair.locator("form[action$='/screen'] button[type=submit]").click()
    chair.wait_for_url(f"**/review/{slug}/screening")
    check(chair, javascript)
    chair.locator("form[action$='/shortlist'] button[type=submit]").click()
    chair.wait_for_url(f"**/review/{slug}")
    staff.goto(f"/review/{slug}")
    staff.locator("button[name=action][value=open_round]").click()
    staff.wait_for_url(f"**/review/{slug}")

    # The chair, a member, scores the entry from the queue; the bands are on the form.
    chair.goto(f"/review/{slug}/queue")
    check(chair, javascript)
    chair.get_by_role("link", name=title).click()
    chair.wait_for_url("**/score")
    check(chair, javascript)
    expect(chair.locator("#bands-innovation")).to_be_visible()
    for code, value in SCORES.items():
        chair.locator(f"#field-score-{code}").fill(value)
    chair.locator("#field-comment").fill("作法具體，可推廣至其他機關。")
    chair.locator("#field-note").fill("建議秘書處追蹤經費")
    chair.locator("#score-form button[type=submit]").click()
    expect(chair.locator("main")).to_contain_text(words["total"])
    check(chair, javascript)

    # The round closes; the chair confirms the awards with the vote of those attending.
    staff.goto(f"/review/{slug}")
    staff.locator("button[name=action][value=close_round]").click()
    staff.wait_for_url(f"**/review/{slug}")
    chair.goto(f"/review/{slug}/chair")
    check(chair, javascript)
    chair.locator("#field-attending").fill("1")
    chair.locator("#field-in_favour").fill("1")
    chair.locator("#field-against").fill("0")
    chair.locator("form[action$='/awards'] button[type=submit]").click()
    chair.wait_for_url(f"**/review/{slug}/chair")
    expect(chair.locator("main")).to_contain_text(words["confirmed"])
    staff.goto(f"/review/{slug}")
    staff.locator("button[name=action][value=publish]").click()
    staff.wait_for_url(f"**/review/{slug}")

    # The public award list shows it, under its tier; the entrant reads the letter, no note in it.
    public = new_page(locale="en-US" if lang == "en" else "zh-TW", java_script_enabled=javascript, bypass_csp=True)
    public.goto(f"/review/{slug}/awards?lang={lang}")
    expect(public.locator("main")).to_contain_text(words["tier"])
    expect(public.locator("main")).to_contain_text(title)
    check(public, javascript)
    entrant.goto("/review/mine")
    entrant.locator(f"main a[href*='/review/{slug}/'][href$='/letter']").click()
    entrant.wait_for_url("**/letter")
    expect(entrant.locator("main")).to_contain_text("可推廣至其他機關")
    expect(entrant.locator("main")).not_to_contain_text("建議秘書處追蹤經費")
    check(entrant, javascript)
