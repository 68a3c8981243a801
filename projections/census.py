"""The census read model: each cycle's entries (two hashes and a district) and counts per district.

One view, ``census``, fed by the Census events (domain/budgeting/census_book.py). A chunk event
carries up to 20,000 packed entries; each goes into ``budgeting_census`` with one
``executemany``, in the order of its primary key (the chunks are sorted by person), in a table
without rowid whose key is the table itself: a rebuild of a 2.7-million-entry census takes
seconds. The first chunk of an import drops the cycle's earlier entries (a new file replaces the
census); ``Imported`` sets the counts and the summary. The queries are in census_queries.py.
"""

from __future__ import annotations

from functools import singledispatchmethod
from itertools import repeat

from sqlite_utils import Database

from domain.budgeting.census import unpack_columns
from domain.budgeting.census_book import Census
from projections.runner import ViewBase


class CensusView(ViewBase):
    name = "census"
    version = 1
    topics = (Census.Event,)

    def create(self, db: Database) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_census (cycle TEXT NOT NULL, person TEXT NOT NULL, "
            "proof TEXT NOT NULL, district TEXT NOT NULL, PRIMARY KEY (cycle, person)) WITHOUT ROWID"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_census_districts (cycle TEXT NOT NULL, district TEXT NOT NULL, "
            "eligible INTEGER NOT NULL, PRIMARY KEY (cycle, district))"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_census_imports (cycle TEXT PRIMARY KEY, number INTEGER NOT NULL, "
            "digest TEXT NOT NULL, count INTEGER NOT NULL, file_name TEXT NOT NULL, actor TEXT NOT NULL, "
            "at TEXT NOT NULL)"
        )

    @singledispatchmethod
    def apply(self, event: object, db: Database) -> None:
        pass

    @apply.register
    def _(self, event: Census.Chunk, db: Database) -> None:
        if event.index == 0:
            db.execute("DELETE FROM budgeting_census WHERE cycle = ?", [event.cycle])
        persons, proofs, places = unpack_columns(event.entries, tuple(event.districts))
        db.conn.executemany(
            "INSERT INTO budgeting_census VALUES (?, ?, ?, ?)", zip(repeat(event.cycle), persons, proofs, places)
        )

    @apply.register
    def _(self, event: Census.Imported, db: Database) -> None:
        db.execute("DELETE FROM budgeting_census_districts WHERE cycle = ?", [event.cycle])
        db.conn.executemany(
            "INSERT INTO budgeting_census_districts VALUES (?, ?, ?)",
            [(event.cycle, district, count) for district, count in event.districts.items()],
        )
        db.execute(
            "INSERT OR REPLACE INTO budgeting_census_imports VALUES (?, ?, ?, ?, ?, ?, ?)",
            [event.cycle, event.number, event.digest, event.count, event.file_name, event.actor,
             event.timestamp.isoformat()],
        )  # fmt: skip
