"""The glossary as translators and staff work it: decisions as the chair confirmed them, what a
proposal carries shown to those who decide, imports labelled as imports, dates checked, and the
queues from which agendas are built.

Runs on the module platform of test_glossary_flows (real sign-in, real SQLite); each test uses
places of its own.
"""

# ruff: noqa: F811  (the tests take the "platform" fixture that is imported from test_glossary_flows)
from __future__ import annotations

import re
from datetime import UTC, datetime
from uuid import UUID

import httpx
import pytest

from domain.eventlog import SYSTEM_ACTOR
from tests.web.conftest import BASE_URL
from tests.web.test_glossary_flows import HX, Platform, _confirmed, platform  # noqa: F401  (the fixture)
from web.i18n import CITY_TIMEZONE


def _decide(platform: Platform, meeting_id: UUID, term_id: UUID, lang: str = "en", **form: str) -> httpx.Response:
    return platform.staff.post(
        f"/glossary/meetings/{meeting_id}/decisions?lang={lang}",
        data={"term_id": str(term_id), **form},
        follow_redirects=False,
    )


def _flash(html: str) -> list[str]:
    return re.findall(r'<p class="notice notice-success" data-testid="flash">([^<]*)</p>', html)


# --- defect 1: the English the chair typed is the English approved ---------------------------------


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_an_amended_english_typed_before_pressing_approve_is_what_becomes_official(
    platform: Platform, lang: str
) -> None:
    zh = "高雄港" if lang == "en" else "高雄港區"
    term_id = platform.propose(zh, "port of kaohsiung", category="landmark")
    meeting_id = platform.on_agenda(term_id)
    position = platform.position()
    # The chair types the capitalised English into the box and presses 核定 (Approve).
    shown = _decide(platform, meeting_id, term_id, lang, outcome="approve", en="Port of Kaohsiung")
    assert shown.status_code == 200
    assert 'data-testid="confirm-en">Port of Kaohsiung</strong>' in shown.text
    assert platform.position() == position  # not final until confirmed
    answer = _confirmed(platform, meeting_id, shown)
    assert answer.status_code == 303
    term = platform.term(term_id)
    assert (term["status"], term["en"]) == ("approved", "Port of Kaohsiung")
    public = platform.visitor.get(f"/glossary/terms/{term_id}?lang=en").text
    assert '<h1><span lang="zh-Hant-TW">' + zh + '</span> <span lang="en">Port of Kaohsiung</span></h1>' in public
    minutes = platform.visitor.get(f"/glossary/meetings/{meeting_id}?lang=en").text
    assert ">Approved with amended English</td>" in minutes


def test_the_warnings_of_the_english_to_approve_are_shown_before_the_decision_is_final(platform: Platform) -> None:
    term_id = platform.propose("高雄展覽館", "kaohsiung exhibition center", category="landmark")
    meeting_id = platform.on_agenda(term_id)
    position = platform.position()
    for lang, warning in (("en", "Capitalize kaohsiung as Kaohsiung."), ("zh_Hant_TW", "Kaohsiung")):
        for headers in ({}, HX):
            shown = platform.staff.post(
                f"/glossary/meetings/{meeting_id}/decisions?lang={lang}", headers=headers,
                data={"term_id": str(term_id), "outcome": "approve", "en": "kaohsiung exhibition center"},
            )  # fmt: skip
            assert shown.status_code == 200
            listed = re.search(r'<ul data-testid="confirm-warnings">(.*?)</ul>', shown.text, re.S)
            assert listed and warning in listed.group(1)
            if headers:
                assert shown.text.strip().startswith('<div id="minutes">')
    assert platform.position() == position


def test_a_warning_that_appears_before_the_confirmation_stops_it(platform: Platform) -> None:
    first = platform.propose("金獅湖", "Jinshi Lake", category="park")
    second = platform.propose("金獅湖風景區", "Jinshi Lake Scenic Area", category="park")
    meeting_id = platform.on_agenda(first, second)
    shown = _decide(platform, meeting_id, first, outcome="approve", en="Jinshi Lake Park")
    assert "No warnings for this English." in shown.text
    # Meanwhile the other item is approved with the same English.
    platform.services.glossary.approve(meeting_id, second, SYSTEM_ACTOR, en="Jinshi Lake Park")
    platform.services.catch_up()
    position = platform.position()
    refused = _confirmed(platform, meeting_id, shown)
    assert refused.status_code == 409
    assert "The warnings changed since the decision was shown: check them again." in refused.text
    assert "This English is already approved for another place: 金獅湖風景區" in refused.text
    assert platform.position() == position and platform.term(first)["status"] == "under_review"
    assert _confirmed(platform, meeting_id, refused).status_code == 303  # seen now, and confirmed
    assert platform.term(first)["en"] == "Jinshi Lake Park"


def test_a_later_decision_corrects_an_approval_and_the_first_stays_in_its_minutes(platform: Platform) -> None:
    term_id = platform.propose("美麗島站", "Formosa Boulevard Statoin", category="mrt_station")
    first = platform.on_agenda(term_id)
    platform.services.glossary.approve(first, term_id, SYSTEM_ACTOR)
    second = platform.convene("英語友善環境審查會議 第13次")
    page = platform.staff.get(f"/glossary/terms/{term_id}?lang=en").text
    assert "Put on a meeting's agenda (to correct the decision, or to confirm it)" in page
    added = platform.staff.post(
        "/glossary/queue?lang=en", data={"meeting_id": str(second), "term_id": str(term_id)}, follow_redirects=False
    )
    assert added.status_code == 303 and added.headers["location"] == f"{BASE_URL}/glossary/meetings/{second}"
    shown = _decide(platform, second, term_id, outcome="correct", en="Formosa Boulevard Station", reason="a typo")
    assert "Correct the approved English of 美麗島站 to:" in shown.text
    assert _confirmed(platform, second, shown).status_code == 303
    term = platform.term(term_id)
    assert (term["en"], term["approved_meeting_id"]) == ("Formosa Boulevard Station", str(second))
    old = platform.visitor.get(f"/glossary/meetings/{first}?lang=en").text
    assert 'lang="en">Formosa Boulevard Statoin</td>' in old  # history kept, not edited in place
    assert re.search(
        r'data-testid="corrected-by">corrected by decision 1 of <a [^>]*>英語友善環境審查會議 第13次</a>', old
    )
    new = platform.visitor.get(f"/glossary/meetings/{second}?lang=zh_Hant_TW").text
    assert ">更正先前決議<br><small>更正 <a" in new
    history = platform.visitor.get(f"/glossary/terms/{term_id}?lang=en").text
    assert "Corrected by a later decision" in history and "Reason: a typo" in history


def test_a_correction_needs_a_reason(platform: Platform) -> None:
    term_id = platform.propose("中央公園站", "Central Park Station", category="mrt_station")
    meeting_id = platform.on_agenda(term_id)
    platform.services.glossary.approve(meeting_id, term_id, SYSTEM_ACTOR)
    platform.services.glossary.put_on_agenda(meeting_id, term_id, SYSTEM_ACTOR)
    platform.services.catch_up()
    position = platform.position()
    refused = _decide(platform, meeting_id, term_id, outcome="correct", en="Central Park", reason=" ")
    assert refused.status_code == 422 and "Reason is required." in refused.text
    assert platform.position() == position


# --- defect 4: what the translator entered is shown to those who decide ---------------------------


def test_notes_variants_and_sources_are_shown_on_the_term_the_agenda_and_the_waiting_list(
    platform: Platform,
) -> None:
    answer = platform.translator.post(
        "/glossary/propose",
        data={"zh": "三鳳宮", "en": "Sanfong Temple", "category": "landmark", "district": "三民區",
              "variants": "hanyu: Sanfeng Temple", "notes": "The temple's own sign says Sanfong.",
              "sources": "Kaohsiung Tourism Bureau, 2024", "term_id": "", "action": "propose"},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.status_code == 303
    term_id = UUID(answer.headers["location"].rsplit("/", 1)[-1])
    meeting_id = platform.on_agenda(term_id)
    pages = {
        "term": platform.visitor.get(f"/glossary/terms/{term_id}?lang=en").text,
        "agenda": platform.staff.get(f"/glossary/meetings/{meeting_id}?lang=en").text,
        "waiting": platform.visitor.get("/glossary/waiting?lang=en").text,
    }
    for where, page in pages.items():
        for shown in ("The temple&#39;s own sign says Sanfong.", "Sanfeng Temple", "Hanyu Pinyin",
                      "Kaohsiung Tourism Bureau, 2024"):  # fmt: skip
            assert shown in page, (where, shown)
    zh_agenda = platform.staff.get(f"/glossary/meetings/{meeting_id}?lang=zh_Hant_TW").text
    assert "翻譯人員備註" in zh_agenda and "漢語拼音" in zh_agenda


# --- defect 5: imports are labelled as imports ----------------------------------------------------


def test_an_imported_file_is_labelled_as_an_initial_list_not_a_meeting(platform: Platform) -> None:
    answer = platform.staff.post(
        "/glossary/import?lang=en",
        files={"file": ("kaohsiung_parks.csv", "zh,en,category\n中央公園,Central Park,park\n".encode(), "text/csv")},
        data={"approved_column": "en"},
    )
    assert answer.status_code == 200 and _flash(answer.text) == ["1 name imported as an initial list."]
    with platform.services.reader() as db:
        term_id = db.execute("SELECT id FROM glossary_terms WHERE zh = '中央公園'").fetchone()[0]
    today = datetime.now(UTC).astimezone(CITY_TIMEZONE).date()  # the city's day, as pages show it
    term = platform.visitor.get(f"/glossary/terms/{term_id}?lang=en").text
    approved_by = re.search(r'<dd data-testid="approved-by">(.*?)</dd>', term, re.S)
    assert approved_by and "Initial list imported from kaohsiung_parks.csv by 陳志明 (staff) on " in approved_by.group(
        1
    )
    assert f"{today.year}" in approved_by.group(1) and "decision" not in approved_by.group(1)
    meetings = platform.visitor.get("/glossary/meetings?lang=en").text
    table = meetings.split("<h2>Initial lists</h2>")[0]
    assert "kaohsiung_parks.csv" not in table  # not among the meetings
    lists = re.search(r'<ul data-testid="initial-lists">(.*?)</ul>', meetings, re.S)
    assert lists and "Initial list imported from kaohsiung_parks.csv by 陳志明 (staff)" in lists.group(1)
    zh = platform.visitor.get(f"/glossary/terms/{term_id}?lang=zh_Hant_TW").text
    assert "陳志明 (staff) 於 民國" in zh and "自 kaohsiung_parks.csv 匯入的初始名單" in zh
    # The setup CSV came from the command line: said so.
    assert "Initial list imported from approved.csv by the command line on" in meetings


def test_the_home_page_does_not_claim_review_meetings_approved_imported_names(make_client, oidc_provider) -> None:
    client = make_client()
    services = client.app.state.services
    services.glossary.import_file("zh,en,category\n愛河,Love River,river\n", SYSTEM_ACTOR, source="rivers.csv")
    services.catch_up()
    home = client.get("/?lang=en").text
    assert "approved by the city&#39;s review meetings" not in home
    assert "adopted from initial lists that staff imported; none approved at a review meeting yet" in home


# --- defect 6: dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "message"),
    [
        ("en", "Date must be on or after 1 January 1912 (民國1年1月1日), the first day of the Republic era."),
        ("zh_Hant_TW", "「日期」須為民國1年1月1日（1912年1月1日）或之後的日期。"),
    ],
)
def test_a_meeting_dated_before_the_republic_era_is_refused(platform: Platform, lang: str, message: str) -> None:
    position = platform.position()
    for headers in ({}, HX):
        answer = platform.staff.post(
            f"/glossary/meetings?lang={lang}", data={"date": "1900-01-01", "members": "林委員"}, headers=headers
        )
        assert answer.status_code == 422 and message in answer.text
        assert "民國-11" not in answer.text
    assert platform.position() == position


def test_a_meeting_dated_ahead_says_what_that_means_and_names_show_when_they_were_approved(
    platform: Platform,
) -> None:
    term_id = platform.propose("高雄流行音樂中心", "Kaohsiung Music Center", category="landmark")
    meeting_id = platform.services.glossary.convene("2099-06-01", ["林委員"], SYSTEM_ACTOR, title="第99次").result
    platform.services.glossary.put_on_agenda(meeting_id, term_id, SYSTEM_ACTOR)
    platform.services.catch_up()
    minutes = platform.staff.get(f"/glossary/meetings/{meeting_id}?lang=en").text
    assert 'data-testid="future-meeting"' in minutes and "each decision is recorded with the time" in minutes
    platform.services.glossary.approve(meeting_id, term_id, SYSTEM_ACTOR)
    platform.services.catch_up()
    listed = platform.visitor.get("/glossary", params={"q": "高雄流行音樂中心", "lang": "zh_Hant_TW"}).text
    row = re.search(r"高雄流行音樂中心</a></th>(.*?)</tr>", listed, re.S)
    assert row and "民國188年" not in row.group(1)  # not the meeting's date ahead
    today = datetime.now(UTC).astimezone(CITY_TIMEZONE).date()  # the city's day, as pages show it
    assert f"民國{today.year - 1911}年{today.month}月{today.day}日" in row.group(1)


# --- queues ---------------------------------------------------------------------------------------


def test_staff_build_an_agenda_from_the_queue(platform: Platform) -> None:
    first = platform.propose("鳳儀書院", "Fongyi Academy", category="landmark")
    second = platform.propose("鳳山縣舊城", "Old Fongshan City", category="landmark")
    deferred = platform.propose("打狗英國領事館", "British Consulate at Takao", category="landmark")
    earlier = platform.on_agenda(deferred)
    platform.services.glossary.defer(earlier, deferred, SYSTEM_ACTOR)
    meeting_id = platform.convene("英語友善環境審查會議 第14次")
    queue = platform.staff.get("/glossary/queue?lang=en").text
    for term_id in (first, second, deferred):
        assert f'name="term_id" value="{term_id}"' in queue
    assert re.search(r"Deferred by <a [^>]*>英語友善環境審查會議 第12次</a>", queue)
    position = platform.position()
    nothing = platform.staff.post("/glossary/queue?lang=en", data={"meeting_id": str(meeting_id)})
    assert nothing.status_code == 422 and "Choose at least one item for the agenda." in nothing.text
    assert platform.position() == position
    added = platform.staff.post(
        "/glossary/queue?lang=en",
        data={"meeting_id": str(meeting_id), "term_id": [str(first), str(second), str(deferred)]},
    )
    assert added.status_code == 200 and _flash(added.text) == ["3 items put on the agenda."]
    with platform.services.reader() as db:
        agenda = [row[0] for row in db.execute(
            "SELECT term_id FROM glossary_agenda WHERE meeting_id = ? ORDER BY position", [str(meeting_id)]
        )]  # fmt: skip
    assert agenda == [str(first), str(second), str(deferred)]
    assert f'name="term_id" value="{first}"' not in platform.staff.get("/glossary/queue").text
    again = platform.staff.post("/glossary/queue?lang=en", data={"meeting_id": str(meeting_id), "term_id": str(first)})
    assert again.status_code == 409 and "nothing was added" in again.text


def test_the_queue_is_for_staff(platform: Platform) -> None:
    assert platform.visitor.get("/glossary/queue").status_code == 401
    assert platform.translator.get("/glossary/queue").status_code == 403
    assert platform.translator.post("/glossary/queue", data={"meeting_id": "x"}).status_code == 403


def test_a_translator_follows_their_proposals(platform: Platform) -> None:
    made = {}
    for zh, en in (("旗后燈塔", "Cihou Lighthouse"), ("旗后砲台", "cihou fort"), ("西子灣隧道", "Sizihwan Tunel")):
        answer = platform.translator.post(
            "/glossary/propose?lang=en", follow_redirects=False,
            data={"zh": zh, "en": en, "category": "landmark", "district": "旗津區", "variants": "", "notes": "",
                  "sources": "", "term_id": "", "action": "propose"},
        )  # fmt: skip
        made[zh] = UUID(answer.headers["location"].rsplit("/", 1)[-1])
    assert (
        _flash(platform.translator.get("/glossary/mine?lang=en").text)
        == ["Your proposal is recorded. It waits for a review meeting; see My proposals."] * 3
    )  # one for each, kept until a page shows them
    meeting_id = platform.on_agenda(made["旗后燈塔"], made["旗后砲台"])
    glossary = platform.services.glossary
    glossary.approve(meeting_id, made["旗后燈塔"], SYSTEM_ACTOR)
    glossary.approve(meeting_id, made["旗后砲台"], SYSTEM_ACTOR, en="Cihou Fort")
    platform.services.catch_up()
    mine = platform.translator.get("/glossary/mine?lang=en").text
    states = dict(re.findall(r'lang="zh-Hant-TW">([^<]+)</a></th>.*?data-state="(\w+)"', mine, re.S))
    assert {zh: states.get(zh) for zh in made} == {
        "旗后燈塔": "approved", "旗后砲台": "approved_amended", "西子灣隧道": "waiting"
    }  # fmt: skip
    assert "Approved with amended English: Cihou Fort" in mine
    assert platform.staff.get("/glossary/mine").status_code == 200
    assert platform.visitor.get("/glossary/mine").status_code == 401
    assert platform.resident.get("/glossary/mine").status_code == 403
    waiting = platform.visitor.get("/glossary/waiting?lang=zh_Hant_TW").text
    assert "西子灣隧道" in waiting and "旗后燈塔" not in waiting and "等待列入會議議程" in waiting
