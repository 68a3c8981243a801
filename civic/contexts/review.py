"""Review panels and awards: calls, entries, panels, scoring and award tiers (issue 13).

The pure rules live in ``domain/review``; ``civic review tally`` counts a score sheet with them.
"""

from __future__ import annotations

from civic.contexts.base import Context
from web.i18n import N_

context = Context(
    name="review",
    commands="civic.commands.review:review",
    help=N_("Review panels: count a score sheet into award tiers."),
)
