"""Routes found through the path index are the ones Starlette's router finds, with the same params."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Match, Mount, Route, Router

from web.dispatch import PathIndex

FILLS = ("x", "123", "1.5", "00000000-0000-0000-0000-000000000000", "", "a%2Fb")
METHODS = ("GET", "POST", "HEAD", "PUT")
EXTRA = ("/", "", "/nope", "/budgeting", "/budgeting/", "/static", "/static/x.css", "/healthz\n", "//", "/a/b/c/d/e")


def _paths(routes: Sequence[BaseRoute], prefix: str = "") -> Iterator[str]:
    """Every route's path with its parameters filled in several ways, a slash more and less."""
    for route in routes:
        if not isinstance(route, Route | Mount):
            continue
        path = prefix + route.path
        if isinstance(route, Mount):
            yield from _paths(route.routes, path)
            path += "/zzz"
        for fill in FILLS:
            filled = re.sub(r"\{[^}]*\}", fill, path)
            yield from (filled, filled + "/", filled.rstrip("/"), filled + "/more")


def _first_match(routes: Sequence[BaseRoute], scope: dict) -> tuple[BaseRoute | None, dict]:
    """What ``Router.app`` picks: the first full match, else the first partial one."""
    partial: tuple[BaseRoute | None, dict] = (None, {})
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            return route, child
        if match is Match.PARTIAL and partial[0] is None:
            partial = (route, child)
    return partial


def _check(router: Router, path: str, root_path: str = "") -> int:
    index = PathIndex(router.routes)
    checked = 0
    for method in METHODS:
        scope = {"type": "http", "path": path, "root_path": root_path, "method": method}
        theirs = _first_match(router.routes, scope)
        route_path = path[len(root_path) :] if root_path and path.startswith(root_path + "/") else path
        candidates = index.candidates(route_path)
        ours = _first_match(candidates, scope) if candidates is not None else theirs
        if ours[0] is None:
            ours = theirs  # nothing among the candidates: the indexed router asks Starlette's
        assert ours[0] is theirs[0] and ours[1] == theirs[1], (path, method)
        checked += 1
        route = theirs[0]
        if isinstance(route, Mount) and isinstance(route.app, Router):
            checked += _check(route.app, path, theirs[1]["root_path"])
    return checked


def test_the_index_picks_starlettes_route_for_every_path_of_the_platform(shared_app: Starlette) -> None:
    paths = sorted({*_paths(shared_app.routes), *EXTRA})
    assert sum(_check(shared_app.router, path) for path in paths) > 5000


def test_the_platform_dispatches_through_the_index(shared_app: Starlette) -> None:
    router = shared_app.router
    assert router.middleware_stack != router.app
    mounts = [route for route in router.routes if isinstance(route, Mount) and isinstance(route.app, Router)]
    assert mounts and all(mount.app.middleware_stack != mount.app.app for mount in mounts)


def test_a_path_that_fits_no_route_is_left_to_starlette() -> None:
    index = PathIndex([Route("/a/{b}", lambda request: None), Mount("/m", routes=[])])
    assert [route.path for route in index.candidates("/a/1") or []] == ["/a/{b}"]
    assert [route.path for route in index.candidates("/m/x/y") or []] == ["/m"]
    assert index.candidates("/a") == [] and index.candidates("/m") == []
    assert index.candidates("relative") is None
