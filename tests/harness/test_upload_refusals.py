"""Every upload refuses hostile files whole: a clear error in the visitor's language, nothing imported.

The files are tests/harness/uploads.py's ``CASES``; each is sent as the role the upload route
allows, once in each language. Besides the rules of ``checks.check_answer`` (never a 500, a
bounded answer that does not hold the event loop), the answer has the case's status (422, or
413 over the upload limit), a 422 names the problem in an alert, and the log does not move.
"""

from __future__ import annotations

import pytest

from tests.harness.access import ROUTES
from tests.harness.checks import CHINESE, ENGLISH, check_answer, check_language
from tests.harness.platform import Platform
from tests.harness.routing import fill
from tests.harness.served import Probe
from tests.harness.uploads import CASES, UNPROCESSABLE, UPLOADS, Case, place_for

ALL_CASES = [(upload, case) for upload, cases in CASES.items() for case in cases]
LANGUAGES = [CHINESE, ENGLISH]


def test_every_upload_route_has_hostile_files() -> None:
    declared = {key for key, access in ROUTES.items() if access.files}
    covered = {(upload.method, upload.path) for upload in UPLOADS.values()}
    assert declared == covered, (
        f"routes that take files without cases in tests/harness/uploads.py: {sorted(declared - covered)}; "
        f"uploads there without a route: {sorted(covered - declared)}"
    )
    assert set(CASES) == set(UPLOADS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("upload_name", "case"), ALL_CASES, ids=[f"{u}: {c.name}" for u, c in ALL_CASES])
def test_hostile_file_is_refused_whole(
    platform: Platform, probe: Probe, upload_name: str, case: Case, language: str
) -> None:
    upload = UPLOADS[upload_name]
    role = ROUTES[(upload.method, upload.path)].first_allowed()
    place = place_for(ALL_CASES.index((upload_name, case)) * len(LANGUAGES) + LANGUAGES.index(language))
    content = case.content(platform.server.settings.max_upload_bytes, place)
    target = fill(upload.path, platform.seeded.samples) + ("?lang=en" if language == ENGLISH else "")
    before = platform.position()
    answer = platform.send(
        role,
        upload.method,
        target,
        data=upload.form,
        files={upload.field: (case.file_name, content, "application/octet-stream")},
    )
    what = f"{upload.method} {upload.path} with {case.name} ({len(content)} bytes) as {role}"
    check_answer(platform, probe, answer, before=before, language=language, what=what)
    status, after = answer.response.status_code, platform.position()
    assert (status, after) == (case.status, before), (
        f"{what} → {status}, not {case.status}; " + (f"it imported (the log moved from {before} to {after})"
        if after != before else "nothing was imported") + f": {_report(answer.response.text)}"
    )  # fmt: skip
    check_language(answer.response, language, what)
    if status == UNPROCESSABLE:
        assert 'role="alert"' in answer.response.text, f"{what}: the 422 page shows no alert naming the problem"


def _report(html: str) -> str:
    """The import report of a page, or its end."""
    start = html.find('<section class="notice"')
    return repr(html[start : start + 500] if start >= 0 else html[-300:])
