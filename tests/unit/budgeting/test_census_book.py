"""Importing a cycle's census: staff only, the whole file or nothing, the same file once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from civic.settings import Settings
from domain.accounts import PermissionDeniedError
from domain.budgeting.census import DUPLICATE, UNKNOWN_DISTRICT, CensusFileError, CensusKeys
from domain.budgeting.census_book import CHUNK_ENTRIES, READING, RECORDING, Census, CensusBook, census_id_for
from domain.budgeting.errors import CycleLockedError, CycleNotFoundError
from domain.budgeting.service import Budgeting
from domain.eventlog import EventLog
from projections.census import CensusView
from projections.census_queries import census_entry, census_summary, eligible_by_district
from projections.runner import Projector, open_read_db, rebuild, table_rows
from tests.census_files import HEADER, census_file, id_number
from tests.unit.budgeting.conftest import People

KEYS = CensusKeys(b"census-book-test-key-0123456789")
SLUG = "hamasen-2027"
DISTRICTS = ("鼓山區", "鹽埕區")  # the cycle's areas' districts (conftest's SPEC)
BEFORE_VOTING = date(2027, 3, 10)


@pytest.fixture
def book(log: EventLog, budgeting: Budgeting) -> CensusBook:
    return CensusBook(log, budgeting.accounts, KEYS)


def test_staff_import_a_census_and_every_entry_is_two_hashes_and_a_district(
    book: CensusBook, log: EventLog, people: People
) -> None:
    seen: list[tuple[str, int, int]] = []
    recorded = book.import_census(SLUG, census_file(50, DISTRICTS), people.staff,
                                  progress=lambda *step: seen.append(step), today=BEFORE_VOTING)  # fmt: skip

    report = recorded.result
    assert recorded.position > 0
    assert (report.count, report.districts, report.number) == (50, {"鼓山區": 25, "鹽埕區": 25}, 1)
    census = log.find(census_id_for(SLUG), Census)
    assert census is not None and census.digest == report.digest
    assert seen[0][0] == READING and seen[-1] == (RECORDING, 50, 50)


def test_the_same_file_again_records_nothing(book: CensusBook, log: EventLog, people: People) -> None:
    data = census_file(30, DISTRICTS)
    book.import_census(SLUG, data, people.staff, today=BEFORE_VOTING)
    before = log.position()

    again = book.import_census(SLUG, data, people.other_staff, today=BEFORE_VOTING)

    assert again.position == 0 and again.result.unchanged and again.result.count == 30
    assert log.position() == before


def test_only_staff_import(book: CensusBook, log: EventLog, people: People) -> None:
    before = log.position()
    for who in (people.alice, people.reviewer):
        with pytest.raises(PermissionDeniedError):
            book.import_census(SLUG, census_file(3, DISTRICTS), who, today=BEFORE_VOTING)
    assert log.position() == before


def test_a_bad_file_records_nothing_and_names_every_bad_line(book: CensusBook, log: EventLog, people: People) -> None:
    lines = [HEADER, f"{id_number(1)},1990-01-01,鼓山區", f"{id_number(2)},1990-01-01,前鎮區",
             f"{id_number(1)},1991-01-01,鹽埕區"]  # fmt: skip
    before = log.position()

    with pytest.raises(CensusFileError) as refused:
        book.import_census(SLUG, "\n".join(lines).encode(), people.staff, today=BEFORE_VOTING)

    # 前鎮區 is a Kaohsiung district, but not one of this cycle's areas.
    assert [(bad.line, bad.problem, bad.detail) for bad in refused.value.problems] == [
        (3, UNKNOWN_DISTRICT, "前鎮區"), (4, DUPLICATE, "2"),
    ]  # fmt: skip
    assert log.position() == before


def test_a_census_of_no_one_and_an_unknown_cycle_are_refused(book: CensusBook, people: People) -> None:
    with pytest.raises(CensusFileError):
        book.import_census(SLUG, f"{HEADER}\n".encode(), people.staff, today=BEFORE_VOTING)
    with pytest.raises(CycleNotFoundError):
        book.import_census("no-such-cycle", census_file(3, DISTRICTS), people.staff, today=BEFORE_VOTING)


def test_a_new_file_replaces_the_census_until_voting_opens(
    book: CensusBook, log: EventLog, people: People, tmp_path: Path
) -> None:
    db = open_read_db(tmp_path / "census.db")
    projector = Projector(log, db, [CensusView()])
    book.import_census(SLUG, census_file(CHUNK_ENTRIES + 5, DISTRICTS), people.staff, today=BEFORE_VOTING)
    projector.catch_up()
    assert census_entry(db, SLUG, KEYS.person(id_number(7))) is not None

    replaced = book.import_census(SLUG, census_file(40, DISTRICTS, start=100_000), people.staff, today=BEFORE_VOTING)
    projector.catch_up()

    assert replaced.result.number == 2
    assert census_entry(db, SLUG, KEYS.person(id_number(7))) is None  # on the first file only
    entry = census_entry(db, SLUG, KEYS.person(id_number(100_001)))
    assert entry is not None and entry.district == "鹽埕區"
    assert eligible_by_district(db, SLUG) == {"鼓山區": 20, "鹽埕區": 20}
    summary = census_summary(db, SLUG)
    assert summary is not None and (summary.count, summary.number, summary.actor) == (40, 2, people.staff)
    with pytest.raises(CycleLockedError):
        book.import_census(SLUG, census_file(10, DISTRICTS), people.staff, today=date(2027, 4, 2))
    db.close()


def test_the_read_model_kept_up_to_date_equals_a_rebuild(tmp_path: Path) -> None:
    """On real SQLite files: a census imported, replaced and imported again for another cycle."""
    from domain.accounts import STAFF, Accounts
    from domain.budgeting.spec import parse
    from tests.unit.budgeting.conftest import ISSUER, SPEC

    log = EventLog(env=Settings(data_dir=tmp_path).event_store_env())
    accounts = Accounts(log)
    staff = str(accounts.grant_from_command_line(ISSUER, "stan", STAFF).result)
    budgeting = Budgeting(log, accounts)
    budgeting.create_cycle(parse(SPEC), staff)
    budgeting.create_cycle(parse(SPEC.replace(SLUG, "other-2027")), staff)
    book = CensusBook(log, accounts, KEYS)
    db = open_read_db(tmp_path / "kept.db")
    projector = Projector(log, db, [CensusView()])
    for slug, rows, start in ((SLUG, 2 * CHUNK_ENTRIES + 1, 0), (SLUG, 7, 50), ("other-2027", 9, 0)):
        book.import_census(slug, census_file(rows, DISTRICTS, start), staff, today=BEFORE_VOTING)
        projector.catch_up(page=2)
    rebuild(log, tmp_path / "rebuilt.db", [CensusView()])
    rebuilt = open_read_db(tmp_path / "rebuilt.db")
    tables = db.table_names()
    assert table_rows(db, tables) == table_rows(rebuilt, tables)
    assert db.execute("SELECT count(*) FROM budgeting_census").fetchone()[0] == 16
    rebuilt.close()
    db.close()
    log.close()


def test_the_audit_lists_the_import_not_its_chunks(book: CensusBook, log: EventLog, people: People,
                                                   tmp_path: Path) -> None:  # fmt: skip
    from projections.audit import AuditView

    book.import_census(SLUG, census_file(CHUNK_ENTRIES + 1, DISTRICTS), people.staff, today=BEFORE_VOTING)
    db = open_read_db(tmp_path / "audit.db")
    Projector(log, db, [AuditView()]).catch_up()
    rows = db.execute("SELECT event, actor, details FROM audit_events WHERE aggregate = 'Census'").fetchall()
    assert [(event, actor) for event, actor, _ in rows] == [("Census.Opened", people.staff),
                                                            ("Census.Imported", people.staff)]  # fmt: skip
    assert all(id_number(1) not in details for _, _, details in rows)
    db.close()
