"""JSON: the whole glossary entry by entry, for programs (and for importing it elsewhere)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from domain.glossary.errors import ImportStructureError
from domain.glossary.names import variants_from
from domain.glossary.rows import MALFORMED, NOT_AN_ENTRY, NOT_APPROVED, Entry, Record, RowNote
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


def read_json(text: str) -> tuple[list[Record], list[RowNote]]:
    """Reads ``{"terms": [...]}`` or a bare list of entries; only approved ones are records."""
    try:
        document = json.loads(text.removeprefix("\ufeff"))
    except ValueError:
        raise ImportStructureError(MALFORMED, format="json") from None
    items = document.get("terms") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise ImportStructureError(MALFORMED, format="json")
    records: list[Record] = []
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
            Record(
                line=number,
                zh=item.get("zh", ""),
                en=item.get("en", ""),
                category=str(item.get("category") or ""),
                district=str(item.get("district") or ""),
                code=str(item.get("code") or ""),
                variants=variants_from(
                    {"text": str(v.get("text", "")), "kind": str(v.get("kind", ""))} for v in variants
                ),
                notes=str(item.get("notes") or ""),
                sources=tuple(str(source) for source in _list(item.get("sources")) if source),
            )
        )
    return records, rejected


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
