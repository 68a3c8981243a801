"""JSON: the whole glossary entry by entry, for programs (and for importing it elsewhere)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

from domain.glossary.errors import ImportStructureError
from domain.glossary.limits import MAX_NESTING
from domain.glossary.names import Variant
from domain.glossary.rows import (
    MALFORMED,
    NOT_AN_ENTRY,
    NOT_APPROVED,
    TOO_DEEP,
    Entry,
    Row,
    RowNote,
)
from domain.glossary.terms import APPROVED

FORMAT_NAME = "civic-glossary"
FORMAT_VERSION = 1


def write_json(entries: list[Entry]) -> str:
    terms = [
        {
            "id": entry.id,
            "zh": entry.zh,
            "en": entry.en,
            "status": entry.status,
            "category": entry.category,
            "district": entry.district,
            "code": entry.code,
            "variants": [variant.to_dict() for variant in entry.variants],
            "notes": entry.notes,
            "sources": list(entry.sources),
            "approved_by": {"meeting_id": entry.meeting_id, "decision_number": entry.decision_number}
            if entry.meeting_id
            else None,
            "superseded_by": entry.superseded_by or None,
        }
        for entry in entries
    ]
    document = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "terms": terms}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def read_json(text: str) -> tuple[list[Row], list[RowNote]]:
    """Reads ``{"terms": [...]}`` or a bare list of entries; only approved ones are rows.

    Texts are kept as they are (untidied), so that the import sees every character in them.
    """
    text = text.removeprefix("\ufeff")
    if nesting(text) > MAX_NESTING:
        raise ImportStructureError(TOO_DEEP, depth=MAX_NESTING)
    try:
        document = json.loads(text)
    except ValueError:
        raise ImportStructureError(MALFORMED, format="json") from None
    items = document.get("terms") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise ImportStructureError(MALFORMED, format="json")
    records: list[Row] = []
    rejected: list[RowNote] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, Mapping) or not all(isinstance(item.get(k, ""), str) for k in ("zh", "en")):
            rejected.append(RowNote(number, NOT_AN_ENTRY))
            continue
        status = str(item.get("status") or APPROVED)
        if status != APPROVED:
            rejected.append(RowNote(number, NOT_APPROVED, {"status": status}))
            continue
        variants = _list(item.get("variants"))
        if not all(isinstance(v, Mapping) for v in variants):
            rejected.append(RowNote(number, NOT_AN_ENTRY))
            continue
        records.append(
            Row(
                line=number,
                zh=item.get("zh", ""),
                en=item.get("en", ""),
                category=str(item.get("category") or ""),
                district=str(item.get("district") or ""),
                code=str(item.get("code") or ""),
                variants=tuple(
                    Variant(str(v.get("text", "")), str(v.get("kind", ""))) for v in variants if isinstance(v, Mapping)
                ),
                notes=str(item.get("notes") or ""),
                sources=tuple(str(source) for source in _list(item.get("sources")) if source),
            )
        )
    return records, rejected


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')  # a JSON string; one pass, no backtracking
_BRACKET = re.compile(r"[\[\]{}]")


def nesting(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest, strings left out (malformed: any)."""
    deepest = depth = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
