"""The demo's two cycles: one open for people to try voting, one closed with published results.

``civic demo``'s budgeting seeding on a fresh data directory, then what a visitor would find: the
open cycle in voting with its census, its demo residents verified and a thousand ballots in the
box; the census entries the README offers for trying verification by hand still free; the closed
cycle counted and published, with online, changed and paper ballots from both stations. Seeding
again records nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from civic.commands.budgeting_demo import SLUG, seed_demo
from civic.commands.budgeting_demo_votes import PAST_SLUG, STATIONS
from civic.demo import demo_account, seed_accounts
from civic.services import Services, build_services
from civic.settings import Settings
from projections.ballot_queries import ballot_count, turnout
from projections.budgeting_results import results_of
from projections.census_queries import eligible_by_district

# README, "The demo": census entries of kaohsiung-2027 no demo account is verified with.
TRY = (("N101976925", date(1962, 5, 30)), ("T256554654", date(1989, 9, 28)), ("J152771275", date(1985, 7, 7)))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    services = build_services(Settings(data_dir=tmp_path_factory.mktemp("demo")))
    list(seed_accounts(services))
    list(seed_demo(services))
    services.catch_up()
    yield services
    services.close()


def test_the_open_cycle_is_in_voting_with_a_census_and_ballots(demo: Services) -> None:
    assert demo.voting.cycle(SLUG).phase == "voting"
    with demo.reader("census", "ballots") as db:
        assert sum(eligible_by_district(db, SLUG).values()) == 1_200
        assert ballot_count(db, SLUG) >= 900
        channels = {channel for _area, channel, _band, _count in turnout(db, SLUG)}
    assert channels == {"online", "paper"}
    for subject in ("demo-resident", "demo-translator", "demo-resident-1"):
        assert demo.voting.binding(SLUG, demo_account(demo, subject)) is not None
        assert not demo.voting.has_voted(SLUG, demo_account(demo, subject))  # theirs to cast


def test_the_readme_entries_verify_and_vote(demo: Services) -> None:
    for n, (number, born) in enumerate(TRY):
        account = str(demo.accounts.sign_in(demo.settings.oidc_metadata_url.split("/.well-known/")[0],
                                            f"try-{n}", f"Try {n}").result)  # fmt: skip
        area = demo.voting.verify(SLUG, account, number, born).result
        code = next(iter(demo.voting.cycle(SLUG).ballot(area)))
        assert demo.voting.cast_online(SLUG, account, area, {code: 1}).result
        assert demo.voting.has_voted(SLUG, account)


def test_the_closed_cycle_is_counted_and_published(demo: Services) -> None:
    assert demo.voting.cycle(PAST_SLUG).phase == "results"
    with demo.reader("ballots", "results") as db:
        outcome = results_of(db, PAST_SLUG)
        rows = turnout(db, PAST_SLUG)
        stations = {row[0] for row in db.execute("SELECT DISTINCT station FROM budgeting_ballots WHERE cycle = ?",
                                                  [PAST_SLUG])}  # fmt: skip
        changed = db.execute("SELECT count(*) FROM budgeting_ballots WHERE cycle = ? AND changes > 0",
                             [PAST_SLUG]).fetchone()[0]  # fmt: skip
    assert outcome is not None and outcome.published
    assert {area.area for area in outcome.areas} == {"hamasen", "pier2"}
    assert all(area.selected and area.voters > 300 for area in outcome.areas)
    assert sum(count for *_key, count in rows) >= 1_400
    assert stations == {"", *STATIONS.values()}
    assert changed > 100


def test_seeding_again_records_nothing(demo: Services) -> None:
    heads = (demo.log.position(), demo.ballot_box.position())
    lines = list(seed_demo(demo))
    assert (demo.log.position(), demo.ballot_box.position()) == heads
    assert all("already recorded" in line for line in lines)
