"""Polling stations: the audit of the paper ballots staff enter there.

Kept in the main log, apart from the ballot box. An entry names the station and the staff member
and nothing of the ballot, so the audit trail tells who worked at which station and how many
ballots they entered, never whose ballot or which.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def station_audit_id(slug: str, station: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"civic:budgeting:station:{slug}:{station}")


class PollingStation(Aggregate):
    """The audit of paper ballots entered at a station: who entered one, never whose or which.

    Its events name the station and the staff member (``actor``) and nothing of the ballot: no
    ballot id, area, choices or receipt, so the main log cannot be joined to the ballot box.
    """

    if TYPE_CHECKING:

        class Event(Aggregate.Event):
            actor: str

        class Opened(Event, Aggregate.Created):
            cycle: str
            station: str

        class BallotEntered(Event):
            pass

    @event("Opened")
    def __init__(self, id: UUID, cycle: str, station: str, actor: str) -> None:
        self.cycle = cycle
        self.station = station
        self.entered = 0

    def ballot_entered(self, actor: str) -> None:
        self._ballot_entered(actor)

    @event("BallotEntered")
    def _ballot_entered(self, actor: str) -> None:
        self.entered += 1
