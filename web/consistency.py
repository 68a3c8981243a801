"""Read your own writes, on this node and on every other node of the same log.

On this node a page waits until the views it reads hold the command's last event
(``see_own_write``). Across nodes the session carries, per view, the position of the person's
last write that view must show (``WRITTEN_KEY``: ``{"ballots": 41, "budgeting": 1207}``, each
counted in the log that view follows). Whatever node the next request reaches first waits
(bounded by ``CIVIC_READ_WAIT_SECONDS``) for its own views to reach those positions
(``FollowOwnWritesMiddleware``), then serves; past the wait it answers the "still processing"
page, which refreshes itself. A request no write of its own is pending for does not wait.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from projections.readmodels import ViewUnavailableError
from projections.runner import StillProcessingError
from web.errors import still_processing

WRITTEN_KEY = "written"  # the session's {view name: position}
_PENDING = "own_writes"  # scope["state"]: what this request's commands recorded, merged on answering
WAITING_METHODS = ("GET", "HEAD")  # a refused POST must not come back on its own with "Refresh"
NOT_WAITING = ("/healthz", "/static/")


async def see_own_write(request: Request, position: int, *views: str) -> None:
    """Returns once every named view holds ``position``; raises StillProcessingError past the wait.

    ``views`` are the names of the read models the next page reads ("accounts", "glossary", ...).
    Waiting holds no lock: concurrent requests each wait for their own position, side by side.
    The position is also remembered in the session, so that the next request waits for it on
    whatever node it reaches (even when this one answers "still processing").
    """
    if position > 0:
        remember(request.scope, position, views)
        await request.app.state.services.wait_for(position, views)


def remember(scope: Scope, position: int, views: tuple[str, ...] | list[str]) -> None:
    """Notes that the named views must hold ``position`` for this person's next pages."""
    state = scope.setdefault("state", {})
    pending: dict[str, int] = state.setdefault(_PENDING, {})
    for view in views:
        pending[view] = max(position, pending.get(view, 0))


def written(session: Mapping[str, object]) -> dict[str, int]:
    """The session's pending positions per view; anything malformed counts as nothing."""
    raw = session.get(WRITTEN_KEY)
    if not isinstance(raw, dict):
        return {}
    return {str(view): position for view, position in raw.items() if isinstance(position, int) and position > 0}


class FollowOwnWritesMiddleware:
    """Waits for the person's own writes from any node before serving a page; remembers new ones.

    Sits inside the session middleware (it reads and updates the session) and outside
    ``CurrentUserMiddleware`` (which reads the accounts view: a sign-in through another node must
    be seen here before the person counts as signed in).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        session = scope.get("session")
        if session is None:
            await self.app(scope, receive, send)
            return
        pending = written(session)
        if pending and scope["method"] in WAITING_METHODS and not scope["path"].startswith(NOT_WAITING):
            try:
                await self._wait(scope, pending)
            except StillProcessingError as lagging:
                if not await self._forget_beyond_the_logs(scope, session, pending):
                    await self._still_processing(scope, receive, send, lagging)
                    return

        async def send_remembering(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._merge(scope)
            await send(message)

        await self.app(scope, receive, send_remembering)

    @staticmethod
    async def _wait(scope: Scope, pending: dict[str, int]) -> None:
        """Waits for each pending view in turn, all within one ``CIVIC_READ_WAIT_SECONDS``."""
        services = scope["app"].state.services
        read_models = services.read_models
        known = set(read_models.names())  # a view only another version of the code keeps: none here
        deadline = time.monotonic() + services.settings.read_wait_seconds
        for view, position in sorted(pending.items(), key=lambda item: item[1]):
            if view in known:
                with contextlib.suppress(ViewUnavailableError):  # being built or failed: its pages say so
                    await read_models.wait_for(position, [view], max(0.0, deadline - time.monotonic()))

    @staticmethod
    async def _forget_beyond_the_logs(scope: Scope, session: dict, pending: dict[str, int]) -> bool:
        """Drops positions no log has reached (a cookie from before the store was reset would
        wait for ever); True when every view still behind was such a one: serve the page."""
        read_models = scope["app"].state.services.read_models
        heads = await run_in_threadpool(read_models.heads)
        known = [view for view in pending if view in read_models.names()]
        behind = {view for view in known if read_models.position(view) < pending[view]}
        beyond = {view for view in known if pending[view] > heads[read_models.source(view)]}
        if beyond:
            session[WRITTEN_KEY] = {view: position for view, position in pending.items() if view not in beyond}
        return bool(behind) and behind <= beyond

    @staticmethod
    def _merge(scope: Scope) -> None:
        new = scope.get("state", {}).get(_PENDING)
        session = scope.get("session")
        if not new or session is None:
            return
        merged = written(session)
        for view, position in new.items():
            merged[view] = max(position, merged.get(view, 0))
        if merged != session.get(WRITTEN_KEY):
            session[WRITTEN_KEY] = merged

    @staticmethod
    async def _still_processing(scope: Scope, receive: Receive, send: Send, lagging: StillProcessingError) -> None:
        scope.setdefault("state", {})["user"] = None  # not known here yet: the page shows no account
        response = await still_processing(Request(scope, receive), lagging)
        await response(scope, receive, send)
