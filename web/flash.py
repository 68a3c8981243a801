"""One-time confirmation messages ("flash"): an action says what it did on the next page shown.

A route calls ``flash(request, gettext("..."))`` after a command succeeded; the message is kept in
the (encrypted) session cookie until a page is rendered, which shows it once. A whole page shows
it in the ``#flash`` status region of base.html; an htmx fragment carries it out of band into the
same region, so the message is read out whether the page reloaded or not. Messages are stored
already translated, in the language of the page the person acted on.
"""

from __future__ import annotations

from starlette.requests import Request

KEY = "flash"
MOST = 5  # a cookie is small: only the latest few messages are kept


def flash(request: Request, message: str) -> None:
    if "session" not in request.scope:
        return
    messages = [str(item) for item in request.session.get(KEY, [])][-(MOST - 1) :]
    request.session[KEY] = [*messages, message]


def pop_flashes(request: Request) -> list[str]:
    if "session" not in request.scope or KEY not in request.session:
        return []
    messages = request.session.pop(KEY)
    return [str(item) for item in messages] if isinstance(messages, list) else []
