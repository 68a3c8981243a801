"""A call for entries (徵件): its settings, its phases, its shortlist and its award decision.

Phases: submission → screening (書面初審) → scoring (複審, the round open) → closed (the round
closed, the chair may decide) → decided (the chair confirmed the awards) → published. A call of
several rounds goes back from closed to scoring for its next round. Entries are accepted in the
submission phase and only within the window (``opens`` to ``closes``, the city's local time), so
an entry cannot be edited once the window closes even if nobody moved the phase on.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.review.refusals import PhaseError, RoundClosedError, WindowClosedError

SUBMISSION, SCREENING, SCORING, CLOSED, DECIDED, PUBLISHED = (
    "submission", "screening", "scoring", "closed", "decided", "published",
)  # fmt: skip
PHASES = (SUBMISSION, SCREENING, SCORING, CLOSED, DECIDED, PUBLISHED)


def call_id_for(slug: str) -> UUID:
    """One call per slug: a second open conflicts in the store itself."""
    return uuid5(NAMESPACE_URL, f"civic:review:call:{slug}")


class Call(Aggregate):
    if TYPE_CHECKING:

        class Event(Aggregate.Event):
            actor: str

        class Opened(Event, Aggregate.Created):
            slug: str
            kind: str
            title_zh: str
            title_en: str
            opens: str
            closes: str
            rounds: int
            rubric: list[dict[str, Any]]
            tiers: list[dict[str, Any]]
            method: str
            gap: int

        class PhaseAdvanced(Event):
            phase: str
            round: int

        class ScreenerAppointed(Event):
            account_id: str
            agency: str = ""  # recorded since screeners' conflicts (issue 13); older events have none

        class ShortlistConfirmed(Event):
            entry_ids: list[str]

        class AwardsConfirmed(Event):
            round: int
            awards: list[dict[str, Any]]
            attending: int
            in_favour: int
            against: int

        class AwardsPublished(Event):
            pass

    @staticmethod
    def create_id(slug: str, **_: object) -> UUID:
        return call_id_for(slug)

    @event("Opened")
    def __init__(
        self, slug: str, kind: str, title_zh: str, title_en: str, opens: str, closes: str, rounds: int,
        rubric: list[dict[str, Any]], tiers: list[dict[str, Any]], method: str, gap: int, actor: str,
    ) -> None:  # fmt: skip
        self.slug = slug
        self.kind = kind
        self.title_zh = title_zh
        self.title_en = title_en
        self.opens = opens
        self.closes = closes
        self.rounds = rounds
        self.rubric = rubric
        self.tiers = tiers
        self.method = method
        self.gap = gap
        self.phase = SUBMISSION
        self.round = 0  # no scoring round opened yet
        self.screeners: list[str] = []
        self.screener_agencies: dict[str, str] = {}
        self.shortlist: list[str] = []
        self.awards: list[dict[str, Any]] = []

    # --- rules --------------------------------------------------------------------------------

    def require_phase(self, action: str, *phases: str) -> None:
        if self.phase not in phases:
            raise PhaseError(self.slug, self.phase, action)

    def require_window(self, now: datetime) -> None:
        self.require_phase("submit", SUBMISSION)
        if not (datetime.fromisoformat(self.opens) <= now <= datetime.fromisoformat(self.closes)):
            raise WindowClosedError(self.slug)

    def require_round_open(self, round_number: int) -> None:
        if self.phase != SCORING or round_number != self.round:
            raise RoundClosedError(self.slug, round_number)

    def criterion_codes(self) -> list[str]:
        return [criterion["code"] for criterion in self.rubric]

    # --- commands -----------------------------------------------------------------------------

    def start_screening(self, actor: str) -> None:
        self.require_phase("start_screening", SUBMISSION)
        self._advanced(SCREENING, self.round, actor)

    def open_round(self, actor: str) -> None:
        """Opens the first scoring round after the shortlist, or the next one after a round closed."""
        if self.phase == SCREENING and not self.shortlist:
            raise PhaseError(self.slug, self.phase, "no_shortlist")
        self.require_phase("open_round", SCREENING, CLOSED)
        if self.round >= self.rounds:
            raise PhaseError(self.slug, self.phase, "last_round")
        self._advanced(SCORING, self.round + 1, actor)

    def close_round(self, actor: str) -> None:
        self.require_phase("close_round", SCORING)
        self._advanced(CLOSED, self.round, actor)

    @event("PhaseAdvanced")
    def _advanced(self, phase: str, round: int, actor: str) -> None:
        self.phase = phase
        self.round = round

    def appoint_screener(self, account_id: str, actor: str, agency: str = "") -> None:
        """Appointing again with another agency records the new one."""
        if account_id not in self.screeners or self.screener_agencies.get(account_id, "") != agency:
            self._screener(account_id, actor, agency)

    @event("ScreenerAppointed")
    def _screener(self, account_id: str, actor: str, agency: str = "") -> None:
        if account_id not in self.screeners:
            self.screeners.append(account_id)
        self.screener_agencies[account_id] = agency

    def confirm_shortlist(self, entry_ids: list[str], actor: str) -> None:
        self.require_phase("confirm_shortlist", SCREENING)
        self._shortlist(entry_ids, actor)

    @event("ShortlistConfirmed")
    def _shortlist(self, entry_ids: list[str], actor: str) -> None:
        self.shortlist = list(entry_ids)

    def confirm_awards(self, awards: list[dict[str, Any]], attending: int, in_favour: int, against: int,
                       actor: str) -> None:  # fmt: skip
        self.require_phase("confirm_awards", CLOSED)
        self._awards(self.round, awards, attending, in_favour, against, actor)

    @event("AwardsConfirmed")
    def _awards(self, round: int, awards: list[dict[str, Any]], attending: int, in_favour: int, against: int,
                actor: str) -> None:  # fmt: skip
        self.awards = awards
        self.phase = DECIDED

    def publish(self, actor: str) -> None:
        self.require_phase("publish", DECIDED)
        self._published(actor)

    @event("AwardsPublished")
    def _published(self, actor: str) -> None:
        self.phase = PUBLISHED


OWN_ENTRY, OWN_AGENCY = "own_entry", "own_agency"


def screening_conflict(screener: str, agency: str, entry_agency: str, submitter: str) -> str | None:
    """Why a screener may not screen an entry (they submitted it, or it is their agency's), or None."""
    if screener == submitter:
        return OWN_ENTRY
    if agency and agency == entry_agency:
        return OWN_AGENCY
    return None
