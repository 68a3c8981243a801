"""A read model kept up to date command by command equals one rebuilt from the whole log."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from civic.services import all_views
from civic.settings import Settings
from domain.accounts import (
    ROLES,
    AccountNotFoundError,
    Accounts,
    LastAdminError,
    PermissionDeniedError,
    UnknownRoleError,
    account_id_for,
)
from domain.budgeting.census import CensusFileError, CensusKeys
from domain.budgeting.census_book import CensusBook
from domain.budgeting.service import Budgeting
from domain.budgeting.spec import parse
from domain.eventlog import SYSTEM_ACTOR, EventLog
from projections import accounts as read
from projections.runner import MAIN_LOG, Projector, View, open_read_db, rebuild, source_of, table_rows
from tests.census_files import census_file

ISSUER = "https://id.example.tw"
SUBJECTS = ("ami", "bunun", "tao")
REFUSALS = (PermissionDeniedError, AccountNotFoundError, LastAdminError, UnknownRoleError)


def account_of(subject: str) -> UUID:
    return account_id_for(ISSUER, subject)


@dataclass(frozen=True)
class SignIn:
    subject: str
    name: str

    def run(self, accounts: Accounts, db: Database) -> None:
        accounts.sign_in(ISSUER, self.subject, self.name)


@dataclass(frozen=True)
class Grant:
    subject: str
    role: str
    by: str  # SYSTEM_ACTOR, "command line", or the subject of the account acting

    def run(self, accounts: Accounts, db: Database) -> None:
        if self.by == "command line":
            accounts.grant_from_command_line(ISSUER, self.subject, self.role)
        else:
            accounts.grant(account_of(self.subject), self.role, actor=actor(self.by))


@dataclass(frozen=True)
class Revoke:
    subject: str
    role: str
    by: str  # SYSTEM_ACTOR or the subject of the account acting

    def run(self, accounts: Accounts, db: Database) -> None:
        accounts.revoke(account_of(self.subject), self.role, actor=actor(self.by), admin_count=read.admin_count(db))


def main_log_views() -> list[View]:
    """The views of the main log; the ballot box's views have their own property
    (tests/unit/budgeting/test_ballots_projection.py)."""
    return [view for view in all_views() if source_of(view) == MAIN_LOG]


def actor(by: str) -> str:
    return SYSTEM_ACTOR if by == SYSTEM_ACTOR else str(account_of(by))


subjects = st.sampled_from(SUBJECTS)
roles = st.sampled_from((*ROLES, "mayor"))  # "mayor" is no role: refused
actors = st.one_of(st.just(SYSTEM_ACTOR), subjects)  # half the time the system acts
commands = st.one_of(
    st.builds(SignIn, subjects, st.text(max_size=8)),
    st.builds(Grant, subjects, roles, st.one_of(actors, st.just("command line"))),
    st.builds(Revoke, subjects, roles, actors),
)
pages = st.integers(min_value=1, max_value=4)


@settings(max_examples=40, deadline=None)
@given(steps=st.lists(st.tuples(commands, pages), min_size=5, max_size=30))
def test_incremental_read_model_equals_a_rebuild_from_position_zero(
    steps: list[tuple[SignIn | Grant | Revoke, int]],
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Settings(data_dir=Path(tmp))
        log = EventLog(env=data.event_store_env())
        db = open_read_db(data.data_dir / "read.db")
        projector = Projector(log, db, main_log_views())
        accounts = Accounts(log)
        try:
            for command, page in steps:
                before = log.position()
                try:
                    command.run(accounts, db)
                except REFUSALS as refusal:
                    event(f"{type(command).__name__} refused: {type(refusal).__name__}")
                    assert log.position() == before, f"{command} was refused but left events"
                else:
                    changed = "recorded" if log.position() > before else "changed nothing"
                    event(f"{type(command).__name__} {changed}")
                projector.catch_up(page=page)

            rebuilt_path = Path(tmp) / "rebuilt.db"
            rebuild(log, rebuilt_path, main_log_views())
            rebuilt = open_read_db(rebuilt_path)
            try:
                tables = db.table_names()
                assert rebuilt.table_names() == tables
                assert table_rows(db, tables) == table_rows(rebuilt, tables)
            finally:
                rebuilt.close()
        finally:
            db.close()
            log.close()


# --- the census: imports, replacements and refusals, in any order, on two cycles ----------------

CENSUS_KEYS = CensusKeys(b"property-census-key-0123456789")
CENSUS_SLUGS = ("hamasen-2027", "other-2027")


@dataclass(frozen=True)
class ImportCensus:
    slug: str
    rows: int  # 0: a file of no one (refused)
    start: int  # which residents: files with the same rows and start are the same file
    bad: bool  # a line with a district of no area: the whole file refused
    by_staff: bool

    def run(self, book: CensusBook, staff: str, resident: str) -> None:
        data = census_file(self.rows, ("鼓山區", "鹽埕區"), self.start)
        if self.bad:
            data += b"A123456789,1990-01-01,Gushan\n"
        book.import_census(self.slug, data, staff if self.by_staff else resident, today=date(2027, 3, 10))


census_imports = st.builds(
    ImportCensus, st.sampled_from(CENSUS_SLUGS), st.sampled_from((0, 3, 7)), st.sampled_from((0, 100)),
    st.sampled_from((False, False, False, True)), st.sampled_from((True, True, True, False)),
)  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(steps=st.lists(st.tuples(census_imports, pages), min_size=1, max_size=8))
def test_census_read_model_kept_up_to_date_equals_a_rebuild(steps: list[tuple[ImportCensus, int]]) -> None:
    from tests.unit.budgeting.conftest import SPEC

    with tempfile.TemporaryDirectory() as tmp:
        data = Settings(data_dir=Path(tmp))
        log = EventLog(env=data.event_store_env())
        db = open_read_db(data.data_dir / "read.db")
        projector = Projector(log, db, all_views())
        accounts = Accounts(log)
        staff = str(accounts.grant_from_command_line(ISSUER, "stan", "staff").result)
        resident = str(accounts.sign_in(ISSUER, "ami", "Ami").result)
        budgeting = Budgeting(log, accounts)
        for slug in CENSUS_SLUGS:
            budgeting.create_cycle(parse(SPEC.replace("hamasen-2027", slug)), staff)
        book = CensusBook(log, accounts, CENSUS_KEYS)
        try:
            for command, page in steps:
                before = log.position()
                try:
                    command.run(book, staff, resident)
                except (PermissionDeniedError, CensusFileError) as refusal:
                    event(f"census refused: {type(refusal).__name__}")
                    assert log.position() == before, f"{command} was refused but left events"
                else:
                    event("census " + ("recorded" if log.position() > before else "changed nothing"))
                projector.catch_up(page=page)

            rebuilt_path = Path(tmp) / "rebuilt.db"
            rebuild(log, rebuilt_path, all_views())
            rebuilt = open_read_db(rebuilt_path)
            try:
                tables = db.table_names()
                assert table_rows(db, tables) == table_rows(rebuilt, tables)
            finally:
                rebuilt.close()
        finally:
            db.close()
            log.close()
