"""The review demo: 115年度 municipal innovation proposals, about 79 entries, scored and awarded.

Titles: the real project titles of tests/data/review-demo/award_rows.csv (awards of other
programs and cities: no Kaohsiung list was ever found; see that folder's README), then demo
entries marked 示範. The panel has 7 members (demo-reviewer chairs it, two external experts and
five agency representatives), two declared conflicts besides the automatic own-agency
recusals; the scores are made up (a seeded random generator), the round is closed, the chair
confirms the awards and they are published. Safe to run again: nothing is recorded once the
call exists. 特優 is capped at 3 and 優等 at 5 (prizes as 臺北市停車管理工程處's 2021 table in
review-data/tier_rules.csv), so the cascade shows.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from uuid import UUID

from civic.demo import demo_account, issuer_of
from civic.services import Services
from domain.accounts import REVIEWER, account_id_for
from domain.eventlog import SYSTEM_ACTOR
from domain.review.call_settings import default_tiers
from domain.review.calls import Call, call_id_for

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "review-demo" / "award_rows.csv"
SLUG = "innovation-2026"
ENTRIES = 79
IN_WINDOW = datetime(2026, 3, 16, 10, 0)
AGENCIES = ("交通局", "衛生局", "社會局", "教育局", "民政局", "經濟發展局", "消防局", "勞工局", "環境保護局",
            "工務局", "都市發展局", "財政局", "觀光局", "文化局", "鳳山區公所", "旗津區公所", "三民區公所")  # fmt: skip
TOPICS = ("公文線上簽核", "路燈報修", "長者共餐", "校園用水", "里民服務", "攤商輔導", "防災演練", "職訓媒合",
          "資源回收", "道路挖掘", "公有市場", "停車導引", "觀光導覽", "藝文票務", "戶政預約", "河川巡守")  # fmt: skip
# (subject, name, kind, agency, chair)
PANEL = (
    ("demo-reviewer", "黃建宏", "external", "", True),
    ("demo-panel-2", "李教授", "external", "", False),
    ("demo-panel-3", "都發局代表", "internal", "都市發展局", False),
    ("demo-panel-4", "財政局代表", "internal", "財政局", False),
    ("demo-panel-5", "主計處代表", "internal", "主計處", False),
    ("demo-panel-6", "人事處代表", "internal", "人事處", False),
    ("demo-panel-7", "研考會代表", "internal", "研究發展考核委員會", False),
)
SHORTLIST = 30


def _tiers() -> list[dict[str, object]]:
    """The default bands with caps (名額: 特優 3, 優等 5) and prizes, so that the cascade shows."""
    caps, prizes = {"特優": 3, "優等": 5}, {"特優": 50_000, "優等": 30_000, "甲等": 10_000}
    return [
        {**tier, "cap": caps.get(tier["name_zh"]), "prize": prizes.get(tier["name_zh"])} for tier in default_tiers()
    ]


def _titles() -> list[tuple[str, str]]:
    with DATA.open(encoding="utf-8") as file:
        real = [(row["title_zh"], row["agency"]) for row in csv.DictReader(file) if row["title_zh"]]
    titles = list(dict.fromkeys(real))
    number = 0
    while len(titles) < ENTRIES:
        number += 1
        titles.append((f"示範提案{number}：{TOPICS[number % len(TOPICS)]}流程改造", AGENCIES[number % len(AGENCIES)]))
    return titles[:ENTRIES]


def seed_demo(services: Services) -> Iterator[str]:
    review = services.review
    if services.log.find(call_id_for(SLUG), Call) is not None:
        yield "review: the demo call exists"
        return
    staff, issuer = demo_account(services, "demo-staff"), issuer_of(services)
    review.open_call(SLUG, "innovation", "高雄市政府115年度市政創新提案（示範）",
                     "Kaohsiung City 2026 Municipal Innovation Proposals (demo)",
                     date(2026, 3, 1), date(2026, 4, 30), SYSTEM_ACTOR, method="trimmed-mean", tiers=_tiers())  # fmt: skip
    members = []
    for subject, name, kind, agency, chair in PANEL:
        if subject != "demo-reviewer":  # the accounts' demo gave it its name already
            services.accounts.sign_in(issuer, subject, name)
        services.accounts.grant_from_command_line(issuer, subject, REVIEWER)
        account = account_id_for(issuer, subject)
        review.appoint_member(SLUG, account, name, kind, agency, SYSTEM_ACTOR, chair=chair)
        members.append((str(account), agency))
    # The two outside experts screen: demo-staff submits most entries, and nobody screens their own.
    review.appoint_screener(SLUG, UUID(members[1][0]), SYSTEM_ACTOR)
    review.appoint_screener(SLUG, UUID(members[0][0]), SYSTEM_ACTOR)
    resident = demo_account(services, "demo-resident")
    entries = []
    for number, (title, agency) in enumerate(_titles()):
        submitter = resident if number == 0 else staff  # the resident account stands for one agency's staff
        entries.append(review.submit(SLUG, title, agency, "承辦人、科長", f"{title}：現況問題、作法與推動期程。",
                                     "縮短民眾等候時間、減少紙本作業。", submitter, now=IN_WINDOW).result)  # fmt: skip
    yield f"review: call {SLUG} with {len(entries)} entries"
    review.start_screening(SLUG, SYSTEM_ACTOR)
    for number, entry in enumerate(entries):
        passes = number < SHORTLIST
        review.screen(
            entry, "pass" if passes else "fail", "" if passes else "創新性不足，與既有業務重複", members[1][0]
        )
        review.screen(entry, "revise" if number % 4 == 0 else "pass", "請補充經費估算" if number % 4 == 0 else "",
                      members[0][0])  # fmt: skip
    shortlist = [e for e in entries if services.review.entry(e).passed_screening()]
    review.confirm_shortlist(SLUG, shortlist, members[0][0])
    review.declare_conflict(SLUG, shortlist[1], "曾擔任本案顧問", members[1][0])
    review.declare_conflict(SLUG, shortlist[2], "與提案團隊成員為親屬", members[6][0])
    review.open_round(SLUG, SYSTEM_ACTOR)
    draw = random.Random(20260316)
    panel, weights = review.panel(SLUG), {c["code"]: c["weight"] for c in review.call(SLUG).rubric}
    for entry in shortlist:
        quality = draw.uniform(0.62, 0.97)
        agency = review.entry(entry).agency
        for member_id, _agency in members:
            if panel.recusal(member_id, str(entry), agency):
                continue
            scores = {
                code: max(0, min(w, round(w * (quality + draw.uniform(-0.06, 0.06))))) for code, w in weights.items()
            }
            review.score(SLUG, entry, scores, "提案具體，建議補充量化指標。", member_id)
    review.close_round(SLUG, SYSTEM_ACTOR)
    review.confirm_awards(SLUG, 7, 6, 0, members[0][0])
    review.publish(SLUG, SYSTEM_ACTOR)
    yield f"review: {len(shortlist)} shortlisted, a panel of {len(members)}, awards published"
