"""The fields of a term: tidying, validation codes, variants and their kinds, deterministic ids.

Every text that reaches an event passes ``text_problem`` first, on the raw input (tidying would
turn a tab into a space and hide it): no control character, no bidirectional override, no lone
surrogate, a bounded length, and for names no leading character a spreadsheet runs as a formula.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.glossary import limits
from domain.glossary.places import CATEGORIES, DISTRICTS
from domain.romanization.syllables import CJK

HANYU = "hanyu"
TONGYONG = "tongyong"
HISTORIC = "historic"  # an earlier approved form, or an old name
MISSPELLING = "misspelling"  # a common misspelling: found by search, flagged when proposed
FORBIDDEN = "forbidden"  # must not be used
VARIANT_KINDS = (HANYU, TONGYONG, HISTORIC, MISSPELLING, FORBIDDEN)

MAX_ZH = limits.MAX_ZH
MAX_EN = limits.MAX_EN

# Validation codes, per field
MISSING = "missing"
NOT_CHINESE = "not_chinese"
CONTAINS_CHINESE = "contains_chinese"
TOO_LONG = "too_long"
UNKNOWN_KIND = "unknown_kind"
CONTROL_CHARACTER = "control_character"  # C0/C1 controls, bidi overrides and isolates, surrogates
FORMULA = "formula"  # starts with = + - @, which a spreadsheet runs
TOO_MANY = "too_many"
UNKNOWN = "unknown"  # a category or district not in its list (places.py)

_SPACES = re.compile(r"\s+")
# Characters no field may hold. Controls corrupt exports (TBX is XML, which forbids most of them)
# and terminals; bidi overrides and isolates (U+202A-U+202E, U+2066-U+2069) make text display in
# an order other than it is stored ("Trojan Source"); lone surrogates cannot be encoded at all.
_NEVER = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff"
_CONTROL_MULTILINE = re.compile(f"[{_NEVER}]")  # tab, line feed and carriage return allowed
_CONTROL_ONE_LINE = re.compile(f"[{_NEVER}\t\n\r]")
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Variant:
    text: str
    kind: str

    def to_dict(self) -> dict[str, str]:
        return {"text": self.text, "kind": self.kind}


def variants_from(items: Iterable[Mapping[str, str] | Variant | tuple[str, str]]) -> tuple[Variant, ...]:
    """Variants from dicts ({"text", "kind"}), pairs or Variants, in order, each text once."""
    found: dict[str, Variant] = {}
    for item in items:
        if isinstance(item, Variant):
            variant = item
        elif isinstance(item, Mapping):
            variant = Variant(tidy(item.get("text", "")), item.get("kind", ""))
        else:
            variant = Variant(tidy(item[0]), item[1])
        if variant.text:
            found[variant.text] = variant
    return tuple(found.values())


def term_id_for(zh: str, category: str, district: str) -> UUID:
    """One place, one id: the same name, category and district always give the same term.

    That makes importing idempotent: a re-import finds the terms it made without a search.
    """
    return uuid5(NAMESPACE_URL, f"civic:glossary:term:{category}|{district}|{zh}")


def tidy(text: str) -> str:
    """Unicode NFC, no leading or trailing space, single spaces (tabs, NBSP and 　 included)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def has_control(text: str, multiline: bool = False) -> bool:
    return (_CONTROL_MULTILINE if multiline else _CONTROL_ONE_LINE).search(text) is not None


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_LEADS)


def text_problem(text: str, limit: int, *, multiline: bool = False, name: bool = False) -> str | None:
    """The code of what is wrong with one raw text field, or None. Linear in the text's length."""
    if has_control(text, multiline):
        return CONTROL_CHARACTER
    tidied = tidy(text)
    if len(tidied) > limit:
        return TOO_LONG
    if name and looks_like_formula(tidied):
        return FORMULA
    return None


def list_problem(texts: list[str], most: int, limit: int, *, multiline: bool = False, name: bool = False) -> str | None:
    """The code of what is wrong with a list of raw texts (sources, members), or None."""
    for text in texts:
        problem = text_problem(text, limit, multiline=multiline, name=name)
        if problem:
            return problem
    if len([text for text in texts if tidy(text)]) > most:
        return TOO_MANY
    return None


def place_problems(category: str, district: str) -> list[tuple[str, str]]:
    """Category and district (tidied) must be empty or come from their lists."""
    problems = []
    if category and category not in CATEGORIES:
        problems.append(("category", UNKNOWN))
    if district and district not in DISTRICTS:
        problems.append(("district", UNKNOWN))
    return problems


def has_chinese(text: str) -> bool:
    return CJK.search(text) is not None


def name_problems(zh: str, en: str) -> list[tuple[str, str]]:
    """(field, code) for each problem of a tidied Chinese/English pair; empty when valid."""
    return chinese_problems(zh) + english_problems(en)


def chinese_problems(zh: str) -> list[tuple[str, str]]:
    if not zh:
        return [("zh", MISSING)]
    if not has_chinese(zh):
        return [("zh", NOT_CHINESE)]
    if len(zh) > MAX_ZH:
        return [("zh", TOO_LONG)]
    if looks_like_formula(zh):
        return [("zh", FORMULA)]
    return []


def english_problems(en: str) -> list[tuple[str, str]]:
    if not en:
        return [("en", MISSING)]
    if has_chinese(en):
        return [("en", CONTAINS_CHINESE)]
    if len(en) > MAX_EN:
        return [("en", TOO_LONG)]
    if looks_like_formula(en):
        return [("en", FORMULA)]
    return []


def variant_problems(variants: Iterable[Variant]) -> list[tuple[str, str]]:
    variants = list(variants)
    problems = []
    if len(variants) > limits.MAX_VARIANTS:
        problems.append(("variants", TOO_MANY))
    for variant in variants:
        if variant.kind not in VARIANT_KINDS:
            problems.append(("variants", UNKNOWN_KIND))
        elif has_chinese(variant.text):
            problems.append(("variants", CONTAINS_CHINESE))
        elif len(variant.text) > MAX_EN:
            problems.append(("variants", TOO_LONG))
        elif looks_like_formula(variant.text):
            problems.append(("variants", FORMULA))
    return problems
