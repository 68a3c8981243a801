"""The demo's census and ballots (issue 12): who may vote, how they voted, what won.

Two demo cycles, so that there is something to try and something to look at:

- ``kaohsiung-2027`` (the part-1 cycle) stays in the **voting** phase, so that anyone can sign in
  and vote: its census is imported before voting opens, the demo residents are verified, and
  1,200 ballots are in the box (online, some changed, and paper at two stations).
- ``kaohsiung-2026`` is a **closed** cycle with the same two areas and a ballot of real Taiwanese
  proposal titles: census, ballots (online, changed, paper at two stations, paper replacing
  online), counted with its pre-registered rule and published.

The residents are synthetic (``residents``): valid check digits, birth dates from 1940 to 2008,
spread over the cycles' districts, made by a seeded generator. Their numbers and birth dates live
in memory only: the census goes into the log as keyed hashes (census_book.py), exactly as a real
import would, and no file of them is written.

A few dozen ballots per cycle go through the services the web uses (verify, cast_online,
cast_paper: ``cast_ballots``); the thousands after them are recorded in batches (``bulk_ballots``)
as the same aggregates those services record, with the same rules applied, because four flushed
commits per voter would make the demo take minutes. Counting and publishing go through the same
code as ``civic cycle advance``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from eventsourcing.domain import Aggregate

from civic.demo import demo_account, issuer_of
from civic.services import Services
from domain.budgeting.cycles import Cycle, cycle_id_for
from domain.budgeting.service import city_now
from domain.budgeting.spec import Area, Ballot, CycleSpec, Endorsement, Project
from domain.identity import LETTER_VALUES

CENSUS_HEADER = "id_number,birth_date,district"
# Two polling stations, one per district office: what the paper ballots' ``station`` says.
STATIONS = {"鼓山區": "鼓山區公所", "鹽埕區": "鹽埕區公所"}
_LETTERS = "ABCDEFGHJKLMNPQRSTUVXYWZIO"
SURNAMES = ("陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊")
GIVEN = ("淑芬", "志明", "雅婷", "建宏", "美玲", "家豪", "Emma", "Kevin", "Grace", "Jason")
_WEIGHTS = (1, 9, 8, 7, 6, 5, 4, 3, 2, 1, 1)

PAST_SLUG = "kaohsiung-2026"
PAST_SPEC = CycleSpec(
    slug=PAST_SLUG,
    name_zh="高雄市參與式預算 2026（哈瑪星・駁二，已公布結果）",
    name_en="Kaohsiung Participatory Budgeting 2026 (Hamasen and Pier-2, results published)",
    rule="mes-completed",
    min_age=16,
    ballot=Ballot(kind="approval", min_choices=1, max_choices=3),
    areas=(
        Area("hamasen", "哈瑪星", "Hamasen", ("鼓山區",), 3_000_000, (
            Project("H1", "健康Easy Go", "Healthy and easy to go", 900_000),
            Project("H2", "搖滾爺奶說書趣", "Rocking grandparents tell stories", 400_000),
            Project("H3", "以音樂之名回望安平", "Looking back in the name of music", 700_000),
            Project("H4", "森鄰綠社區", "A green neighbourhood in the woods", 1_200_000),
            Project("H5", "來去府城彩繪", "Let's go painting the old town", 500_000),
        )),
        Area("pier2", "駁二", "Pier-2", ("鹽埕區",), 2_000_000, (
            Project("P1", "五條港四季傳奇之旅", "Four seasons along the five harbour canals", 800_000),
            Project("P2", "歷食引水人培訓", "Training harbour pilots of food history", 600_000),
            Project("P3", "藝啓雙城", "Art opens two cities", 700_000),
            Project("P4", "府城藝文嘉年華", "An arts carnival in the old town", 900_000),
        )),
    ),
    endorsement=Endorsement(threshold=3, days=30, own=False),
)  # fmt: skip
# How much the synthetic voters like each entry (weights for picking their choices), so that the
# counted results have winners and losers worth explaining. Entries not named weigh 1.
LIKING = {"H1": 6, "H2": 4, "H3": 2, "H4": 3, "H5": 1, "P1": 5, "P2": 2, "P3": 4, "P4": 1}


@dataclass(frozen=True)
class Resident:
    number: str
    born: date
    district: str


def check_digit(letter: str, digits: str) -> str:
    """The last digit of a number that starts with ``letter`` and the 8 ``digits``."""
    value = LETTER_VALUES[letter]
    total = sum(d * w for d, w in zip((value // 10, value % 10, *(int(c) for c in digits)), _WEIGHTS, strict=False))
    return str(-total % 10)


def residents(count: int, districts: Sequence[str], seed: str) -> list[Resident]:
    """``count`` distinct synthetic residents: national ID numbers (second digit 1 or 2), one in
    twenty a 2021-format resident certificate (8 or 9), each with its check digit."""
    rng = random.Random(seed)
    seen: set[str] = set()
    found: list[Resident] = []
    while len(found) < count:
        letter = rng.choice(_LETTERS)
        second = rng.choice("89") if rng.random() < 0.05 else rng.choice("12")
        digits = second + f"{rng.randrange(10_000_000):07d}"
        number = letter + digits + check_digit(letter, digits)
        if number in seen:
            continue
        seen.add(number)
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 68))
        found.append(Resident(number, born, districts[len(found) % len(districts)]))
    return found


def census_bytes(people: Sequence[Resident]) -> bytes:
    """The census as the city sends it, built in memory only; one birth date in four as 民國."""
    lines = [CENSUS_HEADER]
    for n, person in enumerate(people):
        born = person.born
        written = f"{born.year - 1911:03d}/{born.month:02d}/{born.day:02d}" if n % 4 == 0 else born.isoformat()
        lines.append(f"{person.number},{written},{person.district}")
    return ("\n".join(lines) + "\n").encode()


def demo_census(spec: CycleSpec, count: int) -> list[Resident]:
    districts = [district for area in spec.areas for district in area.districts]
    return residents(count, districts, seed=spec.slug)


def import_census(services: Services, spec: CycleSpec, people: Sequence[Resident], staff: str) -> None:
    services.census.import_census(spec.slug, census_bytes(people), staff, file_name=f"{spec.slug}-census.csv")
    services.catch_up()


def area_of(spec: CycleSpec, district: str) -> str:
    return next(area.code for area in spec.areas if district in area.districts)


def pick(rng: random.Random, entries: Sequence[str], spec: CycleSpec) -> dict[str, int]:
    """Approval choices weighted by ``LIKING``, between the ballot's min and max."""
    ballot = spec.ballot
    k = rng.randint(ballot.min_choices, min(ballot.max_choices, len(entries)))
    pool, chosen = list(entries), []
    for _ in range(k):
        weights = [LIKING.get(code, 1) for code in pool]
        code = rng.choices(pool, weights)[0]
        pool.remove(code)
        chosen.append(code)
    return {code: 1 for code in chosen}


def voter(slug: str, n: int) -> tuple[str, str]:
    """The sign-in subject and display name of the ``n``-th synthetic online voter of a cycle."""
    return f"demo-voter-{slug}-{n + 1:04d}", f"{SURNAMES[n % len(SURNAMES)]}{GIVEN[n % len(GIVEN)]} {n + 1:04d}"


def cast_ballots(services: Services, cycle: Cycle, people: Sequence[Resident], staff: str, now: datetime,
                 online: int, paper: int) -> tuple[int, int, int]:  # fmt: skip
    """``online`` residents sign in, verify and vote (one in eight changes their ballot), then
    ``paper`` others vote at their district's station, and a few online voters go to a station too
    (the cycle's ``paper_after_online`` says whether that replaces or is refused). Returns
    (online, changed, paper) ballots cast."""
    spec, voting, issuer = cycle.spec, services.voting, issuer_of(services)
    rng = random.Random(f"{spec.slug}:ballots")
    ballots = {area.code: list(cycle.ballot(area.code)) for area in spec.areas}
    changed = papers = 0
    for n, person in enumerate(people[:online]):
        subject, name = voter(spec.slug, n)
        account = str(services.accounts.sign_in(issuer, subject, name).result)
        area = voting.verify(spec.slug, account, person.number, person.born, now).result
        voting.cast_online(spec.slug, account, area, pick(rng, ballots[area], spec), now)
        if n % 8 == 3:
            voting.cast_online(spec.slug, account, area, pick(rng, ballots[area], spec), now)
            changed += 1
    at_station = list(people[online : online + paper]) + list(people[: online : max(1, online // 20)])
    for person in at_station:
        area = area_of(spec, person.district)
        try:
            voting.cast_paper(spec.slug, STATIONS[person.district], person.number, person.born, area,
                              pick(rng, ballots[area], spec), staff, now)  # fmt: skip
            papers += 1
        except Exception as error:  # refused (paper after online, with ``refuse``): the demo goes on
            if type(error).__name__ != "BallotError":
                raise
    return online, changed, papers


BATCH = 400  # voters recorded per save in the bulk path


def verified_voters(services: Services, cycle: Cycle, people: Sequence[Resident], now: datetime,
                    offset: int = 0) -> list[tuple[str, str, str]]:  # fmt: skip
    """Accounts for ``people``, each verified: what ``sign_in`` and ``verify`` record (the account,
    both bindings), in one save per ``BATCH``. Returns (account id, person hash, area) of each.
    Also what the casting benchmarks start from (bench/cast_http.py, bench/cycle_scale.py)."""
    from domain.accounts import Account, account_id_for
    from domain.budgeting.ballot_box import age_band
    from domain.budgeting.bindings import AccountBinding, EntryBinding, entry_binding_id
    from domain.budgeting.census import age_on

    spec, slug, issuer, keys = cycle.spec, cycle.spec.slug, issuer_of(services), services.voting.census_keys
    closing = cycle.closing_day() or now.date()
    made = []
    for start in range(0, len(people), BATCH):
        main: list[Aggregate] = []
        for n, person in enumerate(people[start : start + BATCH], start + offset):
            subject, name = voter(slug, n)
            account = str(account_id_for(issuer, subject))
            person_hash = keys.person(person.number)
            area, band = area_of(spec, person.district), age_band(age_on(person.born, closing))
            main.append(Account(issuer, subject, name, actor=account))
            tag = services.voting.ballot_keys.band_tag(slug, account, band)
            main.append(AccountBinding(cycle=slug, account=account, person=person_hash, area=area, age_tag=tag,
                                       actor=account))  # fmt: skip
            main.append(
                EntryBinding(id=entry_binding_id(slug, person_hash), cycle=slug, account=account, actor=account)
            )
            made.append((account, person_hash, area))
        services.log.record(*main)
    return made


def bulk_ballots(services: Services, cycle: Cycle, people: Sequence[Resident], staff: str, online: int,
                 paper: int, now: datetime, offset: int = 0) -> tuple[int, int, int]:  # fmt: skip
    """The demo's thousands of ballots, recorded in batches: what ``verify`` and ``cast_online``
    leave behind for ``online`` residents (``verified_voters``, then their ballot, one in eight
    changed), then ``paper`` ballots at the stations with the stations' audit, each rule of the
    services applied (``check_choices``, the area of the district, the age band on the closing
    day). ``offset``: the number of the first voter (``voter``). One save per ``BATCH`` voters
    instead of four per voter: on a disk that flushes every commit, the demo takes seconds, not
    minutes. ``cast_ballots`` is the same through the services.
    """
    from domain.budgeting.ballot_box import ONLINE, PAPER, age_band, new_receipt
    from domain.budgeting.ballot_box import Ballot as BoxBallot
    from domain.budgeting.ballot_rules import check_choices
    from domain.budgeting.census import age_on
    from domain.budgeting.stations import PollingStation, station_audit_id

    spec, slug = cycle.spec, cycle.spec.slug
    keys, ballot_keys = services.voting.census_keys, services.voting.ballot_keys
    rng = random.Random(f"{slug}:bulk")
    entries = {area.code: cycle.ballot(area.code) for area in spec.areas}
    closing = cycle.closing_day() or now.date()
    changed = 0

    def choose(area: str) -> dict[str, int]:
        return check_choices(spec, area, entries[area], pick(rng, list(entries[area]), spec))

    voters = verified_voters(services, cycle, people[:online], now, offset)
    for start in range(0, len(voters), BATCH):
        box: list[Aggregate] = []
        for n, (_account, person_hash, area) in enumerate(voters[start : start + BATCH], start):
            born = people[n].born
            ballot = BoxBallot(id=ballot_keys.ballot_id(slug, person_hash), cycle=slug, area=area, choices=choose(area),
                               channel=ONLINE, station="", age_band=age_band(age_on(born, closing)),
                               receipt=new_receipt())  # fmt: skip
            if n % 8 == 3:
                ballot.change(area, choose(area), new_receipt())
                changed += 1
            box.append(ballot)
        services.ballot_box.record(*box)
    audits: dict[str, PollingStation] = {}
    papers = list(people[online : online + paper])
    for start in range(0, len(papers), BATCH):
        box = []
        for person in papers[start : start + BATCH]:
            station = STATIONS[person.district]
            audit = (audits.get(station) or services.log.find(station_audit_id(slug, station), PollingStation)
                     or PollingStation(id=station_audit_id(slug, station), cycle=slug, station=station, actor=staff))  # fmt: skip
            audits[station] = audit
            audit.ballot_entered(staff)
            area = area_of(spec, person.district)
            band = age_band(age_on(person.born, closing))
            box.append(BoxBallot(id=ballot_keys.ballot_id(slug, keys.person(person.number)), cycle=slug, area=area,
                              choices=choose(area), channel=PAPER, station=station, age_band=band,
                              receipt=new_receipt()))  # fmt: skip
        services.ballot_box.record(*box)
    services.log.record(*audits.values())
    return len(voters), changed, len(papers)


def verify_demo_people(services: Services, spec: CycleSpec, people: Sequence[Resident], now: datetime) -> int:
    """The demo's own residents (part 1's authors and endorsers) verify with the census's first
    entries of each area, so that signing in as one of them leads straight to the ballot."""
    subjects = ["demo-resident", "demo-translator", *(f"demo-resident-{n}" for n in range(1, 6))]
    by_area: dict[str, list[Resident]] = {}
    for person in people:
        by_area.setdefault(area_of(spec, person.district), []).append(person)
    areas = list(by_area)
    for n, subject in enumerate(subjects):
        person = by_area[areas[n % len(areas)]].pop()
        services.voting.verify(spec.slug, demo_account(services, subject), person.number, person.born, now)
    return len(subjects)


# The open cycle's first census entries stay unverified and unvoted, for trying verification by
# hand (README); the last 40 are the demo residents' pool.
TRY_ENTRIES = 3
OPEN_CENSUS = 1_200
THROUGH_SERVICES = (8, 4)  # (online, paper) ballots cast through verify/cast_online/cast_paper


def seed_ballots(services: Services, cycle: Cycle, people: Sequence[Resident], staff: str, online: int,
                 paper: int) -> str:  # fmt: skip
    """A few dozen ballots through the services (the web's own path, with changes and paper
    ballots replacing online ones), then the bulk in batches; returns what was cast, in words."""
    now = city_now()
    first, second = THROUGH_SERVICES
    served = cast_ballots(services, cycle, people[: first + second], staff, now, first, second)
    bulk = bulk_ballots(services, cycle, people[first + second :], staff, online - first, paper - second, now,
                        offset=first)  # fmt: skip
    services.catch_up()
    online_cast, changed, paper_cast = (a + b for a, b in zip(served, bulk, strict=True))
    return f"{online_cast} online ballots ({changed} changed), {paper_cast} paper ballots at two stations"


def seed_open_cycle(services: Services, spec: CycleSpec, people: Sequence[Resident], staff: str) -> Iterator[str]:
    """After the open cycle reached voting: the demo residents verified, and ballots cast."""
    cycle = services.log.find(cycle_id_for(spec.slug), Cycle)
    assert cycle is not None
    verified = verify_demo_people(services, spec, people[-40:], city_now())
    cast = seed_ballots(services, cycle, people[TRY_ENTRIES:-40], staff, 700, 250)
    yield f"budgeting {spec.slug}: census of {len(people)}, {verified} demo residents verified, {cast}"


def seed_closed_cycle(services: Services, staff: str) -> Iterator[str]:
    """The closed cycle: created, census, voting, ballots, counted, published."""
    from web.budgeting_results import record_results

    if services.log.find(cycle_id_for(PAST_SLUG), Cycle) is not None:
        yield f"budgeting {PAST_SLUG}: already recorded"
        return
    budgeting = services.budgeting
    budgeting.create_cycle(PAST_SPEC, staff)
    people = demo_census(PAST_SPEC, 2_400)
    import_census(services, PAST_SPEC, people, staff)
    budgeting.advance(PAST_SLUG, "voting", staff, city_now())
    cycle = services.log.find(cycle_id_for(PAST_SLUG), Cycle)
    assert cycle is not None
    cast = seed_ballots(services, cycle, people, staff, 1_100, 400)
    budgeting.advance(PAST_SLUG, "counting", staff, city_now())
    record_results(services, PAST_SLUG, staff)  # what ``civic cycle advance`` and the web do at counting
    budgeting.advance(PAST_SLUG, "results", staff, city_now())
    record_results(services, PAST_SLUG, staff)  # ... and at results: published
    services.catch_up()
    yield f"budgeting {PAST_SLUG}: census of {len(people)}, {cast}, counted and published"
