"""Languages: negotiation rules, and how dates, money and numbers read in Taiwan and in English."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from web import i18n
from web.i18n import EN, ZH


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("zh-TW", ZH),
        ("zh_TW", ZH),
        ("zh-Hant", ZH),
        ("zh-hant-tw", ZH),
        ("zh", ZH),
        ("zh_Hant_TW", ZH),
        ("zh-HK", ZH),
        ("ZH-tw", ZH),
        (" en ", EN),
        ("en-US", EN),
        ("en-GB", EN),
        ("en-AU", EN),
        ("fr", None),
        ("ja-JP", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_maps_browser_tags_to_catalogs(tag: str | None, expected: str | None) -> None:
    assert i18n.normalize(tag) == expected


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        (None, None, None, ZH),  # nothing said: Traditional Chinese
        (None, None, "zh-TW", ZH),
        (None, None, "zh-Hant", ZH),
        (None, None, "zh", ZH),
        (None, None, "en-US", EN),
        (None, None, "fr", ZH),
        (None, None, "fr-CA, fr;q=0.9, en;q=0.8, zh;q=0.7", EN),
        (None, None, "zh;q=0.5, en;q=0.9", EN),  # by quality, not by position
        (None, None, "en;q=bogus, zh-TW", ZH),  # a broken quality counts as zero
        (None, None, " , ;q=1", ZH),
        (None, "en", "zh-TW", EN),  # the cookie beats the browser
        (None, "xx", "en", EN),  # a cookie we cannot use is ignored
        ("zh_Hant_TW", "en", "en", ZH),  # ?lang= beats everything
        ("en", "zh_Hant_TW", "zh-TW", EN),
        ("klingon", None, "en", EN),  # an unknown ?lang= is ignored
    ],
)
def test_negotiate_query_then_cookie_then_accept_language(
    query: str | None, cookie: str | None, accept: str | None, expected: str
) -> None:
    assert i18n.negotiate(query, cookie, accept) == expected


def test_negotiate_default_can_be_changed() -> None:
    assert i18n.negotiate(None, None, "fr", default=EN) == EN


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 11, 26), "民國115年11月26日"),
        (date(2016, 3, 5), "民國105年3月5日"),
        (date(1912, 1, 1), "民國1年1月1日"),
        (date(1911, 12, 31), "西元1911年12月31日"),  # before the Republic: no ROC year, never 民國0年
        (date(1900, 1, 1), "西元1900年1月1日"),
        (datetime(2026, 1, 2, 23, 59, tzinfo=UTC), "民國115年1月2日"),
    ],
)
def test_roc_date(value: date, expected: str) -> None:
    assert i18n.roc_date(value) == expected


@pytest.mark.parametrize(
    "text",
    [
        "105/03/05",
        "105/3/5",
        "105-3-5",
        "105.03.05",
        "民國105年3月5日",
        "105年3月5日",
        " 民國 105 年 03 月 05 日 ",
        "１０５／０３／０５",  # full width, as a Chinese input method types it
    ],
)
def test_parse_roc_date(text: str) -> None:
    assert i18n.parse_roc_date(text) == date(2016, 3, 5)


def test_parse_roc_date_round_trips() -> None:
    day = date(2026, 11, 26)
    assert i18n.parse_roc_date(i18n.roc_date(day)) == day


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "2016-03-05",
        "105/13/01",
        "105/02/30",
        "105/03",
        "民國105年3月",
        "105/03/05 extra",
        "105/03/05/01",
        "105:03:05",
    ],
)
def test_parse_roc_date_rejects_anything_else(text: str) -> None:
    with pytest.raises(ValueError):
        i18n.parse_roc_date(text)


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [
        (date(2026, 11, 26), ZH, "民國115年11月26日"),
        (date(2026, 11, 26), EN, "November 26, 2026"),
        (datetime(2016, 3, 5, 8, 0), EN, "March 5, 2016"),
    ],
)
def test_format_date(value: date, locale: str, expected: str) -> None:
    assert i18n.format_date(value, locale) == expected


@pytest.mark.parametrize(
    ("amount", "locale", "expected"),
    [
        (1234567, ZH, "新臺幣1,234,567元"),
        (1234567, EN, "NT$1,234,567"),
        (0, ZH, "新臺幣0元"),
        (Decimal("1500000"), EN, "NT$1,500,000"),
        (Decimal("99.5"), ZH, "新臺幣99.5元"),
    ],
)
def test_format_money(amount: int | Decimal, locale: str, expected: str) -> None:
    assert i18n.format_money(amount, locale) == expected


def test_money_is_written_with_the_official_character() -> None:
    assert "臺" in i18n.format_money(1, ZH) and "台" not in i18n.format_money(1, ZH)


@pytest.mark.parametrize(
    ("value", "locale", "expected"),
    [(1234567, ZH, "1,234,567"), (1234567, EN, "1,234,567"), (Decimal("0.5"), EN, "0.5"), (12.25, ZH, "12.25")],
)
def test_format_number(value: int | Decimal | float, locale: str, expected: str) -> None:
    assert i18n.format_number(value, locale) == expected


def test_catalogs_translate_and_interpolate_by_name() -> None:
    catalogs = i18n.load_catalogs()
    i18n.activate(ZH, catalogs)
    assert i18n.gettext("Sign in") == "登入"
    assert i18n.gettext("Error code %(status)s", status=404) == "錯誤代碼 404"
    assert i18n.current_locale.get() == ZH
    i18n.activate(EN, catalogs)
    assert i18n.gettext("Sign in") == "Sign in"
    assert i18n.gettext("Error code %(status)s", status=404) == "Error code 404"
    i18n.activate("xx", catalogs)  # unknown: English, the source language
    assert i18n.gettext("Sign in") == "Sign in"


def test_missing_catalog_directory_falls_back_to_the_source_strings(tmp_path: object) -> None:
    catalogs = i18n.load_catalogs(tmp_path)  # type: ignore[arg-type]
    assert set(catalogs) == {ZH, EN}
    assert catalogs[ZH].ugettext("Sign in") == "Sign in"
