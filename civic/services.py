"""Wiring: the one place that builds the log, the services and the read models."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlite_utils import Database

from civic.settings import Settings
from domain.accounts import Accounts
from domain.eventlog import EventLog
from domain.glossary.service import Glossary
from projections.accounts import AccountsView
from projections.glossary import GlossaryView
from projections.runner import OutdatedReadModelError, Projector, View, open_read_db, rebuild


def all_views() -> list[View]:
    """Every read model, in the order they are applied to each event."""
    return [AccountsView(), GlossaryView()]


@dataclass
class Services:
    settings: Settings
    log: EventLog
    accounts: Accounts
    projector: Projector
    glossary: Glossary
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @contextmanager
    def reader(self) -> Iterator[Database]:
        """A connection of its own for one request's queries."""
        db = open_read_db(self.settings.read_path)
        try:
            yield db
        finally:
            db.close()

    @property
    def generation(self) -> int:
        """Changes whenever this node's read model moves on (for caches of read-model answers)."""
        return self.projector.applied

    def catch_up(self) -> int:
        with self._lock:
            return self.projector.catch_up()

    def wait_for_writes(self, position: int | None = None) -> None:
        """Read-your-writes: blocks until the read model holds the log's events so far."""
        wanted = self.log.position() if position is None else position
        with self._lock:
            self.projector.wait_for(wanted, self.settings.read_wait_seconds)

    def close(self) -> None:
        self.projector.db.close()
        self.log.close()


def build_services(settings: Settings) -> Services:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log = EventLog(env=settings.event_store_env())
    views = all_views()
    db = open_read_db(settings.read_path)
    try:
        projector = Projector(log, db, views)
    except OutdatedReadModelError:
        # Views changed since this file was built: the log is the truth, so rebuild from it.
        db.close()
        rebuild(log, settings.read_path, views)
        projector = Projector(log, open_read_db(settings.read_path), views)
    accounts = Accounts(log)
    return Services(
        settings=settings,
        log=log,
        accounts=accounts,
        projector=projector,
        glossary=Glossary(log, accounts),
    )
