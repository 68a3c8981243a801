"""Role administration in a real browser: with JavaScript (htmx swaps the table) and without (PRG)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, Request, expect

from tests.e2e.conftest import NewPage
from tests.e2e.session import sign_in


def _row(page: Page, subject: str) -> Locator:
    return page.locator("#accounts tbody tr").filter(has=page.locator("small", has_text=subject))


def test_grant_a_role_with_javascript_swaps_the_table_in_place(page: Page) -> None:
    sign_in(page, "demo-admin", next_path="/admin/accounts")
    requests: list[Request] = []
    page.on("request", lambda request: requests.append(request) if request.method == "POST" else None)
    page.evaluate("() => { window.sameDocument = true }")  # gone if the browser navigated

    row = _row(page, "demo-reviewer")
    expect(row.get_by_role("listitem")).to_have_text(["市民", "審查委員"])
    row.get_by_label("角色").select_option("translator")
    row.get_by_role("button", name="授予").click()

    expect(_row(page, "demo-reviewer").get_by_role("listitem")).to_have_text(["市民", "審查委員", "翻譯人員"])
    assert page.evaluate("() => window.sameDocument === true"), "the page was reloaded instead of swapped"
    assert len(requests) == 1 and requests[0].headers.get("hx-request") == "true"
    assert page.url.endswith("/admin/accounts")

    page.goto("/admin/audit/")
    expect(page.locator("tbody tr").first).to_contain_text("授予角色（翻譯人員）")
    expect(page.locator("tbody tr").first).to_contain_text("黃建宏 (reviewer)")
    expect(page.locator("tbody tr").first).to_contain_text("林雅婷 (admin)")


def test_grant_and_revoke_without_javascript_post_redirect_get(new_page: NewPage) -> None:
    page = new_page(locale="en-US", java_script_enabled=False)
    sign_in(page, "demo-admin", next_path="/admin/accounts")
    row = _row(page, "demo-translator")
    expect(row.get_by_role("listitem")).to_have_text(["Resident", "Translator"])

    row.get_by_label("Role").select_option("reviewer")
    with page.expect_navigation() as navigation:
        row.get_by_role("button", name="Grant").click()
    assert navigation.value is not None and navigation.value.request.method == "GET"  # after the 303
    redirected_from = navigation.value.request.redirected_from
    assert redirected_from is not None and redirected_from.method == "POST"
    assert page.url.endswith("/admin/accounts")
    expect(_row(page, "demo-translator").get_by_role("listitem")).to_have_text(["Resident", "Reviewer", "Translator"])

    _row(page, "demo-translator").get_by_label("Role").select_option("reviewer")
    _row(page, "demo-translator").get_by_role("button", name="Revoke").click()
    expect(_row(page, "demo-translator").get_by_role("listitem")).to_have_text(["Resident", "Translator"])


def test_revoking_the_last_admin_shows_the_conflict_and_keeps_the_table(new_page: NewPage) -> None:
    page = new_page(locale="en-US")
    sign_in(page, "demo-admin", next_path="/admin/accounts")
    row = _row(page, "demo-admin")
    row.get_by_label("Role").select_option("admin")
    row.get_by_role("button", name="Revoke").click()
    alert = page.locator("#accounts").get_by_role("alert")  # the 409 table, swapped in with its alert
    expect(alert).to_contain_text("The last administrator cannot be removed.")
    expect(page.locator("main")).not_to_contain_text("Someone else changed this first")
    expect(_row(page, "demo-admin").get_by_role("listitem")).to_contain_text(["Administrator"])  # table kept
    page.goto("/account")
    expect(page.get_by_test_id("account-roles")).to_contain_text("Administrator")
