"""The ballot box: a log of its own, holding only ballots, which cannot be linked to voters.

Why a second log. Ballots live in their own eventsourcing application with its own recorder (on
SQLite its own file, ``data/ballots.db``; on PostgreSQL its own table, ``ballots_events``, with its
own notification sequence), so a ballot shares no sequence number with the verification, the
audit or any other event of the main log: nobody can line a ballot up with the account that was
active just before it.

What a ballot carries. Its id is a keyed hash (HMAC-SHA256 under ``CIVIC_BALLOT_KEY``) of the
cycle and the census entry, so that the box answers "has this person voted?" by looking the id up,
and a second ballot for one person conflicts in the store itself, on every node. Its events carry
the cycle, the area, the choices, the channel (online or paper), the polling station, an age band
and a receipt code, and nothing about the voter: no account id, census hash, name, number, birth
date or staff account, and no ``actor`` (the one documented exception to the event-log
convention). Their timestamps are coarsened to the day in Asia/Taipei: the order within a day is
the notification order alone, which the ``.pb`` export shuffles.

The last ballot counts. An online voter may change their ballot until voting closes
(``Changed``); a paper ballot entered at a station may replace an online one (``Replaced``, the
Estonian rule) or be refused, as the cycle says; a paper ballot is final.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate, event

from domain.eventlog import EventLog

CITY = ZoneInfo("Asia/Taipei")
ONLINE, PAPER = "online", "paper"
CHANNELS = (ONLINE, PAPER)
# Receipt codes: no 0/O, 1/I/L, 5/S or 8/B to misread when a voter copies one from a screen.
RECEIPT_ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"
RECEIPT_LENGTH = 10  # 26**10 ≈ 1.4e14: guessing a valid code among a million ballots is hopeless
MIN_KEY_BYTES = 16
# Age bands on the closing day, for turnout statistics: (lowest age, label); 70+ is the last.
AGE_BANDS = ((70, "70+"), (60, "60-69"), (50, "50-59"), (40, "40-49"), (30, "30-39"), (20, "20-29"), (0, "16-19"))


def age_band(age: int) -> str:
    """The band of an age: ``16-19`` for anyone under 20 (the youngest a cycle lets vote is its own)."""
    return next(label for lowest, label in AGE_BANDS if age >= lowest)


_UNBIASED = 256 - 256 % len(RECEIPT_ALPHABET)  # bytes below this map evenly onto the alphabet


def new_receipt() -> str:
    """``RECEIPT_LENGTH`` characters, each uniform over the alphabet, from the system's CSPRNG.

    Random bytes read a few at a time (one ``secrets.choice`` per character asked the system once
    each); a byte at or above ``_UNBIASED`` is thrown away, so that every character is equally likely.
    """
    chosen: list[str] = []
    while len(chosen) < RECEIPT_LENGTH:
        for byte in secrets.token_bytes(RECEIPT_LENGTH + 4):
            if byte < _UNBIASED and len(chosen) < RECEIPT_LENGTH:
                chosen.append(RECEIPT_ALPHABET[byte % len(RECEIPT_ALPHABET)])
    return "".join(chosen)


def normalize_receipt(text: str) -> str:
    """What a voter typed back: case, spaces and dashes do not matter."""
    return "".join(char for char in (text or "").upper() if char.isalnum())


def day_of(moment: datetime) -> datetime:
    """Midnight (Asia/Taipei) of the day ``moment`` falls on: all the box says about when."""
    local = moment.astimezone(CITY) if moment.tzinfo else moment.replace(tzinfo=CITY)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


class BallotKeys:
    """The secret that ballot ids are made with (``CIVIC_BALLOT_KEY``), kept apart from the census key."""

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"the ballot key must be at least {MIN_KEY_BYTES} bytes")
        self._keyed = hmac.new(key, digestmod=hashlib.sha256)

    def __repr__(self) -> str:
        return "BallotKeys(…)"

    def ballot_id(self, slug: str, person: str) -> UUID:
        """The id of a person's ballot in a cycle: one per census entry, whatever area it is cast in."""
        mac = self._keyed.copy()
        mac.update(b"ballot\0" + slug.encode() + b"\0" + person.encode())
        return UUID(bytes=mac.digest()[:16], version=4)

    # The binding (main log) must remember the voter's age band for the ballot's statistics, but
    # an age band in the clear beside an account would let a database reader line bindings up with
    # ballots by (area, age band). So the binding keeps only a keyed tag, which the service reads
    # back by trying the few bands under the key.
    def band_tag(self, slug: str, account: str, band: str) -> str:
        mac = self._keyed.copy()
        mac.update(b"band\0" + slug.encode() + b"\0" + account.encode() + b"\0" + band.encode())
        return mac.hexdigest()[:32]

    def band_of_tag(self, slug: str, account: str, tag: str) -> str:
        """The band a tag was made from; "" when none (a tag made under another key)."""
        return next((band for _, band in AGE_BANDS if hmac.compare_digest(self.band_tag(slug, account, band), tag)), "")


class Ballot(Aggregate):
    """One person's counted ballot in one cycle: the last choices they made, in one area."""

    class Event(Aggregate.Event):
        @staticmethod
        def create_timestamp() -> datetime:
            # Coarsened to the day: the box keeps no time of day a ballot could be matched by.
            return day_of(datetime.now(CITY))

    if TYPE_CHECKING:

        class Cast(Event, Aggregate.Created):
            cycle: str
            area: str
            choices: dict[str, int]
            channel: str
            station: str
            age_band: str
            receipt: str

        class Changed(Event):
            area: str
            choices: dict[str, int]
            receipt: str

        class Replaced(Event):
            area: str
            choices: dict[str, int]
            station: str
            receipt: str

    @event("Cast")
    def __init__(self, id: UUID, cycle: str, area: str, choices: dict[str, int], channel: str, station: str,
                 age_band: str, receipt: str) -> None:  # fmt: skip
        self.cycle = cycle
        self.area = area
        self.choices = dict(choices)
        self.channel = channel
        self.station = station
        self.age_band = age_band
        self.receipt = receipt
        self.changes = 0
        self.areas = [area]  # every area it has been cast in, first first (``other_area`` keeps to one)

    def change(self, area: str, choices: dict[str, int], receipt: str) -> None:
        """An online voter's new choices (the service refuses this once the ballot is on paper)."""
        self._changed(area, dict(choices), receipt)

    @event("Changed")
    def _changed(self, area: str, choices: dict[str, int], receipt: str) -> None:
        self.area, self.choices, self.receipt = area, choices, receipt
        self.changes += 1
        self._used(area)

    def replace_with_paper(self, area: str, choices: dict[str, int], station: str, receipt: str) -> None:
        """The paper ballot entered at a station is final: it replaces the online one."""
        self._replaced(area, dict(choices), station, receipt)

    @event("Replaced")
    def _replaced(self, area: str, choices: dict[str, int], station: str, receipt: str) -> None:
        self.area, self.choices, self.station, self.receipt = area, choices, station, receipt
        self.channel = PAPER
        self.changes += 1
        self._used(area)

    def _used(self, area: str) -> None:
        if area not in self.areas:
            self.areas.append(area)


class BallotBox(EventLog):
    """The ballot box's own log. Its name gives it its own PostgreSQL table (``ballots_events``)."""

    name = "ballots"

    def ballot(self, ballot_id: UUID) -> Ballot | None:
        return self.find(ballot_id, Ballot)
