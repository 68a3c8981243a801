"""A blocking call from a route, on a worker thread: a cheaper trip than Starlette's.

``starlette.concurrency.run_in_threadpool`` goes through anyio's ``to_thread.run_sync``: a
capacity limiter and a cancel scope for every call, whose bookkeeping (a weak-key lookup of the
task's state in each) was a fifth of a ballot cast's CPU under 50 clients (py-spy --gil over
bench/cast_http.py). ``in_thread`` hands the call to a thread pool of its own through the event
loop, with the request's context variables (its locale), as ``run_in_threadpool`` passes them.

Used where a request's whole work is one blocking call (casting a ballot). If the request is
cancelled meanwhile (the client went away), the call still runs to its end on its thread, as
with ``run_in_threadpool``: a command is recorded whole or not at all.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

# Enough that the casts waiting on one flush fill the next group commit (civic/store/group_commit.py:
# a batch holds what arrived during the flush before it, so four threads meant batches of at most
# four). Measured with bench/cast_http.py, 50 clients, after the event loop's share of a cast was
# cut (issue 12): 16 threads 557-593 casts/s at 1.02-1.05 ms of CPU a cast, 4 threads 461-476/s
# at 1.18-1.30 ms, same minutes; in-process, 4: ~570/s, 8: ~750-870/s, 12-16: ~1,000/s. (Before
# that cut, on a noisy machine, 16 had been slower than 4: the event loop was the bottleneck.)
WORKERS = 16

P = ParamSpec("P")
T = TypeVar("T")

_pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="civic-call")


async def in_thread(call: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``call(*args, **kwargs)`` on a worker thread, in a copy of the caller's context."""
    context = contextvars.copy_context()
    return await asyncio.get_running_loop().run_in_executor(
        _pool, functools.partial(context.run, call, *args, **kwargs)
    )
