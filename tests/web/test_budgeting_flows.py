"""Budgeting part 1 over HTTP: staff create a cycle, a resident proposes, others endorse past the
threshold, staff assign, the reviewer answers, staff put it on the ballot; and the refusals, in
both languages, as full pages and as htmx fragments."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from domain.accounts import REVIEWER, STAFF
from projections import budgeting_queries as queries
from tests.fixtures import MakeClient, SignIn
from tests.web.conftest import BASE_URL

SPEC = """\
slug = "pier2-2027"
name_zh = "駁二參與式預算 2027"
name_en = "Pier-2 Participatory Budgeting 2027"
rule = "top-per-area"

[ballot]
kind = "approval"
min_choices = 1
max_choices = 2

[endorsement]
threshold = 2
days = 30

[[areas]]
code = "pier2"
name_zh = "駁二"
name_en = "Pier-2"
districts = ["鹽埕區"]
budget = 2000000
"""
HTMX = {"HX-Request": "true"}
Browser = Callable[..., TestClient]


@pytest.fixture
def browser(make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider) -> Browser:
    """``browser(subject, roles=())``: a signed-in browser of its own on one fresh app."""
    first = make_client(rate_limit_per_minute=0)
    app = first.app
    services = app.state.services  # type: ignore[attr-defined]
    clients: list[TestClient] = []

    def make(subject: str, roles: tuple[str, ...] = ()) -> TestClient:
        for role in roles:
            services.accounts.grant_from_command_line(oidc_provider.issuer, subject, role)
        services.catch_up()
        client = first if not clients else TestClient(app, base_url=BASE_URL).__enter__()
        clients.append(client)
        assert sign_in(client, subject).status_code == 303
        return client

    return make


def proposal_id_of(response_url: str) -> str:
    match = re.search(r"/budgeting/proposals/([0-9a-f-]{36})$", response_url)
    assert match, response_url
    return match.group(1)


def test_part_one_end_to_end_over_http(browser: Browser) -> None:
    staff = browser("demo-staff", (STAFF,))
    created = staff.post("/budgeting/new", data={"spec": SPEC}, follow_redirects=False)
    assert created.status_code == 303 and created.headers["location"].endswith("/budgeting/pier2-2027")
    page = staff.get("/budgeting/pier2-2027?lang=en")
    assert "The most-voted project of each area wins" in page.text  # the rule is published from the start
    assert "NT$2,000,000" in page.text
    zh_page = staff.get("/budgeting/pier2-2027?lang=zh_Hant_TW")
    assert "新臺幣2,000,000元" in zh_page.text and "民國" in zh_page.text  # the intake phase opened today

    resident = browser("demo-resident")
    form = {"area": "pier2", "title": "駁二倉庫前的遮陽棚", "description": "夏天排隊參觀時需要遮陽。",
            "place": "大勇路", "category": "public_works", "cost": "450,000", "language": "zh", "action": "submit"}  # fmt: skip
    submitted = resident.post("/budgeting/pier2-2027/propose", data=form)
    assert submitted.status_code == 200
    pid = proposal_id_of(str(submitted.url))
    assert "駁二倉庫前的遮陽棚" in submitted.text and "新臺幣450,000元" in submitted.text

    # A second resident types something close: the form suggests the first proposal.
    bob, carol = browser("bob"), browser("carol")
    similar = bob.get(
        "/budgeting/pier2-2027/similar", params={"title": "倉庫前遮陽棚", "description": ""}, headers=HTMX
    )
    assert similar.status_code == 200 and "駁二倉庫前的遮陽棚" in similar.text
    assert "<html" not in similar.text  # the block alone

    # Endorsements: htmx gets the counter block; the second one crosses the threshold.
    first = bob.post(f"/budgeting/proposals/{pid}/endorse", data={"action": "endorse"}, headers=HTMX)
    assert first.status_code == 200 and 'id="endorsement"' in first.text and "<html" not in first.text
    assert carol.post(f"/budgeting/proposals/{pid}/endorse", data={"action": "endorse"}).status_code == 200
    again = carol.post(f"/budgeting/proposals/{pid}/endorse?lang=en", data={"action": "endorse"})
    assert again.status_code == 409 and "You have already endorsed this proposal." in again.text
    own = resident.post(f"/budgeting/proposals/{pid}/endorse", data={"action": "endorse"})
    assert own.status_code == 409 and "本預算週期不允許提案人附議自己的提案。" in own.text
    counter = bob.get(f"/budgeting/proposals/{pid}/endorsements?lang=en")
    assert "2 endorsements" in counter.text and "Waiting for feasibility review" in counter.text

    # Staff register an agency with its reviewer and assign; the reviewer answers; staff ballot it.
    reviewer = browser("demo-reviewer", (REVIEWER,))
    services = staff.app.state.services  # type: ignore[attr-defined]
    staff.post(
        "/budgeting/agencies", data={"code": "public-works", "name_zh": "工務局", "name_en": "Public Works Bureau"}
    )
    with services.reader("accounts") as db:
        reviewer_id = next(row["id"] for row in __import__("projections.accounts", fromlist=["x"]).accounts(db)
                           if row["subject"] == "demo-reviewer")  # fmt: skip
    added = staff.post("/budgeting/agencies/public-works/reviewers", data={"account_id": reviewer_id})
    assert added.status_code == 200 and "黃建宏" in added.text
    version = _version(services, pid)
    assigned = staff.post(f"/budgeting/proposals/{pid}/assign", data={"agency": "public-works", "version": version})
    assert assigned.status_code == 200 and "已指派給 public-works" in assigned.text
    no_cost = reviewer.post(
        f"/budgeting/proposals/{pid}/answer?lang=en", data={"feasible": "yes", "cost": "", "duration_days": "90"}
    )
    assert no_cost.status_code == 422 and "must be a whole number" in no_cost.text
    answered = reviewer.post(f"/budgeting/proposals/{pid}/answer?lang=zh_Hant_TW",
                             data={"feasible": "yes", "cost": "480000", "duration_days": "90", "reason": ""})  # fmt: skip
    assert answered.status_code == 200 and "新臺幣480,000元" in answered.text
    reviewer.post(f"/budgeting/proposals/{pid}/notes", data={"note": "需與文化局協調"})
    assert "需與文化局協調" in staff.get(f"/budgeting/proposals/{pid}").text
    assert "需與文化局協調" not in bob.get(f"/budgeting/proposals/{pid}").text  # internal notes stay internal
    on_ballot = staff.post(f"/budgeting/proposals/{pid}/ballot", data={"version": _version(services, pid)})
    assert on_ballot.status_code == 200 and "以 新臺幣480,000元 列入選票。" in on_ballot.text
    ballot = _ballot_section(staff.get("/budgeting/pier2-2027?lang=en").text, "pier2")
    assert "<code>P1</code>" in ballot and "駁二倉庫前的遮陽棚" in ballot and "NT$480,000" in ballot

    # The author sees the answer on "my proposals"; bob sees his endorsement on "my endorsements".
    mine = resident.get("/budgeting/mine/proposals?lang=en")
    assert "Feasible: NT$480,000, 90 days" in mine.text
    assert "駁二倉庫前的遮陽棚" in bob.get("/budgeting/mine/endorsements").text

    # The audit names each thing: the agency by its Chinese name, the cycle by its own (not the entry's).
    audit = browser("demo-admin", ("admin",)).get("/admin/audit/?context=budgeting&lang=en").text
    rows = re.findall(r"<tr>\s*<td data-label=.*?</tr>", audit[audit.index('<div id="audit-results">') :], re.S)
    for what, label in (("Registered a review agency", "工務局"), ("Added a reviewer to an agency", "工務局"),
                        ("Gave a proposal its code on the ballot", "駁二參與式預算 2027")):  # fmt: skip
        row = next(row for row in rows if what in row)
        assert label in row, row


def _ballot_section(page: str, area: str) -> str:
    match = re.search(rf'<section[^>]*data-testid="ballot-{area}">(.*?)</section>', page, re.S)
    assert match, page
    return match.group(1)


LOADED_PROJECTS = """
[[areas.projects]]
code = "B1"
title_zh = "駁二倉庫雙語導覽牌"
title_en = "Bilingual signs for the Pier-2 warehouses"
cost = 300000

[[areas.projects]]
code = "B2"
title_zh = "大勇路自行車停車架"
title_en = "Bicycle racks on Dayong Road"
cost = 150000
"""


def test_a_ballot_loaded_from_the_file_is_on_the_cycle_page_in_both_languages(browser: Browser) -> None:
    staff = browser("demo-staff", (STAFF,))
    created = staff.post("/budgeting/new", data={"spec": SPEC + LOADED_PROJECTS}, follow_redirects=False)
    assert created.status_code == 303
    english = _ballot_section(staff.get("/budgeting/pier2-2027?lang=en").text, "pier2")
    assert english.index("<code>B1</code>") < english.index("<code>B2</code>")
    assert "Bilingual signs for the Pier-2 warehouses" in english and "NT$300,000" in english
    assert "Bicycle racks on Dayong Road" in english and "NT$150,000" in english
    assert "駁二倉庫雙語導覽牌" not in english
    chinese = _ballot_section(staff.get("/budgeting/pier2-2027?lang=zh_Hant_TW").text, "pier2")
    assert "駁二倉庫雙語導覽牌" in chinese and "新臺幣300,000元" in chinese and "大勇路自行車停車架" in chinese
    assert "選票" in staff.get("/budgeting/pier2-2027?lang=zh_Hant_TW").text


def test_a_loaded_project_over_the_budget_is_refused_on_the_web_with_its_line(browser: Browser) -> None:
    staff = browser("demo-staff", (STAFF,))
    services = staff.app.state.services  # type: ignore[attr-defined]
    before = services.log.position()
    text = SPEC + LOADED_PROJECTS.replace("cost = 150000", "cost = 2500000")
    refused = staff.post("/budgeting/new?lang=zh_Hant_TW", data={"spec": text})
    assert refused.status_code == 422 and "第 32 行" in refused.text and "新臺幣2,000,000元" in refused.text
    assert services.log.position() == before


def _version(services: object, pid: str) -> str:
    services.catch_up()  # type: ignore[attr-defined]
    with services.reader("budgeting") as db:  # type: ignore[attr-defined]
        row = queries.proposal(db, pid)
    assert row is not None
    return str(row["version"])


@pytest.fixture
def cycle_with_proposal(browser: Browser) -> tuple[TestClient, TestClient, str]:
    staff = browser("demo-staff", (STAFF,))
    assert staff.post("/budgeting/new", data={"spec": SPEC}, follow_redirects=False).status_code == 303
    resident = browser("demo-resident")
    form = {"area": "pier2", "title": "鹽埕老街導覽牌", "description": "設置雙語導覽牌。", "place": "",
            "category": "culture", "cost": "90000", "language": "zh", "action": "submit"}  # fmt: skip
    pid = proposal_id_of(str(resident.post("/budgeting/pier2-2027/propose", data=form).url))
    return staff, resident, pid


def test_someone_elses_proposal_cannot_be_edited_or_withdrawn(
    cycle_with_proposal: tuple[TestClient, TestClient, str], browser: Browser
) -> None:
    staff, resident, pid = cycle_with_proposal
    other = browser("mallory")
    services = staff.app.state.services  # type: ignore[attr-defined]
    before = services.log.position()
    assert other.get(f"/budgeting/proposals/{pid}/edit").status_code == 403
    edit = {"title": "改掉", "description": "改掉", "place": "", "category": "culture", "cost": "1", "language": "zh",
            "action": "submit"}  # fmt: skip
    refused = other.post(f"/budgeting/proposals/{pid}/edit?lang=en", data=edit)
    assert refused.status_code == 403 and "You are not allowed to do that" in refused.text
    assert other.post(f"/budgeting/proposals/{pid}/withdraw").status_code == 403
    assert services.log.position() == before
    edited = resident.post(f"/budgeting/proposals/{pid}/edit", data={**edit, "title": "鹽埕老街雙語導覽牌"})
    assert edited.status_code == 200 and "鹽埕老街雙語導覽牌" in edited.text
    assert "第 2 版" in edited.text and "第 1 版" in edited.text  # the version history


def test_two_staff_members_changing_one_proposal_one_gets_a_conflict(
    cycle_with_proposal: tuple[TestClient, TestClient, str], browser: Browser
) -> None:
    staff, _, pid = cycle_with_proposal
    services = staff.app.state.services  # type: ignore[attr-defined]
    seen = _version(services, pid)  # both open the page at this version
    second = browser("demo-admin", (STAFF,))
    assert staff.post(f"/budgeting/proposals/{pid}/review", data={"version": seen}).status_code == 200
    before = services.log.position()
    late = second.post(f"/budgeting/proposals/{pid}/hide?lang=en", data={"reason": "duplicate", "version": seen})
    assert late.status_code == 409
    assert "Someone else changed this proposal first." in late.text
    assert services.log.position() == before


def test_a_cycle_file_with_an_error_is_refused_on_the_web_with_its_line(browser: Browser) -> None:
    staff = browser("demo-staff", (STAFF,))
    services = staff.app.state.services  # type: ignore[attr-defined]
    before = services.log.position()
    refused = staff.post("/budgeting/new?lang=en", data={"spec": SPEC.replace("budget = 2000000", 'budget = "lots"')})
    assert refused.status_code == 422 and "line 20: areas.1.budget must be a whole number, not lots" in refused.text
    assert services.log.position() == before


def test_staff_advance_the_phase_and_submitting_then_is_refused(
    cycle_with_proposal: tuple[TestClient, TestClient, str],
) -> None:
    staff, resident, _ = cycle_with_proposal
    moved = staff.post("/budgeting/pier2-2027/phase", data={"phase": "endorsement"}, headers=HTMX)
    assert moved.status_code == 204 and moved.headers["HX-Redirect"].endswith("/budgeting/pier2-2027")
    form = {"area": "pier2", "title": "太晚的提案", "description": "說明", "place": "", "category": "culture",
            "cost": "1", "language": "zh", "action": "submit"}  # fmt: skip
    late = resident.post("/budgeting/pier2-2027/propose?lang=en", data=form)
    assert late.status_code == 409 and "Proposals can be submitted only during intake." in late.text
    back = staff.post("/budgeting/pier2-2027/phase?lang=en", data={"phase": "intake"})
    assert back.status_code == 409 and "already in that phase" in back.text


def test_the_list_filters_searches_and_sorts(cycle_with_proposal: tuple[TestClient, TestClient, str]) -> None:
    staff, _, _ = cycle_with_proposal
    found = staff.get("/budgeting/pier2-2027/proposals", params={"q": "導覽", "category": "culture"})
    assert "鹽埕老街導覽牌" in found.text
    assert "鹽埕老街導覽牌" not in staff.get("/budgeting/pier2-2027/proposals", params={"category": "transport"}).text
    block = staff.get("/budgeting/pier2-2027/proposals", params={"q": "導覽"}, headers=HTMX)
    assert 'id="results"' in block.text and "<html" not in block.text
    assert staff.get("/budgeting/pier2-2027/proposals", params={"q": "x" * 101}).status_code == 422
    assert staff.get("/budgeting/no-such-cycle").status_code == 404


def test_staff_hide_with_a_public_reason_and_merge_keeps_every_endorsement_once(
    cycle_with_proposal: tuple[TestClient, TestClient, str], browser: Browser
) -> None:
    staff, resident, first = cycle_with_proposal
    bob = browser("bob")
    form = {"area": "pier2", "title": "Bilingual signs for Yancheng old street", "description": "Signs in two languages.",
            "place": "", "category": "culture", "cost": "80000", "language": "en", "action": "submit"}  # fmt: skip
    second = proposal_id_of(str(bob.post("/budgeting/pier2-2027/propose", data=form).url))
    carol = browser("carol")
    for client, pid in ((carol, first), (carol, second), (bob, first)):
        assert client.post(f"/budgeting/proposals/{pid}/endorse", data={"action": "endorse"}).status_code == 200
    services = staff.app.state.services  # type: ignore[attr-defined]
    merged = staff.post(f"/budgeting/proposals/{second}/merge?lang=en",
                        data={"target": first, "version": _version(services, second)})  # fmt: skip
    assert merged.status_code == 200 and "This proposal was merged into another one" in merged.text
    target = staff.get(f"/budgeting/proposals/{first}/endorsements?lang=en")
    assert "2 endorsements" in target.text  # carol endorsed both: she counts once
    mine = bob.get("/budgeting/mine/proposals").text
    assert "鹽埕老街導覽牌" in mine  # bob keeps his credit, as an author of the proposal it joined

    no_reason = staff.post(f"/budgeting/proposals/{first}/hide?lang=en",
                           data={"reason": " ", "version": _version(services, first)})  # fmt: skip
    assert no_reason.status_code == 422 and "Reason is required." in no_reason.text
    hidden = staff.post(f"/budgeting/proposals/{first}/hide", data={"reason": "含有個人資料",
                                                                    "version": _version(services, first)})  # fmt: skip
    assert hidden.status_code == 200
    public = resident.get(f"/budgeting/proposals/{first}?lang=zh_Hant_TW")
    assert "已由承辦人員隱藏：含有個人資料" in public.text
    audit = browser("demo-admin", ("admin",)).get("/admin/audit/?context=budgeting&lang=en")
    assert "Hid a proposal" in audit.text and "Merged a proposal into another" in audit.text
