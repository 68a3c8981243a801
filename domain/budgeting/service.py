"""The budgeting application service: staff run cycles, residents propose and endorse, agencies review.

Commands take primitives and the acting account (``actor``; the command line acts as
``SYSTEM_ACTOR``) and return ``Recorded``. ``now`` is the city's local time (naive, Asia/Taipei),
given by tests; without it the clock is read. Staff commands on a proposal take the version the
staff member saw (``expected_version``): when someone else changed it since, nothing is recorded
and ``ConcurrentChangeError`` says so, so a decision is never made on a stale page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import RecordConflictError

from domain.accounts import REVIEWER, STAFF, Accounts, PermissionDeniedError
from domain.budgeting.agencies import Agency, agency_id_for
from domain.budgeting.cycles import Cycle, cycle_id_for
from domain.budgeting.errors import (
    AgencyNotFoundError,
    ConcurrentChangeError,
    CycleExistsError,
    CycleLockedError,
    CycleNotFoundError,
    InvalidFieldError,
    NotAssignedError,
    ProposalNotFoundError,
)
from domain.budgeting.proposals import PUBLISHED, Content, Proposal
from domain.budgeting.spec import CODE, MAX_BUDGET, PHASES, CycleSpec
from domain.eventlog import SYSTEM_ACTOR, EventLog, Recorded

CITY = ZoneInfo("Asia/Taipei")
INTAKE, ENDORSEMENT, REVIEW_PHASE = "intake", "endorsement", "review"
BEFORE_VOTING = (INTAKE, ENDORSEMENT, REVIEW_PHASE)
CATEGORIES = ("public_works", "culture", "welfare", "transport", "environment", "education", "community")
LANGUAGES = ("zh", "en")
MAX_TITLE = 120
MAX_DESCRIPTION = 4000
MAX_PLACE = 100
MAX_REASON = 1000
MAX_NOTE = 2000
MAX_DURATION_DAYS = 3650
MISSING, TOO_LONG, CONTROL, UNKNOWN, NOT_A_NUMBER, OUT_OF_RANGE = (
    "missing", "too_long", "control", "unknown", "not_a_number", "out_of_range",
)  # fmt: skip
T = TypeVar("T")


def city_now() -> datetime:
    return datetime.now(CITY).replace(tzinfo=None)


class Budgeting:
    def __init__(self, log: EventLog, accounts: Accounts) -> None:
        self.log = log
        self.accounts = accounts

    # --- cycles -----------------------------------------------------------------------------

    def create_cycle(self, spec: CycleSpec, actor: str) -> Recorded:
        """Records a new cycle in its intake phase; the result is its slug."""
        self.accounts.require(actor, STAFF)
        if self.log.find(cycle_id_for(spec.slug), Cycle) is not None:
            raise CycleExistsError(spec.slug)
        cycle = Cycle(spec=spec.to_dict(), name=spec.name_zh, actor=actor)
        try:
            return Recorded(self._save(cycle), spec.slug)
        except ConcurrentChangeError:
            raise CycleExistsError(spec.slug) from None

    def change_settings(self, spec: CycleSpec, actor: str, now: datetime | None = None) -> Recorded:
        """New settings for an existing cycle (same slug); the locked part is refused after voting opens."""
        self.accounts.require(actor, STAFF)
        cycle = self.cycle(spec.slug)
        cycle.change_settings(spec, now or city_now(), actor)
        return Recorded(self._save(cycle), spec.slug)

    def advance(self, slug: str, phase: str, actor: str, now: datetime | None = None) -> Recorded:
        self.accounts.require(actor, STAFF)
        cycle = self.cycle(slug)
        cycle.apply_schedule(now or city_now(), SYSTEM_ACTOR)
        cycle.advance(phase, now or city_now(), actor)
        return Recorded(self._save(cycle), cycle.phase)

    def apply_schedules(self, slugs: list[str], now: datetime | None = None) -> Recorded:
        """Records the scheduled phase changes that are due (``civic cycle tick``); result: slugs moved."""
        moved, position = [], 0
        for slug in slugs:
            cycle = self.cycle(slug)
            if cycle.apply_schedule(now or city_now(), SYSTEM_ACTOR):
                position = self._save(cycle)
                moved.append(slug)
        return Recorded(position, moved)

    # --- agencies ---------------------------------------------------------------------------

    def register_agency(self, code: str, name_zh: str, name_en: str, actor: str) -> Recorded:
        self.accounts.require(actor, STAFF)
        if not CODE.match(code or ""):
            raise InvalidFieldError("code", UNKNOWN)
        name_zh, name_en = _text("name_zh", name_zh, MAX_PLACE), _text("name_en", name_en, MAX_PLACE)
        agency = self.log.find(agency_id_for(code), Agency)
        if agency is not None:
            return Recorded(0, code)
        return Recorded(self._save(Agency(code=code, name_zh=name_zh, name_en=name_en, actor=actor)), code)

    def add_reviewer(self, code: str, account_id: UUID, actor: str) -> Recorded:
        self.accounts.require(actor, STAFF)
        agency = self.agency(code)
        self.accounts.get(account_id)  # AccountNotFoundError for a made-up id
        agency.add_reviewer(str(account_id), actor)
        return Recorded(self._save(agency))

    # --- proposals: residents ---------------------------------------------------------------

    def submit(
        self, slug: str, area: str, title: str, description: str, place: str, category: str, cost: int,
        language: str, actor: str, now: datetime | None = None,
    ) -> Recorded:  # fmt: skip
        """A signed-in resident's new proposal, during intake; the result is its id."""
        self._require_account(actor)
        cycle = self.cycle(slug)
        cycle.require_phase(now or city_now(), "submit", INTAKE)
        if cycle.spec.area(area) is None:
            raise InvalidFieldError("area", UNKNOWN)
        content = _content(title, description, place, category, cost, language)
        proposal = Proposal(
            cycle_id=cycle.id, area=area, title=content.title, description=content.description, place=content.place,
            category=content.category, cost=content.cost, language=content.language,
            submitted_at=(now or city_now()).isoformat(timespec="seconds"), actor=actor,
        )  # fmt: skip
        return Recorded(self._save(proposal), proposal.id)

    def edit(
        self, proposal_id: UUID, title: str, description: str, place: str, category: str, cost: int,
        language: str, actor: str, now: datetime | None = None,
    ) -> Recorded:  # fmt: skip
        content = _content(title, description, place, category, cost, language)
        proposal = self.proposal(proposal_id)
        self._cycle_of(proposal).require_phase(now or city_now(), "edit", INTAKE)
        proposal.edit(content, actor)
        return Recorded(self._save(proposal))

    def withdraw(self, proposal_id: UUID, actor: str, now: datetime | None = None) -> Recorded:
        proposal = self.proposal(proposal_id)
        self._cycle_of(proposal).require_phase(now or city_now(), "withdraw", *BEFORE_VOTING)
        proposal.withdraw(actor)
        return Recorded(self._save(proposal))

    def endorse(self, proposal_id: UUID, actor: str, now: datetime | None = None) -> Recorded:
        """Once per person; past the cycle's threshold within its days the proposal goes to review."""
        self._require_account(actor)
        moment = now or city_now()

        def run() -> Recorded:
            proposal = self.proposal(proposal_id)
            cycle = self._cycle_of(proposal)
            cycle.require_phase(moment, "endorse", INTAKE, ENDORSEMENT)
            rule = cycle.spec.endorsement
            proposal.endorse(actor, rule.own)
            in_time = moment - datetime.fromisoformat(proposal.submitted_at) <= timedelta(days=rule.days)
            if proposal.status == PUBLISHED and len(proposal.endorsers) >= rule.threshold and in_time:
                proposal.send_to_review(SYSTEM_ACTOR)
            return Recorded(self._save(proposal), len(proposal.endorsers))

        return self._retrying(run)

    def withdraw_endorsement(self, proposal_id: UUID, actor: str, now: datetime | None = None) -> Recorded:
        moment = now or city_now()

        def run() -> Recorded:
            proposal = self.proposal(proposal_id)
            self._cycle_of(proposal).require_phase(moment, "withdraw_endorsement", INTAKE, ENDORSEMENT)
            proposal.withdraw_endorsement(actor)
            return Recorded(self._save(proposal), len(proposal.endorsers))

        return self._retrying(run)

    # --- proposals: staff -------------------------------------------------------------------

    def hide(self, proposal_id: UUID, reason: str, actor: str, expected_version: int | None = None,
             now: datetime | None = None) -> Recorded:  # fmt: skip
        self.accounts.require(actor, STAFF)
        reason = _required("reason", reason, MAX_REASON)
        proposal = self._expected(proposal_id, expected_version)
        self._cycle_of(proposal).require_phase(now or city_now(), "hide", *BEFORE_VOTING)
        proposal.hide(reason, actor)
        return Recorded(self._save(proposal))

    def merge(self, source_id: UUID, target_id: UUID, actor: str, expected_version: int | None = None,
              now: datetime | None = None) -> Recorded:  # fmt: skip
        """The source joins the target (its authors and endorsers with it); one save for both."""
        self.accounts.require(actor, STAFF)
        source = self._expected(source_id, expected_version)
        target = self.proposal(target_id)
        self._cycle_of(source).require_phase(now or city_now(), "merge", *BEFORE_VOTING)
        source.merge_into(target, actor)
        return Recorded(self._save(source, target), target.id)

    def send_to_review(self, proposal_id: UUID, actor: str, expected_version: int | None = None) -> Recorded:
        self.accounts.require(actor, STAFF)
        proposal = self._expected(proposal_id, expected_version)
        proposal.send_to_review(actor)
        return Recorded(self._save(proposal))

    def assign(self, proposal_id: UUID, agency: str, actor: str, expected_version: int | None = None,
               now: datetime | None = None) -> Recorded:  # fmt: skip
        self.accounts.require(actor, STAFF)
        self.agency(agency)
        proposal = self._expected(proposal_id, expected_version)
        self._cycle_of(proposal).require_phase(now or city_now(), "assign", *BEFORE_VOTING)
        proposal.assign(agency, actor)
        return Recorded(self._save(proposal))

    def answer(
        self, proposal_id: UUID, feasible: bool, actor: str, *, cost: int = 0, duration_days: int = 0,
        reason: str = "", now: datetime | None = None,
    ) -> Recorded:  # fmt: skip
        """A reviewer of the assigned agency: feasible needs a cost and a duration, not feasible a reason."""
        self.accounts.require(actor, REVIEWER)
        proposal = self.proposal(proposal_id)
        self._require_assigned_reviewer(proposal, actor)
        self._cycle_of(proposal).require_phase(now or city_now(), "answer", *BEFORE_VOTING)
        if feasible:
            cost = _number("cost", cost, 1, MAX_BUDGET)
            duration_days = _number("duration_days", duration_days, 1, MAX_DURATION_DAYS)
            reason = _text("reason", reason, MAX_REASON, multiline=True)
        else:
            reason = _required("reason", reason, MAX_REASON)
            cost, duration_days = 0, 0
        proposal.answer(feasible, cost, duration_days, reason, actor)
        return Recorded(self._save(proposal))

    def add_note(self, proposal_id: UUID, text: str, actor: str) -> Recorded:
        """An internal note: staff, or a reviewer of the assigned agency."""
        text = _required("note", text, MAX_NOTE)
        proposal = self.proposal(proposal_id)
        if STAFF not in self.accounts.roles_of(actor):
            self.accounts.require(actor, REVIEWER)
            self._require_assigned_reviewer(proposal, actor)
        proposal.add_note(text, actor)
        return Recorded(self._save(proposal))

    def put_on_ballot(self, proposal_id: UUID, actor: str, expected_version: int | None = None,
                      now: datetime | None = None) -> Recorded:  # fmt: skip
        """A feasible proposal goes on its area's ballot with the reviewed cost; the result is its code."""
        self.accounts.require(actor, STAFF)
        moment = now or city_now()

        def run() -> Recorded:
            proposal = self._expected(proposal_id, expected_version)
            cycle = self._cycle_of(proposal)
            if cycle.is_locked(moment):
                raise CycleLockedError(cycle.slug)
            proposal.put_on_ballot(actor)
            code = cycle.add_entry(proposal.id, proposal.area, proposal.content.title, proposal.content.language,
                                   proposal.ballot_cost, moment, actor)  # fmt: skip
            return Recorded(self._save(proposal, cycle), code)

        return self._retrying(run)  # another entry taken at the same time: the next free code

    # --- reads ------------------------------------------------------------------------------

    def cycle(self, slug: str) -> Cycle:
        cycle = self.log.find(cycle_id_for(slug), Cycle) if slug else None
        if cycle is None:
            raise CycleNotFoundError(slug)
        return cycle

    def proposal(self, proposal_id: UUID) -> Proposal:
        return self.log.get(proposal_id, Proposal, ProposalNotFoundError)

    def agency(self, code: str) -> Agency:
        agency = self.log.find(agency_id_for(code), Agency) if CODE.match(code or "") else None
        if agency is None:
            raise AgencyNotFoundError(code)
        return agency

    def _cycle_of(self, proposal: Proposal) -> Cycle:
        return self.log.get(proposal.cycle_id, Cycle, CycleNotFoundError)

    def _expected(self, proposal_id: UUID, expected_version: int | None) -> Proposal:
        proposal = self.proposal(proposal_id)
        if expected_version is not None and proposal.version != expected_version:
            raise ConcurrentChangeError((proposal.id,))
        return proposal

    def _require_assigned_reviewer(self, proposal: Proposal, actor: str) -> None:
        if actor == SYSTEM_ACTOR:
            return
        agency = self.log.find(agency_id_for(proposal.agency), Agency) if proposal.agency else None
        if agency is None or actor not in agency.reviewers:
            raise NotAssignedError(proposal.id, actor)

    def _require_account(self, actor: str) -> None:
        if not self.accounts.roles_of(actor):
            raise PermissionDeniedError(actor, "resident")

    # --- saving -----------------------------------------------------------------------------

    def _save(self, *aggregates: Aggregate) -> int:
        try:
            return self.log.record(*aggregates)
        except RecordConflictError:
            raise ConcurrentChangeError(tuple(aggregate.id for aggregate in aggregates)) from None

    def _retrying(self, command: Callable[[], T]) -> T:
        """Endorsements load afresh and check again: a second try is what reloading would do."""
        try:
            return command()
        except ConcurrentChangeError:
            return command()


def phase_after(phase: str) -> str | None:
    index = PHASES.index(phase)
    return PHASES[index + 1] if index + 1 < len(PHASES) else None


def _content(title: str, description: str, place: str, category: str, cost: int, language: str) -> Content:
    title = _required("title", title, MAX_TITLE)
    description = _required("description", description, MAX_DESCRIPTION, multiline=True)
    place = _text("place", place, MAX_PLACE)
    if category not in CATEGORIES:
        raise InvalidFieldError("category", UNKNOWN if category else MISSING)
    if language not in LANGUAGES:
        raise InvalidFieldError("language", UNKNOWN)
    return Content(title, description, place, category, _number("cost", cost, 0, MAX_BUDGET), language)


def _number(field: str, value: object, least: int, most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidFieldError(field, NOT_A_NUMBER)
    if value < least or value > most:
        raise InvalidFieldError(field, OUT_OF_RANGE)
    return value


def _text(field: str, raw: str, limit: int, *, multiline: bool = False) -> str:
    text = (raw or "").strip()
    allowed = "\n\r\t" if multiline else ""
    if any((ord(char) < 32 and char not in allowed) or ord(char) == 127 for char in text):
        raise InvalidFieldError(field, CONTROL)
    if len(text) > limit:
        raise InvalidFieldError(field, TOO_LONG)
    return text.replace("\r\n", "\n")


def _required(field: str, raw: str, limit: int, *, multiline: bool = True) -> str:
    text = _text(field, raw, limit, multiline=multiline)
    if not text:
        raise InvalidFieldError(field, MISSING)
    return text
