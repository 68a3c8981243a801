"""A proposal: what a resident asks for, its versions, who endorses it, and its review.

Status: published → review (endorsed past the cycle's threshold in time; staff may also send it)
→ assigned (to an agency) → feasible or not_feasible → on_ballot (feasible, put there by staff).
Any time before voting: withdrawn (by an author), hidden (by staff, with a public reason), merged
(into another proposal, which takes its authors and endorsements; each person counts once).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.budgeting.errors import (
    AlreadyEndorsedError,
    NotAuthorError,
    NotEndorsedError,
    OwnProposalError,
    ProposalStatusError,
)

PUBLISHED = "published"
REVIEW = "review"
ASSIGNED = "assigned"
FEASIBLE = "feasible"
NOT_FEASIBLE = "not_feasible"
ON_BALLOT = "on_ballot"
WITHDRAWN = "withdrawn"
HIDDEN = "hidden"
MERGED = "merged"
STATUSES = (PUBLISHED, REVIEW, ASSIGNED, FEASIBLE, NOT_FEASIBLE, ON_BALLOT, WITHDRAWN, HIDDEN, MERGED)
CLOSED = (WITHDRAWN, HIDDEN, MERGED)
ENDORSABLE = (PUBLISHED, REVIEW, ASSIGNED, FEASIBLE, NOT_FEASIBLE, ON_BALLOT)


@dataclass(frozen=True)
class Content:
    title: str
    description: str
    place: str
    category: str
    cost: int
    language: str  # "zh" or "en": the language the author wrote in


class Proposal(Aggregate):
    if TYPE_CHECKING:

        class Event(Aggregate.Event):
            actor: str

        class Submitted(Event, Aggregate.Created):
            cycle_id: UUID
            area: str
            title: str
            description: str
            place: str
            category: str
            cost: int
            language: str
            submitted_at: str

        class Edited(Event):
            title: str
            description: str
            place: str
            category: str
            cost: int
            language: str

        class Withdrawn(Event): ...

        class Hidden(Event):
            reason: str

        class Endorsed(Event): ...

        class EndorsementWithdrawn(Event): ...

        class SentToReview(Event):
            endorsements: int

        class MergedInto(Event):
            target_id: UUID

        class Absorbed(Event):
            source_id: UUID
            authors: list[str]
            endorsers: list[str]

        class Assigned(Event):
            agency: str

        class Answered(Event):
            feasible: bool
            cost: int
            duration_days: int
            reason: str

        class NoteAdded(Event):
            text: str

        class PutOnBallot(Event):
            cost: int

    @event("Submitted")
    def __init__(
        self, cycle_id: UUID, area: str, title: str, description: str, place: str, category: str, cost: int,
        language: str, submitted_at: str, actor: str,
    ) -> None:  # fmt: skip
        self.cycle_id = cycle_id
        self.submitted_at = submitted_at  # the city's local time (ISO): the threshold's days count from it
        self.area = area
        self.content = Content(title, description, place, category, cost, language)
        self.authors: list[str] = [actor]
        self.endorsers: dict[str, None] = {}  # account ids, in the order they endorsed
        self.status = PUBLISHED
        self.agency = ""
        self.merged_into: UUID | None = None
        self.reviewed_cost = 0
        self.ballot_cost = 0

    # --- authors ----------------------------------------------------------------------------

    def edit(self, content: Content, actor: str) -> None:
        self._require_author(actor)
        self._require_open("edit")
        if content != self.content:
            self._edited(content.title, content.description, content.place, content.category, content.cost,
                         content.language, actor)  # fmt: skip

    @event("Edited")
    def _edited(
        self, title: str, description: str, place: str, category: str, cost: int, language: str, actor: str
    ) -> None:
        self.content = Content(title, description, place, category, cost, language)

    def withdraw(self, actor: str) -> None:
        self._require_author(actor)
        self._require_open("withdraw")
        self._withdrawn(actor)

    @event("Withdrawn")
    def _withdrawn(self, actor: str) -> None:
        self.status = WITHDRAWN

    # --- endorsement ------------------------------------------------------------------------

    def endorse(self, actor: str, own_allowed: bool) -> None:
        if self.status not in ENDORSABLE:
            raise ProposalStatusError(self.id, self.status, "endorse")
        if actor in self.endorsers:
            raise AlreadyEndorsedError(self.id, actor)
        if actor in self.authors and not own_allowed:
            raise OwnProposalError(self.id)
        self._endorsed(actor)

    @event("Endorsed")
    def _endorsed(self, actor: str) -> None:
        self.endorsers.setdefault(actor, None)

    def withdraw_endorsement(self, actor: str) -> None:
        if actor not in self.endorsers:
            raise NotEndorsedError(self.id, actor)
        self._endorsement_withdrawn(actor)

    @event("EndorsementWithdrawn")
    def _endorsement_withdrawn(self, actor: str) -> None:
        self.endorsers.pop(actor, None)

    def send_to_review(self, actor: str) -> None:
        if self.status != PUBLISHED:
            raise ProposalStatusError(self.id, self.status, "send_to_review")
        self._sent_to_review(len(self.endorsers), actor)

    @event("SentToReview")
    def _sent_to_review(self, endorsements: int, actor: str) -> None:
        self.status = REVIEW

    # --- staff ------------------------------------------------------------------------------

    def hide(self, reason: str, actor: str) -> None:
        self._require_open("hide")
        self._hidden(reason, actor)

    @event("Hidden")
    def _hidden(self, reason: str, actor: str) -> None:
        self.status = HIDDEN

    def merge_into(self, target: Proposal, actor: str) -> None:
        """This proposal joins ``target``: its authors and endorsers go with it, each once."""
        if target.id == self.id or target.cycle_id != self.cycle_id or target.area != self.area:
            raise ProposalStatusError(self.id, self.status, "merge")
        self._require_open("merge")
        target._require_open("merge")
        self._merged_into(target.id, actor)
        target._absorbed(self.id, list(self.authors), sorted(self.endorsers), actor)

    @event("MergedInto")
    def _merged_into(self, target_id: UUID, actor: str) -> None:
        self.status = MERGED
        self.merged_into = target_id

    @event("Absorbed")
    def _absorbed(self, source_id: UUID, authors: list[str], endorsers: list[str], actor: str) -> None:
        self.authors.extend(author for author in authors if author not in self.authors)
        for person in endorsers:
            self.endorsers.setdefault(person, None)

    def assign(self, agency: str, actor: str) -> None:
        if self.status not in (REVIEW, ASSIGNED):
            raise ProposalStatusError(self.id, self.status, "assign")
        self._assigned(agency, actor)

    @event("Assigned")
    def _assigned(self, agency: str, actor: str) -> None:
        self.agency = agency
        self.status = ASSIGNED

    def answer(self, feasible: bool, cost: int, duration_days: int, reason: str, actor: str) -> None:
        if self.status not in (ASSIGNED, FEASIBLE, NOT_FEASIBLE):
            raise ProposalStatusError(self.id, self.status, "answer")
        self._answered(feasible, cost, duration_days, reason, actor)

    @event("Answered")
    def _answered(self, feasible: bool, cost: int, duration_days: int, reason: str, actor: str) -> None:
        self.status = FEASIBLE if feasible else NOT_FEASIBLE
        self.reviewed_cost = cost

    @event("NoteAdded")
    def add_note(self, text: str, actor: str) -> None:
        pass  # internal notes live in the read model, for staff and reviewers only

    def put_on_ballot(self, actor: str) -> None:
        if self.status != FEASIBLE:
            raise ProposalStatusError(self.id, self.status, "put_on_ballot")
        self._put_on_ballot(self.reviewed_cost, actor)

    @event("PutOnBallot")
    def _put_on_ballot(self, cost: int, actor: str) -> None:
        self.status = ON_BALLOT
        self.ballot_cost = cost

    # --- checks -----------------------------------------------------------------------------

    def _require_author(self, actor: str) -> None:
        if actor not in self.authors:
            raise NotAuthorError(self.id, actor)

    def _require_open(self, action: str) -> None:
        if self.status in CLOSED or self.status == ON_BALLOT:
            raise ProposalStatusError(self.id, self.status, action)
