"""Wiring: the one place that builds the log, each context's services and the read models."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlite_utils import Database

from civic.contexts import all_contexts
from civic.settings import Settings
from domain.budgeting.ballot_box import BallotBox
from domain.eventlog import EventLog
from projections.readmodels import ReadModels
from projections.runner import MAIN_LOG, View

T = TypeVar("T")

BALLOTS_LOG = "ballots"  # the source the ballot box's views name


def all_views() -> list[View]:
    """Every read model of every context, in the order the contexts are listed."""
    return [view for context in all_contexts() for view in context.views()]


class Services:
    """The logs, the read models of this node, and each context's services as attributes.

    ``log`` is the one log of every context; ``ballot_box`` is the ballots' own (see
    domain/budgeting/ballot_box.py: it shares no sequence with the main log).

    ``services.glossary`` is the glossary context's service: contexts name theirs in their wiring
    module (``civic/contexts/<name>.py``).
    """

    def __init__(self, settings: Settings, log: EventLog, read_models: ReadModels, ballot_box: BallotBox) -> None:
        self.settings = settings
        self.log = log
        self.ballot_box = ballot_box
        self.read_models = read_models
        self._services: dict[str, object] = {}

    def add(self, services: dict[str, object]) -> None:
        self._services.update(services)

    def __getattr__(self, name: str) -> Any:
        services = self.__dict__.get("_services", {})
        if name in services:
            return services[name]
        raise AttributeError(name)

    @contextmanager
    def reader(self, *views: str) -> Iterator[Database]:
        """A connection of its own for one request's queries, over the named views (default: all)."""
        with self.read_models.reader(views) as db:
            yield db

    def cached(self, views: Sequence[str], key: Hashable, query: Callable[[Database], T]) -> T:
        """``query``'s answer over the named views, run again only once one of them moves on
        (``ReadModels.cached``): for the pages everyone reads the same way."""
        return self.read_models.cached(views, key, query)

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Brings every view to the head of the log now (the command line and tests use this)."""
        return self.read_models.catch_up(progress)

    def behind(self) -> int:
        """How far, summed over the views, this node's read models are behind the log."""
        return sum(status.behind for status in self.read_models.status())

    async def wait_for(self, position: int, views: Sequence[str] = ()) -> None:
        """Read your own writes: returns once the named views hold ``position``."""
        await self.read_models.wait_for(position, views, self.settings.read_wait_seconds)

    def close(self) -> None:
        self.read_models.close()
        self.log.close()
        self.ballot_box.close()


def build_services(settings: Settings, *, background: bool = False, views: Sequence[View] | None = None) -> Services:
    """Opens the log and the read models and builds every context's services.

    ``background``: a server builds long-outdated views in the background while it serves; the
    command line builds them before it goes on. ``views``: the read models this node keeps
    (default: every context's).
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    log = EventLog(env=settings.event_store_env())
    ballot_box = BallotBox(env=settings.ballot_box_env())
    contexts = all_contexts()
    if views is None:
        views = [view for context in contexts for view in context.views()]
    read_models = ReadModels({MAIN_LOG: log, BALLOTS_LOG: ballot_box}, settings.views_dir, views)
    services = Services(settings, log, read_models, ballot_box)
    for context in contexts:
        services.add(dict(context.services(services)))
    read_models.open(background=background)
    return services
