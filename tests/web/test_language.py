"""Choosing the language: ``?lang=`` → the ``lang`` cookie → Accept-Language → Traditional Chinese."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.fixtures import MakeClient

ZH = ('<html lang="zh-Hant-TW">', "高雄市民參與平臺")
EN = ('<html lang="en">', "Kaohsiung civic platform")


def _speaks(page: str, language: tuple[str, str]) -> bool:
    return all(marker in page for marker in language)


def test_lang_query_switches_to_english_and_is_remembered(client: TestClient) -> None:
    switched = client.get("/?lang=en")
    assert _speaks(switched.text, EN)
    assert switched.headers["content-language"] == "en"
    cookie = switched.headers["set-cookie"]
    assert cookie.startswith("lang=en;") and "SameSite=Lax" in cookie and "Max-Age=" in cookie

    later = client.get("/account")  # any page, no query: the cookie carries the choice
    assert _speaks(later.text, EN)
    assert "set-cookie" not in later.headers or "lang=" not in later.headers["set-cookie"]

    back = client.get("/?lang=zh_Hant_TW")
    assert _speaks(back.text, ZH)
    assert _speaks(client.get("/").text, ZH)


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("zh-TW", ZH),
        ("zh-Hant", ZH),
        ("zh", ZH),
        ("zh-Hant-TW,zh;q=0.9,en;q=0.8", ZH),
        ("en-US", EN),
        ("en-US,en;q=0.9,zh-TW;q=0.5", EN),
        ("fr", ZH),  # nothing we speak: the default
        ("fr-FR,fr;q=0.9,en;q=0.5", EN),  # the first language we speak, by quality
        ("", ZH),
    ],
)
def test_accept_language_is_mapped_to_a_catalog(
    client: TestClient, accept_language: str, expected: tuple[str, str]
) -> None:
    page = client.get("/", headers={"Accept-Language": accept_language})
    assert _speaks(page.text, expected)
    assert "lang=" not in page.headers.get("set-cookie", "")  # only an explicit choice is stored


def test_query_beats_cookie_and_cookie_beats_accept_language(client: TestClient) -> None:
    client.cookies.set("lang", "en")
    assert _speaks(client.get("/", headers={"Accept-Language": "zh-TW"}).text, EN)
    assert _speaks(client.get("/?lang=zh_Hant_TW", headers={"Accept-Language": "en"}).text, ZH)


def test_unknown_lang_query_is_ignored(client: TestClient) -> None:
    page = client.get("/?lang=xx", headers={"Accept-Language": "en"})
    assert _speaks(page.text, EN)
    assert "set-cookie" not in page.headers


def test_pages_say_they_vary_by_language(client: TestClient) -> None:
    vary = client.get("/").headers["vary"]
    assert "Accept-Language" in vary and "Cookie" in vary and "HX-Request" in vary


def test_default_language_is_a_setting(make_client: MakeClient) -> None:
    client = make_client(default_locale="en")
    assert _speaks(client.get("/").text, EN)
    assert _speaks(client.get("/no-such-page").text, EN)
    assert _speaks(client.get("/", headers={"Accept-Language": "zh-TW"}).text, ZH)
    assert _speaks(client.get("/", headers={"Accept-Language": "fr"}).text, EN)
