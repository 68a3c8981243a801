"""Review read model: calls, entries and their screening, panels, scores and their revisions, awards.

One view, ``review``, fed by the Call, Entry, Panel and Score events. Scores, comments and notes
to the secretariat are rows here like everything else: who may read them is decided by the
queries (``review_queries.py``), which every page goes through. Attachments' contents stay in
the log; the read model keeps their names and sizes.
"""

from __future__ import annotations

import json
from functools import singledispatchmethod
from typing import Any

from sqlite_utils import Database

from domain.review.calls import Call
from domain.review.entries import Entry
from domain.review.panels import Panel
from domain.review.scores import Score
from projections.runner import ViewBase

TABLES = (
    "CREATE TABLE IF NOT EXISTS review_calls (id TEXT PRIMARY KEY, slug TEXT UNIQUE NOT NULL, kind TEXT NOT NULL, "
    "title_zh TEXT NOT NULL, title_en TEXT NOT NULL, opens TEXT NOT NULL, closes TEXT NOT NULL, "
    "rounds INTEGER NOT NULL, round INTEGER NOT NULL, phase TEXT NOT NULL, method TEXT NOT NULL, "
    "gap INTEGER NOT NULL, rubric TEXT NOT NULL, tiers TEXT NOT NULL, screeners TEXT NOT NULL, "
    "shortlist TEXT NOT NULL, created_at TEXT NOT NULL, decided_at TEXT, decided_by TEXT, attending INTEGER, "
    "in_favour INTEGER, against INTEGER, published_at TEXT)",
    "CREATE TABLE IF NOT EXISTS review_entries (id TEXT PRIMARY KEY, call_id TEXT NOT NULL, title TEXT NOT NULL, "
    "agency TEXT NOT NULL, team TEXT NOT NULL, summary TEXT NOT NULL, benefits TEXT NOT NULL, "
    "submitter TEXT NOT NULL, submitted_at TEXT NOT NULL, updated_at TEXT NOT NULL, "
    "shortlisted INTEGER NOT NULL DEFAULT 0)",
    "CREATE INDEX IF NOT EXISTS review_entries_call ON review_entries (call_id, submitted_at)",
    "CREATE TABLE IF NOT EXISTS review_attachments (entry_id TEXT NOT NULL, number INTEGER NOT NULL, "
    "name TEXT NOT NULL, size INTEGER NOT NULL, sha256 TEXT NOT NULL, PRIMARY KEY (entry_id, number))",
    "CREATE TABLE IF NOT EXISTS review_screenings (entry_id TEXT NOT NULL, screener TEXT NOT NULL, "
    "decision TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (entry_id, screener))",
    "CREATE TABLE IF NOT EXISTS review_members (call_id TEXT NOT NULL, account_id TEXT NOT NULL, code TEXT NOT NULL, "
    "name TEXT NOT NULL, kind TEXT NOT NULL, agency TEXT NOT NULL, chair INTEGER NOT NULL, "
    "PRIMARY KEY (call_id, account_id))",
    "CREATE TABLE IF NOT EXISTS review_panels (call_id TEXT PRIMARY KEY, panel_id TEXT NOT NULL, mode TEXT NOT NULL, "
    "per_entry INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS review_conflicts (call_id TEXT NOT NULL, account_id TEXT NOT NULL, "
    "entry_id TEXT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (call_id, account_id, entry_id))",
    "CREATE TABLE IF NOT EXISTS review_assignments (call_id TEXT NOT NULL, entry_id TEXT NOT NULL, "
    "account_id TEXT NOT NULL, PRIMARY KEY (call_id, entry_id, account_id))",
    "CREATE TABLE IF NOT EXISTS review_scores (id TEXT PRIMARY KEY, call_id TEXT NOT NULL, round INTEGER NOT NULL, "
    "entry_id TEXT NOT NULL, member TEXT NOT NULL, scores TEXT NOT NULL, total INTEGER NOT NULL, "
    "comment TEXT NOT NULL, note TEXT NOT NULL, revisions INTEGER NOT NULL, given_at TEXT NOT NULL, "
    "updated_at TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS review_scores_entry ON review_scores (call_id, round, entry_id)",
    "CREATE TABLE IF NOT EXISTS review_revisions (score_id TEXT NOT NULL, number INTEGER NOT NULL, "
    "scores TEXT NOT NULL, total INTEGER NOT NULL, comment TEXT NOT NULL, reason TEXT NOT NULL, at TEXT NOT NULL, "
    "PRIMARY KEY (score_id, number))",
    "CREATE TABLE IF NOT EXISTS review_awards (call_id TEXT NOT NULL, entry_id TEXT NOT NULL, "
    "position INTEGER NOT NULL, score TEXT NOT NULL, tier TEXT, tied INTEGER NOT NULL, members INTEGER NOT NULL, "
    "flags TEXT NOT NULL, PRIMARY KEY (call_id, entry_id))",
)


class ReviewView(ViewBase):
    """Calls, entries, panels, scores (with every revision) and the confirmed awards."""

    name = "review"
    version = 1
    topics = (Call.Event, Entry.Event, Panel.Event, Score.Event)

    def create(self, db: Database) -> None:
        for statement in TABLES:
            db.execute(statement)

    @singledispatchmethod
    def apply(self, event: object, db: Database) -> None:
        pass

    # --- calls --------------------------------------------------------------------------------

    @apply.register
    def _(self, event: Call.Opened, db: Database) -> None:
        db.execute(
            "INSERT INTO review_calls (id, slug, kind, title_zh, title_en, opens, closes, rounds, round, phase, "
            "method, gap, rubric, tiers, screeners, shortlist, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 'submission', ?, ?, ?, ?, '[]', '[]', ?) ON CONFLICT(id) DO NOTHING",
            [str(event.originator_id), event.slug, event.kind, event.title_zh, event.title_en, event.opens,
             event.closes, event.rounds, event.method, event.gap, _json(event.rubric), _json(event.tiers), _at(event)],
        )  # fmt: skip

    @apply.register
    def _(self, event: Call.PhaseAdvanced, db: Database) -> None:
        db.execute("UPDATE review_calls SET phase = ?, round = ? WHERE id = ?",
                   [event.phase, event.round, str(event.originator_id)])  # fmt: skip

    @apply.register
    def _(self, event: Call.ScreenerAppointed, db: Database) -> None:
        row = db.execute("SELECT screeners FROM review_calls WHERE id = ?", [str(event.originator_id)]).fetchone()
        screeners = json.loads(row[0]) if row else []
        if event.account_id not in screeners:
            screeners.append(event.account_id)
        db.execute("UPDATE review_calls SET screeners = ? WHERE id = ?", [_json(screeners), str(event.originator_id)])

    @apply.register
    def _(self, event: Call.ShortlistConfirmed, db: Database) -> None:
        call_id = str(event.originator_id)
        db.execute("UPDATE review_calls SET shortlist = ? WHERE id = ?", [_json(event.entry_ids), call_id])
        db.execute("UPDATE review_entries SET shortlisted = 0 WHERE call_id = ?", [call_id])
        db.conn.executemany("UPDATE review_entries SET shortlisted = 1 WHERE id = ?", [(e,) for e in event.entry_ids])

    @apply.register
    def _(self, event: Call.AwardsConfirmed, db: Database) -> None:
        call_id = str(event.originator_id)
        db.execute(
            "UPDATE review_calls SET phase = 'decided', decided_at = ?, decided_by = ?, attending = ?, in_favour = ?, "
            "against = ? WHERE id = ?",
            [_at(event), event.actor, event.attending, event.in_favour, event.against, call_id],
        )
        db.execute("DELETE FROM review_awards WHERE call_id = ?", [call_id])
        db.conn.executemany(
            "INSERT INTO review_awards VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(call_id, a["entry"], position, a["score"], a["tier"], int(a["tied"]), a["members"], _json(a["flags"]))
             for position, a in enumerate(event.awards)],
        )  # fmt: skip

    @apply.register
    def _(self, event: Call.AwardsPublished, db: Database) -> None:
        db.execute("UPDATE review_calls SET phase = 'published', published_at = ? WHERE id = ?",
                   [_at(event), str(event.originator_id)])  # fmt: skip

    # --- entries ------------------------------------------------------------------------------

    @apply.register
    def _(self, event: Entry.Submitted, db: Database) -> None:
        at = _at(event)
        db.execute(
            "INSERT INTO review_entries (id, call_id, title, agency, team, summary, benefits, submitter, submitted_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
            [str(event.originator_id), str(event.call_id), event.title, event.agency, event.team, event.summary,
             event.benefits, event.actor, at, at],
        )  # fmt: skip

    @apply.register
    def _(self, event: Entry.Edited, db: Database) -> None:
        db.execute(
            "UPDATE review_entries SET title = ?, agency = ?, team = ?, summary = ?, benefits = ?, updated_at = ? "
            "WHERE id = ?",
            [event.title, event.agency, event.team, event.summary, event.benefits, _at(event),
             str(event.originator_id)],
        )  # fmt: skip

    @apply.register
    def _(self, event: Entry.AttachmentAdded, db: Database) -> None:
        entry_id = str(event.originator_id)
        row = db.execute("SELECT COUNT(*) FROM review_attachments WHERE entry_id = ?", [entry_id]).fetchone()
        db.execute("INSERT OR REPLACE INTO review_attachments VALUES (?, ?, ?, ?, ?)",
                   [entry_id, row[0] + 1, event.name, event.size, event.sha256])  # fmt: skip

    @apply.register
    def _(self, event: Entry.Screened, db: Database) -> None:
        db.execute("INSERT OR REPLACE INTO review_screenings VALUES (?, ?, ?, ?, ?)",
                   [str(event.originator_id), event.actor, event.decision, event.reason, _at(event)])  # fmt: skip

    # --- panels -------------------------------------------------------------------------------

    @apply.register
    def _(self, event: Panel.Formed, db: Database) -> None:
        db.execute("INSERT OR IGNORE INTO review_panels VALUES (?, ?, 'all', 0)",
                   [str(event.call_id), str(event.originator_id)])  # fmt: skip

    @apply.register
    def _(self, event: Panel.MemberAppointed, db: Database) -> None:
        call_id = _call_of_panel(db, event)
        if event.chair:
            db.execute("UPDATE review_members SET chair = 0 WHERE call_id = ?", [call_id])
        db.execute("INSERT OR REPLACE INTO review_members VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [call_id, event.account_id, event.code, event.name, event.kind, event.agency, int(event.chair)])  # fmt: skip

    @apply.register
    def _(self, event: Panel.ConflictDeclared, db: Database) -> None:
        db.execute("INSERT OR REPLACE INTO review_conflicts VALUES (?, ?, ?, ?)",
                   [_call_of_panel(db, event), event.account_id, event.entry_id, event.reason])  # fmt: skip

    @apply.register
    def _(self, event: Panel.AssignmentSet, db: Database) -> None:
        call_id = _call_of_panel(db, event)
        db.execute("UPDATE review_panels SET mode = ?, per_entry = ? WHERE call_id = ?",
                   [event.mode, event.per_entry, call_id])  # fmt: skip
        db.execute("DELETE FROM review_assignments WHERE call_id = ?", [call_id])
        db.conn.executemany(
            "INSERT OR IGNORE INTO review_assignments VALUES (?, ?, ?)",
            [(call_id, entry, member) for entry, members in event.assignments.items() for member in members],
        )

    # --- scores -------------------------------------------------------------------------------

    @apply.register
    def _(self, event: Score.Given, db: Database) -> None:
        at, total = _at(event), sum(event.scores.values())
        db.execute(
            "INSERT INTO review_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT(id) DO NOTHING",
            [str(event.originator_id), str(event.call_id), event.round, str(event.entry_id), event.actor,
             _json(event.scores), total, event.comment, event.note, at, at],
        )  # fmt: skip
        db.execute("INSERT OR REPLACE INTO review_revisions VALUES (?, 0, ?, ?, ?, '', ?)",
                   [str(event.originator_id), _json(event.scores), total, event.comment, at])  # fmt: skip

    @apply.register
    def _(self, event: Score.Revised, db: Database) -> None:
        score_id, at, total = str(event.originator_id), _at(event), sum(event.scores.values())
        db.execute(
            "UPDATE review_scores SET scores = ?, total = ?, comment = ?, note = ?, revisions = revisions + 1, "
            "updated_at = ? WHERE id = ?",
            [_json(event.scores), total, event.comment, event.note, at, score_id],
        )
        number = event.originator_version - 1  # Given is version 1, its first revision version 2
        db.execute("INSERT OR REPLACE INTO review_revisions VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [score_id, number, _json(event.scores), total, event.comment, event.reason, at])  # fmt: skip


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _at(event: Any) -> str:
    return str(event.timestamp.isoformat())


def _call_of_panel(db: Database, event: Any) -> str:
    row = db.execute("SELECT call_id FROM review_panels WHERE panel_id = ?", [str(event.originator_id)]).fetchone()
    return str(row[0]) if row else ""
