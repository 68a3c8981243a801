"""Who sees what of a review panel, through HTTP: a member sees the others' scores of an entry only
after giving their own, a recused member never, the chair's dashboard is the chair's (and staff's),
an entrant reads only their own feedback letter, never a note to the secretariat; and a score sent
after the round closed is refused, in both languages, changing nothing."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import pytest
from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from domain.accounts import REVIEWER, STAFF, account_id_for
from domain.eventlog import SYSTEM_ACTOR
from tests.fixtures import MakeClient, SignIn
from tests.web.conftest import BASE_URL

SLUG = "visibility-2027"
SCORE = {"score-innovation": "27", "score-feasibility": "18", "score-impact": "27", "score-transferability": "9",
         "score-presentation": "9"}  # fmt: skip
OLGA_COMMENT = "OLGA-COMMENT-效益明確"
OLGA_NOTE = "OLGA-NOTE-僅供秘書處"


class Panel:
    """One app with a call in its scoring round and a browser per person."""

    def __init__(self, make_client: MakeClient, sign_in: SignIn, provider: LocalProvider) -> None:
        self.first = make_client(rate_limit_per_minute=0)
        self.services = self.first.app.state.services  # type: ignore[attr-defined]
        self.sign_in, self.issuer, self.used = sign_in, provider.issuer, False
        review = self.services.review
        for subject in ("chen-chair", "tsai-traffic", "olga-expert"):
            self.services.accounts.grant_from_command_line(self.issuer, subject, REVIEWER)
        for subject in ("tina-entrant", "fred-entrant"):
            self.services.accounts.sign_in(self.issuer, subject, subject)
        review.open_call(SLUG, "innovation", "116年度市政創新提案", "2027 innovation proposals", date(2027, 3, 1),
                         date(2027, 3, 31), SYSTEM_ACTOR)  # fmt: skip
        review.appoint_member(SLUG, self.account("chen-chair"), "陳召集人", "external", "", SYSTEM_ACTOR, chair=True)
        review.appoint_member(SLUG, self.account("tsai-traffic"), "蔡代表", "internal", "交通局", SYSTEM_ACTOR)
        review.appoint_member(SLUG, self.account("olga-expert"), "Olga", "external", "", SYSTEM_ACTOR)
        review.appoint_screener(SLUG, self.account("chen-chair"), SYSTEM_ACTOR)
        when = datetime(2027, 3, 10, 9, 0)
        self.traffic = review.submit(SLUG, "公車到站提醒", "交通局", "", "摘要", "效益", str(self.account("tina-entrant")),
                                     now=when).result  # fmt: skip
        self.finance = review.submit(SLUG, "稅單行動支付", "財政局", "", "摘要", "效益", str(self.account("fred-entrant")),
                                     now=when, attachment=("plan.pdf", b"%PDF-1.4 fred")).result  # fmt: skip
        review.start_screening(SLUG, SYSTEM_ACTOR)
        for entry in (self.traffic, self.finance):
            review.screen(entry, "pass", "", SYSTEM_ACTOR)
            review.screen(entry, "revise", "請補充經費", str(self.account("chen-chair")))
        review.confirm_shortlist(SLUG, [self.traffic, self.finance], SYSTEM_ACTOR)
        review.open_round(SLUG, SYSTEM_ACTOR)
        scores = {key.removeprefix("score-"): int(value) for key, value in SCORE.items()}
        review.score(SLUG, self.traffic, scores, OLGA_COMMENT, str(self.account("olga-expert")), note=OLGA_NOTE)
        self.services.catch_up()

    def account(self, subject: str) -> UUID:
        return account_id_for(self.issuer, subject)

    def browser(self, subject: str) -> TestClient:
        client = self.first if not self.used else TestClient(self.first.app, base_url=BASE_URL).__enter__()
        self.used = True
        assert self.sign_in(client, subject).status_code == 303
        return client

    def score_page(self, entry: UUID) -> str:
        return f"/review/{SLUG}/entries/{entry}/score"


@pytest.fixture
def panel(make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider) -> Panel:
    return Panel(make_client, sign_in, oidc_provider)


def test_a_member_sees_the_others_scores_only_after_giving_their_own(panel: Panel) -> None:
    chair = panel.browser("chen-chair")
    before = chair.get(panel.score_page(panel.traffic) + "?lang=en")
    assert before.status_code == 200
    assert OLGA_COMMENT not in before.text and "once yours is in" in before.text
    given = chair.post(panel.score_page(panel.traffic), data={**SCORE, "comment": "可推廣"}, follow_redirects=False)
    assert given.status_code == 303
    after = chair.get(panel.score_page(panel.traffic) + "?lang=en")
    assert OLGA_COMMENT in after.text
    assert OLGA_NOTE not in after.text  # a note to the secretariat is for the secretariat only


def test_a_recused_member_never_sees_the_scores_of_their_agencys_entry(panel: Panel) -> None:
    traffic = panel.browser("tsai-traffic")
    assert traffic.post(panel.score_page(panel.finance), data={**SCORE, "comment": "好"}).status_code in (200, 303)
    page = traffic.get(panel.score_page(panel.traffic) + "?lang=en")
    assert page.status_code == 200 and "You are recused from this entry" in page.text
    assert OLGA_COMMENT not in page.text
    refused = traffic.post(panel.score_page(panel.traffic), data={**SCORE, "comment": "想評"})
    assert refused.status_code == 409 and OLGA_COMMENT not in refused.text
    assert "自己的機關" in traffic.post(panel.score_page(panel.traffic) + "?lang=zh_Hant_TW",
                                    data={**SCORE, "comment": "想評"}).text  # fmt: skip
    assert traffic.get(f"/review/{SLUG}/chair").status_code == 403  # not the chair
    paper = traffic.get(f"/review/{SLUG}/entries/{panel.finance}/attachments/1")
    assert paper.status_code == 200 and paper.content == b"%PDF-1.4 fred"
    assert paper.headers["content-type"] == "application/pdf"
    queue = traffic.get(f"/review/{SLUG}/queue?lang=en").text
    assert "Recused" in queue and "公車到站提醒" in queue


def test_the_chairs_dashboard_masks_nothing_but_recusals_and_is_the_chairs(panel: Panel) -> None:
    chair = panel.browser("chen-chair")
    page = chair.get(f"/review/{SLUG}/chair?lang=en")
    assert page.status_code == 200 and "M3 90" in page.text
    entrant = panel.browser("tina-entrant")
    assert entrant.get(f"/review/{SLUG}/chair").status_code == 403
    assert entrant.get(f"/review/{SLUG}/sheet.csv").status_code == 403


def test_an_entrant_reads_only_their_own_letter_and_no_note(panel: Panel) -> None:
    review, chair = panel.services.review, str(panel.account("chen-chair"))
    scores = {key.removeprefix("score-"): int(value) for key, value in SCORE.items()}
    review.score(SLUG, panel.traffic, scores, "CHAIR-COMMENT", chair)
    review.close_round(SLUG, SYSTEM_ACTOR)
    review.confirm_awards(SLUG, 3, 2, 0, chair)
    panel.services.catch_up()
    tina = panel.browser("tina-entrant")
    own = tina.get(f"/review/{SLUG}/entries/{panel.traffic}/letter?lang=en")
    assert own.status_code == 200
    assert OLGA_COMMENT in own.text and "CHAIR-COMMENT" in own.text and "90.00" in own.text
    assert OLGA_NOTE not in own.text and "M3" not in own.text and "Olga" not in own.text
    assert tina.get(f"/review/{SLUG}/entries/{panel.finance}/letter").status_code == 403
    assert tina.get(f"/review/{SLUG}/entries/{panel.finance}/attachments/1").status_code == 403
    assert tina.get(f"/review/{SLUG}/entries/{panel.finance}/edit").status_code == 403
    assert "特優" in tina.get(f"/review/{SLUG}/entries/{panel.traffic}/letter?lang=zh_Hant_TW").text
    anonymous = TestClient(panel.first.app, base_url=BASE_URL)
    assert anonymous.get(f"/review/{SLUG}/entries/{panel.traffic}/letter").status_code == 401


@pytest.mark.parametrize(("lang", "words"), [("en", "Round 1 is closed"), ("zh_Hant_TW", "第1輪評分已截止")])
def test_a_score_after_the_round_closed_is_refused_and_changes_nothing(panel: Panel, lang: str, words: str) -> None:
    olga = panel.browser("olga-expert")
    panel.services.review.close_round(SLUG, SYSTEM_ACTOR)
    panel.services.catch_up()
    before = panel.services.log.position()
    refused = olga.post(panel.score_page(panel.traffic) + f"?lang={lang}",
                        data={**SCORE, "score-impact": "0", "comment": "改", "reason": "想改"})  # fmt: skip
    assert refused.status_code == 409 and words in refused.text
    assert panel.services.log.position() == before
    assert "90" in olga.get(panel.score_page(panel.traffic) + f"?lang={lang}").text


def test_the_chair_and_staff_see_the_diagnostics_values_and_another_member_gets_403(panel: Panel) -> None:
    lower = {"innovation": 20, "feasibility": 14, "impact": 21, "transferability": 7, "presentation": 8}  # 70
    panel.services.review.score(SLUG, panel.traffic, lower, "尚可", str(panel.account("chen-chair")))
    panel.services.accounts.grant_from_command_line(panel.issuer, "stan-staff", STAFF)
    panel.services.catch_up()
    chair = panel.browser("chen-chair")
    page = chair.get(f"/review/{SLUG}/chair?lang=en")
    assert page.status_code == 200
    row = page.text.split("公車到站提醒", 1)[1].split("</tr>", 1)[0]
    cells = [cell.split("</td>", 1)[0].strip() for cell in row.split("<td>")[1:]]
    # totals 70 and 90: median 80, max − min 20 (flagged at 15), both members 10 from the median;
    # each member scored one entry only, so the severity-normalised score is the plain mean.
    assert cells[2] == "80.00"
    assert cells[3].startswith("20") and "(wide)" in cells[3]
    assert cells[4] == "80.00"
    assert "wide spread between members" in cells[-1] and "from the median (M1, M3)" in cells[-1]
    zh = chair.get(f"/review/{SLUG}/chair?lang=zh_Hant_TW").text
    assert "中位數" in zh and "80.00" in zh
    staff = panel.browser("stan-staff")
    assert "from the median (M1, M3)" in staff.get(f"/review/{SLUG}/chair?lang=en").text
    olga = panel.browser("olga-expert")  # a member, not the chair
    refused = olga.get(f"/review/{SLUG}/chair?lang=en")
    assert refused.status_code == 403 and "80.00" not in refused.text and "(M1, M3)" not in refused.text
