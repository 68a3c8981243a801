"""The data the harness runs on, recorded through the application services before the server starts.

The city's own place names (tests/data/glossary: districts, metro stations, roads: the search has
a realistic vocabulary), one account per role holding that role alone, an account whose roles the
admin may change, a proposed term, a meeting and a term on its agenda. ``samples`` fills the path
parameters and ``{placeholders}`` of tests/harness/access.py; ``ids`` are real ids of every kind,
for the fuzzer to send where another kind is expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from civic.local_provider import DEMO_USERS
from civic.services import Services
from domain.accounts import ADMIN, RESIDENT, REVIEWER, STAFF, TRANSLATOR, account_id_for
from domain.eventlog import SYSTEM_ACTOR, Recorded
from domain.glossary.names import term_id_for

DATA = Path(__file__).resolve().parents[1] / "data" / "glossary"
PLACE_FILES = ("kaohsiung_districts.csv", "kaohsiung_metro_stations.csv", "kaohsiung_roads.csv")
SUBJECTS = {
    RESIDENT: "demo-resident",
    REVIEWER: "demo-reviewer",
    TRANSLATOR: "demo-translator",
    STAFF: "demo-staff",
    ADMIN: "demo-admin",
}
TARGET_SUBJECT = "harness-target"  # the account the admin's role changes are aimed at


@dataclass(frozen=True)
class Seeded:
    samples: dict[str, str]
    ids: dict[str, str] = field(default_factory=dict)


def _value(outcome: object) -> object:
    """A command's result, whether it returns it bare or inside a ``Recorded``."""
    return outcome.result if isinstance(outcome, Recorded) else outcome


def seed(services: Services, issuer: str) -> Seeded:
    for name in PLACE_FILES:
        _value(services.glossary.import_file((DATA / name).read_text(encoding="utf-8"), SYSTEM_ACTOR, source=name))
    names = {user["sub"]: user["name"] for user in DEMO_USERS}
    for role, subject in SUBJECTS.items():
        services.accounts.sign_in(issuer, subject, names[subject])
        if role != RESIDENT:
            services.accounts.grant_from_command_line(issuer, subject, role)
    services.accounts.sign_in(issuer, TARGET_SUBJECT, "Harness target")
    glossary = services.glossary
    proposed = _value(
        glossary.propose("澄清湖", "Chengcing Lake", SYSTEM_ACTOR, category="landmark", district="鳥松區")
    )
    on_agenda = _value(glossary.propose("西子灣", "Sizihwan", SYSTEM_ACTOR, category="landmark", district="鼓山區"))
    meeting = _value(
        glossary.convene("2026-12-01", ["林委員", "陳委員"], SYSTEM_ACTOR, title="英語友善環境審查會議 第12次")
    )
    assert isinstance(proposed, UUID) and isinstance(on_agenda, UUID) and isinstance(meeting, UUID)
    glossary.put_on_agenda(meeting, on_agenda, SYSTEM_ACTOR)
    budget = _seed_budgeting(services, issuer)
    services.catch_up()
    approved = term_id_for("鳳山區", "district", "")
    assert glossary.term(approved).en, "the districts file no longer holds 鳳山區"
    target = account_id_for(issuer, TARGET_SUBJECT)
    samples = {
        "term_id": str(approved),
        "meeting_id": str(meeting),
        "account_id": str(target),
        "proposed_term_id": str(proposed),
        "agenda_term_id": str(on_agenda),
        **budget,
        "format": "csv",
        "path": "civic.css",
        "job": "no-such-import",  # a census import's progress page: one no node runs
    }
    ids = {
        **{f"{role} account": str(account_id_for(issuer, subject)) for role, subject in SUBJECTS.items()},
        "target account": str(target),
        "approved term": str(approved),
        "proposed term": str(proposed),
        "agenda term": str(on_agenda),
        "meeting": str(meeting),
        "proposal": budget["proposal_id"],
    }
    return Seeded(samples=samples, ids=ids)


def _seed_budgeting(services: Services, issuer: str) -> dict[str, str]:
    """A cycle in intake with the resident's proposal, sent to review and assigned to an agency
    whose reviewer is the harness reviewer, and a second proposal to merge into."""
    from domain.budgeting.spec import parse

    resident = str(account_id_for(issuer, SUBJECTS[RESIDENT]))
    reviewer = account_id_for(issuer, SUBJECTS[REVIEWER])
    budgeting = services.budgeting
    spec = parse(
        'slug = "hamasen-2027"\nname_zh = "哈瑪星參與式預算"\nname_en = "Hamasen budgeting"\nrule = "mes"\n'
        '[[areas]]\ncode = "hamasen"\nname_zh = "哈瑪星"\nname_en = "Hamasen"\ndistricts = ["鼓山區"]\n'
        "budget = 3000000\n"
    )
    budgeting.create_cycle(spec, SYSTEM_ACTOR)
    budgeting.register_agency("public-works", "高雄市政府工務局", "Public Works Bureau", SYSTEM_ACTOR)
    budgeting.add_reviewer("public-works", reviewer, SYSTEM_ACTOR)
    proposal = _value(budgeting.submit("hamasen-2027", "hamasen", "哈瑪星老街照明", "加裝夜間照明。", "哈瑪星",
                                       "public_works", 800000, "zh", resident))  # fmt: skip
    other = _value(budgeting.submit("hamasen-2027", "hamasen", "Old street lights", "Night lighting.", "",
                                    "public_works", 500000, "en", SYSTEM_ACTOR))  # fmt: skip
    assert isinstance(proposal, UUID) and isinstance(other, UUID)
    budgeting.send_to_review(proposal, SYSTEM_ACTOR)
    budgeting.assign(proposal, "public-works", SYSTEM_ACTOR)
    return {
        "slug": "hamasen-2027",
        "area": "hamasen",
        "proposal_id": str(proposal),
        "other_proposal_id": str(other),
        "agency": "public-works",
        "reviewer_account_id": str(reviewer),
    }
