"""``in_thread``: a route's blocking call runs on a worker thread, in the request's context."""

from __future__ import annotations

import asyncio
import threading

import pytest

from web import i18n
from web.threads import in_thread


def test_the_call_runs_on_another_thread_with_the_callers_locale_and_its_answer_comes_back() -> None:
    def seen(suffix: str, *, twice: bool) -> tuple[str, str, int]:
        return i18n.current_locale.get() + suffix * (2 if twice else 1), threading.current_thread().name, 7

    async def request() -> tuple[str, str, int]:
        i18n.current_locale.set(i18n.EN)
        return await in_thread(seen, "!", twice=True)

    locale, thread, answer = asyncio.run(request())
    assert (locale, answer) == (f"{i18n.EN}!!", 7)
    assert thread.startswith("civic-call") and thread != threading.current_thread().name


def test_what_the_call_raises_is_raised_in_the_route() -> None:
    def refuse() -> None:
        raise LookupError("no such ballot")

    with pytest.raises(LookupError, match="no such ballot"):
        asyncio.run(in_thread(refuse))
