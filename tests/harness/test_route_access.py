"""Route × role: every route declares who may use it, and the served app keeps to the declaration.

The table is tests/harness/access.py; the routes are read from ``app.routes`` (walking into
``Mount``s), so a new route fails here until it has an entry. Each entry is requested as each
role of ``ROLES`` with its example parameters and the seeded ids: those it allows get neither a
refusal nor an error; everyone else gets the declared refusal, and the log does not move.
Unsafe methods say ``Sec-Fetch-Site: same-origin``, so cross-origin protection does not stand in
for the access check; and every unsafe route refuses a cross-site request (403) writing nothing.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from starlette.applications import Starlette

from tests.harness.access import ROLES, ROUTES, UNSAFE_METHODS, Access
from tests.harness.platform import Platform
from tests.harness.routing import fill, fill_text, served_endpoints

HOW_TO_DECLARE = (
    "every route must declare who may use it: add to ROUTES in tests/harness/access.py\n"
    "    {entries}\n"
    "with EVERYONE, SIGNED_IN or the roles (TRANSLATOR, STAFF, ADMIN, ...), and the query= / form= / files= "
    "it reads, each with a valid example"
)
CROSS_SITE = {
    "cross-site": {"Sec-Fetch-Site": "cross-site"},
    "same-site": {"Sec-Fetch-Site": "same-site"},
    "foreign origin": {"Origin": "https://evil.example"},
}


def test_every_route_declares_who_may_use_it(harness_app: Starlette) -> None:
    missing = sorted(served_endpoints(harness_app.routes) - set(ROUTES))
    entries = "\n    ".join(f'("{method}", "{path}"): Access(...),' for method, path in missing)
    assert not missing, HOW_TO_DECLARE.format(entries=entries)


def test_every_declaration_has_a_route(harness_app: Starlette) -> None:
    stale = sorted(set(ROUTES) - served_endpoints(harness_app.routes))
    assert not stale, f"tests/harness/access.py declares routes the app does not serve (remove or rename them): {stale}"


def request_options(platform: Platform, method: str, access: Access) -> tuple[str, dict]:
    """The entry's example query string, and its example form (or upload) for unsafe methods."""
    samples = platform.seeded.samples
    query = {name: fill_text(value, samples) for name, value in access.query.items()}
    target = "?" + urlencode(query) if query else ""
    if method not in UNSAFE_METHODS:
        return target, {}
    form = {name: fill_text(value, samples) for name, value in access.form.items()}
    if access.files:
        return target, {"data": form, "files": dict(access.files)}
    return target, {"data": form}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path"), sorted(ROUTES), ids=[f"{m} {p}" for m, p in sorted(ROUTES)])
def test_route_answers_each_role_as_declared(platform: Platform, method: str, path: str, role: str) -> None:
    access = ROUTES[(method, path)]
    query, options = request_options(platform, method, access)
    target = fill(path, platform.seeded.samples) + query
    before = platform.position()
    answer = platform.send(role, method, target, **options)
    status = answer.response.status_code
    what = f"{method} {target} as {role}"
    assert status < 500, f"{what} → {status}\n--- server log ---\n{platform.server.log_tail()}"
    if access.allows(role):
        refused = {401, 403} if method in UNSAFE_METHODS else {401, 403, 404, 405}
        assert status not in refused, f"{what} is declared {access.who}, but was refused with {status}"
    else:
        assert status == access.refusal(role), (
            f"{what} → {status}, not {access.refusal(role)}: it is declared {access.who}"
        )
        assert platform.position() == before, f"{what} was refused, yet the log moved from {before}"


UNSAFE = sorted(key for key in ROUTES if key[0] in UNSAFE_METHODS)


@pytest.mark.parametrize("headers", CROSS_SITE.values(), ids=CROSS_SITE.keys())
@pytest.mark.parametrize(("method", "path"), UNSAFE, ids=[f"{m} {p}" for m, p in UNSAFE])
def test_cross_site_requests_are_refused_and_write_nothing(
    platform: Platform, method: str, path: str, headers: dict[str, str]
) -> None:
    access = ROUTES[(method, path)]
    query, options = request_options(platform, method, access)  # a valid request, were it from here
    target = fill(path, platform.seeded.samples) + query
    before = platform.position()
    answer = platform.send(access.first_allowed(), method, target, headers=headers, same_origin=False, **options)
    assert answer.response.status_code == 403, f"{method} {target} with {headers} → {answer.response.status_code}"
    assert platform.position() == before
