"""Finding a request's route by its path's segments, instead of trying every route in turn.

Starlette's router asks each of its routes whether it matches, in order: a ballot cast
(``POST /budgeting/{slug}/vote``) went through some 15 routes of the other contexts, then the
budgeting mount's 40 (each a regular expression run on the path), a tenth of the cast's time on
the event loop (py-spy over bench/cast_http.py). ``index_routes`` gives each router of the app
(the app's own and each mount's) a tree of its routes by path segment: a literal segment is a
dictionary key, a ``{param}`` segment any one segment. A request's path finds the few routes whose
shape it fits; those are then asked, in the router's order, exactly as Starlette asks them, so the
route chosen (the first full match, else the first that matches all but the method) and its
``path_params`` are Starlette's. Anything the tree cannot tell (another kind of route, a
parameter within a segment, a ``path`` convertor) is asked for every path. A path no route fits
goes to Starlette's own router, which answers it as before (the slash redirect, the 404).
``url_for`` is untouched: the routes are the same objects, in the same lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from starlette._utils import get_route_path
from starlette.convertors import FloatConvertor, IntegerConvertor, StringConvertor, UUIDConvertor
from starlette.routing import BaseRoute, Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send

# Convertors whose values never hold a "/": their parameter is one whole segment.
ONE_SEGMENT = (StringConvertor, IntegerConvertor, FloatConvertor, UUIDConvertor)
_PARAM = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)(?::[a-zA-Z_][a-zA-Z0-9_]*)?\}")


@dataclass
class _Node:
    literal: dict[str, _Node] = field(default_factory=dict)
    any: _Node | None = None
    routes: list[int] = field(default_factory=list)  # routes whose path ends here
    mounts: list[int] = field(default_factory=list)  # mounts whose prefix ends here (more may follow)


def _shape(route: BaseRoute) -> list[str | None] | None:
    """The route's path as segments (None: any one segment); None when it cannot be told."""
    if not isinstance(route, Route | Mount) or not route.path.startswith("/"):
        return None
    shape: list[str | None] = []
    for segment in route.path[1:].split("/"):
        if "{" not in segment and "}" not in segment:
            shape.append(segment)
            continue
        whole = _PARAM.fullmatch(segment)
        if whole is None or not isinstance(route.param_convertors.get(whole.group(1)), ONE_SEGMENT):
            return None
        shape.append(None)
    return shape


class PathIndex:
    """A router's routes by the shape of their paths."""

    def __init__(self, routes: list[BaseRoute]) -> None:
        self.routes = routes
        self.root = _Node()
        self.always: list[int] = []  # asked for every path
        for number, route in enumerate(routes):
            shape = _shape(route)
            if shape is None:
                self.always.append(number)
                continue
            node = self.root
            for segment in shape:
                if segment is None:
                    node.any = node.any or _Node()
                    node = node.any
                else:
                    node = node.literal.setdefault(segment, _Node())
            (node.mounts if isinstance(route, Mount) else node.routes).append(number)

    def candidates(self, path: str) -> list[BaseRoute] | None:
        """The routes ``path`` may match, in the router's order; None: ask every route."""
        if not path.startswith("/") or "\n" in path:  # "$" in a route's pattern matches before a final "\n"
            return None
        segments = path[1:].split("/")
        found = list(self.always)
        level = [self.root]
        for segment in segments:
            deeper = []
            for node in level:
                found.extend(node.mounts)  # a mount takes this segment and whatever follows
                child = node.literal.get(segment)
                if child is not None:
                    deeper.append(child)
                if node.any is not None:
                    deeper.append(node.any)
            level = deeper
            if not level:
                break
        for node in level:
            found.extend(node.routes)
        return [self.routes[number] for number in sorted(found)]


def index_routes(router: Router) -> None:
    """Dispatches ``router`` (and every mount's router in it) through a ``PathIndex``.

    Only a router whose middleware stack is its own dispatch is changed (one with middleware of
    its own is left to Starlette)."""
    for route in router.routes:
        if isinstance(route, Mount) and isinstance(route.app, Router):
            index_routes(route.app)
    if router.middleware_stack != router.app:
        return
    router.middleware_stack = _indexed(router, PathIndex(router.routes))  # type: ignore[assignment]


def _indexed(router: Router, index: PathIndex) -> Callable[[Scope, Receive, Send], Coroutine[Any, Any, None]]:
    everything = router.app  # Starlette's own, for what the index does not answer

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await everything(scope, receive, send)
            return
        candidates = index.candidates(get_route_path(scope))
        if candidates is None:
            await everything(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = router
        partial: BaseRoute | None = None
        partial_scope: Scope = {}
        for route in candidates:  # Router.app's loop, over the routes that may match
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        await everything(scope, receive, send)  # no route: Starlette's slash redirect or 404

    return app
