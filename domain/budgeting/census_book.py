"""The census of each cycle in the log: staff import the city's file, the log keeps it as hashes.

A cycle's census is one aggregate (``Census``, its id from the slug). An import is recorded as
chunk events, each carrying up to ``CHUNK_ENTRIES`` entries packed in one compact string (see
census.py's ``pack``), then one ``Imported`` event with the file's digest, the count and the count
per district. Packed chunks, not an event per resident: 2.7 million entries are some 135 events,
so the log stays small and a rebuild of the census view reads 135 events, not millions.

- Every event of one import is saved in one ``log.record``: the census is the whole file or none.
- The same file again (same SHA-256) records nothing: ``Recorded(0, report)``.
- A different file before voting opens replaces the census: the read model drops the earlier
  entries at the new import's first chunk. Once voting opens, the census is locked like the
  areas (``CycleLockedError``): a new file then would move voters whose ballots are cast.
- Only staff import; the districts must be those of the cycle's areas.

Chunk events carry no ``actor``: they are the body of the ``Imported`` event recorded with them,
which names who imported, and the audit (which reads every event with an actor) need not decode
90 MB of hashes to list one import.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import RecordConflictError

from domain.accounts import STAFF, Accounts
from domain.budgeting.census import EMPTY_FILE, BadLine, CensusFileError, CensusKeys, CensusScan, pack, scan_census
from domain.budgeting.cycles import Cycle, cycle_id_for
from domain.budgeting.errors import ConcurrentChangeError, CycleLockedError, CycleNotFoundError
from domain.budgeting.service import city_now
from domain.eventlog import EventLog, Recorded

CHUNK_ENTRIES = 20_000  # entries per chunk event: some 880 kB of text each
READING, RECORDING = "reading", "recording"


def census_id_for(slug: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"civic:budgeting:census:{slug}")


@dataclass(frozen=True)
class CensusReport:
    """What an import did: how many entries per district, the file's digest, whether it was new."""

    cycle: str
    count: int
    districts: dict[str, int]
    digest: str
    number: int  # the import's number in this cycle (1: the first)
    unchanged: bool = False  # the same file as the census already recorded: nothing recorded


class Census(Aggregate):
    if TYPE_CHECKING:

        class Event(Aggregate.Event):
            pass

        class Opened(Event, Aggregate.Created):
            cycle: str
            actor: str

        class Chunk(Event):
            cycle: str
            number: int  # which import of this cycle the chunk belongs to
            index: int  # 0 for its first chunk: the read model then drops the earlier entries
            districts: list[str]  # the district table of the packed records
            entries: str

        class Imported(Event):
            cycle: str
            number: int
            digest: str
            count: int
            districts: dict[str, int]
            file_name: str
            actor: str

    @staticmethod
    def create_id(cycle: str, **_: object) -> UUID:
        return census_id_for(cycle)

    @event("Opened")
    def __init__(self, cycle: str, actor: str) -> None:
        self.cycle = cycle
        self.number = 0
        self.digest = ""
        self.count = 0
        self.districts: dict[str, int] = {}

    def load(self, scan: CensusScan, digest: str, file_name: str, actor: str) -> None:
        """The scanned file becomes the census: its chunks (sorted by person), then ``Imported``.

        Sorted by person: the entries leave no trace of the file's order, and the read model
        inserts them in its key's order, the fastest way into a B-tree.
        """
        number = self.number + 1
        records = sorted(scan.records)
        table = list(scan.districts)
        for index, start in enumerate(range(0, len(records), CHUNK_ENTRIES)):
            self._chunk(self.cycle, number, index, table, pack(records[start : start + CHUNK_ENTRIES]))
        self._imported(self.cycle, number, digest, len(records), dict(scan.counts), file_name, actor)

    @event("Chunk")
    def _chunk(self, cycle: str, number: int, index: int, districts: list[str], entries: str) -> None:
        pass  # the entries live in the read model; the aggregate keeps only the summary

    @event("Imported")
    def _imported(self, cycle: str, number: int, digest: str, count: int, districts: dict[str, int],
                  file_name: str, actor: str) -> None:  # fmt: skip
        self.number, self.digest, self.count, self.districts = number, digest, count, districts


class CensusBook:
    """Imports a cycle's census. ``today`` (the city's date) is given by tests; else the clock.

    ``keys`` hash the numbers: ``CensusKeys(Settings.national_id_key())``.
    """

    def __init__(self, log: EventLog, accounts: Accounts, keys: CensusKeys | None = None) -> None:
        self.log = log
        self.accounts = accounts
        self.keys = keys

    def import_census(
        self, slug: str, data: bytes, actor: str, progress: Callable[[str, int, int], None] | None = None,
        today: date | None = None, file_name: str = "",
    ) -> Recorded:  # fmt: skip
        """Checks, hashes and records the whole file; CensusFileError names every bad line.

        ``progress(stage, done, total)``: stage ``reading`` (lines of the file), then ``recording``.
        """
        self.accounts.require(actor, STAFF)
        keys = self.keys
        if keys is None:
            raise ValueError("the census needs the ID hash keys")
        moment = city_now() if today is None else datetime.combine(today, time())
        cycle = self.log.find(cycle_id_for(slug), Cycle)
        if cycle is None:
            raise CycleNotFoundError(slug)
        if cycle.is_locked(moment):
            raise CycleLockedError(slug)
        digest = hashlib.sha256(data).hexdigest()
        census = self.log.find(census_id_for(slug), Census)
        if census is not None and census.digest == digest:
            report = CensusReport(slug, census.count, census.districts, digest, census.number, unchanged=True)
            return Recorded(0, report)
        districts = [district for area in cycle.spec.areas for district in area.districts]

        def reading(done: int, total: int) -> None:
            if progress is not None:
                progress(READING, done, total)

        scan = scan_census(data, keys, districts, moment.date(), reading)
        if not scan.records:
            raise CensusFileError([BadLine(1, EMPTY_FILE)])  # a census of no one would turn everyone away
        if progress is not None:
            progress(RECORDING, 0, len(scan.records))
        census = census or Census(cycle=slug, actor=actor)
        census.load(scan, digest, file_name, actor)
        try:
            position = self.log.record(census)
        except RecordConflictError:
            raise ConcurrentChangeError((census.id,)) from None
        if progress is not None:
            progress(RECORDING, len(scan.records), len(scan.records))
        return Recorded(position, CensusReport(slug, census.count, census.districts, digest, census.number))
