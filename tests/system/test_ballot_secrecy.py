"""Ballot secrecy after a whole demo-like cycle: nothing near a ballot names a voter.

A cycle is run as the demo runs one (civic/commands/budgeting_demo_votes.py: census, residents
who sign in, verify and vote online, some changing their ballot, paper ballots at two stations,
some replacing online ones, counting, publishing), plus residents who sign in through the real
OpenID provider, verify and vote (and change their vote) over HTTP, and a paper ballot entered on
the station page by staff signed in the same way. Then everything the platform wrote is read back
raw, the way a person who copied the data directory (but not the keys) would read it:

- every row of every table of both logs (``events.db``, ``ballots.db``) and of every read-model
  file, and the files' bytes themselves (WAL included);
- every log record the platform emitted while the cycle ran;
- every export: each area's ``.pb`` file (``civic cycle export``'s text and the results page's
  download; the results have no other export).

What is looked for: every voter's account id (with and without dashes), census person and proof
hashes (whole and their first half), ID number, birth date (ISO and 民國), display name and
sign-in subject, and the staff account that entered paper ballots. Where: anywhere a ballot is
(the ballot box, any read-model file holding a ballot id or receipt code, the exports), and,
for numbers and birth dates, anywhere at all. The main log, conversely, holds no ballot id and
no receipt code, so the two logs cannot be joined on anything.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from civic.app import create_app
from civic.commands.budgeting_demo_votes import PAST_SPEC, area_of, cast_ballots, demo_census, import_census, voter
from civic.demo import demo_account, issuer_of, seed_accounts
from civic.local_provider import LocalProvider
from civic.services import Services
from civic.settings import Settings
from domain.accounts import account_id_for
from domain.budgeting.ballot_box import CITY
from domain.budgeting.cycles import Cycle, cycle_id_for
from domain.budgeting.service import city_now
from tests.fixtures import metadata_url, oidc_provider  # noqa: F401  (a fixture)
from tests.web.conftest import BASE_URL, sign_in_over_http
from web.budgeting_results import area_pb, record_results

SLUG = PAST_SPEC.slug
RESIDENTS = 160
ONLINE, PAPER = 90, 40


@dataclass
class Secrets:
    """What must never be found near a ballot, as text."""

    people: list[str]  # account ids, subjects, names, census hashes
    clear: list[str]  # ID numbers and birth dates: found nowhere at all
    ballot_ids: list[str]
    receipts: list[str]


@dataclass
class Ran:
    data_dir: Path
    secrets: Secrets
    logs: list[str]
    exports: dict[str, str]


def _forms(text: str) -> list[str]:
    return [text, text.replace("-", "")] if len(text) == 36 else [text]


HTTP_VOTERS = 3  # residents who sign in through the provider, verify and vote over HTTP
STATION = "鹽埕區公所"


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory, oidc_provider: LocalProvider) -> Iterator[Ran]:  # noqa: F811
    data_dir = tmp_path_factory.mktemp("secrecy")
    settings = Settings(data_dir=data_dir, oidc_metadata_url=metadata_url(oidc_provider), rate_limit_per_minute=0)
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append  # type: ignore[method-assign]
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    app = create_app(settings)
    services: Services = app.state.services
    try:
        with TestClient(app, base_url=BASE_URL) as client, httpx.Client(timeout=10) as provider:
            exports, found = _run_cycle(services, client, provider)
    finally:
        services.close()
        root.removeHandler(handler)
        root.setLevel(previous)
    yield Ran(data_dir, found, [record.getMessage() for record in records], exports)


def _run_cycle(services: Services, client: TestClient, provider: httpx.Client) -> tuple[dict[str, str], Secrets]:
    """The demo's way through the services, then residents and a station over HTTP, then results."""
    list(seed_accounts(services))
    staff = demo_account(services, "demo-staff")
    people = demo_census(PAST_SPEC, RESIDENTS)
    services.budgeting.create_cycle(PAST_SPEC, staff)
    import_census(services, PAST_SPEC, people, staff)
    now = city_now()
    services.budgeting.advance(SLUG, "voting", staff, now)
    cycle = services.log.find(cycle_id_for(SLUG), Cycle)
    assert cycle is not None
    cast_ballots(services, cycle, people, staff, now, ONLINE, PAPER)
    over_http = people[ONLINE + PAPER : ONLINE + PAPER + HTTP_VOTERS + 1]
    for n, person in enumerate(over_http[:HTTP_VOTERS]):
        with TestClient(client.app, base_url=BASE_URL) as browser:
            assert sign_in_over_http(browser, provider, http_subject(n)).status_code == 303
            verified = browser.post(f"/budgeting/{SLUG}/verify",
                                    data={"id_number": person.number, "birth_date": person.born.isoformat()},
                                    follow_redirects=False)  # fmt: skip
            assert verified.status_code == 303, verified.text
            area = area_of(PAST_SPEC, person.district)
            for code in list(cycle.ballot(area))[:2]:  # cast, then changed
                cast = browser.post(
                    f"/budgeting/{SLUG}/vote", data={"choice": code, "action": "cast"}, follow_redirects=False
                )
                assert cast.status_code == 303, re.findall(r'role="alert"[^<]*>[^<]*<[^>]*>([^<]*)', cast.text)
                assert cast.headers["location"].endswith("/vote/receipt")
    last = over_http[HTTP_VOTERS]
    area = area_of(PAST_SPEC, last.district)
    assert sign_in_over_http(client, provider, "demo-staff").status_code == 303
    paper = client.post(f"/budgeting/{SLUG}/station", data={
        "station": STATION, "area": area, "id_number": last.number, "birth_date": last.born.isoformat(),
        "choice": next(iter(cycle.ballot(area))), "action": "cast"}, follow_redirects=False)  # fmt: skip
    assert paper.status_code == 303, paper.text
    services.budgeting.advance(SLUG, "results", staff, now)
    record_results(services, SLUG, staff)
    services.catch_up()
    exports = {f"{area.code}.pb": area_pb(services, SLUG, area.code) for area in PAST_SPEC.areas}
    downloaded = client.get(f"/budgeting/{SLUG}/results/hamasen.pb")
    assert downloaded.status_code == 200
    exports["download hamasen.pb"] = downloaded.text
    return exports, _secrets(services, [*people[: ONLINE + PAPER], *over_http], staff)


def http_subject(n: int) -> str:
    return f"secrecy-resident-{n}"


def _secrets(services: Services, people: list, staff: str) -> Secrets:
    keys, issuer = services.voting.census_keys, issuer_of(services)
    secret_people, clear = [staff, *_forms(staff)], []
    for n, person in enumerate(people):
        if n < ONLINE:
            subject, name = voter(SLUG, n)
            secret_people += [subject, name, *_forms(str(account_id_for(issuer, subject)))]
        elif ONLINE + PAPER <= n < ONLINE + PAPER + HTTP_VOTERS:
            subject = http_subject(n - ONLINE - PAPER)  # the provider's name for a typed subject is the subject
            secret_people += [subject, *_forms(str(account_id_for(issuer, subject)))]
        person_hash, proof = keys.person(person.number), keys.proof(person.number, person.born)
        secret_people += [person_hash, person_hash[:16], proof, proof[:16]]
        born = person.born
        clear += [person.number, born.isoformat(), f"{born.year - 1911:03d}/{born.month:02d}/{born.day:02d}"]
    with services.reader("ballots") as db:
        ballot_ids = [row[0] for row in db.execute("SELECT ballot FROM budgeting_ballots WHERE cycle = ?", [SLUG])]
        receipts = [row[0] for row in db.execute("SELECT receipt FROM budgeting_receipts WHERE cycle = ?", [SLUG])]
    assert len(ballot_ids) == ONLINE + PAPER + HTTP_VOTERS + 1  # the cycle ran: one counted ballot per voter
    return Secrets(secret_people, clear, [form for b in ballot_ids for form in _forms(b)], receipts)


def _database_files(data_dir: Path) -> list[Path]:
    return sorted(path for path in data_dir.rglob("*.db"))


def _rows_text(path: Path) -> str:
    """Every cell of every table of a SQLite file, as text (bytes decoded as UTF-8 where they are)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        cells = []
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                for cell in row:
                    cells.append(cell.decode("utf-8", "replace") if isinstance(cell, bytes) else str(cell))
        return "\n".join(cells)
    finally:
        connection.close()


def _raw_text(path: Path) -> str:
    """The file's bytes and its WAL's, what a reader of the disk gets without SQLite."""
    data = path.read_bytes()
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data.decode("utf-8", "replace")


def _found(text: str, needles: list[str]) -> list[str]:
    return sorted({needle for needle in needles if needle and needle in text})


def test_the_ballot_box_holds_nothing_about_any_voter(ran: Ran) -> None:
    box = ran.data_dir / "ballots.db"
    for text in (_rows_text(box), _raw_text(box)):
        assert _found(text, ran.secrets.ballot_ids)  # the scan reads what is there
        assert _found(text, ran.secrets.people + ran.secrets.clear) == []


def test_no_read_model_next_to_ballots_names_a_voter(ran: Ran) -> None:
    views = [path for path in _database_files(ran.data_dir) if path.name not in ("events.db", "ballots.db")]
    assert views
    near_ballots = 0
    for path in views:
        text = _rows_text(path) + _raw_text(path)
        if _found(text, ran.secrets.ballot_ids + ran.secrets.receipts):
            near_ballots += 1
            assert _found(text, ran.secrets.people) == [], path.name
    assert near_ballots >= 1  # the ballots view itself


def test_no_number_or_birth_date_is_stored_anywhere(ran: Ran) -> None:
    for path in _database_files(ran.data_dir):
        assert _found(_rows_text(path) + _raw_text(path), ran.secrets.clear) == [], path.name


def test_the_main_log_holds_no_ballot_id_receipt_or_choice(ran: Ran) -> None:
    events = ran.data_dir / "events.db"
    text = _rows_text(events) + _raw_text(events)
    assert "AccountBinding" in text  # the verifications are there (the scan reads the log)
    assert _found(text, ran.secrets.ballot_ids + ran.secrets.receipts) == []
    assert '"choices"' not in _rows_text(events)


def test_the_logs_name_no_voter_next_to_a_ballot(ran: Ran) -> None:
    assert ran.logs is not None
    for message in ran.logs:
        assert _found(message, ran.secrets.clear) == []
        if _found(message, ran.secrets.ballot_ids + ran.secrets.receipts):
            assert _found(message, ran.secrets.people) == [], message


def test_the_exports_name_no_voter_and_no_ballot(ran: Ran) -> None:
    assert set(ran.exports) == {"hamasen.pb", "pier2.pb", "download hamasen.pb"}
    for name, text in ran.exports.items():
        assert "VOTES" in text, name
        assert (
            _found(text, ran.secrets.people + ran.secrets.clear + ran.secrets.ballot_ids + ran.secrets.receipts) == []
        )


def test_the_ballot_box_timestamps_are_whole_days_in_taipei(ran: Ran) -> None:
    connection = sqlite3.connect(f"file:{ran.data_dir / 'ballots.db'}?mode=ro", uri=True)
    try:
        states = [row[0] for row in connection.execute("SELECT state FROM stored_events")]
    finally:
        connection.close()
    assert len(states) > ONLINE + PAPER  # casts, changes, replacements
    from datetime import datetime

    for state in states:
        stamp = json.loads(state)["timestamp"]
        moment = datetime.fromisoformat(stamp["_data_"] if isinstance(stamp, dict) else stamp).astimezone(CITY)
        assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0), stamp
        assert moment.utcoffset() == timedelta(hours=8)
