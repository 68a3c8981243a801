"""Role administration: admins grant and revoke roles (as events), everyone else is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from uuid import UUID

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from civic.services import Services
from domain.accounts import ADMIN, account_id_for
from projections import accounts as account_queries


@pytest.fixture
def resident_id(admin_services: Services, oidc_provider: LocalProvider) -> UUID:
    """demo-resident has signed in once (what the callback records), on the admin's platform."""
    account_id = admin_services.accounts.sign_in(oidc_provider.issuer, "demo-resident", "張淑芬 (resident)").result
    admin_services.catch_up()
    return account_id


@pytest.fixture
def admin_id(admin_client: TestClient, oidc_provider: LocalProvider) -> UUID:
    return account_id_for(oidc_provider.issuer, "demo-admin")


def _roles_url(account_id: UUID) -> str:
    return f"/admin/accounts/{account_id}/roles"


def _read_roles(services: Services, account_id: UUID) -> list[str]:
    with services.reader() as db:
        row = db.execute("SELECT roles FROM accounts WHERE id = ?", [str(account_id)]).fetchone()
    return sorted(filter(None, row[0].split(",")))


def test_admin_grants_a_role_with_post_redirect_get(
    admin_client: TestClient, admin_services: Services, resident_id: UUID
) -> None:
    answer = admin_client.post(
        _roles_url(resident_id), data={"role": "reviewer", "change": "grant"}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "http://testserver/admin/accounts"
    assert _read_roles(admin_services, resident_id) == ["resident", "reviewer"]

    page = admin_client.get(answer.headers["location"] + "?lang=en").text
    row = _row(page, "demo-resident")
    assert "<li>Reviewer</li>" in row and "<li>Resident</li>" in row


def test_admin_grants_a_role_with_htmx_and_gets_the_table_back(
    admin_client: TestClient, admin_services: Services, resident_id: UUID
) -> None:
    answer = admin_client.post(
        _roles_url(resident_id),
        data={"role": "translator", "change": "grant"},
        headers={"HX-Request": "true", "Accept-Language": "zh-TW"},
    )
    assert answer.status_code == 200
    fragment = answer.text.strip()
    assert fragment.startswith('<div id="accounts">') and fragment.endswith("</div>")
    assert "<html" not in fragment
    assert "<li>翻譯人員</li>" in _row(fragment, "demo-resident")
    assert _read_roles(admin_services, resident_id) == ["resident", "translator"]


def test_admin_revokes_a_role(admin_client: TestClient, admin_services: Services, resident_id: UUID) -> None:
    admin_client.post(_roles_url(resident_id), data={"role": "staff", "change": "grant"})
    answer = admin_client.post(
        _roles_url(resident_id), data={"role": "staff", "change": "revoke"}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200
    assert "<li>市府承辦人員</li>" not in _row(answer.text, "demo-resident")
    assert _read_roles(admin_services, resident_id) == ["resident"]


def test_granting_a_role_twice_records_it_once(
    admin_client: TestClient, admin_services: Services, resident_id: UUID
) -> None:
    admin_client.post(_roles_url(resident_id), data={"role": "staff", "change": "grant"})
    position = admin_services.log.position()
    again = admin_client.post(
        _roles_url(resident_id), data={"role": "staff", "change": "grant"}, follow_redirects=False
    )
    assert again.status_code == 303
    assert admin_services.log.position() == position


def _flash(html: str) -> list[str]:
    return re.findall(r'<p class="notice notice-success" data-testid="flash">([^<]*)</p>', html)


def test_every_role_change_is_confirmed_and_a_role_already_held_is_said_so(
    admin_client: TestClient, admin_services: Services, resident_id: UUID
) -> None:
    granted = admin_client.post(_roles_url(resident_id) + "?lang=en", data={"role": "staff", "change": "grant"})
    assert _flash(granted.text) == ["Granted the role City staff to 張淑芬 (resident)."]
    assert _flash(admin_client.get("/admin/accounts?lang=en").text) == []  # shown once
    position = admin_services.log.position()
    again = admin_client.post(
        _roles_url(resident_id) + "?lang=en", data={"role": "staff", "change": "grant"}, headers={"HX-Request": "true"}
    )
    assert admin_services.log.position() == position
    assert 'hx-swap-oob="innerHTML"' in again.text
    assert _flash(again.text) == ["張淑芬 (resident) already has the role City staff."]
    revoked = admin_client.post(
        _roles_url(resident_id) + "?lang=zh_Hant_TW", data={"role": "staff", "change": "revoke"}
    )
    assert _flash(revoked.text) == ["已撤銷 張淑芬 (resident) 的「市府承辦人員」角色。"]
    not_held = admin_client.post(_roles_url(resident_id) + "?lang=en", data={"role": "staff", "change": "revoke"})
    assert _flash(not_held.text) == ["張淑芬 (resident) does not have the role City staff."]


def test_accounts_page_and_its_fragment(admin_client: TestClient, resident_id: UUID) -> None:
    page = admin_client.get("/admin/accounts?lang=en")
    assert page.status_code == 200
    assert "<h1>Accounts and roles</h1>" in page.text
    for name in ("林雅婷 (admin)", "張淑芬 (resident)"):
        assert name in page.text
    # every role select has its own label
    selects = re.findall(r'<select id="([^"]+)"', page.text)
    assert selects and all(f'<label for="{select}">' in page.text for select in selects)
    fragment = admin_client.get("/admin/accounts", headers={"HX-Request": "true"}).text
    assert fragment.strip().startswith('<div id="accounts">') and "<html" not in fragment


def test_a_city_of_accounts_is_paged_and_searchable_with_role_holders_first(
    admin_client: TestClient, admin_services: Services, oidc_provider: LocalProvider, resident_id: UUID
) -> None:
    for number in range(120):  # residents who signed in once: more than two pages of them
        admin_services.accounts.sign_in(oidc_provider.issuer, f"voter-{number:03}", f"Voter {number:03}")
    admin_services.catch_up()

    first = admin_client.get("/admin/accounts?lang=en").text
    assert "林雅婷 (admin)" in first  # holds a role beyond resident: on the first page
    assert first.count('class="role-form"') == 50
    assert "Accounts 1 to 50 of 122" in first and 'href="?page=2" rel="next"' in first
    last = admin_client.get("/admin/accounts?lang=en&page=3").text
    assert last.count('class="role-form"') == 22 and 'rel="next"' not in last and 'href="?page=2" rel="prev"' in last
    found = admin_client.get("/admin/accounts?lang=en&q=voter-11").text
    assert found.count('class="role-form"') == 10 and "Voter 110" in found and "林雅婷 (admin)<br>" not in found
    # A wildcard in the search is a character, not a pattern; nonsense page numbers are page 1.
    assert admin_client.get("/admin/accounts?lang=en&q=%25").text.count('class="role-form"') == 0
    assert "Accounts 1 to 50 of 122" in admin_client.get("/admin/accounts?lang=en&page=-3").text


@pytest.mark.parametrize("path", ["/admin/accounts", "/admin/audit"])
def test_residents_may_not_open_administration(resident_client: TestClient, path: str) -> None:
    answer = resident_client.get(path + "?lang=en")
    assert answer.status_code == 403
    assert "You are not allowed to do that" in answer.text


@pytest.mark.parametrize("path", ["/admin/accounts", "/admin/audit"])
def test_visitors_are_asked_to_sign_in(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 401


def test_a_resident_cannot_grant_roles_and_nothing_is_recorded(
    resident_client: TestClient, admin_services: Services, resident_id: UUID
) -> None:
    position = admin_services.log.position()
    for htmx in ({}, {"HX-Request": "true"}):
        answer = resident_client.post(_roles_url(resident_id), data={"role": ADMIN, "change": "grant"}, headers=htmx)
        assert answer.status_code == 403
    assert admin_services.log.position() == position
    assert _read_roles(admin_services, resident_id) == ["resident"]


def test_a_visitor_cannot_grant_roles(admin_services: Services, resident_id: UUID, admin_app: Starlette) -> None:
    position = admin_services.log.position()
    with TestClient(admin_app) as visitor:
        answer = visitor.post(_roles_url(resident_id), data={"role": ADMIN, "change": "grant"})
    assert answer.status_code == 401
    assert admin_services.log.position() == position


def test_revoking_the_last_admin_is_a_conflict(
    admin_client: TestClient, admin_services: Services, admin_id: UUID
) -> None:
    position = admin_services.log.position()
    answer = admin_client.post(
        _roles_url(admin_id), data={"role": ADMIN, "change": "revoke"}, headers={"Accept-Language": "en"}
    )
    assert answer.status_code == 409
    assert "The last administrator cannot be removed." in answer.text
    assert "Someone else changed this first" not in answer.text
    fragment = admin_client.post(
        _roles_url(admin_id), data={"role": ADMIN, "change": "revoke"}, headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 409 and 'role="alert"' in fragment.text and "<html" not in fragment.text
    assert "最後一位系統管理員不能移除" in fragment.text  # the session's language is Chinese by default
    assert admin_services.log.position() == position
    assert ADMIN in _read_roles(admin_services, admin_id)


def test_an_admin_may_step_down_once_there_is_another(
    admin_client: TestClient, admin_services: Services, admin_id: UUID, resident_id: UUID
) -> None:
    admin_client.post(_roles_url(resident_id), data={"role": ADMIN, "change": "grant"})
    answer = admin_client.post(_roles_url(admin_id), data={"role": ADMIN, "change": "revoke"}, follow_redirects=False)
    assert answer.status_code == 303
    assert ADMIN not in _read_roles(admin_services, admin_id)
    # At once: revoking a role ends the account's sessions, so the former admin signs in again.
    assert admin_client.get("/admin/accounts").status_code == 401


@pytest.mark.parametrize(
    ("form", "status"),
    [
        ({"role": "mayor", "change": "grant"}, 400),
        ({"role": "staff", "change": "promote"}, 400),
        ({}, 400),
    ],
)
def test_malformed_changes_are_bad_requests(
    admin_client: TestClient, admin_services: Services, resident_id: UUID, form: dict[str, str], status: int
) -> None:
    position = admin_services.log.position()
    assert admin_client.post(_roles_url(resident_id), data=form).status_code == status
    assert admin_services.log.position() == position


@pytest.mark.parametrize("account", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_accounts_are_not_found(admin_client: TestClient, account: str) -> None:
    assert (
        admin_client.post(f"/admin/accounts/{account}/roles", data={"role": "staff", "change": "grant"}).status_code
        == 404
    )


def test_an_oversized_form_is_refused_while_streaming(
    admin_client: TestClient, admin_services: Services, resident_id: UUID
) -> None:
    position = admin_services.log.position()
    limit = admin_services.settings.max_body_bytes

    def chunks() -> Iterator[bytes]:  # no Content-Length: only counting what arrives catches it
        yield b"role=staff&change=grant&padding="
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536

    answer = admin_client.post(
        _roles_url(resident_id), content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status_code == 413
    assert admin_services.log.position() == position


def _row(html: str, subject: str) -> str:
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        if f"<small>{subject}</small>" in row:
            return row
    raise AssertionError(f"no row for {subject}")


def test_two_accounts_with_the_same_name_are_told_apart_by_subject(
    admin_client: TestClient, admin_services: Services, oidc_provider: LocalProvider
) -> None:
    """Anyone can call themselves what the admin is called; the subject tells them apart."""
    admin_services.accounts.sign_in(oidc_provider.issuer, "impostor", "林雅婷 (admin)")
    admin_services.catch_up()
    page = admin_client.get("/admin/accounts?lang=en").text
    assert "demo-admin" in _row(page, "demo-admin") and "林雅婷 (admin)" in _row(page, "demo-admin")
    assert "林雅婷 (admin)" in _row(page, "impostor")


def test_the_audit_trail_names_accounts_and_actors_by_subject(
    admin_client: TestClient, admin_services: Services, resident_id: UUID
) -> None:
    admin_client.post(_roles_url(resident_id), data={"role": "reviewer", "change": "grant"})
    with admin_services.reader() as db:
        change = account_queries.role_changes(db)[0]
    assert (change["account_subject"], change["actor_subject"]) == ("demo-resident", "demo-admin")
    assert (change["account_name"], change["actor_name"]) == ("張淑芬 (resident)", "林雅婷 (admin)")


def test_the_account_page_shows_the_subject(admin_client: TestClient) -> None:
    page = admin_client.get("/account?lang=en").text
    assert '<dd data-testid="account-subject">demo-admin</dd>' in page
