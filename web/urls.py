"""``url_for`` for the templates: Starlette's answers, found by name instead of by trying routes.

Starlette finds a route's URL by asking every route in turn, each refusal an exception; the
glossary list asks for a link per row and the navigation one per item, which made finding URLs a
sixth of the page's CPU. ``RouteIndex`` looks the route up by its name and parameter names and
builds the same ``URL``; a name it cannot answer for (a named mount, as ``/static``) goes to
Starlette.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.datastructures import URL, URLPath
from starlette.requests import Request
from starlette.routing import BaseRoute, Mount, Route, replace_params

KEPT_ORIGINS = 256  # distinct (scheme, Host, root path) origins remembered (cleared when full)


class RouteIndex:
    """Every route under unnamed mounts without parameters, by (name, parameter names)."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes: dict[tuple[str, frozenset[str]], tuple[str, Route]] = {}
        self.shadowed: set[str] = set()  # names a route Starlette would try first may answer
        self._origins: dict[tuple[Any, ...], str] = {}
        self._add(routes, "")

    def _add(self, routes: Sequence[BaseRoute], prefix: str) -> None:
        for route in routes:
            if isinstance(route, Route):
                key = (route.name, frozenset(route.param_convertors))
                if route.name not in self.shadowed:
                    self.routes.setdefault(key, (prefix, route))  # the first one, as Starlette's search
            elif isinstance(route, Mount) and route.name is None and set(route.param_convertors) == {"path"}:
                # The prefix as Starlette makes it: the mount's path with an empty {path}, no "/" at the end.
                self._add(route.routes, (prefix + route.path).rstrip("/"))
            else:
                self.shadowed.update(_names(route))

    def path_for(self, name: str, params: dict[str, Any]) -> URLPath | None:
        found = self.routes.get((name, frozenset(params)))
        if found is None or name in self.shadowed:
            return None
        prefix, route = found
        path, _ = replace_params(route.path_format, route.param_convertors, dict(params))
        return URLPath(path=prefix + path, protocol="http")

    def url_for(self, request: Request) -> Callable[..., URL]:
        """``request.url_for`` for one request: the scheme, host and root path worked out once
        (and kept for the next request with the same ones)."""
        origin = self.origin(request)

        def url_for(name: str, /, **params: Any) -> URL:
            path = self.path_for(name, params)
            if path is None:
                return request.url_for(name, **params)
            return URL(origin + path)  # as make_absolute_url writes it, without taking it apart again

        return url_for

    def origin(self, request: Request) -> str:
        """What Starlette puts before a route's path, from what ``request.base_url`` is made of."""
        scope = request.scope
        host = next((value for key, value in scope["headers"] if key == b"host"), None)
        key = (scope.get("scheme"), host, None if host is not None else scope.get("server"),
               scope.get("app_root_path", scope.get("root_path", "")))  # fmt: skip
        origin = self._origins.get(key)
        if origin is None:
            origin = str(URLPath(path="", protocol="http").make_absolute_url(request.base_url))
            if len(self._origins) >= KEPT_ORIGINS:
                self._origins.clear()
            self._origins[key] = origin
        return origin


def _names(route: BaseRoute) -> set[str]:
    """Every name ``route`` could answer ``url_path_for`` for: its own, and its children's."""
    own = getattr(route, "name", None) or ""
    names = {own}
    for child in getattr(route, "routes", None) or []:
        names.update(f"{own}:{name}" if own else name for name in _names(child))
    names.discard("")
    return names
