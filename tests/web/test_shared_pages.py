"""The public pages a crowd reads (home, the glossary list, a cycle, its proposals, a proposal,
the results) are kept while their views stand still: the same bytes the page would have rendered,
a change shown at once (to its author, and to everyone once the view has moved), a scheduled
phase shown when it opens, and nothing shared with a signed-in person, a visitor with a message
waiting, or a visitor who reads the other language."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from starlette.testclient import TestClient

from civic.local_provider import LocalProvider
from domain.budgeting.service import city_now
from domain.budgeting.spec import parse
from domain.eventlog import SYSTEM_ACTOR
from domain.glossary.names import term_id_for
from tests.fixtures import MakeClient, SignIn
from tests.web.conftest import BASE_URL
from tests.web.test_budgeting_flows import SPEC
from web.flash import KEY as FLASHES
from web.sessions import SessionCodec

SLUG = "pier2-2027"
PAGES = ("/", "/budgeting/{slug}", "/budgeting/{slug}/proposals", "/budgeting/proposals/{pid}",
         "/budgeting/{slug}/results", "/budgeting/proposals/{pid}/endorsements")  # fmt: skip


def _kept(client: TestClient) -> set[str]:
    """The URLs whose page this app keeps for visitors (the read models' kept answers)."""
    answers = client.app.state.services.read_models._answers  # type: ignore[attr-defined]
    return {key[1] for _, key in answers if isinstance(key, tuple) and key[:1] == ("page",)}


def _cycle_with_proposal(client: TestClient, provider: LocalProvider, spec: str = SPEC) -> tuple[Any, str, str]:
    """A cycle in intake with one resident's proposal; (services, the author's account id, the proposal id)."""
    services = client.app.state.services  # type: ignore[attr-defined]
    services.budgeting.create_cycle(parse(spec), SYSTEM_ACTOR)
    author = str(services.accounts.sign_in(provider.issuer, "demo-resident", "Resident").result)
    pid = services.budgeting.submit(SLUG, "pier2", "駁二倉庫前的遮陽棚", "夏天排隊參觀時需要遮陽。", "大勇路",
                                    "public_works", 450_000, "zh", author).result  # fmt: skip
    services.catch_up()
    return services, author, str(pid)


def _urls(pid: str) -> list[str]:
    return [page.format(slug=SLUG, pid=pid) for page in PAGES]


def _count(page: str) -> int:
    found = re.search(r'<span class="count">([\d,]+)</span>', page)
    assert found, page[:500]
    return int(found.group(1).replace(",", ""))


def test_the_kept_list_is_the_rendered_one_and_a_change_shows_at_once(make_client: MakeClient) -> None:
    client = make_client(rate_limit_per_minute=0)
    services = client.app.state.services  # type: ignore[attr-defined]
    first = client.get("/glossary/?lang=en")
    again = client.get("/glossary/?lang=en")
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again.headers == first.headers
    assert client.get("/glossary/", headers={"hx-request": "true"}).text.startswith('<section id="results"')
    before = _count(first.text)

    meeting = services.glossary.convene("2026-12-01", ["林委員"], SYSTEM_ACTOR).result
    term = term_id_for("新興區", "district", "")
    recorded = services.glossary.propose("新興區", "Sinsing District", SYSTEM_ACTOR, category="district")
    services.glossary.put_on_agenda(meeting, term, SYSTEM_ACTOR)
    position = services.glossary.approve(meeting, term, SYSTEM_ACTOR).position
    assert position > recorded.position
    services.catch_up()
    assert _count(client.get("/glossary/?lang=en").text) == before + 1


def test_a_signed_in_person_never_gets_the_visitors_page(make_client: MakeClient, sign_in: SignIn) -> None:
    client = make_client(rate_limit_per_minute=0)
    assert "Sign in" in client.get("/glossary/?lang=en").text  # kept for visitors
    sign_in(client, "demo-translator")  # the same client, now with a session: the same URL
    mine = client.get("/glossary/?lang=en").text
    assert "Sign in" not in mine.split("<main", 1)[0] and "Sign out" in mine


@pytest.mark.parametrize("lang", ["en", "zh_Hant_TW"])
def test_kept_budgeting_pages_are_the_rendered_ones_and_change_after_a_write(
    make_client: MakeClient, oidc_provider: LocalProvider, lang: str
) -> None:
    client = make_client(rate_limit_per_minute=0)
    services, author, pid = _cycle_with_proposal(client, oidc_provider)
    for url in _urls(pid):
        first = client.get(f"{url}?lang={lang}")
        again = client.get(f"{url}?lang={lang}")
        assert first.status_code == again.status_code == 200, url
        assert again.content == first.content and again.headers == first.headers, url
        assert f"{BASE_URL}{url}?lang={lang}" in _kept(client), url
    assert "駁二倉庫前的遮陽棚" in client.get(f"/budgeting/{SLUG}/proposals?lang={lang}").text

    # A write moves the budgeting view: every page that reads it shows the change.
    recorded = services.budgeting.edit(UUID(pid), "駁二倉庫前的大遮陽棚", "夏天排隊參觀時需要遮陽。", "大勇路",
                                       "public_works", 450_000, "zh", author)  # fmt: skip
    services.catch_up()
    assert services.read_models.position("budgeting") >= recorded.position
    assert "駁二倉庫前的大遮陽棚" in client.get(f"/budgeting/{SLUG}/proposals?lang={lang}").text
    assert "駁二倉庫前的大遮陽棚" in client.get(f"/budgeting/proposals/{pid}?lang={lang}").text
    services.budgeting.advance(SLUG, "endorsement", SYSTEM_ACTOR)
    services.catch_up()
    cycle = client.get(f"/budgeting/{SLUG}?lang={lang}").text
    assert re.search(r'aria-current="step" class="current">\s*<strong>(Endorsement|附議)</strong>', cycle), cycle


def test_the_author_sees_their_write_at_once_and_visitors_after_the_view_moved(
    make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider
) -> None:
    visitor = make_client(rate_limit_per_minute=0)
    _cycle_with_proposal(visitor, oidc_provider)
    pid = re.findall(r"/budgeting/proposals/([0-9a-f-]{36})", visitor.get(f"/budgeting/{SLUG}/proposals").text)[0]
    assert "駁二倉庫前的遮陽棚" in visitor.get(f"/budgeting/proposals/{pid}?lang=en").text  # kept
    author = TestClient(visitor.app, base_url=BASE_URL).__enter__()
    assert sign_in(author, "demo-resident").status_code == 303
    form = {"title": "駁二倉庫前的大遮陽棚", "description": "夏天排隊參觀時需要遮陽。", "place": "大勇路",
            "category": "public_works", "cost": "450,000", "language": "zh", "action": "submit"}  # fmt: skip
    edited = author.post(f"/budgeting/proposals/{pid}/edit?lang=en", data=form)  # waits for the view, redirects
    assert edited.status_code == 200 and "駁二倉庫前的大遮陽棚" in edited.text
    # The author's request waited for the view to hold the edit: the visitor's next page holds it too.
    assert "駁二倉庫前的大遮陽棚" in visitor.get(f"/budgeting/proposals/{pid}?lang=en").text
    assert "駁二倉庫前的大遮陽棚" in visitor.get(f"/budgeting/{SLUG}/proposals").text


@pytest.mark.parametrize("page", PAGES)
def test_a_signed_in_person_never_gets_nor_leaves_a_kept_budgeting_page(
    make_client: MakeClient, sign_in: SignIn, oidc_provider: LocalProvider, page: str
) -> None:
    client = make_client(rate_limit_per_minute=0)
    _, _, pid = _cycle_with_proposal(client, oidc_provider)
    url = page.format(slug=SLUG, pid=pid)
    visitors = client.get(f"{url}?lang=en").text
    assert "Sign in" in visitors and f"{BASE_URL}{url}?lang=en" in _kept(client)
    sign_in(client, "demo-resident")  # the same client, now with a session: the same URL
    before = dict(client.app.state.services.read_models._answers)  # type: ignore[attr-defined]
    mine = client.get(f"{url}?lang=en")
    assert mine.status_code == 200 and "Sign out" in mine.text and mine.text != visitors
    assert mine.headers["cache-control"] == "no-store"
    kept = {key: value for key, value in client.app.state.services.read_models._answers.items()  # type: ignore[attr-defined]
            if isinstance(key[1], tuple) and key[1][:1] == ("page",)}  # fmt: skip
    assert all(before.get(key) == value for key, value in kept.items())  # nothing kept from this person's page


def test_a_visitor_with_a_message_waiting_gets_it_and_it_is_never_kept(
    make_client: MakeClient, oidc_provider: LocalProvider
) -> None:
    client = make_client(rate_limit_per_minute=0)
    _cycle_with_proposal(client, oidc_provider)
    url = f"/budgeting/{SLUG}/proposals?lang=en"
    plain = client.get(url).text
    settings = client.app.state.settings  # type: ignore[attr-defined]
    cookie = SessionCodec(settings.session_secret(), 8 * 3600).encode({FLASHES: ["Your message for you alone."]})
    with TestClient(client.app, base_url=BASE_URL, cookies={"civic_session": cookie}) as other:
        assert "Your message for you alone." in other.get(url).text
    again = client.get(url).text
    assert again == plain and "Your message for you alone." not in again


def test_a_page_kept_in_one_language_is_never_served_in_the_other(
    make_client: MakeClient, oidc_provider: LocalProvider
) -> None:
    client = make_client(rate_limit_per_minute=0)
    _, _, pid = _cycle_with_proposal(client, oidc_provider)
    for url in _urls(pid):  # the same URL, the language from the browser's header or the cookie
        english = client.get(url, headers={"accept-language": "en"})
        chinese = client.get(url, headers={"accept-language": "zh-TW"})
        assert english.headers["content-language"] == "en" and '<html lang="en">' in english.text, url
        assert chinese.headers["content-language"] == "zh-Hant-TW" and '<html lang="zh-Hant-TW">' in chinese.text, url
        with TestClient(client.app, base_url=BASE_URL, cookies={"lang": "en"}) as cookie_en:
            assert '<html lang="en">' in cookie_en.get(url, headers={"accept-language": "zh-TW"}).text, url
        assert '<html lang="zh-Hant-TW">' in client.get(url, headers={"accept-language": "zh-TW"}).text, url


def test_a_kept_page_shows_a_scheduled_phase_once_it_opens(
    make_client: MakeClient, oidc_provider: LocalProvider
) -> None:
    client = make_client(rate_limit_per_minute=0)
    opens = (city_now() + timedelta(seconds=2)).replace(microsecond=0)
    spec = SPEC.replace("\n[ballot]", f'\n[schedule]\nvoting = "{opens.isoformat()}"\n\n[ballot]', 1)
    services, _, pid = _cycle_with_proposal(client, oidc_provider, spec)
    cycle_url, proposal_url = f"/budgeting/{SLUG}?lang=en", f"/budgeting/proposals/{pid}?lang=en"
    cycle, proposal = client.get(cycle_url).text, client.get(proposal_url).text
    assert "Propose a project" in cycle and 'data-testid="voting-links"' not in cycle
    assert "every 10s" in proposal  # the live endorsement counter, before voting
    assert {f"{BASE_URL}{cycle_url}", f"{BASE_URL}{proposal_url}"} <= _kept(client)
    position = services.read_models.position("budgeting")
    deadline = time.monotonic() + 30
    while city_now() < opens:  # the clock reaching the scheduled time; nothing is recorded
        assert time.monotonic() < deadline
        time.sleep(0.05)
    cycle, proposal = client.get(cycle_url).text, client.get(proposal_url).text
    assert services.read_models.position("budgeting") == position  # the view stood still
    assert "Propose a project" not in cycle and 'data-testid="voting-links"' in cycle
    assert re.search(r'aria-current="step" class="current">\s*<strong>Voting</strong>', cycle)
    assert "every 10s" not in proposal
