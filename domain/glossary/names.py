"""The fields of a term: tidying, validation codes, variants and their kinds, deterministic ids."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from uuid import NAMESPACE_URL, UUID, uuid5

from domain.glossary.syllables import CJK

HANYU = "hanyu"
TONGYONG = "tongyong"
HISTORIC = "historic"  # an earlier approved form, or an old name
MISSPELLING = "misspelling"  # a common misspelling: found by search, flagged when proposed
FORBIDDEN = "forbidden"  # must not be used
VARIANT_KINDS = (HANYU, TONGYONG, HISTORIC, MISSPELLING, FORBIDDEN)

MAX_ZH = 60
MAX_EN = 200

# Validation codes, per field
MISSING = "missing"
NOT_CHINESE = "not_chinese"
CONTAINS_CHINESE = "contains_chinese"
TOO_LONG = "too_long"
UNKNOWN_KIND = "unknown_kind"

_SPACES = re.compile(r"\s+")


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
    return []


def english_problems(en: str) -> list[tuple[str, str]]:
    if not en:
        return [("en", MISSING)]
    if has_chinese(en):
        return [("en", CONTAINS_CHINESE)]
    if len(en) > MAX_EN:
        return [("en", TOO_LONG)]
    return []


def variant_problems(variants: Iterable[Variant]) -> list[tuple[str, str]]:
    problems = []
    for variant in variants:
        if variant.kind not in VARIANT_KINDS:
            problems.append(("variants", UNKNOWN_KIND))
        elif has_chinese(variant.text):
            problems.append(("variants", CONTAINS_CHINESE))
        elif len(variant.text) > MAX_EN:
            problems.append(("variants", TOO_LONG))
    return problems
