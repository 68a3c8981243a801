"""The shell in a real browser: languages, the skip link, sign-in, the account page, sign-out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import NewPage
from tests.e2e.session import sign_in, sign_out


def test_home_is_in_chinese_and_lang_en_switches_to_english(page: Page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant-TW")
    expect(page.get_by_role("heading", level=1)).to_have_text("高雄市民參與平臺")
    expect(page).to_have_title(re.compile("高雄市民參與平臺"))

    page.goto("/?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kaohsiung civic platform")

    page.goto("/")  # the choice is remembered
    expect(page.get_by_role("heading", level=1)).to_have_text("Kaohsiung civic platform")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="中文").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("高雄市民參與平臺")


@pytest.mark.parametrize(
    ("locale", "heading"),
    [("zh-TW", "高雄市民參與平臺"), ("en-US", "Kaohsiung civic platform"), ("fr-FR", "高雄市民參與平臺")],
)
def test_browser_language_chooses_the_first_page(new_page: NewPage, locale: str, heading: str) -> None:
    page = new_page(locale=locale)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到主要內容")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # visible once focused
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_sign_in_through_the_provider_shows_name_and_roles(page: Page) -> None:
    sign_in(page, "demo-admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的帳號")
    expect(page.get_by_test_id("account-name")).to_have_text("林雅婷 (admin)")
    roles = page.get_by_test_id("account-roles").get_by_role("listitem")
    expect(roles).to_have_text(["系統管理員", "市民", "市府承辦人員"])
    expect(page.locator("header .session")).to_contain_text("林雅婷 (admin)")
    nav = page.get_by_role("navigation", name="主選單")
    expect(nav.get_by_role("link")).to_have_text(
        [
            "首頁",
            "地名譯名",
            "提出譯名",
            "我的提案",
            "待審清單",
            "地名審查會議",
            "匯入地名",
            "參與式預算",
            "我的預算提案",
            "審查機關",
            "評審與獎項",
            "我的評審提案",
            "帳號管理",
            "稽核紀錄",
        ]
    )

    page.goto("/account?lang=en")
    expect(page.get_by_test_id("account-roles").get_by_role("listitem")).to_have_text(
        ["Administrator", "Resident", "City staff"]
    )
    expect(page.locator("main")).to_contain_text(re.compile(r"Registered\s*[A-Z][a-z]+ \d{1,2}, \d{4}"))


def test_sign_in_by_typing_a_subject_registers_a_resident(page: Page) -> None:
    sign_in(page, "e2e-new-resident", next_path="/")
    page.goto("/account?lang=en")
    expect(page.get_by_test_id("account-name")).to_have_text("e2e-new-resident")
    expect(page.get_by_test_id("account-roles").get_by_role("listitem")).to_have_text(["Resident"])
    page.goto("/admin/accounts?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are not allowed to do that")


def test_sign_out_ends_the_session(page: Page) -> None:
    sign_in(page, "demo-staff")
    sign_out(page)
    expect(page.locator("header .session").get_by_role("link", name="登入")).to_be_visible()
    response = page.goto("/account")
    assert response is not None and response.status == 401
    expect(page.get_by_role("heading", level=1)).to_have_text("請先登入")


def test_not_found_page_is_bilingual(page: Page) -> None:
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("找不到這個頁面")
    page.goto("/no-such-page?lang=en")
    expect(page.get_by_role("alert")).to_contain_text("Page not found")
