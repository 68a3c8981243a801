"""Keeps the message catalogs in step with the code: ``python -m civic.catalogs``.

Extracts every marked message into ``locales/messages.pot``, updates both catalogs, and fills the
English catalog from the source strings (English is the source language). Chinese strings are
translated by people; ``tests/unit/test_catalogs.py`` fails while any is missing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "locales" / "messages.pot"
KEYWORDS = ["-k", "N_", "-k", "_", "-k", "gettext", "-k", "ngettext:1,2"]


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def update() -> None:
    pybabel(
        "extract",
        "-F",
        "babel.cfg",
        *KEYWORDS,
        "--no-location",
        "--sort-output",
        "-o",
        str(POT),
        "civic",
        "domain",
        "projections",
        "web",
    )
    pybabel("update", "-i", str(POT), "-d", "locales", "--no-fuzzy-matching", "--ignore-obsolete")
    fill_english(ROOT / "locales" / "en" / "LC_MESSAGES" / "messages.po")


def fill_english(path: Path) -> None:
    with path.open("rb") as source:
        catalog = read_po(source, locale="en")
    for message in catalog:
        if message.id:
            message.string = message.id
    with path.open("wb") as out:
        write_po(out, catalog, width=100, sort_output=True)


if __name__ == "__main__":
    update()
