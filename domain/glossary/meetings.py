"""Review meetings (審查會議): staff convene one, put terms on its agenda, and it decides each.

The meeting's own events are its minutes: who sat, what was on the agenda, every decision by
number. An imported list is recorded as a meeting of kind ``initial_list`` with one decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.glossary.errors import (
    AlreadyOnAgendaError,
    InitialListMeetingError,
    NotOnAgendaError,
)

REVIEW = "review"
INITIAL_LIST = "initial_list"
MEETING_KINDS = (REVIEW, INITIAL_LIST)

# Decision outcomes
APPROVE = "approve"
APPROVE_AMENDED = "approve_amended"
REJECT = "reject"
DEFER = "defer"
DEPRECATE = "deprecate"
SUPERSEDE = "supersede"
ADOPT_LIST = "adopt_list"
CORRECT = "correct"  # a later decision corrects the English an earlier one approved
OUTCOMES = (APPROVE, APPROVE_AMENDED, REJECT, DEFER, DEPRECATE, SUPERSEDE, ADOPT_LIST, CORRECT)


@dataclass(frozen=True)
class Decision:
    number: int
    outcome: str
    term_id: UUID | None  # None for an adopted list
    en: str = ""  # the English approved (approve, approve_amended)
    reason: str = ""  # why (reject, deprecate), in the meeting's own words
    superseded_by: UUID | None = None
    source: str = ""  # the imported file (adopt_list)
    term_count: int = 0  # how many terms the list approved (adopt_list)
    corrects: tuple[UUID, int] | None = None  # (meeting, decision number) a correction corrects


class Meeting(Aggregate):
    if TYPE_CHECKING:
        # Made at run time by @event from the methods below; named here for type checkers only.
        class Event(Aggregate.Event):
            actor: str

        class Convened(Event, Aggregate.Created):
            date: str
            members: list[str]
            title: str
            kind: str

        class AgendaItemAdded(Event):
            term_id: UUID

        class DecisionRecorded(Event):
            number: int
            term_id: UUID
            outcome: str
            en: str
            reason: str
            superseded_by: UUID | None

        class CorrectionRecorded(Event):
            number: int
            term_id: UUID
            en: str
            reason: str
            corrects_meeting_id: UUID
            corrects_number: int

        class ListAdopted(Event):
            number: int
            source: str
            term_count: int

    @event("Convened")
    def __init__(self, date: str, members: list[str], title: str, kind: str, actor: str) -> None:
        self.date = date  # ISO Gregorian date; ROC years are presentation only
        self.members = list(members)
        self.title = title
        self.kind = kind
        self.agenda: list[UUID] = []  # open items, in the order they were added
        self.decisions: list[Decision] = []

    @property
    def next_number(self) -> int:
        return len(self.decisions) + 1

    def add_to_agenda(self, term_id: UUID, actor: str) -> None:
        self._require_review()
        if term_id in self.agenda:
            raise AlreadyOnAgendaError(term_id, self.id)
        self._agenda_item_added(term_id, actor)

    @event("AgendaItemAdded")
    def _agenda_item_added(self, term_id: UUID, actor: str) -> None:
        self.agenda.append(term_id)

    def record_decision(
        self,
        term_id: UUID,
        outcome: str,
        actor: str,
        en: str = "",
        reason: str = "",
        superseded_by: UUID | None = None,
    ) -> int:
        """Records the next numbered decision on an open agenda item; returns its number."""
        self._require_review()
        if term_id not in self.agenda:
            raise NotOnAgendaError(term_id, self.id)
        number = self.next_number
        self._decision_recorded(number, term_id, outcome, en, reason, superseded_by, actor)
        return number

    @event("DecisionRecorded")
    def _decision_recorded(
        self,
        number: int,
        term_id: UUID,
        outcome: str,
        en: str,
        reason: str,
        superseded_by: UUID | None,
        actor: str,
    ) -> None:
        self.agenda.remove(term_id)
        self.decisions.append(Decision(number, outcome, term_id, en, reason, superseded_by))

    def record_correction(self, term_id: UUID, en: str, reason: str, corrects: tuple[UUID, int], actor: str) -> int:
        """Records a decision that corrects an earlier one (of this meeting or another); that one
        stays in its minutes as it was. Returns the new decision's number."""
        self._require_review()
        if term_id not in self.agenda:
            raise NotOnAgendaError(term_id, self.id)
        number = self.next_number
        self._correction_recorded(number, term_id, en, reason, corrects[0], corrects[1], actor)
        return number

    @event("CorrectionRecorded")
    def _correction_recorded(
        self, number: int, term_id: UUID, en: str, reason: str, corrects_meeting_id: UUID, corrects_number: int,
        actor: str,
    ) -> None:  # fmt: skip
        self.agenda.remove(term_id)
        corrects = (corrects_meeting_id, corrects_number)
        self.decisions.append(Decision(number, CORRECT, term_id, en, reason, corrects=corrects))

    def adopt_list(self, source: str, term_count: int, actor: str) -> int:
        if self.kind != INITIAL_LIST or self.decisions:
            raise InitialListMeetingError(self.id)
        self._list_adopted(1, source, term_count, actor)
        return 1

    @event("ListAdopted")
    def _list_adopted(self, number: int, source: str, term_count: int, actor: str) -> None:
        self.decisions.append(Decision(number, ADOPT_LIST, None, source=source, term_count=term_count))

    def _require_review(self) -> None:
        if self.kind != REVIEW:
            raise InitialListMeetingError(self.id)
