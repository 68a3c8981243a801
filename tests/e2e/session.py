"""Signing in and out in a real browser, through the local OpenID provider's own page.

    from tests.e2e.session import sign_in
    sign_in(page, "demo-admin")                 # lands on /account
    sign_in(page, "demo-staff", next_path="/")  # lands where you say

The page's context must have ``base_url`` set to civic (the ``new_page`` fixture does that).
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from playwright.sync_api import Page


def sign_in(page: Page, subject: str, next_path: str = "/account") -> None:
    """Starts at civic's /login, chooses ``subject`` on the provider's page, returns to ``next_path``.

    The provider offers its predefined (demo) users as buttons; any other subject is typed in.
    """
    page.goto(f"/login?next={quote(next_path)}")
    provider = urlsplit(page.url).netloc
    assert urlsplit(page.url).path == "/oauth2/authorize", f"expected the provider's page, got {page.url}"
    predefined = page.get_by_role("button", name=subject, exact=True)
    if predefined.count():
        predefined.click()
    else:
        page.locator('input[name="sub"]').fill(subject)
        page.get_by_role("button", name="Authorize").click()
    wanted = urlsplit(next_path)
    page.wait_for_url(
        lambda url: (
            urlsplit(url).netloc != provider
            and urlsplit(url).path == wanted.path
            and urlsplit(url).query == wanted.query
        )
    )


def sign_out(page: Page) -> None:
    """Uses the header's sign-out button (a POST form), as a person would."""
    page.locator("header .session").get_by_role("button").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
