"""The ballot form's meter over HTTP: the htmx fragment as the voter chooses, the whole page from
"Check my ballot" without JavaScript, per ballot kind, in both languages; unreadable input and
unknown areas refused; cross-site posts refused like every POST."""

from __future__ import annotations

import re

import pytest
from starlette.datastructures import FormData
from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from domain.accounts import STAFF
from domain.budgeting.ballot_rules import BallotRuleError
from domain.budgeting.spec import parse
from tests.fixtures import MakeClient
from web.ballot_form import choices_from_form
from web.budgeting_text import BALLOT_PROBLEMS

HTMX = {"HX-Request": "true"}
PROJECTS = """
[[areas.projects]]
code = "P1"
title_zh = "哈瑪星老街夜間照明"
title_en = "Night lighting for Hamasen's old streets"
cost = 1200000

[[areas.projects]]
code = "H2"
title_zh = "打狗驛故事館前遮陽棚"
title_en = "A sunshade at the Takao Railway Museum"
cost = 800000

[[areas.projects]]
code = "H3"
title_zh = "代天宮廣場共融遊具"
title_en = "An inclusive playground at Daitian Temple square"
cost = 1500000
"""
BALLOTS = {
    "knapsack": 'kind = "knapsack"\nmin_share = true',
    "cumulative": 'kind = "cumulative"\npoints = 10\nmax_per_project = 6',
    "ranked": 'kind = "ranked"\nmin_choices = 1\nmax_choices = 2',
    "approval": 'kind = "approval"\nmin_choices = 2\nmax_choices = 2',
}


def spec(kind: str) -> str:
    return (
        f'slug = "{kind}-2027"\nname_zh = "哈瑪星 {kind}"\nname_en = "Hamasen {kind}"\nrule = "greedy"\n\n'
        f"[ballot]\n{BALLOTS[kind]}\n\n"
        '[[areas]]\ncode = "hamasen"\nname_zh = "哈瑪星"\nname_en = "Hamasen"\ndistricts = ["鼓山區"]\n'
        f"budget = 3000000\n{PROJECTS}"
    )


@pytest.fixture
def client(make_client: MakeClient, oidc_provider: LocalProvider) -> TestClient:
    """An anonymous visitor on an app holding one cycle per ballot kind, each with three projects."""
    made = make_client(rate_limit_per_minute=0)
    services = made.app.state.services  # type: ignore[attr-defined]
    staff = services.accounts.grant_from_command_line(oidc_provider.issuer, "demo-staff", STAFF).result
    for kind in BALLOTS:
        services.budgeting.create_cycle(parse(spec(kind)), str(staff))
    services.catch_up()
    return made


def meter_of(html: str) -> str:
    match = re.search(r'<div id="ballot-meter".*?</div>', html, re.S)
    assert match, html
    return match.group(0)


@pytest.mark.parametrize(
    ("lang", "over", "under"),
    [
        ("en", "Your projects cost NT$3,500,000, more than the budget of NT$3,000,000.",
         "Choose projects worth at least NT$2,100,000 (70% of the budget); yours cost NT$1,200,000."),
        ("zh_Hant_TW", "您選的計畫共需新臺幣3,500,000元，超過預算新臺幣3,000,000元。",
         "請選擇總額至少新臺幣2,100,000元（預算的70%）的計畫；目前為新臺幣1,200,000元。"),
    ],
)  # fmt: skip
def test_the_knapsack_meter_fragment_follows_the_choices(client: TestClient, lang: str, over: str, under: str) -> None:
    url = f"/budgeting/knapsack-2027/ballot/meter?lang={lang}"
    too_much = client.post(url, data={"area": "hamasen", "choice": ["P1", "H2", "H3"]}, headers=HTMX)
    assert too_much.status_code == 200 and "<html" not in too_much.text
    assert too_much.text.lstrip().startswith('<div id="ballot-meter"') and 'aria-live="polite"' in too_much.text
    assert over in too_much.text and 'value="3000000"' in too_much.text  # the bar stops at full
    too_little = client.post(url, data={"area": "hamasen", "choice": "P1"}, headers=HTMX)
    assert under in too_little.text
    fits = client.post(url, data={"area": "hamasen", "choice": ["P1", "H3"]}, headers=HTMX)
    assert 'data-testid="meter-problems"' not in fits.text and 'data-testid="meter-ok"' in fits.text


def test_without_javascript_check_my_ballot_renders_the_whole_page_with_the_meter(client: TestClient) -> None:
    page = client.post(
        "/budgeting/knapsack-2027/ballot/meter?lang=en",
        data={"area": "hamasen", "choice": ["H3", "P1"], "action": "check"},
    )
    assert page.status_code == 200 and "<html" in page.text and "Check a ballot: Hamasen" in page.text
    assert 'action="http://testserver/budgeting/knapsack-2027/ballot/meter"' in page.text  # the form posts here again
    assert 'id="choice-P1" name="choice" value="P1" checked' in page.text  # the choices are kept
    assert 'id="choice-H2" name="choice" value="H2">' in page.text
    meter = meter_of(page.text)
    assert "Chosen: 2 (at least 1)" in meter and "NT$2,700,000 of NT$3,000,000" in meter
    assert "Your ballot keeps every rule of this cycle." in meter
    assert 'value="check"' in page.text and 'value="cast"' not in page.text  # this page casts nothing


@pytest.mark.parametrize(("lang", "words"), [("en", "Check a ballot: Hamasen"), ("zh_Hant_TW", "檢查選票：哈瑪星")])
def test_an_areas_ballot_can_be_tried_before_any_choice(client: TestClient, lang: str, words: str) -> None:
    page = client.get(f"/budgeting/knapsack-2027/ballot/meter?area=hamasen&lang={lang}")
    assert page.status_code == 200 and words in page.text and " checked" not in page.text
    assert 'hx-post="http://testserver/budgeting/knapsack-2027/ballot/meter"' in page.text
    assert 'hx-trigger="change"' in page.text and 'hx-target="#ballot-meter"' in page.text
    meter = meter_of(page.text)
    assert 'data-testid="meter-ok"' not in meter  # nothing checked yet, nothing praised
    assert client.get("/budgeting/knapsack-2027/ballot/meter?area=pier2").status_code == 404


def test_points_ballot_shows_points_left_and_the_cap(client: TestClient) -> None:
    page = client.post(
        "/budgeting/cumulative-2027/ballot/meter?lang=en",
        data={"area": "hamasen", "points-P1": "7", "points-H2": "2", "points-H3": ""},
    )
    assert page.status_code == 200 and 'name="points-P1"' in page.text and 'value="7"' in page.text
    meter = meter_of(page.text)
    assert "Points given: 9 of 10; 1 left" in meter
    assert "P1 has 7 points; one project may have at most 6." in meter
    unreadable = client.post(
        "/budgeting/cumulative-2027/ballot/meter?lang=en", data={"area": "hamasen", "points-P1": "lots"}, headers=HTMX
    )
    assert "This cannot be read as a choice: P1: lots" in unreadable.text


def test_ranked_ballot_reads_the_rank_selects(client: TestClient) -> None:
    url = "/budgeting/ranked-2027/ballot/meter?lang=zh_Hant_TW"
    same = client.post(url, data={"area": "hamasen", "rank-P1": "1", "rank-H2": "1", "rank-H3": ""})
    assert same.status_code == 200 and '<option value="1" selected>' in same.text
    assert "請依 1、2、3 的順序排列，每個名次只用一次" in meter_of(same.text)
    fine = client.post(url, data={"area": "hamasen", "rank-P1": "2", "rank-H2": "1"}, headers=HTMX)
    assert "您的選票符合本週期的所有規則。" in fine.text


def test_shilin_style_approval_needs_exactly_two_here(client: TestClient) -> None:
    one = client.post(
        "/budgeting/approval-2027/ballot/meter?lang=en", data={"area": "hamasen", "choice": "H3"}, headers=HTMX
    )
    assert "Too few projects chosen: 1 (at least 2)." in one.text and "Chosen: 1 (from 2 to 2)" in one.text


def test_an_unknown_area_or_cycle_is_not_found(client: TestClient) -> None:
    assert client.post("/budgeting/approval-2027/ballot/meter", data={"area": "pier2"}).status_code == 404
    assert client.post("/budgeting/nowhere-2027/ballot/meter", data={"area": "hamasen"}).status_code == 404


def test_a_cross_site_post_is_refused(client: TestClient) -> None:
    refused = client.post(
        "/budgeting/approval-2027/ballot/meter",
        data={"area": "hamasen", "choice": "H3"},
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("kind", "fields", "expected"),
    [
        ("approval", [("choice", "P1"), ("choice", "H3")], {"P1": 1, "H3": 1}),
        ("knapsack", [], {}),
        ("cumulative", [("points-P1", "3"), ("points-H2", ""), ("points-H3", "0"), ("other", "x")], {"P1": 3}),
        ("ranked", [("rank-H3", "1"), ("rank-P1", "2"), ("rank-H2", "")], {"H3": 1, "P1": 2}),
    ],
)
def test_form_fields_become_choices(kind: str, fields: list[tuple[str, str]], expected: dict[str, int]) -> None:
    assert choices_from_form(kind, FormData(fields)) == expected


@pytest.mark.parametrize(
    ("kind", "fields", "problem"),
    [
        ("approval", [("choice", "P1"), ("choice", "P1")], "duplicate"),
        ("approval", [("choice", "<script>")], "malformed"),
        ("cumulative", [("points-P1", "-2")], "malformed"),
        ("cumulative", [("points-P1", "２")], "malformed"),  # a full-width digit
        ("cumulative", [("points-P1", "2"), ("points-P1", "3")], "duplicate"),
        ("ranked", [("rank-P1", "first")], "malformed"),
    ],
)
def test_unreadable_form_fields_are_refused(kind: str, fields: list[tuple[str, str]], problem: str) -> None:
    with pytest.raises(BallotRuleError) as caught:
        choices_from_form(kind, FormData(fields))
    assert caught.value.problem == problem


def test_every_ballot_problem_code_has_words() -> None:
    from domain.budgeting import ballot_rules

    codes = {
        value for name, value in vars(ballot_rules).items()
        if name.isupper() and isinstance(value, str) and value.islower()
    }  # fmt: skip
    assert codes and codes <= set(BALLOT_PROBLEMS)
