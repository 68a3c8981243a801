"""Warnings for a proposed English name, shown to the translator before the meeting sees it.

Each warning is a small dataclass: a ``code`` and its fields as parameters. No English text here;
the web and the command line word each code (``params()`` gives what to interpolate). Warnings
never block a proposal: a meeting may well approve a name against one of them.

What the glossary already holds comes through ``KnownNames``: the read model answers in
production (projections.glossary.KnownNamesInReadModel), ``NameIndex`` answers in memory.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Protocol

from domain.glossary.errors import InvalidFieldError
from domain.glossary.limits import MAX_EN, MAX_ZH
from domain.glossary.names import FORBIDDEN, MISSPELLING, Variant, text_problem, tidy
from domain.glossary.typography import (
    StrayWhitespace,
    Typography,
    typography_problems,
    whitespace_problems,
)
from domain.romanization.generics import MISTRANSLATIONS
from domain.romanization.pronunciations import polyphones_in
from domain.romanization.romanize import suggest, tongyong_from_hanyu
from domain.romanization.syllables import fold, readings, tongyong_syllable


@dataclass(frozen=True)
class Known:
    """An approved term, as the checks see it."""

    term_id: str
    zh: str
    en: str
    district: str = ""
    variants: tuple[Variant, ...] = ()
    category: str = ""


class KnownNames(Protocol):
    def approved_for_chinese(self, zh: str) -> list[Known]: ...

    def approved_with_english(self, en: str) -> list[Known]: ...

    def with_variant(self, text: str) -> list[Known]: ...

    def similar_english(self, en: str) -> list[Known]: ...


@dataclass(frozen=True)
class DifferentEnglishApproved:
    code: ClassVar[str] = "different_english_approved"
    term_id: str
    zh: str
    approved_en: str


@dataclass(frozen=True)
class OtherRomanization:
    """The proposal is the approved name spelled in the other system (Qianjin for Cianjin)."""

    code: ClassVar[str] = "other_romanization"
    term_id: str
    approved_en: str
    proposed_system: str  # "hanyu" or "tongyong"
    approved_system: str


@dataclass(frozen=True)
class EnglishUsedElsewhere:
    code: ClassVar[str] = "english_used_elsewhere"
    term_id: str
    zh: str
    district: str


@dataclass(frozen=True)
class GenericInconsistent:
    code: ClassVar[str] = "generic_inconsistent"
    generic: str  # the Chinese generic part, e.g. 路
    expected: str  # its official English, e.g. Rd.
    found: str  # what the proposal has instead (may be empty)


@dataclass(frozen=True)
class PolyphonicReading:
    code: ClassVar[str] = "polyphonic_reading"
    char: str
    expected: str  # the place-name reading
    found: str  # the reading the proposal spells


@dataclass(frozen=True)
class ForbiddenVariant:
    code: ClassVar[str] = "forbidden_variant"
    term_id: str
    zh: str
    kind: str  # forbidden or misspelling
    approved_en: str


GlossaryWarning = (
    DifferentEnglishApproved
    | OtherRomanization
    | EnglishUsedElsewhere
    | GenericInconsistent
    | PolyphonicReading
    | ForbiddenVariant
    | StrayWhitespace
    | Typography
)
CODES = tuple(
    cls.code
    for cls in (
        DifferentEnglishApproved,
        OtherRomanization,
        EnglishUsedElsewhere,
        GenericInconsistent,
        PolyphonicReading,
        ForbiddenVariant,
        StrayWhitespace,
        Typography,
    )
)


# How a duplicate resembles the proposal
SAME_CHINESE = "same_chinese"  # the same Chinese name is approved (with any English)
SAME_ENGLISH = "same_english"  # the same English (ignoring case, spaces, punctuation), other Chinese
SIMILAR_ENGLISH = "similar_english"  # English one or two letters apart
SIMILAR_REACH = 2


@dataclass(frozen=True)
class Duplicate:
    """An approved term the proposal may duplicate: shown with a link before anyone proposes."""

    how: str  # SAME_CHINESE, SAME_ENGLISH or SIMILAR_ENGLISH
    term_id: str
    zh: str
    en: str
    category: str = ""
    district: str = ""


def duplicates(zh: str, en: str, known: KnownNames, term_id: str = "") -> list[Duplicate]:
    """Approved terms that look like the same place: same Chinese, same or similar English.

    ``term_id``: the term being changed (or imported again), which is no duplicate of itself.
    Names over their bounds have none (``check`` refuses them first).
    """
    zh, en = tidy(zh), tidy(en)
    if len(zh) > MAX_ZH or len(en) > MAX_EN:
        return []
    found: dict[str, Duplicate] = {}

    def add(how: str, others: Iterable[Known]) -> None:
        for other in others:
            if other.term_id != term_id and other.term_id not in found:
                found[other.term_id] = Duplicate(how, other.term_id, other.zh, other.en, other.category, other.district)

    if zh:
        add(SAME_CHINESE, known.approved_for_chinese(zh))
    if en and fold(en):
        add(SAME_ENGLISH, known.approved_with_english(en))
        add(SIMILAR_ENGLISH, (other for other in known.similar_english(en) if similar(other.en, en)))
    return list(found.values())


def similar(a: str, b: str) -> bool:
    """English names a slip of the keyboard apart: equal folded, or within two edits (for
    names long enough that two edits do not make another name)."""
    a, b = fold(a), fold(b)
    if a == b:
        return True
    reach = 1 if min(len(a), len(b)) < 8 else SIMILAR_REACH
    return _distance(a, b, reach) <= reach


def _distance(a: str, b: str, reach: int) -> int:
    """Levenshtein distance, capped at reach + 1 (linear in practice: names are bounded)."""
    if abs(len(a) - len(b)) > reach:
        return reach + 1
    previous = list(range(len(b) + 1))
    for i, char in enumerate(a, start=1):
        current = [i]
        for j, other in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != other)))
        if min(current) > reach:
            return reach + 1
        previous = current
    return min(previous[-1], reach + 1)


def params(warning: GlossaryWarning) -> dict[str, str]:
    """The fields of a warning, to interpolate into its translated message."""
    return {name: str(value) for name, value in dataclasses.asdict(warning).items()}


def check(zh: str, en: str, known: KnownNames, term_id: str = "") -> list[GlossaryWarning]:
    """Every warning for proposing ``en`` for ``zh`` (``term_id``: the term being changed).

    Raises InvalidFieldError for a name with control characters or over its length limit, before
    any other check runs: the checks below are linear, but some compare every character of one
    name with every reading of the other, and only bounded names keep that cheap.
    """
    for field, text, limit in (("zh", zh, MAX_ZH), ("en", en, MAX_EN)):
        problem = text_problem(text, limit)
        if problem:
            raise InvalidFieldError(field, problem)
    warnings: list[GlossaryWarning] = [*whitespace_problems(zh, "zh"), *whitespace_problems(en, "en")]
    zh, en = tidy(zh), tidy(en)
    if not zh or not en:
        return warnings
    warnings += typography_problems(en)
    warnings += _against_glossary(zh, en, known, term_id)
    warnings += _generic(zh, en)
    warnings += _polyphonic(zh, en)
    return warnings


def _against_glossary(zh: str, en: str, known: KnownNames, term_id: str) -> list[GlossaryWarning]:
    """One warning per other English (中山路 is approved in many districts) and per other place."""
    warnings: list[GlossaryWarning] = []
    seen: set[str] = set()
    for other in known.approved_for_chinese(zh):
        if other.term_id != term_id and fold(other.en) != fold(en) and other.en not in seen:
            seen.add(other.en)
            warnings.append(DifferentEnglishApproved(other.term_id, other.zh, other.en))
            system = _other_system(zh, en, other.en)
            if system:
                warnings.append(OtherRomanization(other.term_id, other.en, *system))
    for other in known.approved_with_english(en):
        if other.term_id != term_id and other.zh != zh and other.zh not in seen:
            seen.add(other.zh)
            warnings.append(EnglishUsedElsewhere(other.term_id, other.zh, other.district))
    for other in known.with_variant(en):
        for variant in other.variants:
            if variant.kind in (FORBIDDEN, MISSPELLING) and fold(variant.text) == fold(en):
                warnings.append(ForbiddenVariant(other.term_id, other.zh, variant.kind, other.en))
    return _unique(warnings)


def _other_system(zh: str, proposed: str, approved: str) -> tuple[str, str] | None:
    """("hanyu", "tongyong") when the proposal is the Hanyu spelling of a Tongyong name, etc."""
    suggestion = suggest(zh)
    if fold(tongyong_from_hanyu(proposed)) == fold(approved) or (
        fold(proposed) == fold(suggestion.hanyu) and fold(approved) == fold(suggestion.tongyong)
    ):
        return ("hanyu", "tongyong")
    if fold(tongyong_from_hanyu(approved)) == fold(proposed) or (
        fold(proposed) == fold(suggestion.tongyong) and fold(approved) == fold(suggestion.hanyu)
    ):
        return ("tongyong", "hanyu")
    return None


def _generic(zh: str, en: str) -> list[GlossaryWarning]:
    generic = suggest(zh).generic
    if generic is None or any(_has_phrase(en, form) for form in generic.forms):
        return []
    wrong = next((form for form in MISTRANSLATIONS.get(generic.zh, ()) if _has_phrase(en, form)), "")
    return [GenericInconsistent(generic.zh, generic.en, wrong or en.split()[-1])]


def _has_phrase(text: str, phrase: str) -> bool:
    return re.search(rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z.])", text) is not None


def _polyphonic(zh: str, en: str) -> list[GlossaryWarning]:
    """Warns when the English spells a polyphonic character the way place names do not.

    Compares the character with a neighbour (重仁 → chongren against zhongren) so one syllable
    alone (zhong is everywhere) proves nothing; either spelling system counts.
    """
    folded = fold(en)
    syllables = readings(zh)
    warnings: list[GlossaryWarning] = []
    for polyphone in polyphones_in(zh):
        for index, char in enumerate(zh):
            if char != polyphone.char:
                continue
            expected = _spellings(syllables, index, polyphone.place_reading)
            if any(spelling in folded for spelling in expected):
                continue
            for reading in polyphone.readings:
                if reading != polyphone.place_reading and any(
                    spelling in folded for spelling in _spellings(syllables, index, reading)
                ):
                    warnings.append(PolyphonicReading(char, polyphone.place_reading, reading))
    return _unique(warnings)


def _spellings(syllables: list[str], index: int, reading: str) -> set[str]:
    """The character read ``reading`` joined with its neighbour, in Hanyu and in Tongyong."""
    spellings = set()
    for start, end in ((index - 1, index + 1), (index, index + 2)):
        if start < 0 or end > len(syllables):
            continue
        pair = [reading if position == index else syllables[position] for position in range(start, end)]
        if all(re.fullmatch("[a-zü]+", syllable) for syllable in pair):
            spellings.add(fold("".join(pair)))
            spellings.add(fold("".join(tongyong_syllable(syllable) for syllable in pair)))
    return spellings


def _unique(warnings: list[GlossaryWarning]) -> list[GlossaryWarning]:
    return list(dict.fromkeys(warnings))


class NameIndex:
    """KnownNames in memory: for tests, and for checking a file before it is imported."""

    def __init__(self, terms: Iterable[Known] = ()) -> None:
        self.terms: list[Known] = []
        for term in terms:
            self.add(term)

    def add(self, term: Known) -> None:
        self.terms.append(term)

    def approved_for_chinese(self, zh: str) -> list[Known]:
        return [term for term in self.terms if term.zh == zh]

    def approved_with_english(self, en: str) -> list[Known]:
        return [term for term in self.terms if fold(term.en) == fold(en)]

    def with_variant(self, text: str) -> list[Known]:
        return [term for term in self.terms if any(fold(v.text) == fold(text) for v in term.variants)]

    def similar_english(self, en: str) -> list[Known]:
        return [term for term in self.terms if similar(term.en, en)]
