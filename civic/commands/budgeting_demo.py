"""The budgeting demo: a Kaohsiung cycle with two areas, Hamasen (鼓山區) and Pier-2 (鹽埕區).

Proposal titles come from real rows of tests/data/budgeting/taiwan_pb_proposals.csv (no Hamasen
or Pier-2 titles were ever published, so rows from other Taiwanese cycles stand in, each checked
against the file); the English versions are the demo's own translations. The cycle gets
endorsements, agency reviews, a ballot and a census, and is left in the voting phase with its
first ballots cast, so that people can try voting; a second, closed cycle shows published results
(civic/commands/budgeting_demo_votes.py). Safe to run again: nothing is recorded once a cycle exists.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from uuid import UUID

from civic.commands.budgeting_demo_votes import (
    OPEN_CENSUS,
    demo_census,
    import_census,
    seed_closed_cycle,
    seed_open_cycle,
)
from civic.demo import demo_account, issuer_of
from civic.services import Services
from domain.budgeting.cycles import Cycle, cycle_id_for
from domain.budgeting.service import city_now
from domain.budgeting.spec import Area, Ballot, CycleSpec, Endorsement
from domain.eventlog import SYSTEM_ACTOR

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "budgeting" / "taiwan_pb_proposals.csv"
SLUG = "kaohsiung-2027"
SPEC = CycleSpec(
    slug=SLUG,
    name_zh="高雄市參與式預算 2027（哈瑪星・駁二）",
    name_en="Kaohsiung Participatory Budgeting 2027 (Hamasen and Pier-2)",
    rule="mes-completed",
    min_age=16,
    ballot=Ballot(kind="approval", min_choices=1, max_choices=3),
    areas=(
        Area("hamasen", "哈瑪星", "Hamasen", ("鼓山區",), 3_000_000),
        Area("pier2", "駁二", "Pier-2", ("鹽埕區",), 2_000_000),
    ),
    endorsement=Endorsement(threshold=3, days=30, own=False),
)
AGENCIES = (("public-works", "高雄市政府工務局", "Public Works Bureau"),
            ("culture", "高雄市政府文化局", "Bureau of Cultural Affairs"),
            ("social", "高雄市政府社會局", "Social Affairs Bureau"))  # fmt: skip
# (area, language, title as in the file, English, category, place, cost, agency, review)
# review: ("feasible", cost, days) / ("not_feasible", reason) / None (not reviewed)
PROPOSALS = (
    (
        "hamasen",
        "zh",
        "蝸牛屋關懷據點",
        "Snail House community care point",
        "welfare",
        "哈瑪星代天宮旁",
        800_000,
        "social",
        ("feasible", 750_000, 180),
    ),
    (
        "hamasen",
        "en",
        "活跳跳銀髮健身俱樂部",
        "Lively seniors' fitness club",
        "welfare",
        "Hamasen railway park",
        600_000,
        "social",
        ("feasible", 620_000, 120),
    ),
    (
        "hamasen",
        "zh",
        "時光留聲機－草地音樂會",
        "Time gramophone: concerts on the lawn",
        "culture",
        "哈瑪星鐵道園區",
        300_000,
        "culture",
        ("feasible", 280_000, 90),
    ),
    (
        "hamasen",
        "en",
        "掃碼聽港聲",
        "Scan to hear the harbour",
        "culture",
        "Gushan Ferry Pier",
        450_000,
        "culture",
        ("not_feasible", "The pier's signage is being replaced by the port company in 2027."),
    ),
    (
        "pier2",
        "zh",
        "大船入港",
        "Big ships come into harbour",
        "culture",
        "駁二大義倉庫",
        900_000,
        "culture",
        ("feasible", 850_000, 150),
    ),
    (
        "pier2",
        "en",
        "友善魚菜園地",
        "A friendly fish-and-vegetable garden",
        "environment",
        "Yancheng riverside",
        500_000,
        "public-works",
        ("feasible", 540_000, 200),
    ),
    ("pier2", "zh", "觀光工廠小旅行", "Short trips to visitor factories", "culture", "鹽埕區", 200_000, None, None),
)
RESIDENTS = tuple(f"demo-resident-{n}" for n in range(1, 6))


def real_titles() -> set[str]:
    with DATA.open(encoding="utf-8", newline="") as source:
        return {row["title_zh"] for row in csv.DictReader(source)}


def seed_demo(services: Services) -> Iterator[str]:
    yield from seed_open(services)
    yield from seed_closed_cycle(services, demo_account(services, "demo-staff"))


def seed_open(services: Services) -> Iterator[str]:
    budgeting = services.budgeting
    if services.log.find(cycle_id_for(SLUG), Cycle) is not None:
        yield f"budgeting {SLUG}: already recorded"
        return
    titles = real_titles()
    staff, reviewer = demo_account(services, "demo-staff"), demo_account(services, "demo-reviewer")
    issuer = issuer_of(services)
    people = [demo_account(services, "demo-resident")]
    for subject in RESIDENTS:
        people.append(str(services.accounts.sign_in(issuer, subject, subject).result))
    for code, name_zh, name_en in AGENCIES:
        budgeting.register_agency(code, name_zh, name_en, SYSTEM_ACTOR)
        budgeting.add_reviewer(code, UUID(reviewer), SYSTEM_ACTOR)
    budgeting.create_cycle(SPEC, staff)
    start = city_now()
    proposals = []
    for number, (area, language, title_zh, title_en, category, place, cost, agency, review) in enumerate(PROPOSALS):
        assert title_zh in titles, f"{title_zh} is not a row of {DATA.name}"
        author = people[number % len(people)]
        title = title_zh if language == "zh" else title_en
        description = (f"{title_zh}：取自臺灣參與式預算的真實提案，於{place}辦理。" if language == "zh"
                       else f"{title_en}: a real Taiwanese participatory-budgeting proposal, here at {place}.")  # fmt: skip
        pid = budgeting.submit(SLUG, area, title, description, place, category, cost, language, author, start).result
        proposals.append((pid, agency, review, author))
    budgeting.advance(SLUG, "endorsement", staff, start)
    for pid, agency, _review, author in proposals:
        endorsers = [person for person in people if person != author][: 4 if agency else 2]
        for person in endorsers:
            budgeting.endorse(pid, person, start)
    budgeting.advance(SLUG, "review", staff, start)
    on_ballot = 0
    for pid, agency, review, _ in proposals:
        if agency is None or review is None:
            continue
        budgeting.assign(pid, agency, staff, now=start)
        if review[0] == "feasible":
            budgeting.answer(pid, True, reviewer, cost=review[1], duration_days=review[2], now=start)
            budgeting.add_note(pid, "現場勘查完成，預算估算含五年維護。", reviewer)
            budgeting.put_on_ballot(pid, staff, now=start)
            on_ballot += 1
        else:
            budgeting.answer(pid, False, reviewer, reason=review[1], now=start)
    census = demo_census(SPEC, OPEN_CENSUS)
    import_census(services, SPEC, census, staff)  # before voting opens: then the census is locked
    budgeting.advance(SLUG, "voting", staff, start)
    yield f"budgeting {SLUG}: {len(proposals)} proposals, {on_ballot} on the ballot, in the voting phase"
    yield from seed_open_cycle(services, SPEC, census, staff)
