"""The results page over HTTP: staff moving a cycle to counting counts it; staff preview, the public
sees it once published; SVG charts with text alternatives; turnout cells under 10 hidden; the
per-area ``.pb`` download recounts to the same winners; both languages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from domain.accounts import STAFF
from domain.budgeting.spec import parse
from domain.eventlog import SYSTEM_ACTOR
from domain.tally import tally
from domain.tally.pabulib import parse as parse_pb
from tests.fixtures import MakeClient, SignIn
from tests.unit.budgeting.voting_fixtures import ANN, BEN, CHI, census_csv

SPEC = """\
slug = "yancheng-2027"
name_zh = "鹽埕參與式預算 2027"
name_en = "Yancheng Participatory Budgeting 2027"
rule = "greedy"
[ballot]
kind = "approval"
min_choices = 1
max_choices = 2
[[areas]]
code = "hamasen"
name_zh = "哈瑪星"
name_en = "Hamasen"
districts = ["鼓山區"]
budget = 1000
[[areas.projects]]
code = "H1"
title_zh = "公園"
title_en = "Park"
cost = 600
[[areas.projects]]
code = "H2"
title_zh = "路燈"
title_en = "Street lights"
cost = 500
[[areas]]
code = "pier2"
name_zh = "駁二"
name_en = "Pier-2"
districts = ["鹽埕區"]
budget = 800
[[areas.projects]]
code = "W1"
title_zh = "圖書館"
title_en = "Library"
cost = 800
"""


@pytest.fixture
def app_clients(make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider) -> tuple[TestClient, TestClient, Callable[[], TestClient]]:  # fmt: skip
    staff = make_client(rate_limit_per_minute=0)
    services = staff.app.state.services  # type: ignore[attr-defined]
    services.accounts.grant_from_command_line(oidc_provider.issuer, "results-staff", STAFF)
    services.catch_up()
    assert sign_in(staff, "results-staff").status_code == 303
    from tests.web.conftest import BASE_URL

    return staff, TestClient(staff.app, base_url=BASE_URL).__enter__(), lambda: staff


def test_counting_preview_publication_and_download(app_clients, oidc_provider: LocalProvider) -> None:  # type: ignore[no-untyped-def]
    staff, public, _ = app_clients
    services = staff.app.state.services  # type: ignore[attr-defined]
    services.budgeting.create_cycle(parse(SPEC), SYSTEM_ACTOR)
    services.census.import_census("yancheng-2027", census_csv(ANN, BEN, CHI), SYSTEM_ACTOR)
    services.catch_up()
    assert staff.post("/budgeting/yancheng-2027/phase", data={"phase": "voting"}).status_code == 200
    for name, person, choices in (("ann", ANN, {"H1": 1}), ("ben", BEN, {"H1": 1, "H2": 1}), ("chi", CHI, {"W1": 1})):
        account = str(services.accounts.sign_in(oidc_provider.issuer, name, name.title()).result)
        area = services.voting.verify("yancheng-2027", account, person.number, person.born).result
        services.voting.cast_online("yancheng-2027", account, area, choices)

    before = public.get("/budgeting/yancheng-2027/results?lang=en")
    assert before.status_code == 200 and "not published yet" in before.text and "H1" not in before.text

    assert staff.post("/budgeting/yancheng-2027/phase", data={"phase": "counting"}).status_code == 200
    preview = staff.get("/budgeting/yancheng-2027/results?lang=en")
    assert preview.status_code == 200 and "Preview for staff" in preview.text
    assert "Park" in preview.text and "NT$600" in preview.text
    hidden = public.get("/budgeting/yancheng-2027/results?lang=en")
    assert "not published yet" in hidden.text and "Park" not in hidden.text
    assert public.get("/budgeting/yancheng-2027/results/hamasen.pb").status_code == 409

    assert staff.post("/budgeting/yancheng-2027/phase", data={"phase": "results"}).status_code == 200
    page = public.get("/budgeting/yancheng-2027/results?lang=en")
    assert page.status_code == 200 and "Preview for staff" not in page.text
    text = page.text
    # Winners, costs, votes, the budget used; the round-by-round explanation in words.
    assert "Projects selected: 1; NT$600 of the budget of NT$1,000 (60%); ballots counted: 2." in text
    assert "Greedy, best value for money first" in text and "[H2] Street lights (cost NT$500): does not fit" in text
    # Charts: SVG images named and described, beside tables with the same numbers.
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == 4
    assert "<title id=" in text and "<desc id=" in text and "H1 Park: 2 (selected)" in text
    # Turnout: 3 ballots in all; every cell under 10 reads <10.
    assert "Ballots counted: &lt;10." in text and ">3<" not in text

    zh = public.get("/budgeting/yancheng-2027/results?lang=zh_Hant_TW")
    assert zh.status_code == 200 and "公園" in zh.text and "新臺幣600元" in zh.text

    download = public.get("/budgeting/yancheng-2027/results/hamasen.pb")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    election = parse_pb(download.text)
    assert list(tally(election, "greedy").selected) == ["H1"]
    assert public.get("/budgeting/yancheng-2027/results/nowhere.pb").status_code == 404


def test_small_turnout_cells_are_hidden_and_cannot_be_recovered_by_subtraction() -> None:
    from web.budgeting_results import suppressed

    assert suppressed({"16-19": 4, "20-29": 120, "30-39": 35}) == {"16-19": "<10", "20-29": "120", "30-39": "—"}
    assert suppressed({"online": 3, "paper": 7}) == {"online": "<10", "paper": "<10"}
    assert suppressed({"a": 12, "b": 1_200}) == {"a": "12", "b": "1,200"}
    assert suppressed({"only": 5}) == {"only": "<10"}
