"""The audit trail: every event a person caused, in every context (listed last: it reads them all)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from civic.contexts.base import Context

if TYPE_CHECKING:
    from projections.runner import View


def _views() -> list[View]:
    from projections.audit import AuditView

    return [AuditView()]


context = Context(name="audit", views=_views, web="web.audit")
