"""The glossary list a crowd reads is kept while the glossary stands still: the same bytes the
page would have rendered, a change shown at once, and nothing shared with a signed-in person."""

from __future__ import annotations

import re

from domain.eventlog import SYSTEM_ACTOR
from domain.glossary.names import term_id_for
from tests.fixtures import MakeClient, SignIn


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
