"""Navigation by role: each context lists its pages; the layout shows those the user may open."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated when the page is rendered."""
    return message


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    role: str | None = None  # None: everyone; "signed-in": any account; else a role name


def navigation(request: Request, user: dict | None) -> list[dict]:
    items: list[NavItem] = request.app.state.nav_items
    roles = set(user["roles"]) if user else set()
    path = request.url.path
    visible = []
    for item in items:
        if item.role == "signed-in" and not user:
            continue
        if item.role not in (None, "signed-in") and item.role not in roles:
            continue
        url = str(request.url_for(item.endpoint).path)
        current = path == url if url == "/" else path.startswith(url)
        visible.append({"label": item.label, "url": url, "current": current})
    return visible
