"""Fixtures for the glossary tests: an in-memory log with people in their roles, and the shared
place-name data imported once into a real SQLite event store and read model for the session."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlite_utils import Database

from civic.settings import Settings
from domain.accounts import STAFF, TRANSLATOR, Accounts
from domain.eventlog import SYSTEM_ACTOR, EventLog
from domain.glossary.service import Glossary
from projections.glossary import GlossaryView
from projections.runner import Projector, open_read_db
from tests.unit.glossary.glossary_data import SHARED_FILES, shared_text

ISSUER = "https://id.example.tw"


@dataclass(frozen=True)
class People:
    translator: str
    staff: str
    resident: str


@pytest.fixture
def log() -> Iterator[EventLog]:
    log = EventLog(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    yield log
    log.close()


@pytest.fixture
def people(log: EventLog) -> People:
    accounts = Accounts(log)
    return People(
        translator=str(accounts.grant_from_command_line(ISSUER, "tina", TRANSLATOR).result),
        staff=str(accounts.grant_from_command_line(ISSUER, "stan", STAFF).result),
        resident=str(accounts.sign_in(ISSUER, "rita", "Rita").result),
    )


@pytest.fixture
def glossary(log: EventLog) -> Glossary:
    return Glossary(log, Accounts(log))


@dataclass
class SharedGlossary:
    """The three shared files imported (Tongyong approved where the file has it), projected."""

    log: EventLog
    glossary: Glossary
    db: Database
    projector: Projector


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedGlossary]:
    data = Settings(data_dir=tmp_path_factory.mktemp("shared-glossary"))
    log = EventLog(env=data.event_store_env())
    glossary = Glossary(log, Accounts(log))
    for name in SHARED_FILES:
        glossary.import_file(shared_text(name), SYSTEM_ACTOR, approved_column="en_alt", source=name)
    db = open_read_db(data.data_dir / "read.db")
    projector = Projector(log, db, [GlossaryView()])
    projector.catch_up()
    yield SharedGlossary(log, glossary, db, projector)
    db.close()
    log.close()
