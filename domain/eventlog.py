"""The one event log that every bounded context records into.

All contexts share a single eventsourcing application, so there is one ordered notification
sequence to project from, whatever store is configured. Context services (``Accounts``,
``Glossary``, ...) take the log as a dependency instead of each owning a recorder.

Convention for every command method on every aggregate: it takes ``actor``, the acting account id
(or ``SYSTEM_ACTOR`` for the command line and imports), so that each event carries who did it; the
eventsourcing ``timestamp`` says when. A test enforces the convention on every event class.

Convention for every command method of a service: it returns a ``Recorded``, whose ``position`` is
the notification id of its last event, so that a page can wait for exactly the views it reads to
hold that event (read your own writes) and nothing more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, DomainEventProtocol, MutableOrImmutableAggregate
from eventsourcing.persistence import Recording

SYSTEM_ACTOR = "system"

A = TypeVar("A", bound=Aggregate)


def project(aggregate: Aggregate | None, domain_events: Iterable[Any]) -> Aggregate | None:
    """eventsourcing's ``project_aggregate`` without its ``assert isinstance(event,
    CanMutateProtocol)`` on every event: a runtime protocol check, slow in Python 3.11 (this
    log's events are all eventsourcing's, which mutate)."""
    for domain_event in domain_events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


class Recorded(NamedTuple):
    """What a command reports: where its last event stands in the log, and what it made.

    ``position`` is 0 when the command recorded nothing (it was already so). ``result`` is whatever
    the caller needs next: the id of a new aggregate, a decision number, a report.
    """

    position: int
    result: Any = None


class EventLog(Application[UUID]):
    """Where every domain event of every context is stored, in one sequence."""

    name = "civic"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Called with the notification id of a save's last event once it is stored, in the saving
        # thread: this node's read models wake their followers at once (projections/readmodels.py).
        self.saved_listeners: list[Callable[[int], None]] = []

    def record(self, *aggregates: Aggregate) -> int:
        """Saves pending events and returns the notification id of the last one (0 if none)."""
        recordings = self.save(*aggregates)
        return recordings[-1].notification.id if recordings else 0

    def save(
        self, *objs: MutableOrImmutableAggregate[UUID] | DomainEventProtocol[UUID] | None, **kwargs: Any
    ) -> list[Recording[UUID]]:
        """``Application.save``, step for step, except that an aggregate's events are collected
        without the runtime protocol checks ``ProcessingEvent.collect_events`` makes on every object
        (slow in Python 3.11: about a tenth of a command's CPU, bench/write_path.py). Anything else
        goes through them as before, in the order given."""
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        for obj in objs:
            if isinstance(obj, Aggregate):
                processing_event.events.extend(obj.collect_events())
                processing_event.aggregates[obj.id] = obj
            else:
                processing_event.collect_events(obj)
        processing_event.saved_kwargs.update(kwargs)
        recordings = self._record(processing_event)
        if recordings:
            for listener in self.saved_listeners:
                listener(recordings[-1].notification.id)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # eventsourcing's deprecated hook, as its save calls it
        return recordings

    def get_or_none(self, aggregate_id: UUID) -> Aggregate | None:
        try:
            return self.repository.get(aggregate_id, projector_func=project)
        except AggregateNotFoundError:
            return None

    def find(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """The aggregate of that kind, or None when there is none (or it is of another kind)."""
        aggregate = self.get_or_none(aggregate_id)
        return aggregate if isinstance(aggregate, kind) else None

    def get(self, aggregate_id: UUID, kind: type[A], error: type[Exception]) -> A:
        """The aggregate of that kind, or ``error(aggregate_id)`` when there is none of that kind."""
        aggregate = self.get_or_none(aggregate_id)
        if not isinstance(aggregate, kind):
            raise error(aggregate_id)
        return aggregate

    def position(self) -> int:
        """The id of the newest notification in the log (0 when empty)."""
        return self.recorder.max_notification_id() or 0
