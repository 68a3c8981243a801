"""Glossary read model: terms, variants, history, meetings, decisions, and the search keys.

The view maps each glossary event to row changes with plain SQL (the runner wraps each page in
one transaction). Meetings and agenda items, the bulk of a long log, are held for the page and
written with one ``executemany`` each; any other event writes them first, so every handler sees
the rows of the events before it. The queries the web and the command line use live in glossary_queries.py and
are re-exported here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import singledispatchmethod

from sqlite_utils import Database

from domain.glossary.meetings import Meeting
from domain.glossary.names import variants_from
from domain.glossary.terms import PROPOSED, UNDER_REVIEW, Term
from domain.romanization.syllables import CJK, fold, readings, tongyong_syllable
from projections.glossary_queries import (
    DisplayName,
    KnownNamesInReadModel,
    approved_count,
    approved_terms,
    categories,
    display_name,
    districts,
    english_for,
    export_entries,
    history,
    meeting,
    meetings,
    search,
    term,
)
from projections.glossary_search import create_search_tables, index_term

# The read model's query API lives in glossary_queries.py; import it from here.
__all__ = [
    "DisplayName", "GlossaryView", "KnownNamesInReadModel", "approved_count", "approved_terms", "categories",
    "display_name", "districts", "english_for", "export_entries", "history", "meeting", "meetings", "search", "term",
]  # fmt: skip

TERM_COLUMNS = (
    "id TEXT PRIMARY KEY, zh TEXT NOT NULL, en TEXT NOT NULL, en_key TEXT NOT NULL, status TEXT NOT NULL, "
    "category TEXT NOT NULL, district TEXT NOT NULL, code TEXT NOT NULL, notes TEXT NOT NULL, "
    "sources TEXT NOT NULL, pinyin TEXT NOT NULL, tongyong TEXT NOT NULL, "
    "candidate_en TEXT NOT NULL, candidate_variants TEXT NOT NULL, candidate_notes TEXT NOT NULL, "
    "candidate_by TEXT NOT NULL, agenda_meeting_id TEXT, approved_meeting_id TEXT, approved_decision INTEGER, "
    "superseded_by TEXT, proposed_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
    "indexed_names TEXT NOT NULL DEFAULT ''"
)


class GlossaryView:
    """Approved place names and how they came to be: one row per term, per variant, per event."""

    name = "glossary"
    version = 4  # bump when the rows or the search keys change (a new pronunciation rule, too)
    topics = (Term.Event, Meeting.Event)

    def __init__(self) -> None:
        self._meetings: list[list[object]] = []
        self._agenda: list[tuple[str, int, str, str]] = []
        self._next_item: dict[str, int] = {}  # meeting id -> the position its next agenda item takes
        self._handlers: dict[type, Callable[[GlossaryView, object, Database], None]] = {}

    def begin_page(self, db: Database) -> None:
        # A page that failed was rolled back: nothing held from it may survive.
        self._meetings, self._agenda, self._next_item = [], [], {}

    def end_page(self, db: Database) -> None:
        self._write_held(db)

    def apply(self, event: object, db: Database) -> None:
        if not isinstance(event, _HELD):
            self._write_held(db)
        kind = type(event)
        handler = self._handlers.get(kind)
        if handler is None:  # looked up once per class: the singledispatchmethod wrapper is slow per call
            handler = self._handlers[kind] = GlossaryView.__dict__["_apply"].dispatcher.dispatch(kind)
        handler(self, event, db)

    def _write_held(self, db: Database) -> None:
        if self._meetings:
            db.conn.executemany(
                "INSERT INTO glossary_meetings VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING", self._meetings
            )
        if self._agenda:
            db.conn.executemany("INSERT INTO glossary_agenda VALUES (?, ?, ?, ?, NULL)", self._agenda)
        self._meetings, self._agenda, self._next_item = [], [], {}

    def create(self, db: Database) -> None:
        db.execute(f"CREATE TABLE IF NOT EXISTS glossary_terms ({TERM_COLUMNS})")
        db.execute("CREATE INDEX IF NOT EXISTS glossary_terms_zh ON glossary_terms (zh, status)")
        db.execute("CREATE INDEX IF NOT EXISTS glossary_terms_en ON glossary_terms (en_key, status)")
        db.execute("CREATE INDEX IF NOT EXISTS glossary_terms_list ON glossary_terms (status, category, district, zh)")
        db.execute("CREATE INDEX IF NOT EXISTS glossary_terms_meeting ON glossary_terms (approved_meeting_id)")
        # The public list's order, its district select and the home page's count by approval read
        # these alone (a covering index, or the first rows in order): without them each page
        # sorted or visited every approved term. Added to an existing file when it is opened.
        db.execute("CREATE INDEX IF NOT EXISTS glossary_terms_sorted ON glossary_terms (status, zh, district)")
        db.execute("CREATE INDEX IF NOT EXISTS glossary_terms_districts ON glossary_terms (status, district)")
        db.execute(
            "CREATE INDEX IF NOT EXISTS glossary_terms_approvals ON glossary_terms (status, approved_meeting_id)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS glossary_variants (term_id TEXT NOT NULL, text TEXT NOT NULL, "
            "kind TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (term_id, text))"
        )
        db.execute("CREATE INDEX IF NOT EXISTS glossary_variants_key ON glossary_variants (key)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS glossary_history (position INTEGER PRIMARY KEY AUTOINCREMENT, "
            "term_id TEXT NOT NULL, event TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, "
            "en TEXT NOT NULL, meeting_id TEXT, decision_number INTEGER, reason TEXT NOT NULL)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS glossary_history_term ON glossary_history (term_id, position)")
        db.execute("CREATE INDEX IF NOT EXISTS glossary_history_actor ON glossary_history (actor, event)")
        db.execute("CREATE INDEX IF NOT EXISTS glossary_history_event ON glossary_history (event, term_id)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS glossary_meetings (id TEXT PRIMARY KEY, kind TEXT NOT NULL, "
            "title TEXT NOT NULL, date TEXT NOT NULL, members TEXT NOT NULL, convened_by TEXT NOT NULL, "
            "convened_at TEXT NOT NULL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS glossary_agenda (meeting_id TEXT NOT NULL, position INTEGER NOT NULL, "
            "term_id TEXT NOT NULL, added_by TEXT NOT NULL, decision_number INTEGER, "
            "PRIMARY KEY (meeting_id, position))"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS glossary_decisions (meeting_id TEXT NOT NULL, number INTEGER NOT NULL, "
            "outcome TEXT NOT NULL, term_id TEXT, en TEXT NOT NULL, reason TEXT NOT NULL, superseded_by TEXT, "
            "source TEXT NOT NULL, term_count INTEGER NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, "
            "corrects_meeting_id TEXT, corrects_number INTEGER, corrected_by_meeting_id TEXT, "
            "corrected_by_number INTEGER, PRIMARY KEY (meeting_id, number))"
        )
        create_search_tables(db)

    @singledispatchmethod
    def _apply(self, event: object, db: Database) -> None:
        pass  # events of other contexts still advance the position

    # --- terms ------------------------------------------------------------------------------

    @_apply.register
    def _(self, event: Term.Proposed, db: Database) -> None:
        self._insert_term(db, event, candidate=(event.en, _variants_json(event.variants), event.notes))
        self._history(db, event, "proposed", en=event.en)
        self._index(db, str(event.originator_id))

    @_apply.register
    def _(self, event: Term.Imported, db: Database) -> None:
        self._insert_term(db, event, candidate=("", "[]", ""))
        self._approve(db, event, event.en, event.variants, event.notes, event.meeting_id, event.decision_number)
        self._history(db, event, "imported", en=event.en, meeting_id=event.meeting_id, number=event.decision_number)
        self._index(db, str(event.originator_id))

    @_apply.register
    def _(self, event: Term.ProposedAgain, db: Database) -> None:
        self._candidate(db, event, event.en, event.variants, event.notes, status=PROPOSED)
        self._history(db, event, "proposed_again", en=event.en)

    @_apply.register
    def _(self, event: Term.ChangeProposed, db: Database) -> None:
        self._candidate(db, event, event.en, event.variants, event.notes, status=None)
        self._history(db, event, "change_proposed", en=event.en)

    @_apply.register
    def _(self, event: Term.PutOnAgenda, db: Database) -> None:
        db.execute(
            "UPDATE glossary_terms SET agenda_meeting_id = ?, updated_at = ?, "
            "status = CASE status WHEN ? THEN ? ELSE status END WHERE id = ?",
            [str(event.meeting_id), event.timestamp.isoformat(), PROPOSED, UNDER_REVIEW, str(event.originator_id)],
        )
        self._history(db, event, "put_on_agenda", meeting_id=event.meeting_id)

    @_apply.register
    def _(self, event: Term.Approved, db: Database) -> None:
        self._approve(db, event, event.en, event.variants, event.notes, event.meeting_id, event.decision_number)
        outcome = "approved_amended" if event.amended else "approved"
        self._history(db, event, outcome, en=event.en, meeting_id=event.meeting_id, number=event.decision_number)
        self._index(db, str(event.originator_id))

    @_apply.register
    def _(self, event: Term.Rejected, db: Database) -> None:
        self._close_review(db, event, "CASE status WHEN 'under_review' THEN 'rejected' ELSE status END")
        self._history(db, event, "rejected", meeting_id=event.meeting_id, number=event.decision_number,
                      reason=event.reason)  # fmt: skip

    @_apply.register
    def _(self, event: Term.Deferred, db: Database) -> None:
        self._close_review(db, event, "CASE status WHEN 'under_review' THEN 'proposed' ELSE status END", keep=True)
        self._history(db, event, "deferred", meeting_id=event.meeting_id, number=event.decision_number)

    @_apply.register
    def _(self, event: Term.Deprecated, db: Database) -> None:
        self._close_review(db, event, "'deprecated'")
        self._history(db, event, "deprecated", meeting_id=event.meeting_id, number=event.decision_number,
                      reason=event.reason)  # fmt: skip

    @_apply.register
    def _(self, event: Term.Superseded, db: Database) -> None:
        self._close_review(db, event, "'superseded'")
        db.execute(
            "UPDATE glossary_terms SET superseded_by = ? WHERE id = ?",
            [str(event.by_term_id), str(event.originator_id)],
        )
        self._history(db, event, "superseded", meeting_id=event.meeting_id, number=event.decision_number)

    @_apply.register
    def _(self, event: Term.Corrected, db: Database) -> None:
        term_id = str(event.originator_id)
        db.execute(
            "UPDATE glossary_terms SET en = ?, en_key = ?, agenda_meeting_id = NULL, approved_meeting_id = ?, "
            "approved_decision = ?, updated_at = ? WHERE id = ?",
            [event.en, fold(event.en), str(event.meeting_id), event.decision_number, event.timestamp.isoformat(),
             term_id],
        )  # fmt: skip
        db.execute("DELETE FROM glossary_variants WHERE term_id = ?", [term_id])
        db.conn.executemany(
            "INSERT INTO glossary_variants VALUES (?, ?, ?, ?)",
            [(term_id, v.text, v.kind, fold(v.text)) for v in variants_from(event.variants)],
        )
        self._history(db, event, "corrected", en=event.en, meeting_id=event.meeting_id, number=event.decision_number,
                      reason=event.reason)  # fmt: skip
        self._index(db, term_id)

    # --- meetings ---------------------------------------------------------------------------

    @_apply.register
    def _(self, event: Meeting.Convened, db: Database) -> None:
        self._meetings.append(
            [str(event.originator_id), event.kind, event.title, event.date,
             json.dumps(event.members, ensure_ascii=False), event.actor, event.timestamp.isoformat()],
        )  # fmt: skip

    @_apply.register
    def _(self, event: Meeting.AgendaItemAdded, db: Database) -> None:
        meeting_id = str(event.originator_id)
        position = self._next_item.get(meeting_id)
        if position is None:
            (last,) = db.execute(
                "SELECT coalesce(max(position), 0) FROM glossary_agenda WHERE meeting_id = ?", [meeting_id]
            ).fetchone()
            position = last + 1
        self._agenda.append((meeting_id, position, str(event.term_id), event.actor))
        self._next_item[meeting_id] = position + 1

    @_apply.register
    def _(self, event: Meeting.DecisionRecorded, db: Database) -> None:
        meeting_id = str(event.originator_id)
        db.execute(
            f"INSERT INTO glossary_decisions ({_DECISION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, '', 0, ?, ?)",
            [meeting_id, event.number, event.outcome, str(event.term_id), event.en, event.reason,
             str(event.superseded_by) if event.superseded_by else None, event.actor, event.timestamp.isoformat()],
        )  # fmt: skip
        db.execute(
            "UPDATE glossary_agenda SET decision_number = ? WHERE meeting_id = ? AND term_id = ? "
            "AND decision_number IS NULL",
            [event.number, meeting_id, str(event.term_id)],
        )

    @_apply.register
    def _(self, event: Meeting.CorrectionRecorded, db: Database) -> None:
        meeting_id = str(event.originator_id)
        db.execute(
            f"INSERT INTO glossary_decisions ({_DECISION_COLUMNS}, corrects_meeting_id, corrects_number) "
            "VALUES (?, ?, 'correct', ?, ?, ?, NULL, '', 0, ?, ?, ?, ?)",
            [meeting_id, event.number, str(event.term_id), event.en, event.reason, event.actor,
             event.timestamp.isoformat(), str(event.corrects_meeting_id), event.corrects_number],
        )  # fmt: skip
        # The corrected decision is not changed, only marked: its minutes say a later one corrects it.
        db.execute(
            "UPDATE glossary_decisions SET corrected_by_meeting_id = ?, corrected_by_number = ? "
            "WHERE meeting_id = ? AND number = ?",
            [meeting_id, event.number, str(event.corrects_meeting_id), event.corrects_number],
        )
        db.execute(
            "UPDATE glossary_agenda SET decision_number = ? WHERE meeting_id = ? AND term_id = ? "
            "AND decision_number IS NULL",
            [event.number, meeting_id, str(event.term_id)],
        )

    @_apply.register
    def _(self, event: Meeting.ListAdopted, db: Database) -> None:
        db.execute(
            f"INSERT INTO glossary_decisions ({_DECISION_COLUMNS}) "
            "VALUES (?, ?, 'adopt_list', NULL, '', '', NULL, ?, ?, ?, ?)",
            [str(event.originator_id), event.number, event.source, event.term_count, event.actor,
             event.timestamp.isoformat()],
        )  # fmt: skip

    # --- helpers ----------------------------------------------------------------------------

    def _insert_term(self, db: Database, event: Term.Proposed | Term.Imported, candidate: tuple[str, str, str]) -> None:
        syllables = [reading for char, reading in zip(event.zh, readings(event.zh)) if CJK.match(char)]
        at = event.timestamp.isoformat()
        db.execute(
            "INSERT INTO glossary_terms VALUES (?, ?, '', '', ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, "
            "NULL, NULL, NULL, NULL, ?, ?, ?, '') ON CONFLICT(id) DO NOTHING",
            [
                str(event.originator_id), event.zh, PROPOSED, event.category, event.district, event.code,
                json.dumps(event.sources, ensure_ascii=False), " ".join(syllables),
                " ".join(tongyong_syllable(s) for s in syllables), *candidate, event.actor, event.actor, at, at,
            ],
        )  # fmt: skip

    def _approve(
        self,
        db: Database,
        event: TermEvent,
        en: str,
        variants: list[dict[str, str]],
        notes: str,
        meeting_id: object,
        number: int,
    ) -> None:
        term_id = str(event.originator_id)
        db.execute(
            "UPDATE glossary_terms SET en = ?, en_key = ?, status = 'approved', notes = ?, candidate_en = '', "
            "candidate_variants = '[]', candidate_notes = '', candidate_by = '', agenda_meeting_id = NULL, "
            "approved_meeting_id = ?, approved_decision = ?, updated_at = ? WHERE id = ?",
            [en, fold(en), notes, str(meeting_id), number, event.timestamp.isoformat(), term_id],
        )
        db.execute("DELETE FROM glossary_variants WHERE term_id = ?", [term_id])
        db.conn.executemany(
            "INSERT INTO glossary_variants VALUES (?, ?, ?, ?)",
            [(term_id, v.text, v.kind, fold(v.text)) for v in variants_from(variants)],
        )

    def _candidate(
        self, db: Database, event: TermEvent, en: str, variants: list[dict[str, str]], notes: str, status: str | None
    ) -> None:
        db.execute(
            "UPDATE glossary_terms SET candidate_en = ?, candidate_variants = ?, candidate_notes = ?, "
            "candidate_by = ?, status = coalesce(?, status), updated_at = ? WHERE id = ?",
            [en, _variants_json(variants), notes, event.actor, status, event.timestamp.isoformat(),
             str(event.originator_id)],
        )  # fmt: skip
        self._index(db, str(event.originator_id))

    def _close_review(self, db: Database, event: TermEvent, status_sql: str, keep: bool = False) -> None:
        """Takes the term off its agenda; drops the candidate unless it waits for another meeting."""
        candidate = "" if keep else ", " + _NO_CANDIDATE
        db.execute(
            f"UPDATE glossary_terms SET status = {status_sql}, agenda_meeting_id = NULL, updated_at = ?{candidate} "
            "WHERE id = ?",
            [event.timestamp.isoformat(), str(event.originator_id)],
        )
        if not keep:
            self._index(db, str(event.originator_id))

    def _history(
        self, db: Database, event: TermEvent, kind: str, *, en: str = "", meeting_id: object = None,
        number: int | None = None, reason: str = "",
    ) -> None:  # fmt: skip
        db.execute(
            "INSERT INTO glossary_history (term_id, event, actor, at, en, meeting_id, decision_number, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [str(event.originator_id), kind, event.actor, event.timestamp.isoformat(), en,
             str(meeting_id) if meeting_id else None, number, reason],
        )  # fmt: skip

    def _index(self, db: Database, term_id: str) -> None:
        row = db.execute(
            "SELECT zh, en, candidate_en, candidate_variants, pinyin, tongyong, indexed_names "
            "FROM glossary_terms WHERE id = ?",
            [term_id],
        ).fetchone()
        if row is None:
            return
        zh, en, candidate_en, candidate_variants, pinyin, tongyong, indexed = row
        variants = db.execute("SELECT text FROM glossary_variants WHERE term_id = ? ORDER BY text", [term_id])
        # A proposal's English is found like approved English; the status tells them apart.
        names = [("zh", zh), ("en", en), ("en", candidate_en), ("pinyin", pinyin), ("tongyong", tongyong)]
        names += [("variant", text) for (text,) in variants.fetchall()]
        names += [("variant", item["text"]) for item in json.loads(candidate_variants)]
        names = sorted(set(names))
        signature = json.dumps(names, ensure_ascii=False)
        if signature == indexed:
            return  # e.g. approving the English as proposed: the keys stay as they are
        db.execute("UPDATE glossary_terms SET indexed_names = ? WHERE id = ?", [signature, term_id])
        previous = [tuple(pair) for pair in json.loads(indexed)] if indexed else []
        index_term(db, term_id, names, previous)


_HELD = (Meeting.Convened, Meeting.AgendaItemAdded)  # written per page, see the module docstring

TermEvent = Term.Event | Term.Imported  # for type checkers: every term event carries its actor

_DECISION_COLUMNS = "meeting_id, number, outcome, term_id, en, reason, superseded_by, source, term_count, actor, at"
_NO_CANDIDATE = "candidate_en = '', candidate_variants = '[]', candidate_notes = '', candidate_by = ''"


def _variants_json(variants: list[dict[str, str]]) -> str:
    return json.dumps([v.to_dict() for v in variants_from(variants)], ensure_ascii=False)
