"""The templates' ``url_for`` finds routes by name and writes the URL Starlette would write."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route

from web.urls import RouteIndex


def _request(app: Starlette, host: str = "civic.example", scheme: str = "https", root_path: str = "") -> Request:
    return Request({
        "type": "http", "method": "GET", "scheme": scheme, "path": "/", "root_path": root_path, "query_string": b"",
        "headers": [(b"host", host.encode())], "server": (host, 443), "app": app, "router": app.router,
    })  # fmt: skip


def _every_route(routes, prefix=""):  # type: ignore[no-untyped-def]
    for route in routes:
        if isinstance(route, Route):
            yield route
        yield from _every_route(getattr(route, "routes", None) or [])


def test_every_route_of_the_platform_has_the_url_starlette_gives(shared_app: Starlette) -> None:
    index = RouteIndex(shared_app.routes)
    routes = list(_every_route(shared_app.routes))
    assert len(routes) > 50 and len(index.routes) == len(routes)
    for request in (_request(shared_app), _request(shared_app, "127.0.0.1:8000", "http", "/civic")):
        url_for = index.url_for(request)
        for route in routes:
            params = {name: f"p-{n}" for n, name in enumerate(route.param_convertors)}
            ours, theirs = url_for(route.name, **params), request.url_for(route.name, **params)
            assert str(ours) == str(theirs) and ours.path == theirs.path, route.name


def test_a_name_only_starlette_knows_is_answered_by_starlette(shared_app: Starlette) -> None:
    request = _request(shared_app)
    url_for = shared_app.state.urls.url_for(request)
    assert str(url_for("static", path="civic.css")) == "https://civic.example/static/civic.css"


def test_the_first_route_of_a_name_wins_as_in_starlette() -> None:
    first, second = Route("/one", lambda request: None, name="same"), Route("/two", lambda request: None, name="same")
    app = Starlette(routes=[first, second])
    assert str(RouteIndex(app.routes).url_for(_request(app))("same")) == "https://civic.example/one"
