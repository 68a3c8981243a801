"""A budgeting cycle: its published settings and its phases.

Phases: intake → endorsement → review (feasibility) → voting → counting → results. A change of
phase is an event (``PhaseAdvanced``), by staff or, for a ``[schedule]``, at the scheduled time:
the schedule is applied lazily. ``phase_at(now)`` is the later of the recorded phase and the one
the schedule has opened by ``now``, and every rule checks that one, so a deadline holds to the
second whether or not anyone has recorded the change yet; ``civic cycle tick`` (or the next staff
action) records the scheduled changes that are due, so the log and the pages catch up.

Once voting opens, the counting rule, the ballot rules, the areas and their budgets are locked.

The ballot. Each area's ballot is a list of entries, each with a code unique within the cycle
(counting, paper ballots and the ``.pb`` export name projects by it), a title and a cost (NT$):
- projects loaded from the cycle file (``[[areas.projects]]``, for a city that runs intake
  elsewhere) are on the ballot from the start. ``civic cycle update`` may change them before
  voting opens (recorded as ``SettingsChanged``, and the ballot follows the new file: a project
  left out of it leaves the ballot); once voting opens they are locked with the areas.
- a feasible proposal that staff put on the ballot becomes an entry (``EntryAdded``) with the
  next free code ``P1``, ``P2``...; a file that later uses that code is refused.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate, event

from domain.budgeting.errors import CycleLockedError, PhaseError, SpecError
from domain.budgeting.spec import DUPLICATE, PHASES, VOTING, CycleSpec

ENTRY_PREFIX = "P"  # a proposal's ballot code: P1, P2... (the first not already taken in the cycle)
COUNTING = "counting"
CITY = ZoneInfo("Asia/Taipei")


def cycle_id_for(slug: str) -> UUID:
    """One cycle per slug: a second create conflicts in the store itself."""
    return uuid5(NAMESPACE_URL, f"civic:budgeting:cycle:{slug}")


def phase_index(phase: str) -> int:
    return PHASES.index(phase)


def scheduled_phase(schedule: dict[str, str], now: datetime) -> str | None:
    """The last phase whose scheduled start is at or before ``now`` (None: none scheduled yet)."""
    due = None
    for phase in PHASES:
        start = schedule.get(phase)
        if start and datetime.fromisoformat(start) <= now:
            due = phase
    return due


def next_scheduled(schedule: dict[str, str], now: datetime) -> datetime | None:
    """The earliest scheduled phase start after ``now`` (None: none is left): ``scheduled_phase``
    answers the same for every time before it."""
    starts = [datetime.fromisoformat(start) for start in (schedule.get(phase) for phase in PHASES) if start]
    return min((start for start in starts if start > now), default=None)


class Cycle(Aggregate):
    class Event(Aggregate.Event):
        if TYPE_CHECKING:
            actor: str

        def apply(self, aggregate: Any) -> None:
            # Runs after each event's own method: remembers the day each phase opened (the
            # decorated methods never see their event's timestamp).
            if type(self).__name__ == "PhaseAdvanced":
                aggregate.opened_on[aggregate.phase] = self.timestamp.astimezone(CITY).date()

    if TYPE_CHECKING:

        class Opened(Event, Aggregate.Created):
            spec: dict[str, Any]
            name: str  # its Chinese name, for the audit trail

        class SettingsChanged(Event):
            spec: dict[str, Any]

        class PhaseAdvanced(Event):
            phase: str
            scheduled: bool

        class EntryAdded(Event):
            code: str
            area: str
            proposal_id: UUID
            proposal_title: str  # not "title": the audit would take it for the cycle's new name
            language: str
            cost: int

    @staticmethod
    def create_id(spec: dict[str, Any], **_: object) -> UUID:
        return cycle_id_for(spec["slug"])

    @event("Opened")
    def __init__(self, spec: dict[str, Any], name: str, actor: str) -> None:
        self.spec = CycleSpec.from_dict(spec)
        self.phase = PHASES[0]
        self.entries: dict[str, UUID] = {}  # proposals on the ballot: code → proposal id
        self.entry_costs: dict[str, tuple[str, int]] = {}  # code → (area, reviewed cost NT$)
        self.opened_on: dict[str, date] = {}  # phase → the day (Asia/Taipei) it was recorded as open

    @property
    def slug(self) -> str:
        return self.spec.slug

    def ballot(self, area_code: str) -> dict[str, int]:
        """An area's ballot, code → cost (NT$): the file's projects, then the proposals put on it."""
        area = self.spec.area(area_code)
        if area is None:
            return {}
        entries = {project.code: project.cost for project in area.projects}
        entries.update({code: cost for code, (where, cost) in self.entry_costs.items() if where == area_code})
        return entries

    def closing_day(self) -> date | None:
        """The day voting closes: the scheduled start of counting, or the day counting was opened
        if earlier (None: neither is known yet)."""
        days = []
        if COUNTING in self.spec.schedule:
            days.append(datetime.fromisoformat(self.spec.schedule[COUNTING]).date())
        if COUNTING in self.opened_on:
            days.append(self.opened_on[COUNTING])
        return min(days) if days else None

    def phase_at(self, now: datetime) -> str:
        due = scheduled_phase(self.spec.schedule, now)
        if due and phase_index(due) > phase_index(self.phase):
            return due
        return self.phase

    def is_locked(self, now: datetime) -> bool:
        return phase_index(self.phase_at(now)) >= phase_index(VOTING)

    def change_settings(self, spec: CycleSpec, now: datetime, actor: str) -> None:
        """New names, schedule or threshold at any time; the locked part never once voting opened.

        A schedule changed after a phase opened cannot move the cycle back: the recorded phase
        stands (``phase_at`` takes the later of the two)."""
        if spec.slug != self.slug:
            raise PhaseError(self.slug, self.phase, "rename")
        if self.is_locked(now) and spec.locked_part() != self.spec.locked_part():
            raise CycleLockedError(self.slug)
        for area_number, area in enumerate(spec.areas, start=1):
            for number, project in enumerate(area.projects, start=1):
                if project.code in self.entries:  # a proposal on the ballot has that code already
                    key = f"areas.{area_number}.projects.{number}.code"
                    raise SpecError(DUPLICATE, key, 0, value=project.code)
        if spec != self.spec:
            self._settings_changed(spec.to_dict(), actor)

    @event("SettingsChanged")
    def _settings_changed(self, spec: dict[str, Any], actor: str) -> None:
        self.spec = CycleSpec.from_dict(spec)

    def advance(self, phase: str, now: datetime, actor: str) -> None:
        """Moves on to ``phase`` (skipping none: each phase in between is recorded in turn)."""
        if phase not in PHASES:
            raise PhaseError(self.slug, self.phase, "unknown_phase")
        if phase_index(phase) <= phase_index(self.phase):
            raise PhaseError(self.slug, self.phase, "advance")
        while self.phase != phase:
            self._phase_advanced(PHASES[phase_index(self.phase) + 1], False, actor)

    def apply_schedule(self, now: datetime, actor: str) -> bool:
        """Records the scheduled phase changes that are due; True when it recorded any."""
        due = scheduled_phase(self.spec.schedule, now)
        moved = False
        while due and phase_index(self.phase) < phase_index(due):
            self._phase_advanced(PHASES[phase_index(self.phase) + 1], True, actor)
            moved = True
        return moved

    @event("PhaseAdvanced")
    def _phase_advanced(self, phase: str, scheduled: bool, actor: str) -> None:
        self.phase = phase

    def add_entry(self, proposal_id: UUID, area: str, title: str, language: str, cost: int, now: datetime,
                  actor: str) -> str:  # fmt: skip
        """A proposal joins its area's ballot with the next free code; not once voting opened."""
        if self.is_locked(now):
            raise CycleLockedError(self.slug)
        for code, existing in self.entries.items():
            if existing == proposal_id:
                return code
        taken = set(self.entries) | set(self.spec.project_codes())
        number = 1
        while f"{ENTRY_PREFIX}{number}" in taken:
            number += 1
        code = f"{ENTRY_PREFIX}{number}"
        self._entry_added(code, area, proposal_id, title, language, cost, actor)
        return code

    @event("EntryAdded")
    def _entry_added(self, code: str, area: str, proposal_id: UUID, proposal_title: str, language: str, cost: int,
                     actor: str) -> None:  # fmt: skip
        self.entries[code] = proposal_id
        self.entry_costs[code] = (area, cost)

    def require_phase(self, now: datetime, action: str, *phases: str) -> None:
        current = self.phase_at(now)
        if current not in phases:
            raise PhaseError(self.slug, current, action)
