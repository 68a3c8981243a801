"""Whole numbers and amounts are written as Babel writes them, by the shorter way the pages take."""

from __future__ import annotations

import random
from decimal import Decimal

from babel.numbers import format_decimal

from web import i18n


def test_whole_numbers_and_amounts_read_as_babel_writes_them() -> None:
    rng = random.Random(20261201)
    numbers = [0, 1, -1, 999, 1000, -1000, 10**15] + [rng.randint(-(10**12), 10**12) for _ in range(500)]
    for locale in i18n.SUPPORTED:
        for n in numbers:
            assert i18n.format_number(n, locale) == format_decimal(n, locale=locale)
            babel = format_decimal(n, format="#,##0.##", locale="en")
            assert i18n.format_money(n, locale) in (f"新臺幣{babel}元", f"NT${babel}")


def test_fractions_and_decimals_still_go_to_babel() -> None:
    assert i18n.format_number(Decimal("1234.5"), "en") == "1,234.5"
    assert i18n.format_money(1234.567, "en") == "NT$1,234.57"
