"""The review walk over HTTP, with the forms' own field names (what the browser test sends, without
a browser): staff open a call, appoint the chair and the screeners, an entry comes in, the first
screen passes it, the chair scores it, confirms the awards with the vote, staff publish, and the
public list, the award CSV, the score sheet and the letter say so; in both languages."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from domain.accounts import REVIEWER, STAFF, account_id_for
from tests.fixtures import MakeClient, SignIn
from tests.web.conftest import BASE_URL

SCORE = {"score-innovation": "27", "score-feasibility": "18", "score-impact": "27", "score-transferability": "9",
         "score-presentation": "9", "comment": "可推廣至其他機關", "note": "秘書處追蹤"}  # fmt: skip
WORDS = {
    "en": {"tier": "Outstanding", "bands": "A first, or a clear break with existing practice", "total": "total 90"},
    "zh_Hant_TW": {"tier": "特優", "bands": "首創或顯著突破既有做法", "total": "總分90"},
}


@pytest.mark.parametrize("lang", WORDS)
def test_call_to_published_awards(make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider,
                                  lang: str) -> None:  # fmt: skip
    words, slug, issuer = WORDS[lang], f"flow-{lang.lower().replace('_', '-')}", oidc_provider.issuer
    staff = make_client(rate_limit_per_minute=0)
    services = staff.app.state.services  # type: ignore[attr-defined]
    services.accounts.grant_from_command_line(issuer, "demo-staff", STAFF)
    services.accounts.grant_from_command_line(issuer, "demo-reviewer", REVIEWER)
    services.catch_up()
    assert sign_in(staff, "demo-staff").status_code == 303
    chair = TestClient(staff.app, base_url=BASE_URL).__enter__()
    assert sign_in(chair, "demo-reviewer").status_code == 303
    entrant = TestClient(staff.app, base_url=BASE_URL).__enter__()
    assert sign_in(entrant, "demo-resident").status_code == 303
    q = f"?lang={lang}"
    today = date.today()

    assert staff.get(f"/review/new{q}").status_code == 200
    bad = staff.post("/review/new", data={"slug": "Bad Slug", "kind": "innovation", "title_zh": "", "title_en": "x",
                                          "opens": "2027-01-01", "closes": "2027-02-01", "method": "mean"})  # fmt: skip
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    made = staff.post("/review/new", data={
        "slug": slug, "kind": "innovation", "title_zh": "測試創新提案", "title_en": "Test innovation proposals",
        "opens": (today - timedelta(days=1)).isoformat(), "closes": (today + timedelta(days=30)).isoformat(),
        "method": "mean"}, follow_redirects=False)  # fmt: skip
    assert made.status_code == 303 and made.headers["location"].endswith(f"/review/{slug}")
    reviewer_id = str(account_id_for(issuer, "demo-reviewer"))
    staff_id = str(account_id_for(issuer, "demo-staff"))
    panel = staff.post(f"/review/{slug}/panel", data={"account_id": reviewer_id, "name": "黃召集人", "kind": "external",
                                                      "agency": "", "chair": "yes"}, follow_redirects=False)  # fmt: skip
    assert panel.status_code == 303
    for screener in (staff_id, reviewer_id):
        assert (
            staff.post(f"/review/{slug}/screeners", data={"screener": screener}, follow_redirects=False).status_code
            == 303
        )
    assert "黃召集人" in staff.get(f"/review/{slug}/panel{q}").text

    assert entrant.get(f"/review/{slug}/submit{q}").status_code == 200
    missing = entrant.post(
        f"/review/{slug}/submit{q}", data={"title": "", "agency": "交通局", "summary": "s", "benefits": "b"}
    )
    assert missing.status_code == 422 and 'aria-invalid="true"' in missing.text
    sent = entrant.post(f"/review/{slug}/submit", data={"title": "公車到站提醒", "agency": "交通局", "team": "",
                        "summary": "到站前提醒。", "benefits": "減少候車。"},
                        files={"attachment": ("plan.pdf", b"%PDF-1.4\n", "application/pdf")}, follow_redirects=False)  # fmt: skip
    assert sent.status_code == 303
    letter_link = re.search(r'href="[^"]*?(/review/[^"]+/letter)"', entrant.get(f"/review/mine{q}").text)
    assert letter_link

    assert (
        staff.post(f"/review/{slug}/phase", data={"action": "start_screening"}, follow_redirects=False).status_code
        == 303
    )
    page = staff.get(f"/review/{slug}/screening{q}").text
    entry = re.search(r"/entries/([0-9a-f-]{36})/screen", page)
    assert entry
    entry_id = entry.group(1)
    assert (
        staff.post(f"/review/{slug}/entries/{entry_id}/screen", data={"decision": "fail", "reason": ""}).status_code
        == 422
    )
    staff.post(f"/review/{slug}/entries/{entry_id}/screen", data={"decision": "pass", "reason": ""})
    chair.post(f"/review/{slug}/entries/{entry_id}/screen", data={"decision": "revise", "reason": "補充經費"})
    shortlisted = chair.post(f"/review/{slug}/shortlist", data={"entry": entry_id}, follow_redirects=False)
    assert shortlisted.status_code == 303
    staff.post(f"/review/{slug}/phase", data={"action": "open_round"})

    queue = chair.get(f"/review/{slug}/queue{q}").text
    assert "公車到站提醒" in queue
    form = chair.get(f"/review/{slug}/entries/{entry_id}/score{q}").text
    assert words["bands"] in form
    out_of_range = chair.post(f"/review/{slug}/entries/{entry_id}/score{q}", data={**SCORE, "score-impact": "31"})
    assert out_of_range.status_code == 422 and 'aria-invalid="true"' in out_of_range.text
    fragment = chair.post(f"/review/{slug}/entries/{entry_id}/score{q}", data={**SCORE, "comment": ""},
                          headers={"HX-Request": "true"})  # fmt: skip
    assert fragment.status_code == 422 and fragment.text.lstrip().startswith("<form")
    scored = chair.post(f"/review/{slug}/entries/{entry_id}/score", data=SCORE, follow_redirects=False)
    assert scored.status_code == 303
    assert words["total"] in chair.get(f"/review/{slug}/entries/{entry_id}/score{q}").text

    staff.post(f"/review/{slug}/phase", data={"action": "close_round"})
    dashboard = chair.get(f"/review/{slug}/chair{q}").text
    assert "90.00" in dashboard and words["tier"] in dashboard
    tie = chair.post(f"/review/{slug}/awards{q}", data={"attending": "1", "in_favour": "0", "against": "1"})
    assert tie.status_code == 422
    confirmed = chair.post(f"/review/{slug}/awards", data={"attending": "1", "in_favour": "1", "against": "0"},
                           follow_redirects=False)  # fmt: skip
    assert confirmed.status_code == 303
    staff.post(f"/review/{slug}/phase", data={"action": "publish"})

    public = TestClient(staff.app, base_url=BASE_URL)
    awards = public.get(f"/review/{slug}/awards{q}").text
    assert words["tier"] in awards and "公車到站提醒" in awards and "90.00" in awards
    csv_text = public.get(f"/review/{slug}/awards.csv").text
    assert "公車到站提醒" in csv_text and "特優" in csv_text
    sheet = staff.get(f"/review/{slug}/sheet.csv").text
    assert f"{entry_id},交通局,M1,,innovation,27" in sheet and "秘書處追蹤" not in sheet
    letter = entrant.get(letter_link.group(1) + q).text
    assert "可推廣至其他機關" in letter and "秘書處追蹤" not in letter and words["tier"] in letter
