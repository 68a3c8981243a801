"""The audit page: every change a person made, in every context, filterable and paged, bilingual."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from civic.services import Services
from domain.accounts import REVIEWER, STAFF

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def _rows(html: str) -> list[str]:
    body = html[html.index('<div id="audit-results">') :]
    return re.findall(r"<tr>\s*<td data-label=.*?</tr>", body, re.S)


@pytest.fixture
def history(admin_client: TestClient, admin_services: Services, oidc_provider: LocalProvider) -> dict[str, str]:
    """The admin grants a role and convenes a glossary meeting on the web; a resident signs in."""
    resident = admin_services.accounts.sign_in(oidc_provider.issuer, "demo-resident", "張淑芬").result
    admin_services.accounts.grant_from_command_line(oidc_provider.issuer, "demo-admin", STAFF)
    admin_services.catch_up()
    assert admin_client.post(f"/admin/accounts/{resident}/roles", data={"role": REVIEWER, "change": "grant"},
                             headers=SAME_ORIGIN, follow_redirects=False).status_code == 303  # fmt: skip
    answer = admin_client.post("/glossary/meetings", data={"date": "2026-11-20", "title": "第十次審查會議",
                                                          "members": "林委員"}, headers=SAME_ORIGIN, follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303
    admin_services.catch_up()
    return {"resident": str(resident), "meeting": answer.headers["location"].rsplit("/", 1)[-1]}


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            ["Role granted (Reviewer)", "Convened a meeting", "Place-name glossary", "Command line", "(demo-admin)"],
        ),
        ("zh_Hant_TW", ["授予角色（審查委員）", "召開會議", "地名詞彙", "命令列", "(demo-admin)"]),
    ],
)
def test_every_staff_action_of_every_context_is_listed_newest_first(
    admin_client: TestClient, history: dict[str, str], lang: str, words: list[str]
) -> None:
    page = admin_client.get(f"/admin/audit/?lang={lang}")
    assert page.status_code == 200
    for text in words:
        assert text in page.text, text
    rows = _rows(page.text)
    assert "第十次審查會議" in rows[0]  # the newest first: the meeting, linked to its page
    assert f'href="/glossary/meetings/{history["meeting"]}"' in rows[0]
    assert any("張淑芬" in row and ("Reviewer" in row or "審查委員" in row) for row in rows)


def test_the_audit_filters_by_context_actor_and_date(admin_client: TestClient, history: dict[str, str]) -> None:
    glossary = _rows(admin_client.get("/admin/audit/?lang=en&context=glossary").text)
    assert glossary and all("Place-name glossary" in row for row in glossary)
    accounts = _rows(admin_client.get("/admin/audit/?lang=en&context=accounts").text)
    assert accounts and not any("Place-name glossary" in row for row in accounts)
    by_resident = _rows(admin_client.get(f"/admin/audit/?lang=en&actor={history['resident']}").text)
    assert len(by_resident) == 1 and "Signed in for the first time" in by_resident[0]
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    later = admin_client.get(f"/admin/audit/?lang=en&since={tomorrow}").text
    assert "No changes match." in later
    today = datetime.now(UTC).date().isoformat()
    assert len(_rows(admin_client.get(f"/admin/audit/?lang=en&since={today}&until={today}").text)) >= 4
    # Nonsense in a filter narrows nothing and breaks nothing.
    assert admin_client.get("/admin/audit/?context=%00&since=yesterday&page=99999999999999999999").status_code == 200


def test_the_audit_is_paged(admin_client: TestClient, admin_services: Services, oidc_provider: LocalProvider) -> None:
    for n in range(60):
        admin_services.accounts.sign_in(oidc_provider.issuer, f"person-{n}", f"Person {n}")
    admin_services.catch_up()
    first = admin_client.get("/admin/audit/?lang=en").text
    assert len(_rows(first)) == 50 and 'rel="next"' in first and 'rel="prev"' not in first
    second = admin_client.get("/admin/audit/?lang=en&page=2").text
    assert 'rel="prev"' in second and "Person 0" in second
    assert not set(_rows(first)) & set(_rows(second))


def test_only_administrators_see_the_audit(resident_client: TestClient) -> None:
    assert resident_client.get("/admin/audit/").status_code == 403


def test_a_thing_keeps_its_name_in_the_audit_whatever_its_events_carry(
    admin_client: TestClient, admin_services: Services, history: dict[str, str]
) -> None:
    from uuid import UUID

    from domain.eventlog import SYSTEM_ACTOR

    glossary = admin_services.glossary
    term = glossary.propose("澄清湖", "Chengcing Lake", SYSTEM_ACTOR, category="landmark", district="鳥松區").result
    meeting = UUID(history["meeting"])
    glossary.put_on_agenda(meeting, term, SYSTEM_ACTOR)
    glossary.approve(meeting, term, SYSTEM_ACTOR)
    admin_services.catch_up()
    rows = _rows(admin_client.get("/admin/audit/?lang=en&context=glossary").text)
    decision = next(row for row in rows if "Recorded a decision" in row)
    assert "第十次審查會議" in decision and "Chengcing Lake" not in decision  # the meeting, by its title
    approved = next(row for row in rows if "Approved a name" in row)
    assert "澄清湖" in approved  # the term, by its Chinese name
