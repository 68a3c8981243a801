"""Staff opening a call give it its own rubric (criteria, weights, bands' text) and award tiers
(thresholds, caps, prizes) as TOML on the form; a wrong file is refused with its line, in the
reader's language, and no call is opened."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from civic.local_provider import LocalProvider
from domain.accounts import STAFF
from domain.review.refusals import CallNotFoundError
from tests.fixtures import MakeClient, SignIn
from tests.unit.review.test_review_call_file import OWN


def _form(slug: str, settings: str, caps: str = "") -> dict[str, str]:
    today = date.today()
    return {"slug": slug, "kind": "other", "title_zh": "服務品質獎", "title_en": "Service quality award",
            "opens": (today - timedelta(days=1)).isoformat(), "closes": (today + timedelta(days=30)).isoformat(),
            "method": "mean", "rounds": "1", "caps": caps, "settings": settings}  # fmt: skip


def test_staff_open_a_call_with_its_own_rubric_and_tiers(
    make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider
) -> None:
    staff = make_client(rate_limit_per_minute=0)
    services = staff.app.state.services  # type: ignore[attr-defined]
    services.accounts.grant_from_command_line(oidc_provider.issuer, "demo-staff", STAFF)
    services.catch_up()
    assert sign_in(staff, "demo-staff").status_code == 303
    form = staff.get("/review/new?lang=en").text
    assert 'name="settings"' in form and 'for="field-settings"' in form and "[[criteria]]" in form

    made = staff.post("/review/new", data=_form("service-2027", OWN, caps="銀質獎=3"), follow_redirects=False)
    assert made.status_code == 303
    call = services.review.call("service-2027")
    assert [(c["code"], c["weight"]) for c in call.rubric] == [("service", 60), ("cost", 40)]
    assert [(t["code"], t["min"], t["cap"], t["prize"]) for t in call.tiers] == [
        ("gold", 88, 2, 60000),
        ("silver", 80, 3, None),
    ]  # fmt: skip  (the caps field still caps a tier of the file)

    for lang, words in (("en", "line 1: the weights add up to 90, not 100"), ("zh_Hant_TW", "第 1 行")):
        wrong = OWN.replace("weight = 40\nbands = [{ low = 0, high = 40", "weight = 30\nbands = [{ low = 0, high = 30")
        refused = staff.post(f"/review/new?lang={lang}", data=_form(f"wrong-{lang.lower()}", wrong))
        assert refused.status_code == 422 and 'aria-invalid="true"' in refused.text
        assert words in refused.text
        assert "weight = 30" in refused.text  # the text comes back to be corrected
        with pytest.raises(CallNotFoundError):
            services.review.call(f"wrong-{lang.lower()}")
