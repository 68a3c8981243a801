"""The ballot's live meter in a real browser: with JavaScript the meter follows each box checked
(htmx, read out through aria-live), without it "Check my ballot" fills the meter on a new page;
axe-core finds nothing serious on the ballot page in either language."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import NewPage
from tests.e2e.session import sign_in

SPEC = """\
slug = "{slug}"
name_zh = "哈瑪星選票試填"
name_en = "Hamasen ballot trial"
rule = "greedy"

[ballot]
kind = "knapsack"
min_share = true

[[areas]]
code = "hamasen"
name_zh = "哈瑪星"
name_en = "Hamasen"
districts = ["鼓山區"]
budget = 3000000

[[areas.projects]]
code = "P1"
title_zh = "哈瑪星老街夜間照明"
title_en = "Night lighting for Hamasen's old streets"
cost = 1200000

[[areas.projects]]
code = "H2"
title_zh = "打狗驛故事館前遮陽棚"
title_en = "A sunshade at the Takao Railway Museum"
cost = 800000

[[areas.projects]]
code = "H3"
title_zh = "代天宮廣場共融遊具"
title_en = "An inclusive playground at Daitian Temple square"
cost = 1500000
"""
WORDS = {
    "en": {"over": "more than the budget of NT$3,000,000", "ok": "Your ballot keeps every rule of this cycle.",
           "spent": "NT$2,700,000 of NT$3,000,000"},
    "zh_Hant_TW": {"over": "超過預算新臺幣3,000,000元", "ok": "您的選票符合本週期的所有規則。",
                   "spent": "新臺幣2,700,000元／新臺幣3,000,000元"},
}  # fmt: skip


@pytest.fixture
def slug(new_page: NewPage) -> str:
    """The trial cycle, created by staff on the web the first time a test asks for it."""
    staff = new_page(locale="en-US")
    if staff.goto("/budgeting/meter-e2e").status == 404:  # type: ignore[union-attr]
        sign_in(staff, "demo-staff", next_path="/budgeting/new")
        staff.locator("#field-spec").fill(SPEC.format(slug="meter-e2e"))
        staff.locator("form[action$='/budgeting/new'] button[type=submit]").click()
        staff.wait_for_url("**/budgeting/meter-e2e")
    staff.close()
    return "meter-e2e"


@pytest.mark.parametrize("lang", ["en", "zh_Hant_TW"])
def test_the_meter_follows_each_choice_with_javascript(new_page: NewPage, slug: str, lang: str) -> None:
    page = new_page(locale="en-US" if lang == "en" else "zh-TW", bypass_csp=True)  # axe is a script
    page.goto(f"/budgeting/{slug}/ballot/meter?area=hamasen&lang={lang}")
    assert_accessible(page)
    meter = page.get_by_test_id("ballot-meter")
    for code in ("P1", "H2", "H3"):
        page.locator(f"#choice-{code}").check()
    expect(meter).to_contain_text(WORDS[lang]["over"])  # swapped in by htmx, no page load
    page.locator("#choice-H2").uncheck()
    expect(meter).to_contain_text(WORDS[lang]["ok"])
    expect(meter).to_contain_text(WORDS[lang]["spent"])
    assert page.url.endswith(f"area=hamasen&lang={lang}")  # still the page it started on
    assert_accessible(page)


def test_check_my_ballot_without_javascript(new_page: NewPage, slug: str) -> None:
    page = new_page(locale="zh-TW", java_script_enabled=False)
    page.goto(f"/budgeting/{slug}/ballot/meter?area=hamasen&lang=zh_Hant_TW")
    page.locator("#choice-P1").check()
    page.locator("#choice-H3").check()
    expect(page.get_by_test_id("ballot-meter")).not_to_contain_text(WORDS["zh_Hant_TW"]["ok"])  # no script, no swap
    page.get_by_role("button", name="檢查我的選票").click()
    expect(page.get_by_test_id("ballot-meter")).to_contain_text(WORDS["zh_Hant_TW"]["ok"])
    expect(page.locator("#choice-P1")).to_be_checked()
    expect(page.locator("#choice-H2")).not_to_be_checked()
