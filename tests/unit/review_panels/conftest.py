"""Fixtures for the review panel tests: an in-memory log, people in their roles, an open call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

import pytest

from domain.accounts import REVIEWER, STAFF, Accounts
from domain.eventlog import EventLog
from domain.review.service import Review

ISSUER = "https://id.example.tw"
IN_WINDOW = datetime(2027, 3, 10, 9, 0)
AFTER_WINDOW = datetime(2027, 4, 1, 0, 0)
FULL = {"innovation": 27, "feasibility": 18, "impact": 27, "transferability": 9, "presentation": 9}  # 90


@dataclass(frozen=True)
class People:
    staff: str
    chair: str  # external expert, 召集人
    finance: str  # internal, 財政局
    urban: str  # internal, 都市發展局
    outside: str  # external expert
    entrant: str  # staff of 交通局, who submits
    other_entrant: str  # staff of 財政局


@pytest.fixture
def log() -> Iterator[EventLog]:
    log = EventLog(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield log
    log.close()


@pytest.fixture
def people(log: EventLog) -> People:
    accounts = Accounts(log)
    grant = accounts.grant_from_command_line
    return People(
        staff=str(grant(ISSUER, "stan", STAFF).result),
        chair=str(grant(ISSUER, "chen", REVIEWER).result),
        finance=str(grant(ISSUER, "fang", REVIEWER).result),
        urban=str(grant(ISSUER, "uri", REVIEWER).result),
        outside=str(grant(ISSUER, "olga", REVIEWER).result),
        entrant=str(accounts.sign_in(ISSUER, "tina", "Tina").result),
        other_entrant=str(accounts.sign_in(ISSUER, "fred", "Fred").result),
    )


@pytest.fixture
def review(log: EventLog, people: People) -> Review:
    service = Review(log, Accounts(log))
    service.open_call("innovation-2027", "innovation", "116年度市政創新提案", "2027 Municipal Innovation Proposals",
                      date(2027, 3, 1), date(2027, 3, 31), people.staff)  # fmt: skip
    appoint = service.appoint_member
    appoint("innovation-2027", UUID(people.chair), "陳教授", "external", "", people.staff, chair=True)
    appoint("innovation-2027", UUID(people.finance), "方科長", "internal", "財政局", people.staff)
    appoint("innovation-2027", UUID(people.urban), "吳專委", "internal", "都市發展局", people.staff)
    appoint("innovation-2027", UUID(people.outside), "Olga", "external", "", people.staff)
    service.appoint_screener("innovation-2027", UUID(people.staff), people.staff)
    service.appoint_screener("innovation-2027", UUID(people.chair), people.staff)
    return service


def shortlisted(review: Review, people: People, *entries: tuple[str, str, str]) -> list[UUID]:
    """Submits (title, agency, submitter) entries, screens both passes, confirms the shortlist, opens round 1."""
    ids = []
    for title, agency, submitter in entries:
        ids.append(review.submit("innovation-2027", title, agency, "王小明", "摘要", "效益", submitter,
                                 now=IN_WINDOW).result)  # fmt: skip
    review.start_screening("innovation-2027", people.staff)
    for entry_id in ids:
        review.screen(entry_id, "pass", "", people.staff)
        review.screen(entry_id, "revise", "補充經費", people.chair)
    review.confirm_shortlist("innovation-2027", ids, people.chair)
    review.open_round("innovation-2027", people.staff)
    return ids
