"""A cycle's results: counted once when voting closes, published when the cycle reaches results.

``CycleResults`` (id from the slug, so a cycle is counted once on any number of nodes: a second
count conflicts in the store) records ``Counted`` with every area's ``AreaResult`` when the cycle
reaches counting, and ``Published`` when it reaches results. The ballots come in from outside, as
an iterable per area (they live in the ballot box's read model; the domain reads no read model),
and so do the eligible residents per area (from the census).

``Results.import_past`` records a past election (a Pabulib file) as a closed cycle with its
results, in one atomic save of the cycle and its results.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import RecordConflictError

from domain.accounts import STAFF, Accounts
from domain.budgeting.counting import AreaResult, Choices, count_area
from domain.budgeting.cycles import Cycle, cycle_id_for
from domain.budgeting.errors import CycleExistsError, CycleNotFoundError, PhaseError
from domain.budgeting.service import city_now
from domain.budgeting.spec import PHASES, CycleSpec
from domain.eventlog import EventLog, Recorded

COUNTING, RESULTS = "counting", "results"


def results_id_for(slug: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"civic:budgeting:results:{slug}")


class CycleResults(Aggregate):
    if TYPE_CHECKING:

        class Event(Aggregate.Event):
            actor: str

        class Counted(Event, Aggregate.Created):
            slug: str
            areas: list[dict[str, Any]]  # AreaResult.to_dict() of each area, in the cycle's area order

        class Published(Event):
            pass

    @staticmethod
    def create_id(slug: str, **_: object) -> UUID:
        return results_id_for(slug)

    @event("Counted")
    def __init__(self, slug: str, areas: list[dict[str, Any]], actor: str) -> None:
        self.slug = slug
        self.areas = [AreaResult.from_dict(area) for area in areas]
        self.published = False

    def publish(self, actor: str) -> None:
        if not self.published:
            self._published(actor)

    @event("Published")
    def _published(self, actor: str) -> None:
        self.published = True

    def area(self, code: str) -> AreaResult | None:
        return next((area for area in self.areas if area.area == code), None)


class Results:
    def __init__(self, log: EventLog, accounts: Accounts) -> None:
        self.log = log
        self.accounts = accounts

    def count(
        self,
        slug: str,
        ballots: Callable[[str], Iterable[Choices]],
        eligible: Mapping[str, int],
        actor: str,
        now: datetime | None = None,
    ) -> Recorded:
        """Counts every area once the cycle is at counting (or results; then also publishes). Already
        counted: nothing is recorded and the recorded results are the result. Result: the areas'
        ``AreaResult`` list."""
        self.accounts.require(actor, STAFF)
        cycle = self.cycle(slug)
        phase = cycle.phase_at(now or city_now())
        if PHASES.index(phase) < PHASES.index(COUNTING):
            raise PhaseError(slug, phase, "count")
        existing = self.results(slug)
        if existing is not None:
            return self.publish(slug, actor, now) if phase == RESULTS else Recorded(0, existing.areas)
        areas = [
            count_area(cycle.spec, area.code, cycle.ballot(area.code), ballots(area.code), eligible.get(area.code, 0))
            for area in cycle.spec.areas
        ]
        results = CycleResults(slug=slug, areas=[area.to_dict() for area in areas], actor=actor)
        if phase == RESULTS:
            results.publish(actor)
        try:
            return Recorded(self.log.record(results), results.areas)
        except RecordConflictError:  # another node counted it first: theirs stands
            counted = self.results(slug)
            return Recorded(0, counted.areas if counted else areas)

    def publish(self, slug: str, actor: str, now: datetime | None = None) -> Recorded:
        """Publishes counted results once the cycle is at results (nothing to do: position 0)."""
        self.accounts.require(actor, STAFF)
        phase = self.cycle(slug).phase_at(now or city_now())
        results = self.results(slug)
        if phase != RESULTS or results is None:
            raise PhaseError(slug, phase, "publish")
        results.publish(actor)
        return Recorded(self.log.record(results), results.areas)

    def import_past(self, spec: CycleSpec, areas: list[AreaResult], actor: str) -> Recorded:
        """A past election as a cycle already at results, with its counted, published results."""
        self.accounts.require(actor, STAFF)
        if self.log.find(cycle_id_for(spec.slug), Cycle) is not None:
            raise CycleExistsError(spec.slug)
        cycle = Cycle(spec=spec.to_dict(), name=spec.name_zh, actor=actor)
        cycle.advance(RESULTS, city_now(), actor)
        results = CycleResults(slug=spec.slug, areas=[area.to_dict() for area in areas], actor=actor)
        results.publish(actor)
        try:
            return Recorded(self.log.record(cycle, results), spec.slug)
        except RecordConflictError:
            raise CycleExistsError(spec.slug) from None

    def cycle(self, slug: str) -> Cycle:
        cycle = self.log.find(cycle_id_for(slug), Cycle)
        if cycle is None:
            raise CycleNotFoundError(slug)
        return cycle

    def results(self, slug: str) -> CycleResults | None:
        return self.log.find(results_id_for(slug), CycleResults)
