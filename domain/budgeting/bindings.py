"""Who has verified for a cycle: a census entry bound to an account, in the main log.

Both directions are invariants by identity, so they hold in the store itself on every node:

- ``EntryBinding``, id from the cycle and the census ``person``: one entry binds to one account;
  a second account's first save conflicts.
- ``AccountBinding``, id from the cycle and the account: one account binds one entry per cycle.
  It keeps the ``person`` (a keyed hash, never the number), the area of the entry's district and
  the age band on the closing day (from the birth date typed, which is never stored), which are
  what casting needs.

Both are saved in one ``record``. Staff may release a binding with a reason (both sides record
``Released``); the entry may then be bound again, by the same or another account. A ballot
belongs to the person, not the account: an entry bound again continues the same ballot.

``FailedAttempts`` counts failed verifications per account and per entry in the log, so the
limit holds on every node and across restarts.

Nothing here names a ballot: the ballot id needs the ballot key (domain/budgeting/ballot_box.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

MAX_FAILURES = 5  # failed attempts allowed per account and per entry within the window
FAILURE_WINDOW = timedelta(hours=1)


def entry_binding_id(slug: str, person: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"civic:budgeting:binding:entry:{slug}:{person}")


def account_binding_id(slug: str, account: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"civic:budgeting:binding:account:{slug}:{account}")


def attempts_id(slug: str, kind: str, key: str) -> UUID:
    """``kind``: ``account`` or ``entry``; ``key``: the account id or the census person."""
    return uuid5(NAMESPACE_URL, f"civic:budgeting:attempts:{kind}:{slug}:{key}")


class EntryBinding(Aggregate):
    """A census entry of a cycle and the account it is bound to (``account`` empty once released).

    Made with ``id=entry_binding_id(cycle, person)``: its events need not repeat the person.
    """

    if TYPE_CHECKING:

        class Event(Aggregate.Event):
            actor: str

        class Bound(Event, Aggregate.Created):
            cycle: str
            account: str

        class Rebound(Event):
            account: str

        class Released(Event):
            reason: str

    @event("Bound")
    def __init__(self, id: UUID, cycle: str, account: str, actor: str) -> None:
        self.cycle = cycle
        self.account = account

    def bind_again(self, account: str, actor: str) -> None:
        self._rebound(account, actor)

    @event("Rebound")
    def _rebound(self, account: str, actor: str) -> None:
        self.account = account

    def release(self, reason: str, actor: str) -> None:
        self._released(reason, actor)

    @event("Released")
    def _released(self, reason: str, actor: str) -> None:
        self.account = ""


class AccountBinding(Aggregate):
    """An account's verification for a cycle: its census entry, area and age band."""

    if TYPE_CHECKING:

        class Event(Aggregate.Event):
            actor: str

        class Verified(Event, Aggregate.Created):
            cycle: str
            account: str
            person: str
            area: str
            age_band: str

        class Reverified(Event):
            person: str
            area: str
            age_band: str

        class Released(Event):
            reason: str

    @staticmethod
    def create_id(cycle: str, account: str, **_: object) -> UUID:
        return account_binding_id(cycle, account)

    @event("Verified")
    def __init__(self, cycle: str, account: str, person: str, area: str, age_band: str, actor: str) -> None:
        self.cycle = cycle
        self.account = account
        self.person = person
        self.area = area
        self.age_band = age_band
        self.bound = True

    def verify_again(self, person: str, area: str, age_band: str, actor: str) -> None:
        self._reverified(person, area, age_band, actor)

    @event("Reverified")
    def _reverified(self, person: str, area: str, age_band: str, actor: str) -> None:
        self.person, self.area, self.age_band = person, area, age_band
        self.bound = True

    def release(self, reason: str, actor: str) -> None:
        self._released(reason, actor)

    @event("Released")
    def _released(self, reason: str, actor: str) -> None:
        self.bound = False


class FailedAttempts(Aggregate):
    """Failed verifications of one account, or against one census entry, in one cycle."""

    if TYPE_CHECKING:

        class Event(Aggregate.Event):
            actor: str

        class Failed(Event, Aggregate.Created):
            cycle: str
            at: str

        class FailedAgain(Event):
            at: str

    @event("Failed")
    def __init__(self, id: UUID, cycle: str, at: str, actor: str) -> None:
        self.cycle = cycle
        self.times = [at]

    def fail_again(self, at: str, actor: str) -> None:
        self._failed_again(at, actor)

    @event("FailedAgain")
    def _failed_again(self, at: str, actor: str) -> None:
        self.times.append(at)
        del self.times[:-MAX_FAILURES]  # only the latest few can matter

    def locked_until(self, now: datetime) -> datetime | None:
        """When the next attempt is allowed again, if the limit is reached now (else None)."""
        recent = [moment for moment in map(datetime.fromisoformat, self.times) if now - moment < FAILURE_WINDOW]
        if len(recent) < MAX_FAILURES:
            return None
        return recent[-MAX_FAILURES] + FAILURE_WINDOW
