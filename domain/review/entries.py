"""An entry to a call: submitted by agency staff, edited until the window closes, screened twice.

Attachments (PDF) are kept in the log as events, each within a size limit: the platform has no
file store, and an entry's papers must survive a rebuild like everything else. The first screen:
two screeners each decide pass, pass with revision, or fail (a reason required for fail); a
screener may change their own decision while screening lasts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.review.refusals import NotSubmitterError, ScreeningFullError

PASS, REVISE, FAIL = "pass", "revise", "fail"
DECISIONS = (PASS, REVISE, FAIL)
SCREENERS_PER_ENTRY = 2


class Entry(Aggregate):
    if TYPE_CHECKING:

        class Event(Aggregate.Event):
            actor: str

        class Submitted(Event, Aggregate.Created):
            call_id: UUID
            title: str
            agency: str
            team: str
            summary: str
            benefits: str

        class Edited(Event):
            title: str
            agency: str
            team: str
            summary: str
            benefits: str

        class AttachmentAdded(Event):
            name: str
            size: int
            sha256: str
            content: str  # base64

        class Screened(Event):
            decision: str
            reason: str

    @event("Submitted")
    def __init__(self, call_id: UUID, title: str, agency: str, team: str, summary: str, benefits: str,
                 actor: str) -> None:  # fmt: skip
        self.call_id = call_id
        self.submitter = actor
        self.title = title
        self.agency = agency
        self.team = team
        self.summary = summary
        self.benefits = benefits
        self.attachments: list[dict[str, Any]] = []
        self.screenings: dict[str, dict[str, str]] = {}

    def require_submitter(self, actor: str) -> None:
        if actor != self.submitter:
            raise NotSubmitterError(self.id, actor)

    def edit(self, title: str, agency: str, team: str, summary: str, benefits: str, actor: str) -> None:
        self.require_submitter(actor)
        self._edited(title, agency, team, summary, benefits, actor)

    @event("Edited")
    def _edited(self, title: str, agency: str, team: str, summary: str, benefits: str, actor: str) -> None:
        self.title, self.agency, self.team, self.summary, self.benefits = title, agency, team, summary, benefits

    def attach(self, name: str, size: int, sha256: str, content: str, actor: str) -> None:
        self.require_submitter(actor)
        self._attached(name, size, sha256, content, actor)

    @event("AttachmentAdded")
    def _attached(self, name: str, size: int, sha256: str, content: str, actor: str) -> None:
        self.attachments.append({"name": name, "size": size, "sha256": sha256, "content": content})

    def screen(self, decision: str, reason: str, actor: str) -> None:
        if actor not in self.screenings and len(self.screenings) >= SCREENERS_PER_ENTRY:
            raise ScreeningFullError(self.id)
        self._screened(decision, reason, actor)

    @event("Screened")
    def _screened(self, decision: str, reason: str, actor: str) -> None:
        self.screenings[actor] = {"decision": decision, "reason": reason}

    def passed_screening(self) -> bool:
        """Both screeners passed it (with or without revision)."""
        decisions = [s["decision"] for s in self.screenings.values()]
        return len(decisions) == SCREENERS_PER_ENTRY and FAIL not in decisions
