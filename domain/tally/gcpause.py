"""Pause Python's cyclic garbage collector around allocation-heavy work.

Reading a large election and counting it allocate millions of small tuples and no reference
cycles. Each automatic collection of the oldest generation rescans every live object, including
every ballot already read, which made large tallies several times slower. Reference counting
still frees everything as usual; the collector is restored (if it was on) on the way out.
"""

from __future__ import annotations

import gc


class collector_paused:  # (named as a function: it is used as one, ``with collector_paused():``)
    """The collector off inside ``with collector_paused():`` (a class rather than a
    ``contextlib.contextmanager``: a short ``civic tally`` does not import contextlib)."""

    __slots__ = ("enabled",)

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            gc.enable()
