"""Budgeting read model: cycles, their areas, proposals with their versions, endorsements, reviews.

One view, ``budgeting``, fed by the Cycle, Proposal and Agency events. Internal review notes are
kept in their own table and only the staff and reviewers' pages query it. The queries the web and
the command line use are in budgeting_queries.py.
"""

from __future__ import annotations

import json
from functools import singledispatchmethod
from typing import Any

from sqlite_utils import Database

from domain.budgeting.agencies import Agency
from domain.budgeting.cycles import Cycle
from domain.budgeting.proposals import ASSIGNED, FEASIBLE, HIDDEN, MERGED, NOT_FEASIBLE, ON_BALLOT, REVIEW, Proposal
from domain.budgeting.spec import PHASES
from projections.runner import ViewBase


class BudgetingView(ViewBase):
    """Cycles, proposals and their history; one row per endorsement (a person counts once)."""

    name = "budgeting"
    version = 2  # 2: budgeting_ballot, each area's ballot entries (loaded from the file or put there by staff)
    topics = (Cycle.Event, Proposal.Event, Agency.Event)

    def create(self, db: Database) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_cycles (id TEXT PRIMARY KEY, slug TEXT UNIQUE NOT NULL, "
            "name_zh TEXT NOT NULL, name_en TEXT NOT NULL, rule TEXT NOT NULL, phase TEXT NOT NULL, "
            "spec TEXT NOT NULL, created_at TEXT NOT NULL, version INTEGER NOT NULL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_ballot (cycle_id TEXT NOT NULL, code TEXT NOT NULL, "
            "area TEXT NOT NULL, title_zh TEXT NOT NULL, title_en TEXT NOT NULL, cost INTEGER NOT NULL, "
            "source TEXT NOT NULL, proposal_id TEXT, position INTEGER NOT NULL, PRIMARY KEY (cycle_id, code))"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_phases (cycle_id TEXT NOT NULL, phase TEXT NOT NULL, "
            "at TEXT NOT NULL, actor TEXT NOT NULL, scheduled INTEGER NOT NULL, PRIMARY KEY (cycle_id, phase))"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_proposals (id TEXT PRIMARY KEY, cycle_id TEXT NOT NULL, "
            "area TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL, place TEXT NOT NULL, "
            "category TEXT NOT NULL, cost INTEGER NOT NULL, language TEXT NOT NULL, status TEXT NOT NULL, "
            "author TEXT NOT NULL, authors TEXT NOT NULL, endorsements INTEGER NOT NULL DEFAULT 0, "
            "submitted_at TEXT NOT NULL, updated_at TEXT NOT NULL, hidden_reason TEXT NOT NULL DEFAULT '', "
            "merged_into TEXT, agency TEXT NOT NULL DEFAULT '', feasible INTEGER, reviewed_cost INTEGER, "
            "duration_days INTEGER, review_reason TEXT NOT NULL DEFAULT '', reviewed_at TEXT, "
            "ballot_cost INTEGER, version INTEGER NOT NULL, edits INTEGER NOT NULL DEFAULT 0)"
        )
        db.execute(
            "CREATE INDEX IF NOT EXISTS budgeting_proposals_list ON budgeting_proposals "
            "(cycle_id, status, area, category)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_versions (proposal_id TEXT NOT NULL, number INTEGER NOT NULL, "
            "title TEXT NOT NULL, description TEXT NOT NULL, place TEXT NOT NULL, category TEXT NOT NULL, "
            "cost INTEGER NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (proposal_id, number))"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_history (position INTEGER PRIMARY KEY AUTOINCREMENT, "
            "proposal_id TEXT NOT NULL, event TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL, "
            "detail TEXT NOT NULL)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS budgeting_history_p ON budgeting_history (proposal_id, position)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_endorsements (proposal_id TEXT NOT NULL, person TEXT NOT NULL, "
            "at TEXT NOT NULL, PRIMARY KEY (proposal_id, person))"
        )
        db.execute("CREATE INDEX IF NOT EXISTS budgeting_endorsements_person ON budgeting_endorsements (person)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_notes (position INTEGER PRIMARY KEY AUTOINCREMENT, "
            "proposal_id TEXT NOT NULL, text TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_agencies (code TEXT PRIMARY KEY, id TEXT NOT NULL, "
            "name_zh TEXT NOT NULL, name_en TEXT NOT NULL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_reviewers (agency TEXT NOT NULL, account_id TEXT NOT NULL, "
            "PRIMARY KEY (agency, account_id))"
        )

    @singledispatchmethod
    def apply(self, event: object, db: Database) -> None:
        pass

    # --- cycles -----------------------------------------------------------------------------

    @apply.register
    def _(self, event: Cycle.Opened, db: Database) -> None:
        spec = event.spec
        db.execute(
            "INSERT INTO budgeting_cycles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
            [str(event.originator_id), spec["slug"], spec["name_zh"], spec["name_en"], spec["rule"], PHASES[0],
             json.dumps(spec, ensure_ascii=False), _at(event), event.originator_version],
        )  # fmt: skip
        db.execute(
            "INSERT OR REPLACE INTO budgeting_phases VALUES (?, ?, ?, ?, 0)",
            [str(event.originator_id), PHASES[0], _at(event), event.actor],
        )
        self._loaded_ballot(db, str(event.originator_id), spec)

    @apply.register
    def _(self, event: Cycle.SettingsChanged, db: Database) -> None:
        spec = event.spec
        db.execute(
            "UPDATE budgeting_cycles SET name_zh = ?, name_en = ?, rule = ?, spec = ?, version = ? WHERE id = ?",
            [spec["name_zh"], spec["name_en"], spec["rule"], json.dumps(spec, ensure_ascii=False),
             event.originator_version, str(event.originator_id)],
        )  # fmt: skip
        self._loaded_ballot(db, str(event.originator_id), spec)

    @apply.register
    def _(self, event: Cycle.EntryAdded, db: Database) -> None:
        db.execute(
            "INSERT OR REPLACE INTO budgeting_ballot VALUES (?, ?, ?, ?, ?, ?, 'proposal', ?, ?)",
            [str(event.originator_id), event.code, event.area, event.proposal_title, event.proposal_title, event.cost,
             str(event.proposal_id), event.originator_version],
        )  # fmt: skip
        db.execute("UPDATE budgeting_cycles SET version = ? WHERE id = ?",
                   [event.originator_version, str(event.originator_id)])  # fmt: skip

    def _loaded_ballot(self, db: Database, cycle_id: str, spec: dict[str, Any]) -> None:
        """The file's projects are the ballot's 'file' entries: a new file replaces them all."""
        db.execute("DELETE FROM budgeting_ballot WHERE cycle_id = ? AND source = 'file'", [cycle_id])
        rows = [
            (cycle_id, project["code"], area["code"], project["title_zh"], project["title_en"], project["cost"],
             "file", None, position)
            for area in spec["areas"] for position, project in enumerate(area.get("projects", []))
        ]  # fmt: skip
        db.conn.executemany("INSERT OR REPLACE INTO budgeting_ballot VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    @apply.register
    def _(self, event: Cycle.PhaseAdvanced, db: Database) -> None:
        db.execute(
            "UPDATE budgeting_cycles SET phase = ?, version = ? WHERE id = ?",
            [event.phase, event.originator_version, str(event.originator_id)],
        )
        db.execute(
            "INSERT OR REPLACE INTO budgeting_phases VALUES (?, ?, ?, ?, ?)",
            [str(event.originator_id), event.phase, _at(event), event.actor, int(event.scheduled)],
        )

    # --- agencies ---------------------------------------------------------------------------

    @apply.register
    def _(self, event: Agency.Registered, db: Database) -> None:
        db.execute(
            "INSERT OR REPLACE INTO budgeting_agencies VALUES (?, ?, ?, ?)",
            [event.code, str(event.originator_id), event.name_zh, event.name_en],
        )

    @apply.register
    def _(self, event: Agency.ReviewerAdded, db: Database) -> None:
        db.execute(
            "INSERT OR IGNORE INTO budgeting_reviewers VALUES (?, ?)", [_agency_code(db, event), event.account_id]
        )

    @apply.register
    def _(self, event: Agency.ReviewerRemoved, db: Database) -> None:
        db.execute(
            "DELETE FROM budgeting_reviewers WHERE agency = ? AND account_id = ?",
            [_agency_code(db, event), event.account_id],
        )

    # --- proposals --------------------------------------------------------------------------

    @apply.register
    def _(self, event: Proposal.Submitted, db: Database) -> None:
        pid, at = str(event.originator_id), _at(event)
        db.execute(
            "INSERT INTO budgeting_proposals (id, cycle_id, area, title, description, place, category, cost, "
            "language, status, author, authors, submitted_at, updated_at, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
            [pid, str(event.cycle_id), event.area, event.title, event.description, event.place, event.category,
             event.cost, event.language, event.actor, json.dumps([event.actor]), at, at, event.originator_version],
        )  # fmt: skip
        self._version(db, event, 1)
        self._history(db, event, "submitted")

    @apply.register
    def _(self, event: Proposal.Edited, db: Database) -> None:
        db.execute(
            "UPDATE budgeting_proposals SET title = ?, description = ?, place = ?, category = ?, cost = ?, "
            "language = ?, edits = edits + 1 WHERE id = ?",
            [event.title, event.description, event.place, event.category, event.cost, event.language,
             str(event.originator_id)],
        )  # fmt: skip
        row = db.execute("SELECT edits FROM budgeting_proposals WHERE id = ?", [str(event.originator_id)]).fetchone()
        self._version(db, event, (row[0] if row else 0) + 1)
        self._touch(db, event)
        self._history(db, event, "edited")

    @apply.register
    def _(self, event: Proposal.Withdrawn, db: Database) -> None:
        self._status(db, event, "withdrawn")
        self._history(db, event, "withdrawn")

    @apply.register
    def _(self, event: Proposal.Hidden, db: Database) -> None:
        self._status(db, event, HIDDEN)
        db.execute("UPDATE budgeting_proposals SET hidden_reason = ? WHERE id = ?",
                   [event.reason, str(event.originator_id)])  # fmt: skip
        self._history(db, event, "hidden", event.reason)

    @apply.register
    def _(self, event: Proposal.Endorsed, db: Database) -> None:
        db.execute(
            "INSERT OR IGNORE INTO budgeting_endorsements VALUES (?, ?, ?)",
            [str(event.originator_id), event.actor, _at(event)],
        )
        self._count(db, str(event.originator_id))
        self._touch(db, event)

    @apply.register
    def _(self, event: Proposal.EndorsementWithdrawn, db: Database) -> None:
        db.execute(
            "DELETE FROM budgeting_endorsements WHERE proposal_id = ? AND person = ?",
            [str(event.originator_id), event.actor],
        )
        self._count(db, str(event.originator_id))
        self._touch(db, event)

    @apply.register
    def _(self, event: Proposal.SentToReview, db: Database) -> None:
        self._status(db, event, REVIEW)
        self._history(db, event, "sent_to_review", str(event.endorsements))

    @apply.register
    def _(self, event: Proposal.MergedInto, db: Database) -> None:
        self._status(db, event, MERGED)
        db.execute("UPDATE budgeting_proposals SET merged_into = ? WHERE id = ?",
                   [str(event.target_id), str(event.originator_id)])  # fmt: skip
        self._history(db, event, "merged_into", str(event.target_id))

    @apply.register
    def _(self, event: Proposal.Absorbed, db: Database) -> None:
        pid = str(event.originator_id)
        row = db.execute("SELECT authors FROM budgeting_proposals WHERE id = ?", [pid]).fetchone()
        authors = json.loads(row[0]) if row else []
        authors += [author for author in event.authors if author not in authors]
        db.execute("UPDATE budgeting_proposals SET authors = ? WHERE id = ?", [json.dumps(authors), pid])
        db.conn.executemany(
            "INSERT OR IGNORE INTO budgeting_endorsements VALUES (?, ?, ?)",
            [(pid, person, _at(event)) for person in event.endorsers],
        )
        self._count(db, pid)
        self._touch(db, event)
        self._history(db, event, "absorbed", str(event.source_id))

    @apply.register
    def _(self, event: Proposal.Assigned, db: Database) -> None:
        self._status(db, event, ASSIGNED)
        db.execute("UPDATE budgeting_proposals SET agency = ? WHERE id = ?", [event.agency, str(event.originator_id)])
        self._history(db, event, "assigned", event.agency)

    @apply.register
    def _(self, event: Proposal.Answered, db: Database) -> None:
        self._status(db, event, FEASIBLE if event.feasible else NOT_FEASIBLE)
        db.execute(
            "UPDATE budgeting_proposals SET feasible = ?, reviewed_cost = ?, duration_days = ?, review_reason = ?, "
            "reviewed_at = ? WHERE id = ?",
            [int(event.feasible), event.cost or None, event.duration_days or None, event.reason, _at(event),
             str(event.originator_id)],
        )  # fmt: skip
        self._history(db, event, "answered_feasible" if event.feasible else "answered_not_feasible")

    @apply.register
    def _(self, event: Proposal.NoteAdded, db: Database) -> None:
        db.execute(
            "INSERT INTO budgeting_notes (proposal_id, text, actor, at) VALUES (?, ?, ?, ?)",
            [str(event.originator_id), event.text, event.actor, _at(event)],
        )
        self._touch(db, event)

    @apply.register
    def _(self, event: Proposal.PutOnBallot, db: Database) -> None:
        self._status(db, event, ON_BALLOT)
        db.execute("UPDATE budgeting_proposals SET ballot_cost = ? WHERE id = ?",
                   [event.cost, str(event.originator_id)])  # fmt: skip
        self._history(db, event, "put_on_ballot", str(event.cost))

    # --- helpers ----------------------------------------------------------------------------

    def _status(self, db: Database, event: Any, status: str) -> None:
        db.execute("UPDATE budgeting_proposals SET status = ? WHERE id = ?", [status, str(event.originator_id)])
        self._touch(db, event)

    def _touch(self, db: Database, event: Any) -> None:
        db.execute(
            "UPDATE budgeting_proposals SET version = ?, updated_at = ? WHERE id = ?",
            [event.originator_version, _at(event), str(event.originator_id)],
        )

    def _count(self, db: Database, pid: str) -> None:
        db.execute(
            "UPDATE budgeting_proposals SET endorsements = "
            "(SELECT count(*) FROM budgeting_endorsements WHERE proposal_id = ?) WHERE id = ?",
            [pid, pid],
        )

    def _version(self, db: Database, event: Any, number: int) -> None:
        db.execute(
            "INSERT OR REPLACE INTO budgeting_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [str(event.originator_id), number, event.title, event.description, event.place, event.category,
             event.cost, event.actor, _at(event)],
        )  # fmt: skip

    def _history(self, db: Database, event: Any, kind: str, detail: str = "") -> None:
        db.execute(
            "INSERT INTO budgeting_history (proposal_id, event, actor, at, detail) VALUES (?, ?, ?, ?, ?)",
            [str(event.originator_id), kind, event.actor, _at(event), detail],
        )


def _at(event: Any) -> str:
    return str(event.timestamp.isoformat())


def _agency_code(db: Database, event: Any) -> str:
    row = db.execute("SELECT code FROM budgeting_agencies WHERE id = ?", [str(event.originator_id)]).fetchone()
    return str(row[0]) if row else ""
