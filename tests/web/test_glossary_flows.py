"""The glossary's forms: a translator proposes, staff convene a meeting and decide, staff import.

One platform for the module (signing in through the real provider is the slow part): a handful
of approved names imported from a small CSV through the real service, demo-translator holding the
translator role and demo-staff the staff role, each signed in once. Tests that write use places of
their own, so they don't see each other's proposals, and compare the log position before and after.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from uuid import UUID

import httpx
import pytest
from starlette.testclient import TestClient

from civic.app import create_app
from civic.local_provider import LocalProvider
from civic.services import Services
from civic.settings import Settings
from domain.accounts import STAFF, TRANSLATOR
from domain.eventlog import SYSTEM_ACTOR
from domain.glossary.names import term_id_for
from projections import glossary_queries as queries
from tests.fixtures import metadata_url
from tests.web.conftest import BASE_URL, sign_in_over_http

# Approved in the Tongyong form Kaohsiung's signs use; the Hanyu form kept as a variant.
APPROVED_CSV = """zh,en,category,district,en_alt
前鎮區,Cianjhen District,district,,Qianzhen District
鳳山區,Fongshan District,district,,Fengshan District
中山四路,Zhongshan 4th Rd.,road,前鎮區,
"""
WEIWUYING = ("衛武營國家藝術文化中心", "National Kaohsiung Center for the Arts (Weiwuying)", "landmark", "鳳山區")
WEIWUYING_ID = term_id_for(WEIWUYING[0], WEIWUYING[2], WEIWUYING[3])
HX = {"HX-Request": "true"}


@dataclass
class Platform:
    services: Services
    visitor: TestClient
    translator: TestClient
    staff: TestClient
    resident: TestClient

    def position(self) -> int:
        return self.services.log.position()

    def term(self, term_id: UUID) -> dict:
        with self.services.reader() as db:
            found = queries.term(db, str(term_id))
        assert found is not None
        return found

    def propose(self, zh: str, en: str, category: str = "landmark", district: str = "") -> UUID:
        term_id = self.services.glossary.propose(zh, en, SYSTEM_ACTOR, category=category, district=district).result
        self.services.catch_up()
        return term_id

    def convene(self, title: str = "英語友善環境審查會議 第12次") -> UUID:
        meeting_id = self.services.glossary.convene(
            "2026-12-01", ["林委員", "陳委員"], SYSTEM_ACTOR, title=title
        ).result
        self.services.catch_up()
        return meeting_id

    def on_agenda(self, *terms: UUID) -> UUID:
        meeting_id = self.convene()
        for term_id in terms:
            self.services.glossary.put_on_agenda(meeting_id, term_id, SYSTEM_ACTOR)
        self.services.catch_up()
        return meeting_id


@pytest.fixture(scope="module")
def platform(
    tmp_path_factory: pytest.TempPathFactory, oidc_provider: LocalProvider, provider_browser: httpx.Client
) -> Iterator[Platform]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("glossary-flows"),
        oidc_metadata_url=metadata_url(oidc_provider),
        rate_limit_per_minute=0,
    )
    app = create_app(settings)
    services: Services = app.state.services
    services.glossary.import_file(APPROVED_CSV, SYSTEM_ACTOR, source="approved.csv")
    services.accounts.grant_from_command_line(oidc_provider.issuer, "demo-translator", TRANSLATOR)
    services.accounts.grant_from_command_line(oidc_provider.issuer, "demo-staff", STAFF)
    services.catch_up()
    with ExitStack() as stack:
        stack.callback(services.close)  # after every client's lifespan ended
        clients = {}
        for subject in ("visitor", "demo-translator", "demo-staff", "demo-resident"):
            clients[subject] = stack.enter_context(TestClient(app, base_url=BASE_URL))
            if subject != "visitor":
                assert sign_in_over_http(clients[subject], provider_browser, subject).status_code == 303
        yield Platform(services, clients["visitor"], clients["demo-translator"], clients["demo-staff"],
                       clients["demo-resident"])  # fmt: skip


def proposal(**overrides: str) -> dict[str, str]:
    zh, en, category, district = WEIWUYING
    return {"zh": zh, "en": en, "category": category, "district": district, "variants": "", "notes": "",
            "sources": "", "term_id": "", "action": "propose", **overrides}  # fmt: skip


def field_error(html: str, name: str) -> str:
    """The message next to a field, after checking the field points at it as an alert."""
    assert re.search(rf'id="field-{name}"[^>]*aria-invalid="true"[^>]*aria-describedby="error-{name}', html, re.S), (
        f"field {name} is not marked invalid"
    )
    found = re.search(rf'<p class="field-error" id="error-{name}" role="alert">([^<]*)</p>', html)
    assert found, f"no alert for {name}"
    return found.group(1)


# --- who may propose -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status", "place"),
    [
        ("visitor", 401, ("澄清湖", "Chengcing Lake", "landmark", "鳥松區")),
        ("resident", 403, ("澄清湖", "Chengcing Lake", "landmark", "鳥松區")),
        ("translator", 200, ("澄清湖", "Chengcing Lake", "landmark", "鳥松區")),
        ("staff", 200, ("西子灣", "Sizihwan", "landmark", "鼓山區")),
    ],
)
def test_proposing_needs_a_translator_or_staff(
    platform: Platform, who: str, status: int, place: tuple[str, str, str, str]
) -> None:
    client: TestClient = getattr(platform, who)
    assert client.get("/glossary/propose").status_code == status
    assert client.get("/glossary/suggestions", params={"zh": "前鎮區"}).status_code == status
    position = platform.position()
    zh, en, category, district = place
    answer = client.post("/glossary/propose", data=proposal(zh=zh, en=en, category=category, district=district),
                         follow_redirects=False)  # fmt: skip
    if status == 200:
        assert answer.status_code == 303 and platform.position() > position
    else:
        assert answer.status_code == status and platform.position() == position


@pytest.mark.parametrize(
    ("lang", "texts"),
    [
        ("en", ["<h1>Propose an English place name</h1>", "Chinese name", "English name", "Check without proposing",
                "Cianjhen District (前鎮區)"]),
        ("zh_Hant_TW", ["<h1>提出英文地名</h1>", "中文名稱", "英文名稱", "只檢查，不提案", ">前鎮區</option>"]),
    ],
)  # fmt: skip
def test_the_proposal_form_in_both_languages(platform: Platform, lang: str, texts: list[str]) -> None:
    page = platform.translator.get(f"/glossary/propose?lang={lang}")
    assert page.status_code == 200
    for text in texts:
        assert text in page.text, text
    assert '<form id="proposal" method="post"' in page.text
    assert f'hx-get="{BASE_URL}/glossary/suggestions"' in page.text


# --- suggestions as the translator types ---------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "warnings"),
    [
        ("en", ["前鎮區 already has approved English: Cianjhen District.",
                "This is Cianjhen District spelled in Hanyu Pinyin; the approved form uses Tongyong Pinyin."]),
        ("zh_Hant_TW", ["「前鎮區」已有核定的英文：Cianjhen District。",
                        "這是以漢語拼音拼寫的 Cianjhen District；核定寫法採用通用拼音。"]),
    ],
)  # fmt: skip
def test_live_suggestions_give_hanyu_tongyong_and_warn_about_the_other_romanization(
    platform: Platform, lang: str, warnings: list[str]
) -> None:
    answer = platform.translator.get(
        "/glossary/suggestions", params={"zh": "前鎮區", "en": "Qianzhen District", "lang": lang}, headers=HX
    )
    assert answer.status_code == 200
    fragment = answer.text.strip()
    assert fragment.startswith('<div id="suggestions"') and "<html" not in fragment and "<form" not in fragment
    assert '<dd lang="en" data-testid="hanyu">Qianzhen District</dd>' in fragment
    assert '<dd lang="en" data-testid="tongyong">Cianjhen District</dd>' in fragment
    listed = re.search(r'<ul data-testid="warnings">(.*?)</ul>', fragment, re.S)
    assert listed, fragment
    for warning in warnings:
        assert warning in listed.group(1), listed.group(1)


def test_the_approved_form_itself_raises_no_warning(platform: Platform) -> None:
    answer = platform.translator.get(
        "/glossary/suggestions", params={"zh": "前鎮區", "en": "Cianjhen District"}, headers=HX
    )
    assert 'data-testid="tongyong">Cianjhen District<' in answer.text and 'data-testid="warnings"' not in answer.text


def test_an_empty_chinese_name_suggests_nothing(platform: Platform) -> None:
    answer = platform.translator.get("/glossary/suggestions", params={"zh": "", "en": ""}, headers=HX)
    assert answer.status_code == 200 and "data-testid" not in answer.text


def test_checking_without_proposing_records_nothing(platform: Platform) -> None:
    position = platform.position()
    answer = platform.translator.post(
        "/glossary/propose?lang=en", headers=HX,
        data=proposal(zh="前鎮區", en="Qianzhen District", category="district", district="", action="check"),
    )  # fmt: skip
    assert answer.status_code == 200
    assert answer.text.strip().startswith('<form id="proposal"') and "<html" not in answer.text
    assert "前鎮區 already has approved English: Cianjhen District." in answer.text
    assert 'value="Qianzhen District"' in answer.text  # what was typed stays
    plain = platform.translator.post("/glossary/propose", data=proposal(action="check"), follow_redirects=False)
    assert plain.status_code == 200 and "<html" in plain.text
    assert platform.position() == position


# --- proposing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "message"), [("en", "English name is required."), ("zh_Hant_TW", "請填寫「英文名稱」。")]
)
def test_a_proposal_without_english_is_refused_and_records_nothing(platform: Platform, lang: str, message: str) -> None:
    shoushan = proposal(zh="壽山", en="", category="park", district="鼓山區")
    position = platform.position()
    page = platform.translator.post(f"/glossary/propose?lang={lang}", data=shoushan)
    assert page.status_code == 422
    assert message in field_error(page.text, "en")
    assert '<div class="error-summary" role="alert"' in page.text
    assert 'value="壽山"' in page.text and '<option value="park" selected>' in page.text  # the rest is kept
    assert not re.search(r'"[a-z-]+="', page.text), "attributes run together"  # aria-required="true"aria-…
    fragment = platform.translator.post(f"/glossary/propose?lang={lang}", data=shoushan, headers=HX)
    assert fragment.status_code == 422
    assert fragment.text.strip().startswith('<form id="proposal"') and "<html" not in fragment.text
    assert message in field_error(fragment.text, "en")
    assert platform.position() == position
    assert platform.visitor.get(f"/glossary/terms/{term_id_for('壽山', 'park', '鼓山區')}").status_code == 404


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"zh": "Weiwuying"}, "zh"),  # no Chinese characters
        ({"en": "衛武營"}, "en"),  # Chinese in the English
        ({"variants": "nickname: Weiwuying"}, "variants"),  # an unknown kind of variant
    ],
)
def test_other_invalid_proposals_are_refused(platform: Platform, form: dict[str, str], field: str) -> None:
    position = platform.position()
    page = platform.translator.post("/glossary/propose?lang=en", data=proposal(**form))
    assert page.status_code == 422
    assert field_error(page.text, field)
    assert platform.position() == position


def test_a_valid_proposal_redirects_to_its_term_page(platform: Platform) -> None:
    answer = platform.translator.post(
        "/glossary/propose",
        data=proposal(variants="hanyu: Weiwuying\nmisspelling: Wei Wu Ying", notes="The arts centre in 鳳山區",
                      sources="https://www.npac-weiwuying.org/"),
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{BASE_URL}/glossary/terms/{WEIWUYING_ID}"
    page = platform.visitor.get(answer.headers["location"] + "?lang=en").text  # read-your-writes
    assert "Proposed" in page and "Waiting for a meeting" in page
    assert f"Proposed English: {WEIWUYING[1]}" in page
    assert "https://www.npac-weiwuying.org/" in page and '<span class="place">Fongshan District</span>' in page
    chinese = platform.visitor.get(answer.headers["location"] + "?lang=zh_Hant_TW").text
    assert "已提案" in chinese and '<span lang="zh-Hant-TW">鳳山區</span>' in chinese
    # not approved yet: the public list does not show it
    assert WEIWUYING[1] not in platform.visitor.get("/glossary", params={"q": "衛武營"}).text


def test_a_valid_proposal_with_htmx_redirects_the_whole_page(platform: Platform) -> None:
    music = proposal(zh="高雄流行音樂中心", en="Kaohsiung Music Center", district="鹽埕區")
    answer = platform.translator.post("/glossary/propose", data=music, headers=HX)
    assert answer.status_code == 204 and answer.text == ""
    term_id = term_id_for("高雄流行音樂中心", "landmark", "鹽埕區")
    assert answer.headers["hx-redirect"] == f"{BASE_URL}/glossary/terms/{term_id}"
    assert platform.term(term_id)["status"] == "proposed"


def test_proposing_a_place_that_has_a_term_points_at_it(platform: Platform) -> None:
    position = platform.position()
    answer = platform.translator.post(
        "/glossary/propose?lang=en",
        data=proposal(zh="前鎮區", en="Qianzhen District", category="district", district=""),
    )
    assert answer.status_code == 409
    assert "This place already has a term." in answer.text
    assert f'href="{BASE_URL}/glossary/terms/{term_id_for("前鎮區", "district", "")}"' in answer.text
    assert platform.position() == position


def test_a_change_to_an_approved_term(platform: Platform) -> None:
    term_id = term_id_for("中山四路", "road", "前鎮區")
    form = platform.translator.get(f"/glossary/propose?term={term_id}&lang=en").text
    assert "<h1>Propose a change</h1>" in form and 'value="Zhongshan 4th Rd."' in form
    answer = platform.translator.post(
        "/glossary/propose", data=proposal(zh="中山四路", en="Zhongshan Fourth Road", term_id=str(term_id)),
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    term = platform.term(term_id)
    assert term["status"] == "approved" and term["en"] == "Zhongshan 4th Rd."  # until a meeting decides
    assert term["candidate"]["en"] == "Zhongshan Fourth Road"


# --- meetings ----------------------------------------------------------------------------------------


def test_staff_convene_a_meeting(platform: Platform) -> None:
    answer = platform.staff.post(
        "/glossary/meetings", data={"date": "2026-12-01", "title": "第12次審查會議", "members": "林委員\n陳委員\n"},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    assert re.fullmatch(rf"{BASE_URL}/glossary/meetings/[0-9a-f-]+", answer.headers["location"])
    page = platform.staff.get(answer.headers["location"] + "?lang=en").text
    assert "<h1>第12次審查會議</h1>" in page and "林委員, 陳委員" in page and "Nothing waits on this agenda." in page
    assert "第12次審查會議" in platform.visitor.get("/glossary/meetings?lang=zh_Hant_TW").text
    with_htmx = platform.staff.post("/glossary/meetings", data={"date": "2026-12-02", "members": "林委員"}, headers=HX)
    assert with_htmx.status_code == 204 and "/glossary/meetings/" in with_htmx.headers["hx-redirect"]


@pytest.mark.parametrize(
    ("form", "field", "lang", "message"),
    [
        ({"date": "2026-13-45", "members": "林委員"}, "date", "en", "Date is not valid."),
        ({"date": "", "members": "林委員"}, "date", "zh_Hant_TW", "「日期」格式不正確。"),
        ({"date": "2026-12-01", "members": "  \n"}, "members", "en", "Members is required."),
    ],
)
def test_an_invalid_meeting_is_refused(
    platform: Platform, form: dict[str, str], field: str, lang: str, message: str
) -> None:
    position = platform.position()
    page = platform.staff.post(f"/glossary/meetings?lang={lang}", data=form)
    assert page.status_code == 422
    assert message in field_error(page.text, field)
    fragment = platform.staff.post(f"/glossary/meetings?lang={lang}", data=form, headers=HX)
    assert fragment.status_code == 422 and fragment.text.strip().startswith('<form id="convene"')
    assert message in field_error(fragment.text, field)
    assert platform.position() == position


def test_only_staff_run_meetings(platform: Platform) -> None:
    term_id = platform.propose("打狗英國領事館", "Former British Consulate at Takao", district="鼓山區")
    meeting_id = platform.on_agenda(term_id)
    other = platform.propose("旗津燈塔", "Cijin Lighthouse", district="旗津區")
    posts = [
        ("/glossary/meetings", {"date": "2026-12-01", "members": "林委員"}),
        (f"/glossary/meetings/{meeting_id}/agenda", {"term_id": str(other)}),
        (f"/glossary/meetings/{meeting_id}/decisions", {"term_id": str(term_id), "outcome": "approve"}),
    ]
    position = platform.position()
    for client, status in ((platform.visitor, 401), (platform.resident, 403), (platform.translator, 403)):
        for path, data in posts:
            for headers in ({}, HX):
                assert client.post(path, data=data, headers=headers).status_code == status, path
        # anyone may read the minutes; only staff see the forms
        page = client.get(f"/glossary/meetings/{meeting_id}?lang=en")
        assert page.status_code == 200 and "打狗英國領事館" in page.text
        assert 'value="approve"' not in page.text and 'id="agenda-term"' not in page.text
        assert 'id="convene"' not in client.get("/glossary/meetings").text
    assert platform.position() == position
    assert 'value="approve"' in platform.staff.get(f"/glossary/meetings/{meeting_id}").text
    assert 'id="convene"' in platform.staff.get("/glossary/meetings").text


def test_put_a_proposal_on_the_agenda(platform: Platform) -> None:
    liouhe = platform.propose("六合夜市", "Liouhe Night Market", category="market", district="新興區")
    meeting_id = platform.convene()
    page = platform.staff.get(f"/glossary/meetings/{meeting_id}?lang=en").text
    assert f'<option value="{liouhe}">六合夜市 → Liouhe Night Market</option>' in page
    answer = platform.staff.post(f"/glossary/meetings/{meeting_id}/agenda", data={"term_id": str(liouhe)},
                                 follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"] == f"{BASE_URL}/glossary/meetings/{meeting_id}"
    assert platform.term(liouhe)["status"] == "under_review"
    minutes = platform.staff.get(f"/glossary/meetings/{meeting_id}?lang=en").text
    assert "proposed: Liouhe Night Market" in minutes
    assert f'<option value="{liouhe}">' not in minutes  # on the agenda now, no longer waiting
    # the district goes through the place filter: unknown to this glossary, so unofficial
    assert "新興區</span> (Sinsing District, unofficial romanization)" in minutes
    ruifeng = platform.propose("瑞豐夜市", "Ruifeng Night Market", category="market", district="鼓山區")
    fragment = platform.staff.post(
        f"/glossary/meetings/{meeting_id}/agenda", data={"term_id": str(ruifeng)}, headers=HX
    )
    assert fragment.status_code == 200
    assert fragment.text.strip().startswith('<div id="minutes">') and "<html" not in fragment.text
    assert "proposed: Ruifeng Night Market" in fragment.text and "proposed: Liouhe Night Market" in fragment.text
    position = platform.position()
    twice = platform.staff.post(f"/glossary/meetings/{meeting_id}/agenda?lang=en", data={"term_id": str(ruifeng)})
    assert twice.status_code == 409 and "That term is already on this agenda." in twice.text
    assert platform.position() == position


def _decide(platform: Platform, meeting_id: UUID, term_id: UUID, outcome: str, **form: str) -> httpx.Response:
    return platform.staff.post(
        f"/glossary/meetings/{meeting_id}/decisions?lang=en",
        data={"term_id": str(term_id), "outcome": outcome, **form},
        follow_redirects=False,
    )


def _confirmed(
    platform: Platform, meeting_id: UUID, shown: httpx.Response, headers: dict | None = None
) -> httpx.Response:
    """Presses the confirmation button of the decision a page shows, with what the form carries."""
    assert shown.status_code in (200, 409), shown.text
    form = re.search(r'<section class="confirm".*?<form [^>]*>(.*?)</form>', shown.text, re.S)
    assert form, "no decision to confirm"
    data: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(1)):
        data.setdefault(name, []).append(html.unescape(value))
    return platform.staff.post(
        f"/glossary/meetings/{meeting_id}/decisions?lang=en", data={**data, "confirm": "yes"},
        headers=headers or {}, follow_redirects=False,
    )  # fmt: skip


def test_approving_puts_the_name_on_the_public_list(platform: Platform) -> None:
    term_id = platform.propose("大東文化藝術中心", "Dadong Arts Center", district="鳳山區")
    meeting_id = platform.on_agenda(term_id)
    position = platform.position()
    shown = _decide(platform, meeting_id, term_id, "approve", en="Dadong Arts Center")
    assert shown.status_code == 200 and 'data-testid="confirm-en">Dadong Arts Center</strong>' in shown.text
    assert "No warnings for this English." in shown.text
    assert platform.position() == position  # nothing is recorded before the chair confirms
    answer = _confirmed(platform, meeting_id, shown)
    assert answer.status_code == 303 and answer.headers["location"] == f"{BASE_URL}/glossary/meetings/{meeting_id}"
    term = platform.term(term_id)
    assert term["status"] == "approved" and term["en"] == "Dadong Arts Center"
    assert term["approved_meeting_id"] == str(meeting_id) and term["approved_decision"] == 1
    minutes = platform.visitor.get(f"/glossary/meetings/{meeting_id}?lang=en").text
    assert re.search(r'<td[^>]*>1</td>\s*<td[^>]*><a [^>]*>大東文化藝術中心</a></td>\s*<td[^>]*>Approved</td>\s*'
                     r'<td data-label="English" lang="en">Dadong Arts Center</td>', minutes)  # fmt: skip
    assert "Nothing waits on this agenda." in minutes
    listed = platform.visitor.get("/glossary", params={"q": "dadong", "lang": "en"}).text
    assert "Dadong Arts Center" in listed and '<span class="place">Fongshan District</span>' in listed
    history = platform.visitor.get(f"/glossary/terms/{term_id}?lang=en").text
    assert "英語友善環境審查會議 第12次</a>, decision 1" in history


def test_approving_with_amended_english(platform: Platform) -> None:
    term_id = platform.propose("衛武營都會公園", "Weiwuying Park", category="park", district="鳳山區")
    meeting_id = platform.on_agenda(term_id)
    position = platform.position()
    refused = platform.staff.post(
        f"/glossary/meetings/{meeting_id}/decisions?lang=en", headers=HX,
        data={"term_id": str(term_id), "outcome": "approve_amended", "en": "Weiwuying Metropolitan Park 衛武營"},
    )  # fmt: skip
    assert refused.status_code == 422 and refused.text.strip().startswith('<div id="minutes">')
    assert re.search(r'name="en" lang="en" value="[^"]*"\s+aria-invalid="true" aria-describedby="en-error-\d+"',
                     refused.text)  # fmt: skip
    assert 'role="alert">English name must not contain Chinese characters.</p>' in refused.text
    assert platform.position() == position and platform.term(term_id)["status"] == "under_review"
    shown = platform.staff.post(
        f"/glossary/meetings/{meeting_id}/decisions?lang=en", headers=HX,
        data={"term_id": str(term_id), "outcome": "approve_amended", "en": "Weiwuying Metropolitan Park "},
    )  # fmt: skip
    assert 'data-testid="confirm-en">Weiwuying Metropolitan Park</strong>' in shown.text  # as it will be recorded
    assert "This differs from the proposal (Weiwuying Park)" in shown.text
    answer = _confirmed(platform, meeting_id, shown, headers=HX)
    assert answer.status_code == 200 and answer.text.strip().startswith('<div id="minutes">')
    assert "Approved with amended English" in answer.text and "Weiwuying Metropolitan Park</td>" in answer.text
    term = platform.term(term_id)
    assert term["status"] == "approved" and term["en"] == "Weiwuying Metropolitan Park"


def test_rejecting_needs_a_reason(platform: Platform) -> None:
    term_id = platform.propose("旗津區", "Qijin District", category="district")
    meeting_id = platform.on_agenda(term_id)
    position = platform.position()
    for lang, message in (("en", "Reason is required."), ("zh_Hant_TW", "請填寫「理由」。")):
        for headers in ({}, HX):
            answer = platform.staff.post(
                f"/glossary/meetings/{meeting_id}/decisions?lang={lang}",
                data={"term_id": str(term_id), "outcome": "reject", "reason": "  "},
                headers=headers,
            )
            assert answer.status_code == 422
            assert 'role="alert"' in answer.text and message in answer.text
            invalid = re.search(
                r'name="reason"\s+aria-invalid="true" aria-describedby="(reason-error-\d+)"', answer.text
            )
            assert invalid, "the reason field is not marked invalid"
            assert f'<p class="field-error" id="{invalid.group(1)}" role="alert">{message}</p>' in answer.text
    assert platform.position() == position
    assert platform.term(term_id)["status"] == "under_review"
    answer = _decide(platform, meeting_id, term_id, "reject", reason="Kaohsiung's signs write Cijin District")
    assert answer.status_code == 303
    assert platform.term(term_id)["status"] == "rejected"
    minutes = platform.visitor.get(f"/glossary/meetings/{meeting_id}?lang=en").text
    assert ">Rejected</td>" in minutes and "Kaohsiung&#39;s signs write Cijin District" in minutes
    history = platform.visitor.get(f"/glossary/terms/{term_id}?lang=en").text
    assert "Reason: Kaohsiung&#39;s signs write Cijin District" in history
    assert "Qijin District" not in platform.visitor.get("/glossary", params={"q": "qijin"}).text


def test_deferring_sends_the_proposal_back_to_wait(platform: Platform) -> None:
    term_id = platform.propose("蓮池潭", "Lotus Pond", district="左營區")
    meeting_id = platform.on_agenda(term_id)
    assert _decide(platform, meeting_id, term_id, "defer").status_code == 303
    assert platform.term(term_id)["status"] == "proposed"
    minutes = platform.staff.get(f"/glossary/meetings/{meeting_id}?lang=zh_Hant_TW").text
    assert ">緩議</td>" in minutes
    assert f'<option value="{term_id}">' in minutes  # it may go on an agenda again


def test_an_unknown_outcome_is_a_bad_request(platform: Platform) -> None:
    term_id = platform.propose("龍虎塔", "Dragon and Tiger Pagodas", district="左營區")
    meeting_id = platform.on_agenda(term_id)
    position = platform.position()
    assert _decide(platform, meeting_id, term_id, "veto").status_code == 400
    assert platform.position() == position


def test_a_decision_on_a_term_not_on_the_agenda_is_a_conflict(platform: Platform) -> None:
    term_id = platform.propose("英國領事館", "British Consulate", district="鼓山區")
    meeting_id = platform.convene()
    position = platform.position()
    assert _decide(platform, meeting_id, term_id, "approve").status_code == 409
    assert platform.position() == position


@pytest.mark.parametrize("meeting", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_an_unknown_meeting_is_not_found(platform: Platform, meeting: str) -> None:
    assert platform.visitor.get(f"/glossary/meetings/{meeting}").status_code == 404


# --- import ------------------------------------------------------------------------------------------


def _upload(client: TestClient, text: str | bytes, lang: str = "en", name: str = "names.csv") -> httpx.Response:
    content = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(
        f"/glossary/import?lang={lang}",
        files={"file": (name, content, "text/csv")},
        data={"approved_column": "en"},
    )


def _summary(html: str) -> str:
    found = re.search(r'<p data-testid="import-summary">([^<]*)</p>', html)
    assert found, "no import summary"
    return found.group(1)


def test_only_staff_import(platform: Platform) -> None:
    position = platform.position()
    for client, status in ((platform.visitor, 401), (platform.resident, 403), (platform.translator, 403)):
        assert client.get("/glossary/import").status_code == status
        assert _upload(client, "zh,en\n美濃湖,Meinong Lake\n").status_code == status
    assert platform.position() == position
    assert platform.staff.get("/glossary/import").status_code == 200


def test_a_good_csv_is_imported_and_reported_and_importing_it_again_changes_nothing(platform: Platform) -> None:
    text = (
        "zh,en,category,district\n月世界,Moon World,landmark,田寮區\n佛光山,Fo Guang Shan Monastery,landmark,大樹區\n"
    )
    assert "<h1>Import place names</h1>" in platform.staff.get("/glossary/import?lang=en").text
    page = _upload(platform.staff, text, lang="en")
    assert page.status_code == 200
    assert _summary(page.text) == "2 imported, 0 already approved, 0 rejected."
    listed = platform.visitor.get("/glossary", params={"q": "moon world", "lang": "en"}).text
    assert "月世界" in listed and "Fo Guang Shan Monastery" in platform.visitor.get("/glossary?q=佛光山").text
    position = platform.position()
    again = _upload(platform.staff, text, lang="zh_Hant_TW")
    assert (again.status_code == 200 and "<h1>匯入地名</h1>" in again.text) or "匯入" in again.text
    assert _summary(again.text) == "匯入 0 筆，2 筆已核定，0 筆退回。"
    assert platform.position() == position


def test_each_rejected_row_is_reported_with_its_line_and_reason(platform: Platform) -> None:
    text = (
        "zh,en,category,district\n"
        "美濃湖,Meinong Lake,landmark,美濃區\n"
        "茂林國家風景區,,landmark,茂林區\n"
        "Lotus,Lotus Pond,landmark,左營區\n"
        "前鎮區,Qianzhen District,district,\n"
        "茂林區,Maolin District,district\n"
    )
    page = _upload(platform.staff, text, lang="en")
    assert page.status_code == 200
    assert _summary(page.text) == "1 imported, 0 already approved, 4 rejected."
    assert re.findall(r"<li>([^<]*)</li>", page.text)[-4:] == [
        "line 3: the English name is missing",
        "line 4: the Chinese name has no Chinese characters",
        "line 5: the glossary already approves other English: Cianjhen District",
        "line 6: 3 fields where the header has 4",
    ]
    assert "Meinong Lake" in platform.visitor.get("/glossary", params={"q": "meinong lake"}).text
    position = platform.position()
    chinese = _upload(platform.staff, text, lang="zh_Hant_TW")
    assert _summary(chinese.text) == "匯入 0 筆，1 筆已核定，4 筆退回。"
    assert re.findall(r"<li>([^<]*)</li>", chinese.text)[-4:] == [
        "第 3 行：缺少英文名稱",
        "第 4 行：中文名稱沒有中文字",
        "第 5 行：地名譯名已核定其他英文：Cianjhen District",
        "第 6 行：有 3 個欄位，但標題列有 4 個",
    ]
    assert platform.position() == position


@pytest.mark.parametrize(
    ("text", "lang", "message"),
    [
        ("zh,category\n壽山動物園,landmark\n", "en", "The header lacks the columns: en."),
        ("zh,en,colour\n壽山動物園,Shoushan Zoo,blue\n", "en", "The header has unknown columns: colour."),
        ("zh,en\n壽山動物園,Shoushan Zoo\n".encode("big5"), "en", "The file is not UTF-8 text."),
        ("", "en", "The file is empty."),
        ("zh,category\n壽山動物園,landmark\n", "zh_Hant_TW", "標題列缺少欄位：en。"),
    ],
)
def test_a_file_with_the_wrong_structure_imports_nothing(
    platform: Platform, text: str | bytes, lang: str, message: str
) -> None:
    position = platform.position()
    page = _upload(platform.staff, text, lang=lang)
    assert page.status_code == 422
    assert message in field_error(page.text, "file")
    assert '<div class="error-summary" role="alert"' in page.text and 'data-testid="import-summary"' not in page.text
    assert platform.position() == position
    assert platform.services.log.get_or_none(term_id_for("壽山動物園", "landmark", "")) is None
    assert platform.services.log.get_or_none(term_id_for("壽山動物園", "", "")) is None


def test_an_upload_without_a_file_is_refused(platform: Platform) -> None:
    position = platform.position()
    page = platform.staff.post("/glossary/import?lang=en", data={"approved_column": "en"},
                               files={"file": ("", b"", "application/octet-stream")})  # fmt: skip
    assert page.status_code == 422 and "Choose a CSV file to import." in field_error(page.text, "file")
    assert platform.position() == position


# --- cross-site posts ----------------------------------------------------------------------------------


def test_cross_site_posts_to_the_glossary_are_refused(platform: Platform) -> None:
    term_id = platform.propose("中央公園", "Central Park", category="park", district="前金區")
    meeting_id = platform.on_agenda(term_id)
    other = platform.propose("城市光廊", "Urban Spotlight Arcade", district="苓雅區")
    posts = [
        ("/glossary/propose", proposal(zh="美麗島站", en="Formosa Boulevard Station", category="mrt_station")),
        ("/glossary/meetings", {"date": "2026-12-01", "members": "林委員"}),
        (f"/glossary/meetings/{meeting_id}/agenda", {"term_id": str(other)}),
        (f"/glossary/meetings/{meeting_id}/decisions", {"term_id": str(term_id), "outcome": "approve"}),
        ("/glossary/import", {"approved_column": "en"}),
    ]
    csv_file = {"file": ("names.csv", b"zh,en\n\xe4\xb8\x83\xe8\xb3\xa2\xe8\xb7\xaf,Qixian Rd.\n", "text/csv")}
    position = platform.position()
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"},
                    {"Sec-Fetch-Site": "same-site", "Origin": "https://glossary.kaohsiung.example"}):  # fmt: skip
        for path, data in posts:
            files = csv_file if path == "/glossary/import" else None
            answer = platform.staff.post(path, data=data, files=files, headers=headers, follow_redirects=False)
            assert answer.status_code == 403, (path, headers)
    assert platform.position() == position
    # the same posts from our own pages go through
    for path, data in posts[:2]:
        answer = platform.staff.post(path, data=data, headers={"Sec-Fetch-Site": "same-origin", "Origin": BASE_URL},
                                     follow_redirects=False)  # fmt: skip
        assert answer.status_code == 303, path
