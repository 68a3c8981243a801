"""Hostile request headers (Host, Accept-Language, cookies) on the pages every visitor reaches.

The headers the application itself reads: ``Host`` (absolute URLs, the own-origin check),
``Accept-Language`` and the ``lang`` cookie (the page's language), the session cookie. Each
answer keeps the rules of ``checks.check_answer``; the language is not prescribed here, only
that a refusal is one of our pages. Values the HTTP server turns away itself (control
characters, a Content-Length that is not digits) never reach the application and are left out.
And a forged Host never becomes the address the sign-in sends the authorization code to.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.harness.access import ANONYMOUS
from tests.harness.checks import check_answer
from tests.harness.platform import Platform
from tests.harness.served import Probe

HEADERS = {
    "host IPv6 unclosed": {"Host": "[::1"},
    "host port too large": {"Host": "127.0.0.1:99999999999"},
    "host with a space": {"Host": "evil.example extra"},
    "host 100 KB": {"Host": "a" * 100_000},
    "host foreign": {"Host": "evil.example"},
    "accept-language 5 KB": {"Accept-Language": "en-US," * 800},
    "accept-language odd weights": {"Accept-Language": "en;q=NaN, zh-TW;q=1e309, *;q=-1"},
    "accept-language junk": {"Accept-Language": ";;;,,,q=,=;"},
    "lang cookie junk": {"Cookie": "lang=" + "\u00ff" * 10},
    "lang cookie 4 KB": {"Cookie": "lang=" + "x" * 4000},
    "lang cookie twice": {"Cookie": "lang=en; lang=zh_Hant_TW; lang="},
    "session cookie forged": {"Cookie": "civic_session=eyJhY2NvdW50X2lkIjogIngifQ==.forged.sig"},
    "session cookie 4 KB": {"Cookie": "civic_session=" + "A" * 4000},
}
TARGETS = [("GET", "/"), ("GET", "/login"), ("GET", "/glossary/"), ("POST", "/logout")]


@pytest.mark.parametrize(("method", "path"), TARGETS, ids=[f"{m} {p}" for m, p in TARGETS])
@pytest.mark.parametrize("headers", HEADERS.values(), ids=HEADERS.keys())
def test_hostile_headers_get_a_proper_answer(
    platform: Platform, probe: Probe, method: str, path: str, headers: dict[str, str]
) -> None:
    before = platform.position()
    answer = platform.send(ANONYMOUS, method, path, headers=headers)
    name = next(key for key, value in HEADERS.items() if value == headers)
    check_answer(platform, probe, answer, before=before, language=None, what=f"{method} {path} with {name}")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8443", "127.0.0.1.evil.example"])
def test_sign_in_never_sends_the_code_to_a_foreign_host(platform: Platform, host: str) -> None:
    """A forged Host must not become the redirect_uri the provider sends the authorization code to."""
    answer = platform.send(ANONYMOUS, "GET", "/login", headers={"Host": host})
    location = answer.response.headers.get("location", "")
    redirect_uri = parse_qs(urlsplit(location).query).get("redirect_uri", [""])[0]
    assert answer.response.status_code < 500
    assert answer.response.status_code >= 400 or not urlsplit(redirect_uri).netloc.startswith(host.split(":")[0]), (
        f"GET /login with Host: {host} → {answer.response.status_code}, redirect_uri={redirect_uri!r}"
    )
