"""The (method, path template) pairs an application serves, read from ``app.routes``, and path filling."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote

from starlette.routing import BaseRoute, Host, Mount, Route

PARAMETER = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)}")
CONVERTER = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*):[a-zA-Z_]+}")


def served_endpoints(routes: Iterable[BaseRoute], prefix: str = "") -> set[tuple[str, str]]:
    """Every (method, full path template), walking into ``Mount``s; HEAD goes with GET.

    A Mount of a plain ASGI app (StaticFiles) serves GET on ``<prefix>/{path}``.
    """
    found: set[tuple[str, str]] = set()
    for route in routes:
        if isinstance(route, Mount):
            inner = route.routes
            if inner:
                found |= served_endpoints(inner, prefix + CONVERTER.sub(r"{\1}", route.path))
            else:
                found.add(("GET", prefix + route.path_format))  # "/static/{path}"
        elif isinstance(route, Host):
            found |= served_endpoints(route.routes, prefix)
        elif isinstance(route, Route):
            if route.methods is None:
                raise TypeError(f"{prefix}{route.path_format}: give the route methods= so its access can be declared")
            found |= {(method, prefix + route.path_format) for method in route.methods - {"HEAD"}}
        else:
            raise TypeError(f"{prefix}: a {type(route).__name__} the route × role matrix does not know how to walk")
    return found


def parameter_names(template: str) -> list[str]:
    return PARAMETER.findall(template)


def fill(template: str, values: Mapping[str, str]) -> str:
    """``/glossary/terms/{term_id}`` with the sample for ``term_id``, percent-encoded."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in values, f"no sample for {{{name}}}: add one to Seeded.samples in tests/harness/seed.py"
        return quote(values[name], safe="")

    return PARAMETER.sub(one, template)


def fill_text(text: str, values: Mapping[str, str]) -> str:
    """An example value with ``{name}`` placeholders filled in (not encoded)."""
    return PARAMETER.sub(lambda match: values[match.group(1)], text)
