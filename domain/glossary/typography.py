"""Whitespace and typography in an English name: problems a reader's eye slides over.

Real cases from the shared data: ``Penglai Pier-2 `` (a trailing space), ``Bo’ai lst Side Ln.``
(a curly apostrophe and the letter l for the digit 1), ``33th Wharf`` (33rd).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import ClassVar

from domain.romanization.romanize import ordinal_suffix

# Where stray whitespace sits
LEADING = "leading"
TRAILING = "trailing"
REPEATED = "repeated"
UNUSUAL = "unusual"  # a tab, a no-break or an ideographic space

# Typography problems
CURLY_APOSTROPHE = "curly_apostrophe"
FULLWIDTH = "fullwidth"
ORDINAL = "ordinal"
MISSING_PERIOD = "missing_period"
SPACE_BEFORE_PUNCTUATION = "space_before_punctuation"
LOWERCASE_WORD = "lowercase_word"

_ABBREVIATIONS = ("Rd", "St", "Ln", "Aly", "Sec", "Blvd", "Vil", "Mt", "Dist")
# Articles, conjunctions and short prepositions stay lowercase inside a name, as in the city's own
# ("National Kaohsiung Center for the Arts", "Port of Kaohsiung"); the first word never does.
_SMALL_WORDS = frozenset(
    ["a", "an", "the", "and", "or", "nor", "but", "of", "for", "to", "by", "in", "on", "at", "with", "from", "as", "de"]
)
_APOSTROPHE_WORD = re.compile(r"(?<!\w)\w*[’‘`´]\w*")


@dataclass(frozen=True)
class StrayWhitespace:
    code: ClassVar[str] = "stray_whitespace"
    field: str  # "zh" or "en"
    where: str  # leading, trailing, repeated, unusual


@dataclass(frozen=True)
class Typography:
    code: ClassVar[str] = "typography"
    problem: str
    found: str
    suggested: str


def whitespace_problems(text: str, field: str) -> list[StrayWhitespace]:
    found = []
    if text[:1].isspace():
        found.append(StrayWhitespace(field, LEADING))
    if text[-1:].isspace():
        found.append(StrayWhitespace(field, TRAILING))
    if re.search(r"\S {2,}\S", text):
        found.append(StrayWhitespace(field, REPEATED))
    if any(char.isspace() and char != " " for char in text):
        found.append(StrayWhitespace(field, UNUSUAL))
    return found


def typography_problems(en: str) -> list[Typography]:
    found = []
    # (?<!\w): a match starts only where a word starts, so each word is scanned once. Without it,
    # "A" * 20,000 made the engine retry from every letter: quadratic, 6.6 seconds.
    for match in _APOSTROPHE_WORD.finditer(en):
        fixed = re.sub(r"[’‘`´]", "'", match.group())
        found.append(Typography(CURLY_APOSTROPHE, match.group(), fixed))
    wide = [char for char in en if unicodedata.east_asian_width(char) in ("F", "W")]
    if wide:
        found.append(Typography(FULLWIDTH, "".join(wide), unicodedata.normalize("NFKC", "".join(wide))))
    for match in re.finditer(r"\b(\d+|[lI])(st|nd|rd|th)\b", en):
        digits = "1" if match.group(1) in ("l", "I") else match.group(1)
        right = digits + ordinal_suffix(digits)  # no int(): 4,301 digits and more would raise
        if match.group() != right:
            found.append(Typography(ORDINAL, match.group(), right))
    for match in re.finditer(rf"\b({'|'.join(_ABBREVIATIONS)})\b(?!\.)", en):
        found.append(Typography(MISSING_PERIOD, match.group(), match.group() + "."))
    for match in re.finditer(r"\w\s+[.,;:]", en):
        found.append(Typography(SPACE_BEFORE_PUNCTUATION, match.group(), re.sub(r"\s+", "", match.group())))
    first_letter = re.search(r"[A-Za-z]", en)
    for match in re.finditer(r"(?<![\w'’-])[a-z][a-z]*\b", en):
        word = match.group()
        is_first = first_letter is not None and match.start() == first_letter.start()
        if (is_first or word not in _SMALL_WORDS) and not re.fullmatch(r"[lI](st|nd|rd|th)", word):
            found.append(Typography(LOWERCASE_WORD, word, word.capitalize()))
    return found
