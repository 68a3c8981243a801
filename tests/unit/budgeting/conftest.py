"""Fixtures for the budgeting tests: an in-memory log, people in their roles, and a cycle spec."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest

from domain.accounts import REVIEWER, STAFF, Accounts
from domain.budgeting.service import Budgeting
from domain.budgeting.spec import CycleSpec, parse
from domain.eventlog import SYSTEM_ACTOR, EventLog

ISSUER = "https://id.example.tw"
SPEC = """\
slug = "hamasen-2027"
name_zh = "哈瑪星參與式預算 2027"
name_en = "Hamasen Participatory Budgeting 2027"
rule = "mes-completed"
min_age = 16

[ballot]
kind = "approval"
min_choices = 1
max_choices = 3

[endorsement]
threshold = 2
days = 30

[schedule]
intake = 2027-01-01
endorsement = 2027-02-01T00:00:00
review = 2027-03-01
voting = 2027-04-01

[[areas]]
code = "hamasen"
name_zh = "哈瑪星"
name_en = "Hamasen"
districts = ["鼓山區"]
budget = 3000000

[[areas]]
code = "pier2"
name_zh = "駁二"
name_en = "Pier-2"
districts = ["鹽埕區"]
budget = 2000000
"""
IN_INTAKE = datetime(2027, 1, 15, 10, 0)
IN_ENDORSEMENT = datetime(2027, 2, 10, 10, 0)
IN_REVIEW = datetime(2027, 3, 10, 10, 0)
IN_VOTING = datetime(2027, 4, 10, 10, 0)


@dataclass(frozen=True)
class People:
    staff: str
    other_staff: str
    reviewer: str
    outsider_reviewer: str
    alice: str
    bob: str
    carol: str


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
        other_staff=str(grant(ISSUER, "sue", STAFF).result),
        reviewer=str(grant(ISSUER, "rex", REVIEWER).result),
        outsider_reviewer=str(grant(ISSUER, "rae", REVIEWER).result),
        alice=str(accounts.sign_in(ISSUER, "alice", "Alice").result),
        bob=str(accounts.sign_in(ISSUER, "bob", "Bob").result),
        carol=str(accounts.sign_in(ISSUER, "carol", "Carol").result),
    )


@pytest.fixture
def spec() -> CycleSpec:
    return parse(SPEC)


@pytest.fixture
def budgeting(log: EventLog, people: People, spec: CycleSpec) -> Budgeting:
    from uuid import UUID

    service = Budgeting(log, Accounts(log))
    service.create_cycle(spec, people.staff)
    service.register_agency("public-works", "工務局", "Public Works Bureau", SYSTEM_ACTOR)
    service.register_agency("culture", "文化局", "Bureau of Cultural Affairs", SYSTEM_ACTOR)
    service.add_reviewer("public-works", UUID(people.reviewer), SYSTEM_ACTOR)
    service.add_reviewer("culture", UUID(people.outsider_reviewer), SYSTEM_ACTOR)
    return service
