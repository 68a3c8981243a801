"""Exports: CSV, JSON and TBX read back the same approved set; translate-toolkit reads our TBX."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from translate.storage.tbx import tbxfile

from domain.accounts import Accounts
from domain.eventlog import SYSTEM_ACTOR, EventLog
from domain.glossary.exporting import export
from domain.glossary.rows import ImportReport
from domain.glossary.service import Glossary
from domain.glossary.tbx import PREFERRED
from domain.glossary.terms import APPROVED, Term
from projections.glossary import GlossaryView, KnownNamesInReadModel, export_entries
from projections.runner import Projector, open_read_db
from tests.unit.glossary.conftest import People, SharedGlossary
from tests.unit.glossary.glossary_data import shared_text

Place = tuple[str, str, str, str, frozenset[tuple[str, str]]]  # zh, en, category, district, variants


def approved_places(log: EventLog) -> set[Place]:
    """The approved set, read straight from the events (no read model involved)."""
    places: dict[object, dict] = {}
    for note in log.recorder.select_notifications(start=0, limit=1_000_000, inclusive_of_start=False):
        event = log.mapper.to_domain_event(note)
        if isinstance(event, (Term.Proposed, Term.Imported)):
            places[event.originator_id] = {"zh": event.zh, "category": event.category, "district": event.district}
        if isinstance(event, (Term.Imported, Term.Approved)):
            places[event.originator_id].update(en=event.en, variants=event.variants, status=APPROVED)
        elif isinstance(event, (Term.Deprecated, Term.Superseded)):
            places[event.originator_id]["status"] = type(event).__name__
    return {
        (p["zh"], p["en"], p["category"], p["district"], frozenset((v["text"], v["kind"]) for v in p["variants"]))
        for p in places.values()
        if p.get("status") == APPROVED
    }


def reimported(text: str, format: str) -> tuple[EventLog, ImportReport]:
    log = EventLog(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    report = Glossary(log, Accounts(log)).import_file(text, SYSTEM_ACTOR, format=format).result
    return log, report


@pytest.mark.parametrize("format", ["json", "tbx"])
def test_json_and_tbx_exports_import_back_to_the_same_approved_set(shared: SharedGlossary, format: str) -> None:
    text = export(export_entries(shared.db), format)
    log, report = reimported(text, format)
    assert (report.imported, report.rejected, report.notices) == (4067, (), ())
    assert approved_places(log) == approved_places(shared.log)
    assert len(approved_places(log)) == 4067


def test_the_csv_export_is_two_columns_and_imports_back_to_the_same_pairs(shared: SharedGlossary) -> None:
    text = export(export_entries(shared.db), "csv")
    assert text.startswith("\ufeff")  # for Excel; the import takes it
    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert lines[0] == ["zh", "en"]
    assert all(len(line) == 2 for line in lines)
    # 中山路 runs through several districts: the same pair once, as translation services want.
    assert len(lines) - 1 == len({(zh, en) for zh, en, *_ in approved_places(shared.log)}) < 4067

    log, report = reimported(text, "csv")
    assert report.rejected == ()
    assert {(p[0], p[1]) for p in approved_places(log)} == {(p[0], p[1]) for p in approved_places(shared.log)}


def test_translate_toolkit_reads_every_term_and_status_of_the_shared_export(shared: SharedGlossary) -> None:
    store = tbxfile.parsestring(export(export_entries(shared.db), "tbx").encode())
    read = {(unit.source, unit.target) for unit in store.units}
    assert read == {(p[0], p[1]) for p in approved_places(shared.log)} | read  # nothing invented
    assert len(store.units) == 4067
    for unit in store.units:
        zh, en = unit.get_source_terms()[0], unit.get_target_terms()[0]
        assert (zh.administrative_status, en.administrative_status) == (PREFERRED, PREFERRED)


def test_translate_toolkit_reads_retired_terms_and_variants_with_their_statuses(
    glossary: Glossary, people: People, log: EventLog, tmp_path: Path
) -> None:
    ids = {
        zh: glossary.propose(zh, en, people.translator, category="district", variants=variants).result
        for zh, en, variants in [
            ("鳳山區", "Fongshan District", [("Fengshan District", "hanyu"), ("Fengshan Dist.", "misspelling")]),
            ("前金區", "Cianjin District", [("Qianjin District", "hanyu"), ("Chienchin District", "forbidden")]),
            ("旅運中心", "Cruise Terminal", []),
            ("市議會", "City Council", []),
            ("市議會（舊址）", "City Council (Former Site)", []),
        ]
    }
    meeting = glossary.convene("2026-12-01", ["Chair Lin"], people.staff).result
    for term_id in ids.values():
        glossary.put_on_agenda(meeting, term_id, people.staff)
        glossary.approve(meeting, term_id, people.staff)
    glossary.propose_change(ids["鳳山區"], "Fong-shan District", people.translator)
    later = glossary.convene("2027-03-01", ["Chair Lin"], people.staff).result
    for zh in ("旅運中心", "市議會", "鳳山區"):
        glossary.put_on_agenda(later, ids[zh], people.staff)
    glossary.deprecate(later, ids["旅運中心"], "renamed", people.staff)
    glossary.supersede(later, ids["市議會"], ids["市議會（舊址）"], people.staff)
    glossary.approve(later, ids["鳳山區"], people.staff)  # Fongshan District becomes historic
    db = open_read_db(tmp_path / "read.db")
    Projector(log, db, [GlossaryView()]).catch_up()

    store = tbxfile.parsestring(export(export_entries(db), "tbx").encode())

    read = {
        unit.source: [(term.text, term.administrative_status) for term in unit.get_target_terms()]
        for unit in store.units
    }
    assert read == {
        "鳳山區": [
            ("Fong-shan District", "preferredTerm-admn-sts"),
            ("Fengshan District", "admittedTerm-admn-sts"),
            ("Fengshan Dist.", "deprecatedTerm-admn-sts"),
            ("Fongshan District", "supersededTerm-admn-sts"),
        ],
        "前金區": [
            ("Cianjin District", "preferredTerm-admn-sts"),
            ("Qianjin District", "admittedTerm-admn-sts"),
            ("Chienchin District", "deprecatedTerm-admn-sts"),
        ],
        "旅運中心": [("Cruise Terminal", "deprecatedTerm-admn-sts")],
        "市議會": [("City Council", "supersededTerm-admn-sts")],
        "市議會（舊址）": [("City Council (Former Site)", "preferredTerm-admn-sts")],
    }
    assert {unit.source: unit.isobsolete() for unit in store.units}["旅運中心"] is True
    # Importing it back takes the approved entries only, and says why the others stay out.
    _, report = reimported(export(export_entries(db), "tbx"), "tbx")
    assert report.imported == 3
    assert sorted(note.params["status"] for note in report.rejected) == ["deprecated", "superseded"]


def test_importing_the_csv_export_back_into_the_same_glossary_duplicates_nothing(
    glossary: Glossary, log: EventLog, tmp_path: Path
) -> None:
    glossary.import_file(shared_text("kaohsiung_districts.csv"), SYSTEM_ACTOR, approved_column="en_alt")
    glossary.import_file(shared_text("kaohsiung_metro_stations.csv"), SYSTEM_ACTOR, approved_column="en_alt")
    db = open_read_db(tmp_path / "read.db")
    Projector(log, db, [GlossaryView()]).catch_up()
    position = log.position()

    report = glossary.import_file(
        export(export_entries(db), "csv"), SYSTEM_ACTOR, known=KnownNamesInReadModel(db)
    ).result
    other = glossary.import_file(
        "zh,en\n前金區,Qianjin District\n", SYSTEM_ACTOR, known=KnownNamesInReadModel(db)
    ).result

    assert (report.imported, report.unchanged, report.rejected) == (0, 40 + 47, ())
    assert [(note.code, note.params) for note in other.rejected] == [
        ("differs_from_approved", {"approved_en": "Cianjin District"})
    ]
    assert log.position() == position


def test_the_csv_export_starts_with_a_byte_order_mark_and_imports_back_with_or_without_it() -> None:
    # issue 10, defect 7: Excel on a Taiwanese Windows reads a CSV without one as Big5
    from domain.glossary.exporting import write_csv
    from domain.glossary.importing import decode, parse
    from domain.glossary.rows import Entry

    text = write_csv([Entry(id="t", zh="愛河", en="Love River", status="approved")])
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbfzh,en\r\n")
    for data in (text.encode("utf-8"), text.encode("utf-8").removeprefix(b"\xef\xbb\xbf")):
        assert [(row.zh, row.en) for row in parse(decode(data)).rows] == [("愛河", "Love River")]
