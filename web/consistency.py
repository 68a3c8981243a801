"""Read your own writes: a page waits until the views it reads hold the command's last event."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request


async def see_own_write(request: Request, position: int, *views: str) -> None:
    """Returns once every named view holds ``position`` (raises StillProcessingError past the wait).

    ``views`` are the names of the read models the next page reads ("accounts", "glossary", ...).
    """
    if position <= 0:
        return
    services = request.app.state.services
    await run_in_threadpool(services.wait_for_writes, position)
