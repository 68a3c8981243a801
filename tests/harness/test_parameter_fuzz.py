"""Every query parameter, form field, file name and path parameter of every route, fuzzed with hypothesis.

Each route gets, on every run, its valid example request with one parameter at a time set to each
of the key hostile values (``values.KEY_ATOMS``), then generated mixtures of them all.
The parameters are those declared in tests/harness/access.py; values come from
tests/harness/values.py (empty, 100 KB, control characters, invalid UTF-8, lone surrogates,
markup, SQL and FTS5 syntax, huge and negative numbers, ids of the wrong kind, random and
malformed UUIDs). Each request is made as the weakest role the route allows, half of them in
English (``?lang=en`` or the ``lang`` cookie). Every answer keeps the rules of
``checks.check_answer``: never a 500, within the time bound without holding the event loop, and a
4xx wrote nothing and is a page in the visitor's language.

Examples are derandomized (the same on every run) and failures are not shrunk: a failing example
can cost seconds, and the first one found is reported as it is.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings

from tests.harness.access import ROUTES
from tests.harness.checks import check_answer
from tests.harness.platform import Platform
from tests.harness.routing import parameter_names
from tests.harness.served import Probe
from tests.harness.values import FuzzedRequest, fuzzed_requests, key_examples


def examples_for(method: str, path: str) -> int:
    """More examples for routes with more to fuzz; a few for those with nothing but the language."""
    access = ROUTES[(method, path)]
    return min(30, 5 + 3 * (len(access.parameters()) + len(parameter_names(path))))


FUZZED = sorted(ROUTES)


@pytest.mark.parametrize(("method", "path"), FUZZED, ids=[f"{m} {p}" for m, p in FUZZED])
def test_hostile_parameters_get_a_proper_answer(platform: Platform, probe: Probe, method: str, path: str) -> None:
    access = ROUTES[(method, path)]
    role = access.first_allowed()

    @settings(
        max_examples=examples_for(method, path), deadline=None, derandomize=True, database=None,
        phases=[Phase.explicit, Phase.generate], print_blob=False, report_multiple_bugs=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )  # fmt: skip
    @given(request=fuzzed_requests(method, path, access, platform.seeded))
    def answers_properly(request: FuzzedRequest) -> None:
        before = platform.position()
        answer = platform.send(role, method, request.target(), lang_cookie=request.lang_cookie(), **request.body())
        check_answer(platform, probe, answer, before=before, language=request.language, what=f"{request!r} as {role}",
                     records_refusals=access.records_refusals)  # fmt: skip

    for key in key_examples(method, path, access, platform.seeded):
        answers_properly = example(request=key)(answers_properly)
    answers_properly()
