"""Navigation by role: each context lists its pages; the layout shows those the user may open."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from web.i18n import N_

__all__ = ["N_", "NavItem", "navigation"]  # N_ is re-exported for the web modules


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    role: str | tuple[str, ...] | None = None  # None: everyone; "signed-in": any account; else role(s)


def navigation(request: Request, user: dict | None) -> list[dict]:
    items: list[NavItem] = request.app.state.nav_items
    roles = set(user["roles"]) if user else set()
    path = request.url.path
    url_for = request.app.state.urls.url_for(request)
    visible: list[dict[str, Any]] = []
    for item in items:
        if item.role == "signed-in" and not user:
            continue
        allowed = {item.role} if isinstance(item.role, str) else set(item.role or ())
        if item.role is not None and item.role != "signed-in" and not allowed & roles:
            continue
        visible.append({"label": item.label, "url": str(url_for(item.endpoint).path), "current": False})
    # The current page is the longest link the path starts with: /glossary/meetings is not /glossary.
    matches = [
        entry for entry in visible
        if path == entry["url"] or (entry["url"] != "/" and path.startswith(entry["url"].rstrip("/") + "/"))
    ]  # fmt: skip
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["current"] = True
    return visible
