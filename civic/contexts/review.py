"""Review panels and awards: calls, entries, the first screen, panels, scoring and award tiers (issue 13).

The pure rules live in ``domain/review`` (rubric, aggregation, diagnostics, awards, sheet);
``civic review tally`` counts a score sheet with them. The panels' aggregates and service are
``domain/review/{calls,entries,panels,scores,service}.py``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from civic.contexts.base import Context
from web.i18n import N_

if TYPE_CHECKING:
    from civic.services import Services
    from projections.runner import View


def _services(built: Services) -> Mapping[str, object]:
    from domain.review.service import Review

    return {"review": Review(built.log, built.accounts)}


def _views() -> list[View]:
    from projections.review import ReviewView

    return [ReviewView()]


def _seed(services: Services) -> Iterator[str]:
    from civic.commands.review_demo import seed_demo

    yield from seed_demo(services)


context = Context(
    name="review",
    services=_services,
    views=_views,
    web="web.review",
    commands="civic.commands.review:review",
    help=N_("Review panels: count a score sheet into award tiers."),
    seed=_seed,
)
