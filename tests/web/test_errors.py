"""Error pages: the right status, in the visitor's language, as a page or as an htmx fragment."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from civic.app import create_app
from civic.settings import Settings
from domain.accounts import LastAdminError
from tests.fixtures import MakeClient
from web import i18n
from web.errors import TITLES

BASE_URL = "http://testserver"


async def _conflict(request: Request) -> None:
    raise LastAdminError("someone")


async def _unprocessable(request: Request) -> None:
    raise HTTPException(422)


async def _bug(request: Request) -> None:
    raise RuntimeError("a bug in a route")


async def _page_number(request: Request) -> PlainTextResponse:
    """What a paged list does with ``?page=``: an int that goes into a SQLite query."""
    page = int(request.query_params.get("page", "1"))
    with request.app.state.services.reader() as db:
        db.execute("SELECT ?", [page]).fetchone()
    return PlainTextResponse("ok")


@pytest.fixture(scope="module")
def errors_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Starlette]:
    """The real app, small body limit, plus three routes that raise (test wiring, not mocks)."""
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("errors"), max_body_bytes=1000, rate_limit_per_minute=0))
    app.router.routes.extend(
        [
            Route("/test-only/conflict", _conflict),  # a domain error the shell maps to 409
            Route("/test-only/unprocessable", _unprocessable),  # no shell form validates yet
            Route("/test-only/bug", _bug),  # an unexpected exception
            Route("/test-only/paged", _page_number),  # an integer parameter, unchecked
        ]
    )
    yield app
    app.state.services.close()


@dataclass(frozen=True)
class Case:
    status: int
    send: Callable[[TestClient, dict[str, str]], httpx.Response]
    own_app: dict[str, int] | None = None  # settings for an app of its own

    def __str__(self) -> str:
        return str(self.status)


def _rate_limited(client: TestClient, headers: dict[str, str]) -> httpx.Response:
    for _ in range(3):
        assert client.post("/logout", follow_redirects=False).status_code == 303
    return client.post("/logout", headers=headers)


CASES = [
    Case(400, lambda c, h: c.get("/auth/callback?code=forged&state=forged", headers=h)),
    Case(401, lambda c, h: c.get("/account", headers=h)),
    Case(403, lambda c, h: c.post("/logout", headers={**h, "Sec-Fetch-Site": "cross-site"})),
    Case(400, lambda c, h: c.get("/test-only/paged?page=99999999999999999999", headers=h)),
    Case(404, lambda c, h: c.get("/no-such-page", headers=h)),
    Case(405, lambda c, h: c.get("/logout", headers=h)),
    Case(409, lambda c, h: c.get("/test-only/conflict", headers=h)),
    Case(413, lambda c, h: c.post("/logout", content=b"x" * 5000, headers=h)),
    Case(422, lambda c, h: c.get("/test-only/unprocessable", headers=h)),
    Case(429, _rate_limited, own_app={"rate_limit_per_minute": 3}),
    Case(500, lambda c, h: c.get("/test-only/bug", headers=h)),
]
LANGUAGES = {"zh_Hant_TW": {}, "en": {"Accept-Language": "en-US,en;q=0.9"}}


@pytest.fixture
def errors_client(errors_app: Starlette) -> Iterator[TestClient]:
    with TestClient(errors_app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        yield client


def _answer(case: Case, errors_client: TestClient, make_client: MakeClient, headers: dict[str, str]) -> httpx.Response:
    client = make_client(**case.own_app) if case.own_app else errors_client
    return case.send(client, headers)


def _title(status: int, locale: str) -> str:
    return i18n.load_catalogs()[locale].ugettext(TITLES[status])


@pytest.mark.parametrize("locale", LANGUAGES)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_error_page_in_both_languages(
    case: Case, locale: str, errors_client: TestClient, make_client: MakeClient
) -> None:
    answer = _answer(case, errors_client, make_client, LANGUAGES[locale])
    assert answer.status_code == case.status
    assert answer.headers["content-type"].startswith("text/html")
    html_lang = "zh-Hant-TW" if locale == "zh_Hant_TW" else "en"
    assert f'<html lang="{html_lang}">' in answer.text
    assert answer.headers["content-language"] == html_lang
    title = _title(case.status, locale)
    assert f"<h1>{title}</h1>" in answer.text
    assert f"<title>{title} · " in answer.text
    code = f"錯誤代碼 {case.status}" if locale == "zh_Hant_TW" else f"Error code {case.status}"
    assert code in answer.text
    assert 'class="skip-link"' in answer.text  # the whole layout, navigation included


@pytest.mark.parametrize("locale", LANGUAGES)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_error_fragment_for_htmx(case: Case, locale: str, errors_client: TestClient, make_client: MakeClient) -> None:
    answer = _answer(case, errors_client, make_client, {**LANGUAGES[locale], "HX-Request": "true"})
    assert answer.status_code == case.status
    fragment = answer.text.strip()
    assert fragment.startswith('<div class="error-page" role="alert" id="error">')
    assert "<html" not in fragment and "<nav" not in fragment
    assert _title(case.status, locale) in fragment
    # into the layout's alert slot, not over whatever the form targeted
    assert answer.headers["hx-retarget"] == "#htmx-error"
    assert answer.headers["hx-reswap"] == "innerHTML"


def test_layout_has_the_slot_htmx_errors_go_to(errors_client: TestClient) -> None:
    page = errors_client.get("/").text
    assert '<div id="htmx-error"></div>' in page
    assert '{"code": "[45]..", "swap": true, "error": true}' in page  # 4xx and 5xx fragments are shown


def test_chinese_titles_are_really_translated() -> None:
    for status in TITLES:
        assert _title(status, "zh_Hant_TW") != TITLES[status]
    assert _title(404, "zh_Hant_TW") == "找不到這個頁面"
    assert _title(404, "en") == "Page not found"


def test_unauthenticated_answer_offers_sign_in(errors_client: TestClient) -> None:
    answer = errors_client.get("/account?lang=en")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"].startswith("OpenIDConnect")
    assert '/login?next=/account">Sign in</a>' in answer.text


def test_method_not_allowed_lists_the_allowed_methods(errors_client: TestClient) -> None:
    assert errors_client.get("/logout").headers["allow"] == "POST"


def test_unexpected_errors_are_logged(errors_client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="civic.web"):
        assert errors_client.get("/test-only/bug").status_code == 500
    assert any("unhandled error on GET /test-only/bug" in record.getMessage() for record in caplog.records)
    assert "a bug in a route" not in errors_client.get("/test-only/bug").text  # no internals shown


def test_request_body_limit_is_checked_before_reading(errors_client: TestClient) -> None:
    declared_small = errors_client.post("/logout", content=b"x" * 1000, follow_redirects=False)
    assert declared_small.status_code == 303  # exactly at the limit is fine
    too_large = errors_client.post("/logout", content=b"x" * 1001)
    assert too_large.status_code == 413


def test_rate_limit_counts_only_state_changes(make_client: MakeClient) -> None:
    client = make_client(rate_limit_per_minute=2)
    for _ in range(5):
        assert client.get("/").status_code == 200
    assert [client.post("/logout", follow_redirects=False).status_code for _ in range(3)] == [303, 303, 429]
    assert client.get("/").status_code == 200  # reading still works


@pytest.mark.parametrize("page", ["99999999999999999999", "-99999999999999999999", "1" * 400])
def test_a_huge_number_in_a_parameter_is_a_bad_request(errors_client: TestClient, page: str) -> None:
    answer = errors_client.get(f"/test-only/paged?page={page}&lang=en")
    assert answer.status_code == 400
    assert "The request could not be understood" in answer.text


def test_an_ordinary_number_in_a_parameter_is_fine(errors_client: TestClient) -> None:
    assert errors_client.get("/test-only/paged?page=2").status_code == 200
