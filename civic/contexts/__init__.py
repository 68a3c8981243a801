"""The bounded contexts of the platform, in one list.

Adding a context is one new package per layer (``domain/<name>``, ``projections/<name>``,
``web/<name>``, and its wiring module ``civic/contexts/<name>.py``) plus one line in ``NAMES``.
Nothing else names a context: the services, views, routes, navigation, filters, error pages,
command-line groups, demo data and audit wording are all collected from here.
"""

from __future__ import annotations

import importlib

from civic.contexts.base import Context

# In the order their services are built, views applied, pages listed and demo data seeded.
NAMES = ("accounts", "glossary", "tally", "budgeting", "review", "audit")


def all_contexts() -> list[Context]:
    """Each context's declaration (cheap: wiring modules import their layers only when asked)."""
    return [importlib.import_module(f"civic.contexts.{name}").context for name in NAMES]


__all__ = ["NAMES", "Context", "all_contexts"]
