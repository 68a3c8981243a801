"""TBX: the termbase exchange format that translate-toolkit, and so Weblate, read.

Written in the TBX-Basic shape translate-toolkit's ``translate.storage.tbx`` reads: ``martif``
with one ``termEntry`` per place (its id is the term id), a ``langSet`` for zh-Hant and one for
en, a ``tig`` per term, and the status as ``<termNote type="administrativeStatus">``. The first en
term is the place's English; the others are its variants, each with a ``<note>variant: kind</note>``
so that a re-import keeps the kind. Category and district are concept-level ``descrip``s
(``subjectField`` is TBX-Basic; ``district`` is ours and other readers show it as a note).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import cast

from domain.glossary.errors import ImportStructureError
from domain.glossary.limits import MAX_NESTING
from domain.glossary.names import (
    FORBIDDEN,
    HANYU,
    HISTORIC,
    MISSPELLING,
    TONGYONG,
    Variant,
)
from domain.glossary.rows import (
    MALFORMED,
    NOT_AN_ENTRY,
    NOT_APPROVED,
    TOO_DEEP,
    Entry,
    Row,
    RowNote,
)
from domain.glossary.terms import APPROVED, DEPRECATED, SUPERSEDED

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ZH = "zh-Hant"
EN = "en"

PREFERRED = "preferredTerm-admn-sts"
ADMITTED = "admittedTerm-admn-sts"
DEPRECATED_TERM = "deprecatedTerm-admn-sts"
SUPERSEDED_TERM = "supersededTerm-admn-sts"

# Term status → the administrative status of its English (and Chinese) term
STATUS_TO_TBX = {APPROVED: PREFERRED, DEPRECATED: DEPRECATED_TERM, SUPERSEDED: SUPERSEDED_TERM}
TBX_TO_STATUS = {PREFERRED: APPROVED, ADMITTED: APPROVED, DEPRECATED_TERM: DEPRECATED, SUPERSEDED_TERM: SUPERSEDED}
# Variant kind → administrative status: other spellings are admitted, old ones superseded,
# wrong ones deprecated.
VARIANT_TO_TBX = {
    HANYU: ADMITTED,
    TONGYONG: ADMITTED,
    HISTORIC: SUPERSEDED_TERM,
    MISSPELLING: DEPRECATED_TERM,
    FORBIDDEN: DEPRECATED_TERM,
}
TBX_TO_VARIANT = {ADMITTED: HANYU, SUPERSEDED_TERM: HISTORIC, DEPRECATED_TERM: FORBIDDEN}
VARIANT_NOTE = "variant: "
# What XML 1.0 cannot hold at all: C0 controls but tab, LF and CR; surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text an XML parser accepts. New terms cannot hold such characters (names.py refuses them),
    but history recorded before that rule is exported too, and one would make the file unreadable."""
    return _NOT_XML.sub("", text)


def write_tbx(entries: list[Entry], title: str = "Kaohsiung place names") -> str:
    root = ET.Element("martif", {"type": "TBX-Basic", XML_LANG: ZH})
    header = ET.SubElement(ET.SubElement(root, "martifHeader"), "fileDesc")
    ET.SubElement(ET.SubElement(header, "titleStmt"), "title").text = title
    ET.SubElement(ET.SubElement(header, "sourceDesc"), "p").text = "civic glossary export"
    body = ET.SubElement(ET.SubElement(root, "text"), "body")
    for entry in entries:
        body.append(_term_entry(entry))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _term_entry(entry: Entry) -> ET.Element:
    element = ET.Element("termEntry", {"id": f"t-{entry.id}"})
    for kind, value in (("subjectField", entry.category), ("district", entry.district), ("code", entry.code)):
        if value:
            ET.SubElement(element, "descrip", {"type": kind}).text = _xml_text(value)
    for source in entry.sources:
        ET.SubElement(element, "admin", {"type": "source"}).text = _xml_text(source)
    if entry.notes:
        ET.SubElement(element, "note").text = _xml_text(entry.notes)
    status = STATUS_TO_TBX.get(entry.status, PREFERRED)
    _tig(_lang_set(element, ZH), entry.zh, status)
    english = _lang_set(element, EN)
    _tig(english, entry.en, status)
    for variant in entry.variants:
        tig = _tig(english, variant.text, VARIANT_TO_TBX[variant.kind])
        ET.SubElement(tig, "note").text = VARIANT_NOTE + variant.kind
    return element


def _lang_set(entry: ET.Element, lang: str) -> ET.Element:
    return ET.SubElement(entry, "langSet", {XML_LANG: lang})


def _tig(lang_set: ET.Element, text: str, status: str) -> ET.Element:
    tig = ET.SubElement(lang_set, "tig")
    ET.SubElement(tig, "term").text = _xml_text(text)
    ET.SubElement(tig, "termNote", {"type": "administrativeStatus"}).text = status
    return tig


def read_tbx(text: str) -> tuple[list[Row], list[RowNote]]:
    """Records of the approved entries; every other entry is reported, by entry number."""
    if "<!ENTITY" in text:
        # Entity declarations are how XML bombs expand; no glossary needs them.
        raise ImportStructureError(MALFORMED, format="tbx")
    root = _parse(text.removeprefix("\ufeff"))
    if _local(root.tag) != "martif":
        raise ImportStructureError(MALFORMED, format="tbx")
    records: list[Row] = []
    rejected: list[RowNote] = []
    entries = [element for element in root.iter() if _local(element.tag) == "termEntry"]
    for number, element in enumerate(entries, start=1):
        record = _record(number, element)
        if isinstance(record, RowNote):
            rejected.append(record)
        else:
            records.append(record)
    return records, rejected


def _parse(text: str) -> ET.Element:
    """The document's root, read in pieces so that nesting past MAX_NESTING is refused as soon as
    it is reached (walking a deeper tree afterwards would recurse)."""
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
    # surrogatepass: a lone surrogate reaches the parser, which refuses it as malformed XML.
    data = text.encode("utf-8", "surrogatepass")
    root: ET.Element | None = None
    depth = 0
    try:
        for offset in range(0, len(data), 65536):
            parser.feed(data[offset : offset + 65536])
            for event in parser.read_events():
                kind, element = cast(tuple[str, object], event)  # ("start" | "end", element)
                assert isinstance(element, ET.Element)  # start and end events carry the element
                depth += 1 if kind == "start" else -1
                if depth > MAX_NESTING:
                    raise ImportStructureError(TOO_DEEP, depth=MAX_NESTING)
                if root is None:
                    root = element
        parser.close()
    except ET.ParseError:
        raise ImportStructureError(MALFORMED, format="tbx") from None
    if root is None:
        raise ImportStructureError(MALFORMED, format="tbx")
    return root


def _record(number: int, element: ET.Element) -> Row | RowNote:
    terms: dict[str, list[tuple[str, str, str]]] = {}
    for lang_set in _children(element, "langSet"):
        lang = (lang_set.get(XML_LANG) or lang_set.get("lang") or "").lower()
        key = "zh" if lang.startswith("zh") else "en" if lang.startswith("en") else ""
        if key:
            terms.setdefault(key, []).extend(_tig_terms(lang_set))
    if not terms.get("zh") or not terms.get("en"):
        return RowNote(number, NOT_AN_ENTRY)
    en, status, _ = terms["en"][0]
    if TBX_TO_STATUS.get(status, APPROVED) != APPROVED:
        return RowNote(number, NOT_APPROVED, {"status": TBX_TO_STATUS[status]})
    descrips = {item.get("type"): item.text or "" for item in _children(element, "descrip")}
    variants = tuple(
        Variant(text, kind or TBX_TO_VARIANT.get(term_status, HANYU)) for text, term_status, kind in terms["en"][1:]
    )
    return Row(
        line=number,
        zh=terms["zh"][0][0],
        en=en,
        category=descrips.get("subjectField", ""),
        district=descrips.get("district", ""),
        code=descrips.get("code", ""),
        variants=variants,
        notes=" ".join(item.text or "" for item in _children(element, "note")),
        sources=tuple(item.text or "" for item in _children(element, "admin") if item.get("type") == "source"),
    )


def _tig_terms(lang_set: ET.Element) -> list[tuple[str, str, str]]:
    """(text, administrative status, variant kind) of each term in a language set."""
    found = []
    for tig in [*_children(lang_set, "tig"), *_children(lang_set, "ntig")]:
        term = next((item for item in tig.iter() if _local(item.tag) == "term"), None)
        if term is None:
            continue
        status = kind = ""
        for item in tig.iter():
            if _local(item.tag) == "termNote" and item.get("type") == "administrativeStatus":
                status = (item.text or "").strip()
            if _local(item.tag) == "note" and (item.text or "").startswith(VARIANT_NOTE):
                kind = (item.text or "")[len(VARIANT_NOTE) :].strip()
        found.append(("".join(term.itertext()), status, kind))
    return found


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]
