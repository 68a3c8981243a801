"""Romanizing Chinese place names: Hanyu and Tongyong Pinyin, generic parts, search keys.

A pure package (like ``domain.tally``): it knows nothing of the glossary, its events or its
storage, and the glossary depends on it, never the other way round.

- ``syllables``: readings of characters, Hanyu ↔ Tongyong syllables, ``fold`` (the search key).
- ``pronunciations``: how polyphonic characters are read in Kaohsiung place names.
- ``generics``: the generic parts of a name (路 Rd., 區 District) and their official English.
- ``romanize``: ``suggest(zh)``, the whole name in both systems, and ``tongyong_from_hanyu``.

pypinyin is imported only when a reading is first computed, so importing this package (or the
glossary) costs nothing until a suggestion is asked for.
"""

from __future__ import annotations

from domain.romanization.romanize import (
    Suggestion,
    hanyu,
    ordinal,
    suggest,
    tongyong,
    tongyong_from_hanyu,
)
from domain.romanization.syllables import CJK, fold

__all__ = ["CJK", "Suggestion", "fold", "hanyu", "ordinal", "suggest", "tongyong", "tongyong_from_hanyu"]
