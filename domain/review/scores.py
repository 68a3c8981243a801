"""One member's score of one entry in one round: the id is made of those, so there is one.

Revisions are events of the same aggregate, each with its reason, so every earlier score stays in
the log. Whether the round is open, whether the member may score the entry (recusal, assignment)
and the ranges are the service's to check, with the call and the panel at hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event


def score_id_for(call_id: UUID, round_number: int, member: str, entry_id: UUID) -> UUID:
    return uuid5(NAMESPACE_URL, f"civic:review:score:{call_id}:{round_number}:{member}:{entry_id}")


class Score(Aggregate):
    if TYPE_CHECKING:

        class Event(Aggregate.Event):
            actor: str

        class Given(Event, Aggregate.Created):
            call_id: UUID
            round: int
            entry_id: UUID
            scores: dict[str, int]
            comment: str
            note: str

        class Revised(Event):
            scores: dict[str, int]
            comment: str
            note: str
            reason: str

    @staticmethod
    def create_id(call_id: UUID, round: int, entry_id: UUID, actor: str, **_: object) -> UUID:
        return score_id_for(call_id, round, actor, entry_id)

    @event("Given")
    def __init__(self, call_id: UUID, round: int, entry_id: UUID, scores: dict[str, int], comment: str,
                 note: str, actor: str) -> None:  # fmt: skip
        self.call_id = call_id
        self.round = round
        self.entry_id = entry_id
        self.member = actor
        self.scores = scores
        self.comment = comment
        self.note = note
        self.revisions = 0

    @event("Revised")
    def revise(self, scores: dict[str, int], comment: str, note: str, reason: str, actor: str) -> None:
        self.scores = scores
        self.comment = comment
        self.note = note
        self.revisions += 1

    def total(self) -> int:
        return sum(self.scores.values())
