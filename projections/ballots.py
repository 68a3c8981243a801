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
import sqlite3
from datetime import datetime
from functools import singledispatchmethod
from typing import Any

from sqlite_utils import Database

from domain.budgeting.ballot_box import CITY, PAPER, Ballot
from domain.budgeting.bindings import AccountBinding
from projections.runner import ViewBase

BALLOTS_SOURCE = "ballots"


BALLOT_COLUMNS = "ballot, cycle, area, choices, channel, station, age_band, changes"


class BallotsView(ViewBase):
    """Every person's counted ballot (latest choices) and every receipt code, from the ballot box.

    A page's events change rows held in memory; ``end_page`` writes them with three
    ``executemany`` calls (inside the runner's transaction): the rows the SQL per event made.
    """

    name = "ballots"
    version = 1
    source = BALLOTS_SOURCE
    topics = (Ballot.Cast, Ballot.Changed, Ballot.Replaced)
    # Read by the queries only: a build makes it after the rows (projections/runner.py).
    indexes = ("CREATE INDEX IF NOT EXISTS budgeting_ballots_area ON budgeting_ballots (cycle, area, ballot)",)

    def __init__(self) -> None:
        self._ballots: dict[str, list[Any] | None] = {}  # this page's rows (None: not in the box)
        self._cast: set[str] = set()  # ballots first cast in this page (the others are in the file)
        self._receipts: dict[str, list[Any]] = {}  # receipt → [cycle, receipt, ballot, current]
        self._current: dict[str, str] = {}  # ballot → its current receipt, made in this page
        self._superseded: set[str] = set()  # ballots whose current receipt in the file is no longer

    def create(self, db: Database) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_ballots (ballot TEXT PRIMARY KEY, cycle TEXT NOT NULL, "
            "area TEXT NOT NULL, choices TEXT NOT NULL, channel TEXT NOT NULL, station TEXT NOT NULL, "
            "age_band TEXT NOT NULL, changes INTEGER NOT NULL)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_receipts (cycle TEXT NOT NULL, receipt TEXT PRIMARY KEY, "
            "ballot TEXT NOT NULL, current INTEGER NOT NULL)"
        )
        # Read by ``end_page`` (a changed ballot's current receipt): made with the tables, in a build too.
        db.execute("CREATE INDEX IF NOT EXISTS budgeting_receipts_ballot ON budgeting_receipts (ballot, current)")

    def begin_page(self, db: Database) -> None:
        self._ballots, self._cast, self._receipts, self._current, self._superseded = {}, set(), {}, {}, set()

    def end_page(self, db: Database) -> None:
        rows = [(ballot, row) for ballot, row in self._ballots.items() if row is not None]
        db.conn.executemany(
            f"INSERT INTO budgeting_ballots ({BALLOT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [row for ballot, row in rows if ballot in self._cast],
        )
        db.conn.executemany(
            "UPDATE budgeting_ballots SET area = ?, choices = ?, channel = ?, station = ?, changes = ? WHERE ballot = ?",
            [(*row[2:6], row[7], ballot) for ballot, row in rows if ballot not in self._cast],
        )
        db.conn.executemany(
            "UPDATE budgeting_receipts SET current = 0 WHERE ballot = ? AND current = 1",
            [(ballot,) for ballot in self._superseded],
        )
        db.conn.executemany("INSERT INTO budgeting_receipts VALUES (?, ?, ?, ?)", list(self._receipts.values()))
        self.begin_page(db)

    @singledispatchmethod
    def apply(self, event: Any, db: Database) -> None:
        pass  # events of other kinds are never asked for

    @apply.register
    def _(self, event: Ballot.Cast, db: Database) -> None:
        ballot = str(event.originator_id)
        # Cast twice: refused, as the primary key refused it (in the file: the INSERT fails).
        if self._ballots.get(ballot) is not None:
            raise sqlite3.IntegrityError(f"UNIQUE constraint failed: budgeting_ballots.ballot ({ballot})")
        self._cast.add(ballot)
        self._ballots[ballot] = [
            ballot, event.cycle, event.area, json.dumps(event.choices), event.channel, event.station, event.age_band, 0,
        ]  # fmt: skip
        self._receipt(event.cycle, event.receipt, ballot)

    @apply.register
    def _(self, event: Ballot.Changed, db: Database) -> None:
        row = self._ballot(db, str(event.originator_id))
        if row is not None:  # a change of a ballot not in the box changes nothing
            row[2], row[3], row[7] = event.area, json.dumps(event.choices), row[7] + 1
            self._new_receipt(row, event.receipt)

    @apply.register
    def _(self, event: Ballot.Replaced, db: Database) -> None:
        row = self._ballot(db, str(event.originator_id))
        if row is not None:
            row[2], row[3], row[4], row[5] = event.area, json.dumps(event.choices), PAPER, event.station
            row[7] += 1
            self._new_receipt(row, event.receipt)

    def _ballot(self, db: Database, ballot: str) -> list[Any] | None:
        if ballot not in self._ballots:
            found = db.execute(f"SELECT {BALLOT_COLUMNS} FROM budgeting_ballots WHERE ballot = ?", [ballot]).fetchone()
            self._ballots[ballot] = list(found) if found else None
        return self._ballots[ballot]

    def _new_receipt(self, row: list[Any], receipt: str) -> None:
        ballot = row[0]
        made = self._current.get(ballot)
        if made is not None:
            self._receipts[made][3] = 0
        else:
            self._superseded.add(ballot)  # its current receipt is in the file
        self._receipt(row[1], receipt, ballot)

    def _receipt(self, cycle: str, receipt: str, ballot: str) -> None:
        if receipt in self._receipts:  # what the primary key refused, one row per event
            raise sqlite3.IntegrityError(f"UNIQUE constraint failed: budgeting_receipts.receipt ({receipt})")
        self._receipts[receipt] = [cycle, receipt, ballot, 1]
        self._current[ballot] = receipt


class BindingsView(ViewBase):
    """Who is bound in each cycle, and to which area: for staff, who may release a binding.

    A page's events change rows held in memory; ``end_page`` writes them in bulk.
    """

    name = "bindings"
    version = 1
    topics = (AccountBinding.Verified, AccountBinding.Reverified, AccountBinding.Released)
    # Read by the queries only: a build makes it after the rows (projections/runner.py).
    indexes = ("CREATE INDEX IF NOT EXISTS budgeting_bindings_area ON budgeting_bindings (cycle, area)",)

    def __init__(self) -> None:
        self._ids: dict[str, tuple[str, str] | None] = {}  # binding id → (cycle, account); None: unknown
        self._new_ids: list[tuple[str, str, str]] = []
        self._bindings: dict[tuple[str, str], tuple[str, str] | None] = {}  # → (area, day); None: released

    def create(self, db: Database) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_bindings (cycle TEXT NOT NULL, account TEXT NOT NULL, "
            "area TEXT NOT NULL, bound_on TEXT NOT NULL, PRIMARY KEY (cycle, account))"
        )
        # Which binding an event without the cycle and account in it (Reverified, Released) is about.
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_binding_ids (id TEXT PRIMARY KEY, cycle TEXT NOT NULL, "
            "account TEXT NOT NULL)"
        )

    def begin_page(self, db: Database) -> None:
        self._ids, self._new_ids, self._bindings = {}, [], {}

    def end_page(self, db: Database) -> None:
        db.conn.executemany("INSERT INTO budgeting_binding_ids VALUES (?, ?, ?)", self._new_ids)
        db.conn.executemany(
            "DELETE FROM budgeting_bindings WHERE cycle = ? AND account = ?",
            [key for key, bound in self._bindings.items() if bound is None],
        )
        db.conn.executemany(
            "INSERT OR REPLACE INTO budgeting_bindings VALUES (?, ?, ?, ?)",
            [(*key, *bound) for key, bound in self._bindings.items() if bound is not None],
        )
        self.begin_page(db)

    @singledispatchmethod
    def apply(self, event: Any, db: Database) -> None:
        pass

    @apply.register
    def _(self, event: AccountBinding.Verified, db: Database) -> None:
        binding = str(event.originator_id)
        # Verified twice: refused, as the primary key refused it (in the file: the INSERT fails).
        if self._ids.get(binding) is not None:
            raise sqlite3.IntegrityError(f"UNIQUE constraint failed: budgeting_binding_ids.id ({binding})")
        self._ids[binding] = (event.cycle, event.account)
        self._new_ids.append((binding, event.cycle, event.account))
        self._bound(event.cycle, event.account, event.area, event.timestamp)

    @apply.register
    def _(self, event: AccountBinding.Reverified, db: Database) -> None:
        row = self._binding(db, str(event.originator_id))
        if row is None:  # the lookup of a binding never verified failed, one row per event, too
            raise LookupError(f"binding {event.originator_id} was never verified")
        self._bound(row[0], row[1], event.area, event.timestamp)

    @apply.register
    def _(self, event: AccountBinding.Released, db: Database) -> None:
        row = self._binding(db, str(event.originator_id))
        if row is not None:  # releasing a binding never verified changes nothing
            self._bindings[row] = None

    def _binding(self, db: Database, binding: str) -> tuple[str, str] | None:
        if binding not in self._ids:
            found = db.execute("SELECT cycle, account FROM budgeting_binding_ids WHERE id = ?", [binding]).fetchone()
            self._ids[binding] = (found[0], found[1]) if found else None
        return self._ids[binding]

    def _bound(self, cycle: str, account: str, area: str, at: datetime) -> None:
        self._bindings[(cycle, account)] = (area, at.astimezone(CITY).date().isoformat())
