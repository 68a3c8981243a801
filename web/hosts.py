"""Who is asking, and under which name: forwarded headers from trusted proxies, allowed Host names.

Both headers are written by the client unless a proxy we run overwrites them. Believing a
client's ``X-Forwarded-For`` hands it a new address (and a fresh rate limit) per request;
believing any ``Host`` lets it choose where sign-in callbacks and absolute links point. The checks
live here, in our own ASGI middleware, so they hold under whatever server runs the app, as long
as that server does not rewrite the client address itself (``civic serve`` runs uvicorn with
``proxy_headers=False``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

Network = IPv4Network | IPv6Network
SCHEMES = {"http": ("http", "https"), "websocket": ("ws", "wss")}


def parse_address(text: str) -> IPv4Address | IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "198.51.100.7:443"
        text = text.split(":", 1)[0]
    try:
        return ip_address(text)
    except ValueError:
        return None


def is_trusted(address: str, networks: Sequence[Network]) -> bool:
    parsed = parse_address(address)
    return parsed is not None and any(parsed in network for network in networks)


class ForwardedHeadersMiddleware:
    """Takes the client address and scheme from a trusted proxy's headers, and from no one else.

    The client is the rightmost ``X-Forwarded-For`` entry that is not itself a trusted proxy: each
    proxy appends the address it saw, so entries left of that were written by the client.
    """

    def __init__(self, app: ASGIApp, trusted: Sequence[Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in SCHEMES and self.trusted:
            peer = (scope.get("client") or ("", 0))[0]
            if is_trusted(peer, self.trusted):
                # In place, as servers do: outer layers (Starlette's error handler) share this scope.
                headers = Headers(scope=scope)
                client = self._client(headers.getlist("x-forwarded-for"))
                if client is not None:
                    scope["client"] = (client, 0)
                proto = headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
                plain, secure = SCHEMES[scope["type"]]
                if proto in ("http", "https"):
                    scope["scheme"] = secure if proto == "https" else plain
        await self.app(scope, receive, send)

    def _client(self, values: Iterable[str]) -> str | None:
        hops = [hop.strip() for value in values for hop in value.split(",") if hop.strip()]
        for hop in reversed(hops):
            address = parse_address(hop)
            if address is None:
                return None  # a hop we cannot read: stop at the proxy rather than guess
            if not any(address in network for network in self.trusted):
                return str(address)
        return None


def host_allowed(host: str, allowed: Sequence[str]) -> bool:
    """``host`` is the Host header (port and all); ``allowed`` are names, ``*.name`` or ``*``."""
    name = host.strip().lower()
    if name.startswith("["):  # an IPv6 literal: "[::1]:8000"
        name = name[: name.find("]") + 1]
    else:
        name = name.rsplit(":", 1)[0] if name.count(":") == 1 else name
    name = name.rstrip(".")
    if not name:
        return False
    for pattern in allowed:
        if pattern == "*" or pattern == name or pattern.strip("[]") == name.strip("[]"):
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]) and len(name) > len(pattern) - 1:
            return True
    return False
