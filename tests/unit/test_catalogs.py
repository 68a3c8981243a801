"""The message catalogs are complete and in step with the code; README documents every setting.

When a test here fails after you added a string: run ``python -m civic.catalogs`` (or
``make catalogs``), then translate the new entries in ``locales/zh_Hant_TW/LC_MESSAGES/messages.po``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from civic import catalogs
from civic.settings import Settings

ROOT = catalogs.ROOT
LOCALES = ("zh_Hant_TW", "en")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=locale)


def _po(locale: str) -> Path:
    return ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po"


def _ids(catalog: Catalog) -> set[str]:
    return {_key(message.id) for message in catalog if message.id}


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """What the code marks for translation today: the extraction ``civic/catalogs.py`` runs."""
    pot = tmp_path_factory.mktemp("catalogs") / "messages.pot"
    extraction = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            *catalogs.KEYWORDS,
            "--no-location",
            "--sort-output",
            "-o",
            str(pot),
            "civic",
            "domain",
            "projections",
            "web",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if extraction.returncode != 0:
        pytest.fail(f"message extraction failed:\n{extraction.stderr[-3000:]}")
    return _read(pot)


def test_messages_pot_is_up_to_date_with_the_code(extracted: Catalog) -> None:
    in_code = _ids(extracted)
    in_pot = _ids(_read(ROOT / "locales" / "messages.pot"))
    missing, stale = sorted(in_code - in_pot), sorted(in_pot - in_code)
    assert not missing and not stale, (
        "locales/messages.pot is out of date; run `python -m civic.catalogs`.\n"
        f"New in the code: {missing}\nGone from the code: {stale}"
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_catalog_has_every_message_of_the_code(extracted: Catalog, locale: str) -> None:
    missing = sorted(_ids(extracted) - _ids(_read(_po(locale), locale)))
    assert not missing, f"{locale} lacks these messages; run `python -m civic.catalogs`: {missing}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated(locale: str) -> None:
    problems = []
    for message in _read(_po(locale), locale):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {_key(message.id)!r}")
        elif not all(strings):
            problems.append(f"untranslated: {_key(message.id)!r}")
    assert not problems, f"{_po(locale).relative_to(ROOT)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_every_placeholder(locale: str) -> None:
    problems = []
    for message in _read(_po(locale), locale):
        if not message.id:
            continue
        wanted = set(PLACEHOLDER.findall(_key(message.id)))
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        for string in strings:
            if string and set(PLACEHOLDER.findall(string)) != wanted:
                problems.append(f"{_key(message.id)!r} → {string!r}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_chinese_catalog_writes_tai_as_the_city_does() -> None:
    """臺 (not 台) in 臺灣, 臺北, 新臺幣, 平臺, as Kaohsiung City Government writes it."""
    offending = [
        message.string
        for message in _read(_po("zh_Hant_TW"), "zh_Hant_TW")
        if message.id and isinstance(message.string, str) and "台" in message.string
    ]
    assert not offending, offending


def test_every_setting_is_documented_in_the_readme() -> None:
    """Each ``CIVIC_*`` variable has a row in README.md's settings table: ``| `CIVIC_NAME` | ...``."""
    readme = ROOT / "README.md"
    assert readme.exists(), "README.md is missing (it documents every CIVIC_* setting in a table)"
    rows = set(re.findall(r"^\|\s*`(CIVIC_[A-Z0-9_]+)`\s*\|", readme.read_text(encoding="utf-8"), re.M))
    variables = {f"CIVIC_{spec.name.upper()}" for spec in fields(Settings) if spec.name != "env"}
    assert not variables - rows, f"settings missing from README.md's table: {sorted(variables - rows)}"
    assert not rows - variables, f"README.md documents settings that do not exist: {sorted(rows - variables)}"
