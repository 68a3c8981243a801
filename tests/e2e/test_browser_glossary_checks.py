"""Issue 10, part B in a real browser: a translator proposing a duplicate sees the existing term
and follows its link, in both languages; staff check a file, then confirm its import, and watch
the import's progress and report; axe-core on each step; the import without JavaScript too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from domain.glossary.names import term_id_for
from tests.e2e.axe import assert_accessible
from tests.e2e.conftest import NewPage
from tests.e2e.session import sign_in

LOVE_RIVER = term_id_for("愛河", "river", "")  # approved by the demo's review meeting
TEXTS = {
    "en": {"zh": "Chinese name", "en": "English name", "heading": "Already in the glossary",
           "how": "the same Chinese name", "check": "Check the file", "file": "File (CSV, JSON or TBX)"},
    "zh-TW": {"zh": "中文名稱", "en": "英文名稱", "heading": "詞彙表中已有", "how": "相同的中文名稱",
              "check": "檢查檔案", "file": "檔案（CSV、JSON 或 TBX）"},
}  # fmt: skip


@pytest.mark.parametrize("locale", ["en", "zh-TW"])
def test_a_translator_proposing_a_duplicate_sees_the_existing_term(new_page: NewPage, locale: str) -> None:
    page = new_page(locale="en-US" if locale == "en" else locale, bypass_csp=True)  # axe is injected as a script
    words = TEXTS[locale]
    sign_in(page, "demo-translator", next_path="/glossary/propose")
    page.get_by_label(words["zh"]).press_sequentially("愛河", delay=30)
    page.get_by_label(words["en"]).press_sequentially("Love river", delay=20)
    duplicates = page.get_by_test_id("duplicates")
    expect(duplicates).to_contain_text("Love River")  # as approved, with its capital R
    expect(duplicates).to_contain_text(words["how"])
    expect(page.get_by_role("heading", name=words["heading"])).to_be_visible()
    assert_accessible(page)
    duplicates.get_by_role("link", name=re.compile("Love River")).click()
    page.wait_for_url(f"**/glossary/terms/{LOVE_RIVER}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("愛河")


def _check(page: Page, words: dict[str, str], park: tuple[str, str, str]) -> None:
    page.goto("/glossary/import")
    page.get_by_label(words["file"]).set_input_files(
        files=[{"name": "parks.csv", "mimeType": "text/csv",
                "buffer": f"zh,en,category,district\n{park[0]},{park[1]},park,前金區\n火星,Mars,spaceship,\n"
                          f"愛河,Love river,river,{park[2]}\n".encode()}]
    )  # fmt: skip
    page.get_by_role("button", name=words["check"]).click()
    expect(page.get_by_test_id("check-report")).to_be_visible()


@pytest.mark.parametrize(
    ("locale", "javascript", "park"),
    [
        ("en", True, ("中央公園", "Central Park", "鹽埕區")),
        ("zh-TW", True, ("衛武營都會公園", "Weiwuying Park", "鼓山區")),
        ("zh-TW", False, ("中都濕地公園", "Zhongdu Wetlands Park", "三民區")),
    ],
)
def test_staff_check_a_file_then_confirm_the_import(
    new_page: NewPage, locale: str, javascript: bool, park: tuple[str, str, str]
) -> None:
    page = new_page(locale="en-US" if locale == "en" else locale, bypass_csp=True, java_script_enabled=javascript)
    words = TEXTS[locale]
    sign_in(page, "demo-staff", next_path="/glossary/import")
    _check(page, words, park)
    report = page.get_by_test_id("check-report")
    page.screenshot(path=f"/tmp/civic-glossary-check-{locale}.png", full_page=True)  # for a person to look at
    expect(report).to_contain_text("spaceship")
    expect(report.locator(f'a[href$="/glossary/terms/{LOVE_RIVER}"]')).to_be_visible()  # the approved 愛河
    if javascript:  # axe runs as a script
        assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"(Import 2 new rows|匯入 2 列新資料)")).click()
    expect(page.get_by_test_id("import-progress").get_by_role("listitem").last).to_have_text(
        "Done." if locale == "en" else "完成。"
    )
    expect(page.get_by_test_id("import-summary")).to_have_text(
        "2 imported, 0 already approved, 1 rejected." if locale == "en" else "匯入 2 筆，0 筆已核定，1 筆退回。"
    )
    if javascript:
        assert_accessible(page)
    # Checked again, the file has nothing new: the import recorded what the check showed.
    _check(page, words, park)
    expect(page.get_by_test_id("check-report")).to_contain_text(
        "There is nothing new to import in this file." if locale == "en" else "這個檔案沒有可匯入的新資料。"
    )
