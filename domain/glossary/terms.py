"""A term is one place: its Chinese name, the approved English, variants, and how it got there.

Status: proposed → under_review (on a meeting's agenda) → approved or rejected;
approved → superseded (a newer decision names another term for the place) or deprecated.
An approved term can carry a proposed change (new English, variants, notes) through a meeting
while it stays approved; when the change is approved, the old English stays on as a historic
variant. Every decision records the meeting and the decision number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.glossary.errors import (
    ChangePendingError,
    NotOnAgendaError,
    TermStatusError,
)
from domain.glossary.limits import MAX_KEPT_VARIANTS
from domain.glossary.names import HISTORIC, Variant, term_id_for, variants_from

PROPOSED = "proposed"
UNDER_REVIEW = "under_review"
APPROVED = "approved"
REJECTED = "rejected"
SUPERSEDED = "superseded"
DEPRECATED = "deprecated"
STATUSES = (PROPOSED, UNDER_REVIEW, APPROVED, REJECTED, SUPERSEDED, DEPRECATED)


@dataclass(frozen=True)
class Candidate:
    """English waiting for a decision: a new term's proposal or a change to an approved one."""

    en: str
    variants: tuple[Variant, ...]
    notes: str
    proposed_by: str


class Term(Aggregate):
    if TYPE_CHECKING:
        # eventsourcing's @event makes these classes at run time, from the decorated methods (their
        # topics are part of the stored history). Named here for type checkers only.
        class Event(Aggregate.Event):
            actor: str

        class Proposed(Event, Aggregate.Created):
            zh: str
            category: str
            district: str
            en: str
            variants: list[dict[str, str]]
            notes: str
            code: str
            sources: list[str]

        class ProposedAgain(Event):
            en: str
            variants: list[dict[str, str]]
            notes: str

        class ChangeProposed(ProposedAgain): ...

        class PutOnAgenda(Event):
            meeting_id: UUID

        class Decided(Event):
            meeting_id: UUID
            decision_number: int

        class Approved(Decided):
            en: str
            amended: bool
            variants: list[dict[str, str]]
            notes: str

        class Rejected(Decided):
            reason: str

        class Deferred(Decided): ...

        class Deprecated(Decided):
            reason: str

        class Superseded(Decided):
            by_term_id: UUID

        class Corrected(Decided):
            en: str
            reason: str
            variants: list[dict[str, str]]
            corrects_meeting_id: UUID
            corrects_number: int

    @staticmethod
    def create_id(zh: str, category: str, district: str, **_: object) -> UUID:
        return term_id_for(zh, category, district)

    @event("Proposed")
    def __init__(
        self,
        zh: str,
        category: str,
        district: str,
        en: str,
        variants: list[dict[str, str]],
        notes: str,
        code: str,
        sources: list[str],
        actor: str,
    ) -> None:
        self.zh = zh
        self.category = category
        self.district = district
        self.code = code
        self.sources = list(sources)
        self.en = ""  # the approved English; empty until a decision approves one
        self.variants: tuple[Variant, ...] = ()
        self.notes = ""
        self.status = PROPOSED
        self.candidate: Candidate | None = Candidate(en, variants_from(variants), notes, actor)
        self.agenda_meeting_id: UUID | None = None
        self.approved_by: tuple[UUID, int] | None = None  # (meeting, decision number)
        self.superseded_by: UUID | None = None

    class Imported(Aggregate.Created):  # an Event with ``actor`` like the others
        """A term approved by an imported list: proposal and approval in one event.

        Imports bring thousands of terms; one event each halves the work of saving and projecting.
        """

        zh: str
        category: str
        district: str
        en: str
        variants: list[dict[str, str]]
        notes: str
        code: str
        sources: list[str]
        meeting_id: UUID
        decision_number: int
        actor: str

        def apply(self, term: Term) -> None:
            # __init__ has made the term a proposal of this English; the list approves it.
            term.en = self.en
            term.variants = variants_from(self.variants)
            term.notes = self.notes
            term.status = APPROVED
            term.candidate = None
            term.approved_by = (self.meeting_id, self.decision_number)

    @classmethod
    def imported(
        cls,
        zh: str,
        category: str,
        district: str,
        en: str,
        variants: list[dict[str, str]],
        notes: str,
        code: str,
        sources: list[str],
        meeting_id: UUID,
        decision_number: int,
        actor: str,
    ) -> Term:
        return cls._create(
            cls.Imported, zh=zh, category=category, district=district, en=en, variants=variants, notes=notes,
            code=code, sources=sources, meeting_id=meeting_id, decision_number=decision_number, actor=actor,
        )  # fmt: skip

    # --- translators ----------------------------------------------------------------------

    def propose_again(self, en: str, variants: list[dict[str, str]], notes: str, actor: str) -> None:
        """A rejected term can be proposed again, with new English."""
        self._require(REJECTED, action="propose_again")
        self._proposed_again(en, variants, notes, actor)

    @event("ProposedAgain")
    def _proposed_again(self, en: str, variants: list[dict[str, str]], notes: str, actor: str) -> None:
        self.status = PROPOSED
        self.candidate = Candidate(en, variants_from(variants), notes, actor)

    def propose_change(self, en: str, variants: list[dict[str, str]], notes: str, actor: str) -> None:
        self._require(APPROVED, action="propose_change")
        if self.candidate is not None:
            raise ChangePendingError(self.id)
        self._change_proposed(en, variants, notes, actor)

    @event("ChangeProposed")
    def _change_proposed(self, en: str, variants: list[dict[str, str]], notes: str, actor: str) -> None:
        self.candidate = Candidate(en, variants_from(variants), notes, actor)

    # --- meetings ---------------------------------------------------------------------------

    def put_on_agenda(self, meeting_id: UUID, actor: str) -> None:
        """Proposed terms go on an agenda; so do approved ones (a change, or to retire them)."""
        if self.status not in (PROPOSED, APPROVED) or self.agenda_meeting_id is not None:
            raise TermStatusError(self.id, self.status, "put_on_agenda")
        self._put_on_agenda(meeting_id, actor)

    @event("PutOnAgenda")
    def _put_on_agenda(self, meeting_id: UUID, actor: str) -> None:
        self.agenda_meeting_id = meeting_id
        if self.status == PROPOSED:
            self.status = UNDER_REVIEW

    def approve(self, meeting_id: UUID, decision_number: int, actor: str, amended_en: str = "") -> str:
        """Approves the candidate English, or ``amended_en`` when the meeting amends it."""
        self._require_on_agenda(meeting_id, needs_candidate=True)
        return self._approve(meeting_id, decision_number, actor, amended_en)

    def _approve(self, meeting_id: UUID, decision_number: int, actor: str, amended_en: str) -> str:
        assert self.candidate is not None
        candidate = self.candidate
        en = amended_en or candidate.en
        kept = {variant.text: variant for variant in self.variants}
        if self.en and self.en != en:
            kept[self.en] = Variant(self.en, HISTORIC)  # the former approved English stays findable
        kept.update({variant.text: variant for variant in candidate.variants})
        kept.pop(en, None)  # a variant that becomes the approved form is no longer a variant
        # Oldest first: past the bound the oldest go (the term's history still has them), so that
        # a term changed again and again does not carry an ever longer list in every event.
        variants = list(kept.values())[-MAX_KEPT_VARIANTS:]
        self._approved(
            en=en,
            amended=bool(amended_en and amended_en != candidate.en),
            variants=[variant.to_dict() for variant in variants],
            notes=candidate.notes or self.notes,
            meeting_id=meeting_id,
            decision_number=decision_number,
            actor=actor,
        )
        return en

    @event("Approved")
    def _approved(
        self,
        en: str,
        amended: bool,
        variants: list[dict[str, str]],
        notes: str,
        meeting_id: UUID,
        decision_number: int,
        actor: str,
    ) -> None:
        """Carries the variants and notes that result, so readers need no rules of their own."""
        self.en = en
        self.variants = variants_from(variants)
        self.notes = notes
        self.status = APPROVED
        self.candidate = None
        self.agenda_meeting_id = None
        self.approved_by = (meeting_id, decision_number)

    def reject(self, meeting_id: UUID, decision_number: int, reason: str, actor: str) -> None:
        """Rejects a new term, or only the proposed change of an approved one."""
        self._require_on_agenda(meeting_id, needs_candidate=True)
        self._rejected(reason, meeting_id, decision_number, actor)

    @event("Rejected")
    def _rejected(self, reason: str, meeting_id: UUID, decision_number: int, actor: str) -> None:
        if self.status == UNDER_REVIEW:
            self.status = REJECTED
        self.candidate = None
        self.agenda_meeting_id = None

    def defer(self, meeting_id: UUID, decision_number: int, actor: str) -> None:
        """Takes the term off this agenda, unchanged, for a later meeting."""
        self._require_on_agenda(meeting_id, needs_candidate=False)
        self._deferred(meeting_id, decision_number, actor)

    @event("Deferred")
    def _deferred(self, meeting_id: UUID, decision_number: int, actor: str) -> None:
        if self.status == UNDER_REVIEW:
            self.status = PROPOSED
        self.agenda_meeting_id = None

    def deprecate(self, meeting_id: UUID, decision_number: int, reason: str, actor: str) -> None:
        self._require(APPROVED, action="deprecate")
        self._require_on_agenda(meeting_id, needs_candidate=False)
        self._deprecated(reason, meeting_id, decision_number, actor)

    @event("Deprecated")
    def _deprecated(self, reason: str, meeting_id: UUID, decision_number: int, actor: str) -> None:
        self.status = DEPRECATED
        self.candidate = None
        self.agenda_meeting_id = None

    def supersede(self, by_term_id: UUID, meeting_id: UUID, decision_number: int, actor: str) -> None:
        """Another (approved) term now names this place; the service checks that one."""
        self._require(APPROVED, action="supersede")
        self._require_on_agenda(meeting_id, needs_candidate=False)
        self._superseded(by_term_id, meeting_id, decision_number, actor)

    @event("Superseded")
    def _superseded(self, by_term_id: UUID, meeting_id: UUID, decision_number: int, actor: str) -> None:
        self.status = SUPERSEDED
        self.superseded_by = by_term_id
        self.candidate = None
        self.agenda_meeting_id = None

    def correct(self, meeting_id: UUID, decision_number: int, en: str, reason: str, actor: str) -> tuple[UUID, int]:
        """A later decision corrects the approved English; returns the decision it corrects.

        The earlier decision is not changed: the term's history and both meetings' minutes keep
        it. The English it approved was published, so it stays on as a historic variant.
        """
        self._require(APPROVED, action="correct")
        self._require_on_agenda(meeting_id, needs_candidate=False)
        if self.candidate is not None or self.approved_by is None:
            raise TermStatusError(self.id, self.status, "correct")
        corrects = self.approved_by
        kept = {variant.text: variant for variant in self.variants}
        if self.en != en:
            kept[self.en] = Variant(self.en, HISTORIC)
        kept.pop(en, None)
        variants = [variant.to_dict() for variant in list(kept.values())[-MAX_KEPT_VARIANTS:]]
        self._corrected(en, reason, variants, corrects[0], corrects[1], meeting_id, decision_number, actor)
        return corrects

    @event("Corrected")
    def _corrected(
        self, en: str, reason: str, variants: list[dict[str, str]], corrects_meeting_id: UUID, corrects_number: int,
        meeting_id: UUID, decision_number: int, actor: str,
    ) -> None:  # fmt: skip
        self.en = en
        self.variants = variants_from(variants)
        self.agenda_meeting_id = None
        self.approved_by = (meeting_id, decision_number)

    # --- checks -----------------------------------------------------------------------------

    def _require(self, status: str, action: str) -> None:
        if self.status != status:
            raise TermStatusError(self.id, self.status, action)

    def _require_on_agenda(self, meeting_id: UUID, needs_candidate: bool) -> None:
        if self.agenda_meeting_id != meeting_id:
            raise NotOnAgendaError(self.id, meeting_id)
        if needs_candidate and self.candidate is None:
            raise TermStatusError(self.id, self.status, "decide_without_proposal")
