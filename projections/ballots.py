"""Ballot read models: the ballot box's contents, and who has verified for a cycle.

``ballots`` follows the ballot box (``source = "ballots"``), not the main log: one row per ballot
(the last choices a person made; the keyed ballot id is all that names it) and one row per receipt
code ever shown, the current one marked. Its position counts in the ballot box's sequence.

``bindings`` follows the main log: which account is bound in which cycle and area, for staff who
release a binding. It holds no number, census hash or ballot.

The queries are in ballot_queries.py.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import singledispatchmethod
from typing import Any

from sqlite_utils import Database

from domain.budgeting.ballot_box import CITY, PAPER, Ballot
from domain.budgeting.bindings import AccountBinding
from projections.runner import ViewBase

BALLOTS_SOURCE = "ballots"


class BallotsView(ViewBase):
    """Every person's counted ballot (latest choices) and every receipt code, from the ballot box."""

    name = "ballots"
    version = 1
    source = BALLOTS_SOURCE
    topics = (Ballot.Cast, Ballot.Changed, Ballot.Replaced)

    def create(self, db: Database) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_ballots (ballot TEXT PRIMARY KEY, cycle TEXT NOT NULL, "
            "area TEXT NOT NULL, choices TEXT NOT NULL, channel TEXT NOT NULL, station TEXT NOT NULL, "
            "age_band TEXT NOT NULL, changes INTEGER NOT NULL)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS budgeting_ballots_area ON budgeting_ballots (cycle, area, ballot)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_receipts (cycle TEXT NOT NULL, receipt TEXT PRIMARY KEY, "
            "ballot TEXT NOT NULL, current INTEGER NOT NULL)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS budgeting_receipts_ballot ON budgeting_receipts (ballot, current)")

    @singledispatchmethod
    def apply(self, event: Any, db: Database) -> None:
        pass  # events of other kinds are never asked for

    @apply.register
    def _(self, event: Ballot.Cast, db: Database) -> None:
        ballot = str(event.originator_id)
        db.execute(
            "INSERT INTO budgeting_ballots VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
            [ballot, event.cycle, event.area, json.dumps(event.choices), event.channel, event.station, event.age_band],
        )
        db.execute("INSERT INTO budgeting_receipts VALUES (?, ?, ?, 1)", [event.cycle, event.receipt, ballot])

    @apply.register
    def _(self, event: Ballot.Changed, db: Database) -> None:
        ballot = str(event.originator_id)
        db.execute(
            "UPDATE budgeting_ballots SET area = ?, choices = ?, changes = changes + 1 WHERE ballot = ?",
            [event.area, json.dumps(event.choices), ballot],
        )
        self._new_receipt(db, ballot, event.receipt)

    @apply.register
    def _(self, event: Ballot.Replaced, db: Database) -> None:
        ballot = str(event.originator_id)
        db.execute(
            "UPDATE budgeting_ballots SET area = ?, choices = ?, channel = ?, station = ?, changes = changes + 1 "
            "WHERE ballot = ?",
            [event.area, json.dumps(event.choices), PAPER, event.station, ballot],
        )
        self._new_receipt(db, ballot, event.receipt)

    @staticmethod
    def _new_receipt(db: Database, ballot: str, receipt: str) -> None:
        db.execute("UPDATE budgeting_receipts SET current = 0 WHERE ballot = ? AND current = 1", [ballot])
        db.execute(
            "INSERT INTO budgeting_receipts SELECT cycle, ?, ballot, 1 FROM budgeting_ballots WHERE ballot = ?",
            [receipt, ballot],
        )


class BindingsView(ViewBase):
    """Who is bound in each cycle, and to which area: for staff, who may release a binding."""

    name = "bindings"
    version = 1
    topics = (AccountBinding.Verified, AccountBinding.Reverified, AccountBinding.Released)

    def create(self, db: Database) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_bindings (cycle TEXT NOT NULL, account TEXT NOT NULL, "
            "area TEXT NOT NULL, bound_on TEXT NOT NULL, PRIMARY KEY (cycle, account))"
        )
        db.execute("CREATE INDEX IF NOT EXISTS budgeting_bindings_area ON budgeting_bindings (cycle, area)")
        # Which binding an event without the cycle and account in it (Reverified, Released) is about.
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_binding_ids (id TEXT PRIMARY KEY, cycle TEXT NOT NULL, "
            "account TEXT NOT NULL)"
        )

    @singledispatchmethod
    def apply(self, event: Any, db: Database) -> None:
        pass

    @apply.register
    def _(self, event: AccountBinding.Verified, db: Database) -> None:
        db.execute(
            "INSERT INTO budgeting_binding_ids VALUES (?, ?, ?)", [str(event.originator_id), event.cycle, event.account]
        )
        self._bound(db, event.cycle, event.account, event.area, event.timestamp)

    @apply.register
    def _(self, event: AccountBinding.Reverified, db: Database) -> None:
        row = db.execute(
            "SELECT cycle, account FROM budgeting_binding_ids WHERE id = ?", [str(event.originator_id)]
        ).fetchone()
        self._bound(db, row[0], row[1], event.area, event.timestamp)

    @apply.register
    def _(self, event: AccountBinding.Released, db: Database) -> None:
        db.execute(
            "DELETE FROM budgeting_bindings WHERE (cycle, account) IN "
            "(SELECT cycle, account FROM budgeting_binding_ids WHERE id = ?)",
            [str(event.originator_id)],
        )

    @staticmethod
    def _bound(db: Database, cycle: str, account: str, area: str, at: datetime) -> None:
        day = at.astimezone(CITY).date().isoformat()
        db.execute("INSERT OR REPLACE INTO budgeting_bindings VALUES (?, ?, ?, ?)", [cycle, account, area, day])
