"""Read your own writes: a page waits until the views it reads hold the command's last event."""

from __future__ import annotations

from starlette.requests import Request


async def see_own_write(request: Request, position: int, *views: str) -> None:
    """Returns once every named view holds ``position``; raises StillProcessingError past the wait.

    ``views`` are the names of the read models the next page reads ("accounts", "glossary", ...).
    Waiting holds no lock: concurrent requests each wait for their own position, side by side.
    """
    if position > 0:
        await request.app.state.services.wait_for(position, views)
