"""A screener never screens an entry of their own agency, nor one they submitted: the screening page
does not offer it, and a POST for it is refused in the reader's language, recording nothing."""

from __future__ import annotations

from datetime import date, datetime

from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from domain.accounts import REVIEWER, STAFF, account_id_for
from domain.eventlog import SYSTEM_ACTOR
from tests.fixtures import MakeClient, SignIn
from tests.web.conftest import BASE_URL

SLUG = "screeners-2027"


def test_a_screener_is_not_offered_and_is_refused_their_agencys_entry(
    make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider
) -> None:
    staff = make_client(rate_limit_per_minute=0)
    services = staff.app.state.services  # type: ignore[attr-defined]
    issuer = oidc_provider.issuer
    services.accounts.grant_from_command_line(issuer, "stan-staff", STAFF)
    services.accounts.grant_from_command_line(issuer, "tsai-traffic", REVIEWER)
    for subject in ("tina-entrant", "fred-entrant"):
        services.accounts.sign_in(issuer, subject, subject)
    review = services.review
    review.open_call(SLUG, "innovation", "116年度市政創新提案", "2027 innovation proposals", date(2027, 3, 1),
                     date(2027, 3, 31), SYSTEM_ACTOR)  # fmt: skip
    when = datetime(2027, 3, 10, 9, 0)
    traffic = review.submit(SLUG, "公車到站提醒", "交通局", "", "摘要", "效益",
                            str(account_id_for(issuer, "tina-entrant")), now=when).result  # fmt: skip
    finance = review.submit(SLUG, "稅單行動支付", "財政局", "", "摘要", "效益",
                            str(account_id_for(issuer, "fred-entrant")), now=when).result  # fmt: skip
    services.catch_up()
    assert sign_in(staff, "stan-staff").status_code == 303
    tsai_id = str(account_id_for(issuer, "tsai-traffic"))
    appointed = staff.post(f"/review/{SLUG}/screeners", data={"screener": tsai_id, "screener_agency": "交通局"},
                           follow_redirects=False)  # fmt: skip
    assert appointed.status_code == 303
    assert 'for="field-screener_agency"' in staff.get(f"/review/{SLUG}/panel?lang=en").text
    review.start_screening(SLUG, SYSTEM_ACTOR)
    services.catch_up()

    tsai = TestClient(staff.app, base_url=BASE_URL).__enter__()
    assert sign_in(tsai, "tsai-traffic").status_code == 303
    page = tsai.get(f"/review/{SLUG}/screening?lang=en").text
    assert f"/entries/{finance}/screen" in page  # another agency's entry is offered
    assert f"/entries/{traffic}/screen" not in page  # their own agency's is not
    assert "You may not screen this entry: it comes from your own agency." in page
    refused = tsai.post(f"/review/{SLUG}/entries/{traffic}/screen?lang=en", data={"decision": "pass", "reason": ""})
    assert refused.status_code == 409 and "it comes from your own agency" in refused.text
    zh = tsai.post(f"/review/{SLUG}/entries/{traffic}/screen?lang=zh_Hant_TW", data={"decision": "pass", "reason": ""})
    assert zh.status_code == 409 and "不得初審" in zh.text
    assert review.entry(traffic).screenings == {}  # nothing recorded
    given = tsai.post(f"/review/{SLUG}/entries/{finance}/screen", data={"decision": "pass", "reason": ""},
                      follow_redirects=False)  # fmt: skip
    assert given.status_code == 303 and list(review.entry(finance).screenings) == [tsai_id]
