"""Read your own writes by position: concurrent requests each see their own write, side by side.

The glossary view here takes a whole second for every page it applies (as a big city's view might
under load), while role changes, which read only the accounts view, run at the same time. Each
request waits only for the views it reads to hold its own position, holding no lock: no role
change waits behind a glossary page, and every request shows its own write.
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import httpx
from sqlite_utils import Database

from civic.app import create_app
from civic.services import all_views, build_services
from civic.settings import Settings
from domain.accounts import ADMIN, STAFF
from projections.glossary import GlossaryView
from web.sessions import SessionCodec

ISSUER = "http://issuer.test"
SECRET = "own-writes-secret"
PAGE_SECONDS = 1.0
ROLE_CHANGES = 12
MEETINGS = 6
ROLES = ("reviewer", "translator")
ROLE_NAMES = {"reviewer": "Reviewer", "translator": "Translator"}
SAME_ORIGIN = {"HX-Request": "true", "Sec-Fetch-Site": "same-origin"}


class SlowGlossaryView(GlossaryView):
    def end_page(self, db: Database) -> None:
        time.sleep(PAGE_SECONDS)
        super().end_page(db)


def test_concurrent_requests_each_see_their_own_write_without_queueing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key=SECRET, rate_limit_per_minute=0,
                        oidc_metadata_url=f"{ISSUER}/.well-known/openid-configuration")  # fmt: skip
    views = [SlowGlossaryView() if view.name == "glossary" else view for view in all_views()]
    services = build_services(settings, views=views)
    admin = services.accounts.grant_from_command_line(ISSUER, "admin", ADMIN).result
    services.accounts.grant_from_command_line(ISSUER, "admin", STAFF)
    people = [services.accounts.sign_in(ISSUER, f"person-{n}", f"Person {n}").result for n in range(ROLE_CHANGES)]
    services.catch_up()
    app = create_app(settings, services)
    cookie = SessionCodec(SECRET, 3600).encode(
        {"account_id": str(admin), "session_id": "s", "signed_in_at": time.time()}
    )

    async def timed(request: object) -> tuple[float, httpx.Response]:
        started = time.monotonic()
        answer = await request  # type: ignore[misc]
        return time.monotonic() - started, answer

    async def run() -> tuple[list[tuple[float, httpx.Response]], list[tuple[float, httpx.Response]]]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver",
                                     cookies={"civic_session": cookie, "lang": "en"}) as client:  # fmt: skip
            meetings = [
                timed(client.post("/glossary/meetings", data={"date": "2026-11-20", "title": f"Meeting {n}",
                                                              "members": "林委員"}, headers=SAME_ORIGIN))
                for n in range(MEETINGS)
            ]  # fmt: skip
            changes = [
                timed(client.post(f"/admin/accounts/{person}/roles", headers=SAME_ORIGIN,
                                  data={"role": ROLES[n % len(ROLES)], "change": "grant"}))
                for n, person in enumerate(people)
            ]  # fmt: skip
            answers = await asyncio.gather(*meetings, *changes)
            return answers[:MEETINGS], answers[MEETINGS:]

    try:
        meetings, changes = asyncio.run(run())
        with services.reader("glossary") as db:
            titles = {row[0] for row in db.execute("SELECT title FROM glossary_meetings")}
    finally:
        services.close()

    # Each role change answers with the accounts table rendered after its own write.
    for (_, answer), person, n in zip(changes, people, range(ROLE_CHANGES), strict=True):
        assert answer.status_code == 200, answer.text[:500]
        tags = re.search(rf"Person {n}<br><small>person-{n}</small></th>\s*<td><ul class=\"tags\">(.*?)</ul>",
                         answer.text, re.S)  # fmt: skip
        assert tags and f"<li>{ROLE_NAMES[ROLES[n % len(ROLES)]]}</li>" in tags.group(1), (person, answer.text[:300])
    # Each meeting was shown only once the glossary held it (htmx follows the redirect to it).
    for _, answer in meetings:
        assert answer.status_code == 204 and answer.headers["HX-Redirect"].startswith(
            "http://testserver/glossary/meetings/"
        )
    assert titles == {f"Meeting {n}" for n in range(MEETINGS)}
    # No role change waited for a glossary page: they do not queue behind another view's catch-up.
    slowest = max(seconds for seconds, _ in changes)
    assert slowest < PAGE_SECONDS, f"a role change took {slowest:.2f} s: it waited behind the glossary"
    # And the meetings did not catch up one after another (that would take a page each).
    assert max(seconds for seconds, _ in meetings) < (MEETINGS - 1) * PAGE_SECONDS
