"""Voting over HTTP: verify against the census, cast, change, the receipt and its public check; the
refusals (census, age, bindings, rate limit; invalid ballots, a closed cycle) with nothing recorded;
the polling station's paper ballots (second paper ballot, paper after online each way); staff's
bindings page; cross-site posts refused; both languages."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from civic.services import Services
from domain.accounts import STAFF
from domain.budgeting.bindings import account_binding_id
from domain.budgeting.cycles import cycle_id_for
from domain.budgeting.spec import parse
from projections import ballot_queries
from tests.fixtures import MakeClient, SignIn
from tests.unit.budgeting.voting_fixtures import ANN, BEN, CHI, KID, OUTSIDER, SPEC, census_csv
from tests.web.conftest import BASE_URL

SLUG = "hamasen-2027"
BASE = f"/budgeting/{SLUG}"
ZH, EN = "?lang=zh_Hant_TW", "?lang=en"


@dataclass
class Voting:
    services: Services
    browser: Callable[..., TestClient]
    staff: TestClient

    def ballots(self) -> int:
        self.services.catch_up()
        with self.services.reader("ballots") as db:
            return ballot_queries.ballot_count(db, SLUG)

    def counted(self) -> list[dict[str, int]]:
        self.services.catch_up()
        with self.services.reader("ballots") as db:
            return list(ballot_queries.ballots_of_area(db, SLUG, "hamasen"))


def open_cycle(make_client: MakeClient, sign_in: SignIn, provider: LocalProvider, *, kind: str = "approval",
               extra: str = "") -> Iterator[Voting]:  # fmt: skip
    first = make_client(rate_limit_per_minute=0)
    app = first.app
    services: Services = app.state.services  # type: ignore[attr-defined]
    staff_id = str(services.accounts.grant_from_command_line(provider.issuer, "demo-staff", STAFF).result)
    # No schedule: the cycle is moved to voting by hand, and closes the same way.
    spec = re.sub(r"\[schedule\][^\[]*", "", SPEC.format(kind=kind)) + extra
    services.budgeting.create_cycle(parse(spec), staff_id)
    services.census.import_census(SLUG, census_csv(ANN, BEN, CHI, KID), staff_id)
    services.budgeting.advance(SLUG, "voting", staff_id)
    services.catch_up()
    clients: list[TestClient] = []

    def browser(subject: str) -> TestClient:
        client = first if not clients else TestClient(app, base_url=BASE_URL).__enter__()
        clients.append(client)
        assert sign_in(client, subject).status_code == 303
        return client

    staff = browser("demo-staff")
    yield Voting(services, browser, staff)
    for client in clients[1:]:
        client.__exit__(None, None, None)


@pytest.fixture
def cycle(make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider) -> Iterator[Voting]:
    yield from open_cycle(make_client, sign_in, oidc_provider)


def verified(cycle: Voting, subject: str, number: str, born: str) -> TestClient:
    client = cycle.browser(subject)
    answer = client.post(f"{BASE}/verify", data={"id_number": number, "birth_date": born}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith(f"{BASE}/vote"), answer.text
    return client


def receipt_of(html: str) -> str:
    match = re.search(r'data-testid="receipt">([A-Z0-9]+)<', html)
    assert match, html
    return match.group(1)


def alert_of(html: str) -> str:
    return " ".join(re.findall(r'role="alert"[^>]*>(.*?)</', html, re.S))


# --- verification -----------------------------------------------------------------------------


def test_verify_then_vote_then_change_then_check_the_receipt(cycle: Voting) -> None:
    ann = cycle.browser("ann")
    home = ann.get(f"{BASE}{EN}")
    assert f'href="{BASE_URL}{BASE}/vote">Vote</a>' in home.text and "/station" not in home.text
    assert ann.get(f"{BASE}/vote", follow_redirects=False).headers["location"].endswith(f"{BASE}/verify")
    form = ann.get(f"{BASE}/verify{EN}")
    assert form.status_code == 200 and 'name="id_number"' in form.text and 'name="birth_date"' in form.text
    # A 民國 date, as many residents write theirs: 1980-03-04 is 69/03/04.
    answer = ann.post(f"{BASE}/verify{ZH}", data={"id_number": ANN.number.lower(), "birth_date": "69/03/04"})
    assert answer.status_code == 200 and str(answer.url).endswith(f"{BASE}/vote")
    assert "您已完成驗證，投票區域：哈瑪星。" in answer.text
    assert 'name="choice" value="H1"' in answer.text and 'value="cast"' in answer.text
    assert ANN.number not in answer.text  # the number is not echoed back once verified

    cast = ann.post(f"{BASE}/vote{EN}", data={"area": "hamasen", "choice": ["H1", "H3"], "action": "cast"})
    assert cast.status_code == 200 and str(cast.url).endswith(f"{BASE}/vote/receipt")
    first = receipt_of(cast.text)
    assert "Change my ballot" in cast.text and cycle.counted() == [{"H1": 1, "H3": 1}]

    # Change: the form comes back with the current choices, found through the key.
    again = ann.get(f"{BASE}/vote{EN}")
    assert "You have voted." in again.text
    assert 'value="H1" checked' in again.text and 'value="H3" checked' in again.text
    assert 'value="H2" checked' not in again.text
    changed = ann.post(f"{BASE}/vote{EN}", data={"area": "hamasen", "choice": "H2", "action": "cast"})
    second = receipt_of(changed.text)
    assert second != first and cycle.counted() == [{"H2": 1}] and cycle.ballots() == 1

    # The public check, signed out: both codes are in the box, and it says nothing more.
    public = TestClient(cycle.staff.app, base_url=BASE_URL)
    for code in (first, second.lower()):
        page = public.get(f"{BASE}/receipts{EN}&code={code}")
        assert page.status_code == 200 and "A ballot with this code is in the box." in page.text
        assert "H2" not in page.text and "Hamasen" not in page.text.split("<h1>")[1]
    missing = public.get(f"{BASE}/receipts{ZH}&code=ACDEFGHJKM")
    assert missing.status_code == 200 and "本週期的票箱中沒有這個收據代碼的選票" in missing.text
    malformed = public.get(f"{BASE}/receipts{EN}&code=not-a-code!")
    assert malformed.status_code == 422 and "A receipt code is 10 letters and digits" in malformed.text


@pytest.mark.parametrize(
    ("lang", "number", "born", "message", "status"),
    [
        (EN, "E123456780", "1980-03-04",
         "This is not a valid national ID or resident certificate number: check each character.", 422),
        (ZH, OUTSIDER.number, "1970-01-01", "這個號碼不在本週期的居民名冊中。", 422),
        (EN, BEN.number, "1995-12-31", "The birth date does not match the census entry of this number.", 422),
        (ZH, BEN.number, "1995-13-30", "出生日期請寫成 1990-05-17，或民國日期 79/05/17。", 422),
        (EN, KID.number, "2011-06-01", "Only residents who are at least 16 on", 422),
    ],
)  # fmt: skip
def test_verification_refusals_in_both_languages(
    cycle: Voting, lang: str, number: str, born: str, message: str, status: int
) -> None:
    client = cycle.browser("ben")
    answer = client.post(f"{BASE}/verify{lang}", data={"id_number": number, "birth_date": born})
    assert answer.status_code == status and message in alert_of(answer.text), alert_of(answer.text)
    assert 'aria-invalid="true"' in answer.text
    assert client.get(f"{BASE}/vote", follow_redirects=False).status_code == 303  # still not verified


def test_one_entry_binds_one_account_and_staff_release_it_with_a_reason(cycle: Voting) -> None:
    verified(cycle, "ben", BEN.number, "1995-12-30")
    other = cycle.browser("impostor")
    refused = other.post(f"{BASE}/verify{EN}", data={"id_number": BEN.number, "birth_date": "1995-12-30"})
    assert refused.status_code == 422 and "already verified by another account" in alert_of(refused.text)

    page = cycle.staff.get(f"{BASE}/bindings{EN}")
    assert page.status_code == 200 and 'data-testid="bindings"' in page.text and "Hamasen" in page.text
    assert BEN.number not in page.text and "1995" not in page.text
    ben_id = re.search(r'name="account" value="([0-9a-f-]{36})"', page.text)
    assert ben_id
    no_reason = cycle.staff.post(f"{BASE}/bindings/release{EN}", data={"account": ben_id.group(1), "reason": " "})
    assert no_reason.status_code == 422 and "Reason is required." in no_reason.text
    released = cycle.staff.post(f"{BASE}/bindings/release{ZH}",
                                data={"account": ben_id.group(1), "reason": "冒用他人身分"})  # fmt: skip
    assert released.status_code == 200 and "已解除綁定" in released.text
    assert 'data-testid="bindings"' not in released.text
    again = other.post(f"{BASE}/verify", data={"id_number": BEN.number, "birth_date": "1995-12-30"},
                       follow_redirects=False)  # fmt: skip
    assert again.status_code == 303


def test_failed_attempts_are_limited_with_when_to_try_again(cycle: Voting) -> None:
    client = cycle.browser("guesser")
    for _ in range(5):
        client.post(f"{BASE}/verify", data={"id_number": CHI.number, "birth_date": "1960-07-02"})
    limited = client.post(f"{BASE}/verify{EN}", data={"id_number": CHI.number, "birth_date": "1960-07-01"})
    assert limited.status_code == 429
    assert re.search(r"Too many failed attempts\. Try again in \d+ minutes\.", alert_of(limited.text))
    zh = client.post(f"{BASE}/verify{ZH}", data={"id_number": CHI.number, "birth_date": "1960-07-01"})
    assert zh.status_code == 429 and "嘗試失敗次數過多" in alert_of(zh.text)


# --- invalid ballots ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "choices", "message"),
    [
        (EN, ["H1", "H2", "H3"], "Too many projects chosen: 3 (at most 2)."),
        (ZH, ["H1", "H9"], "H9 不在本區的選票上。"),
        (EN, ["P9"], "P9 is not on this area's ballot."),  # a project of another area
        (EN, [], "Too few projects chosen: 0 (at least 1)."),
    ],
)
def test_invalid_ballots_are_refused_with_the_choices_kept_and_nothing_recorded(
    cycle: Voting, lang: str, choices: list[str], message: str
) -> None:
    ann = verified(cycle, "ann", ANN.number, "1980-03-04")
    answer = ann.post(f"{BASE}/vote{lang}", data={"area": "hamasen", "choice": choices, "action": "cast"})
    assert answer.status_code == 422 and message in html.unescape(answer.text)
    assert 'data-testid="ballot-refused"' in answer.text
    for code in choices:
        if code.startswith("H") and code != "H9":
            assert f'value="{code}" checked' in answer.text  # the choices are kept
    assert cycle.ballots() == 0


def test_another_area_is_not_open_unless_the_cycle_allows_it(cycle: Voting) -> None:
    ann = verified(cycle, "ann", ANN.number, "1980-03-04")
    assert ann.get(f"{BASE}/vote/pier2").status_code == 404
    posted = ann.post(f"{BASE}/vote/pier2", data={"area": "pier2", "choice": "P9", "action": "cast"})
    assert posted.status_code == 404 and cycle.ballots() == 0


def test_with_other_area_a_resident_may_vote_in_one_other_area(
    make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider
) -> None:
    for cycle in open_cycle(make_client, sign_in, oidc_provider, extra="\n[voting]\nother_area = true\n"):
        ann = verified(cycle, "ann", ANN.number, "1980-03-04")
        page = ann.get(f"{BASE}/vote{EN}")
        assert f'href="{BASE_URL}{BASE}/vote/pier2"' in page.text or f'href="{BASE}/vote/pier2"' in page.text
        cast = ann.post(f"{BASE}/vote/pier2{EN}", data={"area": "pier2", "choice": "P9", "action": "cast"})
        assert cast.status_code == 200 and receipt_of(cast.text)
        cycle.services.catch_up()
        with cycle.services.reader("ballots") as db:
            assert list(ballot_queries.ballots_of_area(db, SLUG, "pier2")) == [{"P9": 1}]


def test_over_budget_on_a_knapsack_ballot(
    make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider
) -> None:
    for cycle in open_cycle(make_client, sign_in, oidc_provider, kind="knapsack"):
        ann = verified(cycle, "ann", ANN.number, "1980-03-04")
        answer = ann.post(f"{BASE}/vote{EN}", data={"area": "hamasen", "choice": ["H1", "H2"], "action": "cast"})
        assert answer.status_code == 422
        assert "Your projects cost NT$3,500,000, more than the budget of NT$3,000,000." in answer.text
        assert cycle.ballots() == 0


def test_a_closed_cycle_changes_nothing(cycle: Voting) -> None:
    ann = verified(cycle, "ann", ANN.number, "1980-03-04")
    cast = ann.post(f"{BASE}/vote", data={"area": "hamasen", "choice": "H1", "action": "cast"})
    assert cast.status_code == 200 and cycle.ballots() == 1
    assert cycle.staff.post(f"{BASE}/phase", data={"phase": "counting"}).status_code == 200
    page = ann.get(f"{BASE}/vote{EN}")
    assert "Voting is not open in this cycle now" in page.text and 'value="cast"' not in page.text
    late = ann.post(f"{BASE}/vote{ZH}", data={"area": "hamasen", "choice": "H2", "action": "cast"})
    assert late.status_code == 422 and "本週期現在不開放投票，未記錄任何資料。" in late.text
    assert cycle.counted() == [{"H1": 1}]
    receipt = ann.get(f"{BASE}/vote/receipt{EN}")
    assert receipt_of(receipt.text) and "Change my ballot" not in receipt.text


def test_a_cast_reads_its_binding_and_ballot_from_the_log_once_and_no_view_before_the_303(
    cycle: Voting, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = verified(cycle, "ann", ANN.number, "1980-03-04")
    services = cycle.services
    reads: Counter[Any] = Counter()
    for recorder in (services.log.recorder, services.ballot_box.recorder):
        original = recorder.select_events

        def counting(originator_id: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            reads[originator_id] += 1
            return _original(originator_id, *args, **kwargs)

        monkeypatch.setattr(recorder, "select_events", counting)
    opened: list[tuple[str, ...]] = []
    reader = services.read_models.reader

    def watched(names: Any = ()) -> Any:
        opened.append(tuple(names))
        return reader(names)

    monkeypatch.setattr(services.read_models, "reader", watched)

    cast = ann.post(f"{BASE}/vote", data={"area": "hamasen", "choice": "H1", "action": "cast"}, follow_redirects=False)
    cast_reads, cast_opened = Counter(reads), list(opened)  # what the cast read, before the checks below

    assert cast.status_code == 303 and cast.headers["location"] == f"{BASE_URL}{BASE}/vote/receipt"
    binding = services.voting.binding(SLUG, str(ann_account(cycle)))
    assert binding is not None
    ballot_id = services.voting.ballot_keys.ballot_id(SLUG, binding.person)
    assert cast_reads[ballot_id] == 1 and cast_reads[account_binding_id(SLUG, binding.account)] == 1
    assert cast_reads[cycle_id_for(SLUG)] <= 1  # at most the check that the kept cycle is still the newest
    assert cast_opened == [("accounts",)]  # who is signed in, and no other view before the answer
    assert cycle.counted() == [{"H1": 1}]


def ann_account(cycle: Voting) -> str:
    with cycle.services.reader("accounts") as db:
        return str(db.execute("SELECT id FROM accounts WHERE subject = 'ann'").fetchone()[0])


def test_a_cast_by_someone_not_verified_or_in_an_unknown_cycle_records_nothing(cycle: Voting) -> None:
    bob = cycle.browser("bob")
    answer = bob.post(f"{BASE}/vote", data={"area": "hamasen", "choice": "H1", "action": "cast"},
                      follow_redirects=False)  # fmt: skip
    assert answer.status_code == 303 and answer.headers["location"].endswith(f"{BASE}/verify")
    unknown = bob.post("/budgeting/no-such-cycle/vote", data={"choice": "H1", "action": "cast"})
    assert unknown.status_code == 404
    assert cycle.ballots() == 0


def test_a_cross_site_cast_is_refused(cycle: Voting) -> None:
    ann = verified(cycle, "ann", ANN.number, "1980-03-04")
    forged = ann.post(f"{BASE}/vote", data={"area": "hamasen", "choice": "H1", "action": "cast"},
                      headers={"Origin": "https://evil.example"})  # fmt: skip
    assert forged.status_code == 403 and cycle.ballots() == 0
    forged_verify = cycle.browser("mallory").post(
        f"{BASE}/verify", data={"id_number": BEN.number, "birth_date": "1995-12-30"},
        headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert forged_verify.status_code == 403


def test_check_my_ballot_without_javascript_casts_nothing(cycle: Voting) -> None:
    ann = verified(cycle, "ann", ANN.number, "1980-03-04")
    checked = ann.post(f"{BASE}/vote{EN}", data={"area": "hamasen", "choice": ["H1", "H2", "H3"], "action": "check"})
    assert checked.status_code == 200 and "Too many projects chosen: 3 (at most 2)." in checked.text
    assert cycle.ballots() == 0


# --- the polling station ------------------------------------------------------------------------


def paper(client: TestClient, number: str, born: str, choices: Any, lang: str = EN, station: str = "鼓山國小") -> Any:
    data = {"station": station, "area": "hamasen", "id_number": number, "birth_date": born, "choice": choices,
            "action": "cast"}  # fmt: skip
    return client.post(f"{BASE}/station{lang}", data=data)


def test_the_station_enters_paper_ballots_and_refuses_a_second_one(cycle: Voting) -> None:
    page = cycle.staff.get(f"{BASE}/station{EN}&station=Gushan+School&area=hamasen")
    assert page.status_code == 200 and 'form="ballot-form"' in page.text and 'value="cast"' in page.text
    entered = paper(cycle.staff, BEN.number, "84/12/30", ["H1"])
    assert entered.status_code == 200 and "Paper ballot entered. Its receipt code:" in entered.text
    assert "station=%E9%BC%93%E5%B1%B1%E5%9C%8B%E5%B0%8F" in str(entered.url)  # a fresh form, same station
    assert BEN.number not in entered.text
    second = paper(cycle.staff, BEN.number, "1995-12-30", ["H2"], lang=ZH)
    assert second.status_code == 422 and "此人已投過紙本選票，不得再投第二張紙本選票。" in second.text
    wrong = paper(cycle.staff, CHI.number, "1960-07-02", ["H1"])
    assert wrong.status_code == 422 and "The birth date does not match" in wrong.text
    too_many = paper(cycle.staff, ANN.number, "1980-03-04", ["H1", "H2", "H3"])
    assert too_many.status_code == 422 and "Too many projects chosen: 3" in too_many.text
    assert cycle.counted() == [{"H1": 1}]


def test_paper_after_online_replaces_it_by_default(cycle: Voting) -> None:
    ann = verified(cycle, "ann", ANN.number, "1980-03-04")
    ann.post(f"{BASE}/vote", data={"area": "hamasen", "choice": "H1", "action": "cast"})
    assert paper(cycle.staff, ANN.number, "1980-03-04", ["H3"]).status_code == 200
    assert cycle.counted() == [{"H3": 1}]
    page = ann.get(f"{BASE}/vote{EN}")
    assert 'data-testid="paper-final"' in page.text and 'value="cast"' not in page.text
    online = ann.post(f"{BASE}/vote{EN}", data={"area": "hamasen", "choice": "H2", "action": "cast"})
    assert online.status_code == 422 and "it is final and cannot be changed" in online.text
    assert cycle.counted() == [{"H3": 1}]


def test_paper_after_online_refused_when_the_cycle_says_so(
    make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider
) -> None:
    extra = '\n[voting]\npaper_after_online = "refuse"\n'
    for cycle in open_cycle(make_client, sign_in, oidc_provider, extra=extra):
        ann = verified(cycle, "ann", ANN.number, "1980-03-04")
        ann.post(f"{BASE}/vote", data={"area": "hamasen", "choice": "H1", "action": "cast"})
        refused = paper(cycle.staff, ANN.number, "1980-03-04", ["H3"])
        assert refused.status_code == 422 and "has already voted online" in refused.text
        assert cycle.counted() == [{"H1": 1}]


def test_only_staff_use_the_station_and_the_bindings(cycle: Voting) -> None:
    resident = cycle.browser("ann")
    assert resident.get(f"{BASE}/station").status_code == 403
    assert paper(resident, BEN.number, "1995-12-30", ["H1"]).status_code == 403
    assert resident.get(f"{BASE}/bindings").status_code == 403
    assert resident.post(f"{BASE}/bindings/release", data={"account": "x", "reason": "y"}).status_code == 403
    assert cycle.ballots() == 0
