"""Pause Python's cyclic garbage collector around allocation-heavy work.

Reading a large election and counting it allocate millions of small tuples and no reference
cycles. Each automatic collection of the oldest generation rescans every live object, including
every ballot already read, which made large tallies several times slower. Reference counting
still frees everything as usual; the collector is restored (if it was on) on the way out.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
