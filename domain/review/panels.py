"""A call's review panel (複審評審小組): members, the chair (召集人), conflicts and assignment.

One panel per call (its id derives from the call's slug). Members are internal, with their
agency, or external experts; each gets a code (M1, M2...) in the order appointed, which is how
score sheets name them. A member is recused from every entry of their own agency without anyone
asking, and declares any other conflict; recused members never score, and never see the scores
or comments of, those entries. Assignment: ``all`` (every member scores every entry they are not
recused from) or ``balanced`` (k members per entry, spread evenly; see ``balanced``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.review.refusals import AlreadyMemberError

INTERNAL, EXTERNAL = "internal", "external"
ALL, BALANCED = "all", "balanced"
OWN_AGENCY, DECLARED = "own_agency", "declared"


def panel_id_for(slug: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"civic:review:panel:{slug}")


class Panel(Aggregate):
    if TYPE_CHECKING:

        class Event(Aggregate.Event):
            actor: str

        class Formed(Event, Aggregate.Created):
            slug: str
            call_id: UUID

        class MemberAppointed(Event):
            account_id: str
            code: str
            name: str
            kind: str
            agency: str
            chair: bool

        class ConflictDeclared(Event):
            account_id: str
            entry_id: str
            reason: str

        class AssignmentSet(Event):
            mode: str
            per_entry: int
            assignments: dict[str, list[str]]

    @staticmethod
    def create_id(slug: str, **_: object) -> UUID:
        return panel_id_for(slug)

    @event("Formed")
    def __init__(self, slug: str, call_id: UUID, actor: str) -> None:
        self.slug = slug
        self.call_id = call_id
        self.members: dict[str, dict[str, Any]] = {}
        self.conflicts: dict[str, set[str]] = {}
        self.mode = ALL
        self.per_entry = 0
        self.assignments: dict[str, list[str]] = {}

    def appoint(self, account_id: str, name: str, kind: str, agency: str, chair: bool, actor: str) -> None:
        if account_id in self.members:
            raise AlreadyMemberError(self.slug, account_id)
        self._appointed(account_id, f"M{len(self.members) + 1}", name, kind, agency, chair, actor)

    @event("MemberAppointed")
    def _appointed(self, account_id: str, code: str, name: str, kind: str, agency: str, chair: bool,
                   actor: str) -> None:  # fmt: skip
        if chair:  # one chair: appointing a new one replaces the old
            for member in self.members.values():
                member["chair"] = False
        self.members[account_id] = {"code": code, "name": name, "kind": kind, "agency": agency, "chair": chair}

    def declare_conflict(self, account_id: str, entry_id: str, reason: str, actor: str) -> None:
        if entry_id not in self.conflicts.get(account_id, set()):
            self._declared(account_id, entry_id, reason, actor)

    @event("ConflictDeclared")
    def _declared(self, account_id: str, entry_id: str, reason: str, actor: str) -> None:
        self.conflicts.setdefault(account_id, set()).add(entry_id)

    @event("AssignmentSet")
    def set_assignment(self, mode: str, per_entry: int, assignments: dict[str, list[str]], actor: str) -> None:
        self.mode = mode
        self.per_entry = per_entry
        self.assignments = assignments

    # --- reading ------------------------------------------------------------------------------

    def chair(self) -> str | None:
        return next((account for account, member in self.members.items() if member["chair"]), None)

    def recusal(self, account_id: str, entry_id: str, entry_agency: str) -> str | None:
        """Why the member may not score the entry (own agency, declared conflict), or None."""
        member = self.members.get(account_id)
        if member and member["kind"] == INTERNAL and member["agency"] and member["agency"] == entry_agency:
            return OWN_AGENCY
        if entry_id in self.conflicts.get(account_id, set()):
            return DECLARED
        return None

    def scorers(self, entry_id: str, entry_agency: str) -> list[str]:
        """Who scores the entry: every member not recused, or the balanced assignment's."""
        free = [a for a in self.members if self.recusal(a, entry_id, entry_agency) is None]
        if self.mode == BALANCED:
            return [a for a in self.assignments.get(entry_id, []) if a in free]
        return free


def balanced(members: list[str], entries: Iterable[tuple[str, str]], per_entry: int,
             recusal: Any) -> dict[str, list[str]]:  # fmt: skip
    """k members per entry, each entry's taken from the members free of it with the fewest so far.

    ``entries`` are (entry id, agency) in a fixed order; ``recusal(member, entry_id, agency)`` says
    who may not. Ties go to the member appointed first, so the same panel gives the same answer.
    An entry with fewer than k free members gets all of them.
    """
    load = {member: 0 for member in members}
    assignments: dict[str, list[str]] = {}
    for entry_id, agency in entries:
        free = [m for m in members if recusal(m, entry_id, agency) is None]
        chosen = sorted(free, key=lambda m: (load[m], members.index(m)))[:per_entry]
        for member in chosen:
            load[member] += 1
        assignments[entry_id] = chosen
    return assignments
