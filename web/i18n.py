"""Languages: catalogs, locale negotiation, and Taiwan-style dates, money and numbers.

Catalogs are compiled in memory from ``locales/*/LC_MESSAGES/messages.po`` when the app starts,
so a fresh clone needs no build step and a stale ``.mo`` can never be served.

Babel is imported where it is used, not here: the command line imports this module for
``gettext`` and ``N_``, and ``civic --help`` in English should not pay for Babel's start-up.
"""

from __future__ import annotations

import contextvars
import functools
import gettext as stdlib_gettext
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from web.languages import EN, ZH, normalize

if TYPE_CHECKING:
    from babel import Locale
    from babel.support import NullTranslations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"

SUPPORTED = (ZH, EN)
LANGUAGE_NAMES = {ZH: "中文", EN: "English"}


class Untranslated(stdlib_gettext.NullTranslations):
    """Messages as written (English), with Babel's names for the lookups, before any catalog is
    loaded; the Babel class itself would cost its import."""

    def ugettext(self, message: str) -> str:
        return self.gettext(message)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self.ngettext(singular, plural, n)


def load_catalogs(directory: Path = LOCALES_DIR, locales: Iterable[str] = SUPPORTED) -> dict[str, NullTranslations]:
    """The compiled catalogs of ``locales`` (the command line needs only the one it shows)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import NullTranslations, Translations

    catalogs: dict[str, NullTranslations] = {EN: NullTranslations()}
    for locale in locales:
        po = directory / locale / "LC_MESSAGES" / "messages.po"
        if po.exists():
            with po.open("rb") as source:
                catalog = read_po(source, locale=locale)
            buffer = BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            buffer.seek(0)
            catalogs[locale] = Translations(buffer)
    catalogs.setdefault(ZH, NullTranslations())
    return catalogs


def negotiate(query: str | None, cookie: str | None, accept_language: str | None, default: str = ZH) -> str:
    """``?lang=`` beats the cookie, which beats the browser's Accept-Language."""
    for choice in (query, cookie):
        if normalize(choice):
            return normalize(choice)  # type: ignore[return-value]
    for tag, _quality in _accepted(accept_language or ""):
        if normalize(tag):
            return normalize(tag)  # type: ignore[return-value]
    return default


def _accepted(header: str) -> list[tuple[str, float]]:
    ranked = []
    for part in header.split(","):
        piece = part.strip().split(";")
        if not piece[0]:
            continue
        quality = 1.0
        for param in piece[1:]:
            if param.strip().startswith("q="):
                try:
                    quality = float(param.strip()[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((piece[0], quality))
    return sorted(ranked, key=lambda item: -item[1])


# The translations of the request (or command) being served; set by EdgeMiddleware / the CLI.
current: contextvars.ContextVar[NullTranslations | Untranslated] = contextvars.ContextVar(
    "civic_translations",
    default=Untranslated(),  # noqa: B039 - never mutated: it only translates
)
current_locale: contextvars.ContextVar[str] = contextvars.ContextVar("civic_locale", default=EN)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown."""
    return message


def gettext(message: str, **params: object) -> str:
    text = current.get().ugettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = current.get().ungettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


def activate(locale: str, catalogs: dict[str, NullTranslations] | dict[str, Untranslated]) -> None:
    current.set(catalogs.get(locale, catalogs[EN]))
    current_locale.set(locale)


# --- Formatting -----------------------------------------------------------------------------


def roc_date(value: date | datetime) -> str:
    """民國115年11月26日: Taiwan's official calendar counts years from 1912.

    A date before 1912 has no ROC year (never "民國-11年"): it is written as a Western year, 西元1900年.
    """
    if value.year < 1912:
        return f"西元{value.year}年{value.month}月{value.day}日"
    return f"民國{value.year - 1911}年{value.month}月{value.day}日"


# Separators also in their full-width forms (／－．), as Chinese input methods type them.
_ROC = re.compile(r"^\s*(?:民國)?\s*(\d{1,3})\s*[/.\-／－．年]\s*(\d{1,2})\s*[/.\-／－．月]\s*(\d{1,2})\s*日?\s*$")


def parse_roc_date(text: str) -> date:
    """Accepts 105/03/05, 105-3-5, １０５／０３／０５ or 民國105年3月5日; raises ValueError otherwise."""
    match = _ROC.match(text)
    if not match:
        raise ValueError(text)
    year, month, day = (int(part) for part in match.groups())
    return date(year + 1911, month, day)


def format_date(value: date | datetime, locale: str) -> str:
    value = local_time(value)
    if locale == ZH:
        return roc_date(value)
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, "long", locale=babel_locale(locale))


CITY_TIMEZONE = ZoneInfo("Asia/Taipei")


def local_time(value: date | datetime) -> date | datetime:
    """Events are stamped in UTC; people read the city's own clock (a day can differ before 08:00)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(CITY_TIMEZONE)
    return value


def format_datetime(value: datetime, locale: str) -> str:
    """民國115年11月26日 13:05 in Chinese; November 26, 2026, 13:05 in English."""
    moment = local_time(value)
    if locale == ZH:
        return f"{roc_date(moment)} {moment:%H:%M}"
    from babel.dates import format_date as babel_format_date

    return f"{babel_format_date(moment, 'long', locale=babel_locale(locale))}, {moment:%H:%M}"


def format_money(amount: int | Decimal | float, locale: str) -> str:
    """新臺幣1,234,567元 in Chinese (the city writes 臺), NT$1,234,567 in English."""
    if type(amount) is int and _groups_as_python("en"):
        number = f"{amount:,}"  # what Babel writes for a whole number, at a fiftieth of the cost
    else:
        from babel.numbers import format_decimal

        number = format_decimal(amount, format="#,##0.##", locale="en")
    if locale == ZH:
        return f"新臺幣{number}元"
    return f"NT${number}"


def format_number(value: int | float | Decimal, locale: str) -> str:
    if type(value) is int and _groups_as_python(locale):
        return f"{value:,}"
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale(locale))


@functools.cache
def _groups_as_python(locale: str) -> bool:
    """Whether Babel writes whole numbers in ``locale`` as Python's ``{:,}`` does (asked once)."""
    from babel.numbers import format_decimal

    probes = (0, 7, 999, 1000, -1234567, 12345678901)
    return all(format_decimal(n, locale=babel_locale(locale)) == f"{n:,}" for n in probes) and all(
        format_decimal(n, format="#,##0.##", locale=babel_locale(locale)) == f"{n:,}" for n in probes
    )


@functools.cache
def babel_locale(code: str) -> Locale:
    """Babel's ``Locale`` of a language, parsed once: a page formats dozens of numbers and dates."""
    from babel import Locale

    return Locale.parse(code)


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name: str
