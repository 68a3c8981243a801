"""Hostile files for every upload the platform takes, and what each must get back.

``UPLOADS`` names each upload route (its entry in tests/harness/access.py must have ``files=``)
and the file field; ``CASES`` holds, per route, files that must be refused whole: a clear error
(``status``: 422, or 413 over CIVIC_MAX_UPLOAD_BYTES) in the visitor's language, and nothing
imported (the log does not move).

Uploads that come next add themselves here: the participatory-budgeting ``.pb`` files
(``pabulib``) and the census tables get an ``Upload`` and their list of ``Case``s.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

UNPROCESSABLE, TOO_LARGE = 422, 413


@dataclass(frozen=True)
class Upload:
    method: str
    path: str
    field: str
    form: dict[str, str]


@dataclass(frozen=True)
class Case:
    name: str
    file_name: str
    content: Callable[[int, str], bytes]  # (the server's upload limit, a place no other case uses) → the file
    status: int = UNPROCESSABLE


GLOSSARY_IMPORT = Upload("POST", "/glossary/import", "file", {"approved_column": "en"})
CENSUS_IMPORT = Upload("POST", "/budgeting/{slug}/census", "file", {})  # {slug}: filled from the seeded samples
REVIEW_ENTRY = Upload(
    "POST", "/review/{call}/submit", "attachment",
    {"title": "智慧停車導引", "agency": "交通局", "team": "", "summary": "停車導引。", "benefits": "減少繞行。"},
)  # fmt: skip
REVIEW_ATTACHMENT = Upload("POST", "/review/{call}/entries/{entry}/attachments", "attachment", {})
UPLOADS = {"glossary import": GLOSSARY_IMPORT, "census": CENSUS_IMPORT, "review entry": REVIEW_ENTRY,
           "review attachment": REVIEW_ATTACHMENT}  # fmt: skip
# Next: "budget (.pb)": Upload("POST", "/budgets/import", "file", {...}),

HEADER = "zh,en,category,district\n"


PLACE = "大林蒲"  # replaced by a place of the case's own, so that no case finds another's import
STEMS = "甲乙丙丁戊己庚辛壬癸"


def place_for(number: int) -> str:
    """A Chinese place name no glossary holds, one per number (and encodable in Big5)."""
    return "實驗" + STEMS[number // 10 % 10] + STEMS[number % 10] + "里"


def _text(text: str, encoding: str = "utf-8") -> Callable[[int, str], bytes]:
    return lambda limit, place: text.replace(PLACE, place).encode(encoding)


def _csv(*rows: str) -> Callable[[int, str], bytes]:
    return _text(HEADER + "".join(row + "\n" for row in rows))


def _json(document: object) -> Callable[[int, str], bytes]:
    return _text(json.dumps(document, ensure_ascii=False))


def _oversized(limit: int, place: str) -> bytes:
    row = f"{place},Dalinpu,landmark,小港區\n".encode()
    return HEADER.encode() + row * (limit // len(row) + 2)


def _deeply_nested(limit: int, place: str) -> bytes:
    return b"[" * 10_000 + b"]" * 10_000


def _entry(**fields: str) -> dict:
    return {"zh": PLACE, "en": "Dalinpu", "status": "approved", "category": "landmark", "district": "小港區", **fields}


TBX_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<martif type="TBX-Basic" xml:lang="en"><text><body>'
TBX_ENTRY = (
    '<termEntry id="t1"><langSet xml:lang="zh-Hant"><tig><term>大林蒲</term></tig></langSet>'
    '<langSet xml:lang="en"><tig><term>{en}</term></tig></langSet></termEntry>'
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
    + ']>\n<martif type="TBX-Basic"><text><body>' + TBX_ENTRY.format(en="&lol9;") + "</body></text></martif>"
)  # fmt: skip

CENSUS_HEADER = "id_number,birth_date,district\n"
CENSUS_ROW = "A123456789,079/05/17,鼓山區\n"  # good: the cases below each break something else


def _census(*rows: str, encoding: str = "utf-8") -> Callable[[int, str], bytes]:
    return lambda limit, place: (CENSUS_HEADER + CENSUS_ROW + "".join(row + "\n" for row in rows)).encode(encoding)


def _census_oversized(limit: int, place: str) -> bytes:
    return CENSUS_HEADER.encode() + CENSUS_ROW.encode() * (limit // len(CENSUS_ROW.encode()) + 2)


def _pdf_over(limit: int, place: str) -> bytes:
    return b"%PDF-1.4\n" + b"0" * (limit + 1)


CASES: dict[str, list[Case]] = {
    "review entry": [
        Case("an executable named .pdf", "plan.pdf", lambda limit, place: b"MZ\x90\x00" + place.encode()),
        Case("an empty file", "plan.pdf", lambda limit, place: b""),
        Case("html posing as a pdf", "plan.pdf", lambda limit, place: b"<html><script>alert(1)</script></html>"),
        Case("a pdf with a right-to-left name", "plan\u202efdp.exe", lambda limit, place: b"%PDF-1.4\n"),
        Case("a pdf with an escape in its name", "plan\x1b[2J.pdf", lambda limit, place: b"%PDF-1.4\n"),
        Case("a pdf over the upload limit", "plan.pdf", _pdf_over, TOO_LARGE),
    ],
    # The same files added to an entry afterwards (refused whole before the window is even asked).
    "review attachment": [
        Case("an executable named .pdf", "plan.pdf", lambda limit, place: b"MZ\x90\x00" + place.encode()),
        Case("an empty file", "plan.pdf", lambda limit, place: b""),
        Case("a pdf with a right-to-left name", "plan\u202efdp.exe", lambda limit, place: b"%PDF-1.4\n"),
        Case("a pdf over the upload limit", "plan.pdf", _pdf_over, TOO_LARGE),
    ],
    "census": [
        Case("census in Big5", "census.csv", _census("B287654326,1990-01-01,鼓山區", encoding="big5")),
        Case("census in UTF-16", "census.csv", _census(encoding="utf-16")),
        Case("census with the wrong columns", "census.csv", _text("id,name,district\nA123456789,王小明,鼓山區\n")),
        Case("census with no rows", "census.csv", _text("")),
        Case("census header only", "census.csv", _text(CENSUS_HEADER)),
        Case("census over the upload limit", "census.csv", _census_oversized, TOO_LARGE),
        Case("census formula in a cell", "census.csv", _census('=HYPERLINK("https://evil.example"),1990-01-01,鼓山區')),
        Case("census NUL and ESC", "census.csv", _census("B287654326\x00,1990-01-01\x1b[2J,鼓山區")),
        Case("census right-to-left override", "census.csv", _census("B287654326,1990-01-01,鼓山區\u202e")),
        Case("census cut inside an open quote", "census.csv", _census('B287654326,"1990-01-01,鼓山')),
        Case("census number twice", "census.csv", _census("a123456789,1991-02-03,鼓山區")),
        Case("census district of no area", "census.csv", _census("B287654326,1990-01-01,前鎮區")),
        Case("census birth date in the future", "census.csv", _census("B287654326,2999-01-01,鼓山區")),
    ],
    "glossary import": [
        # CSV
        Case(
            "csv cut inside an open quote", "names.csv", _text(HEADER + '大林蒲,"Dalinpu,landmark,小港區\n林園區,Lin')
        ),
        Case("csv in Big5", "names.csv", _text(HEADER + "大林蒲,Dalinpu,landmark,小港區\n", "big5")),
        Case("csv in UTF-16", "names.csv", _text(HEADER + "大林蒲,Dalinpu,landmark,小港區\n", "utf-16")),
        Case("csv with the wrong columns", "names.csv", _text("name,english,type\n大林蒲,Dalinpu,landmark\n")),
        Case("csv with no rows", "names.csv", _text("")),
        Case("csv over the upload limit", "names.csv", _oversized, TOO_LARGE),
        Case(
            "csv formula in a cell",
            "names.csv",
            _csv('大林蒲,"=HYPERLINK(""https://evil.example"",""Dalinpu"")",landmark,小港區'),
        ),
        Case(
            "csv formula-leading cells",
            "names.csv",
            _csv("大林蒲,@SUM(A1:A9),landmark,小港區", f"{PLACE}港,+Hongmao Port,landmark,小港區"),
        ),
        Case("csv NUL in a cell", "names.csv", _csv("大林蒲,Dal\x00inpu,landmark,小港區")),
        Case("csv ESC in a cell", "names.csv", _csv("大林蒲,Dalinpu\x1b[2J,landmark,小港區")),
        Case("csv right-to-left override", "names.csv", _csv("大林蒲,Dalinpu\u202enuc,landmark,小港區")),
        # JSON
        Case("json nested 10,000 levels", "names.json", _deeply_nested),
        Case(
            "json cut short", "names.json", _text('{"format": "civic-glossary", "terms": [{"zh": "大林蒲", "en": "Dal')
        ),
        Case(
            "json lone surrogate",
            "names.json",
            _text('{"terms": [{"zh": "大林蒲\\ud800", "en": "Dalinpu", "category": "landmark"}]}'),
        ),
        Case(
            "json lone surrogate in English",
            "names.json",
            _text('[{"zh": "大林蒲", "en": "Dalinpu\\udca9", "category": "landmark"}]'),
        ),
        Case("json NUL and ESC", "names.json", _json({"terms": [_entry(en="Dal\x00inpu\x1b[2J")]})),
        Case("json formula", "names.json", _json({"terms": [_entry(en='=HYPERLINK("https://evil.example")')]})),
        Case("json wrong shape", "names.json", _json({"terms": {"zh": "大林蒲"}})),
        Case("json in UTF-16", "names.json", _text(json.dumps({"terms": [_entry()]}, ensure_ascii=False), "utf-16")),
        # TBX
        Case("tbx cut short", "names.tbx", _text(TBX_HEAD + TBX_ENTRY.format(en="Dalinpu")[:80])),
        Case("tbx entity expansion", "names.tbx", _text(BILLION_LAUGHS)),
        Case(
            "tbx NUL character reference",
            "names.tbx",
            _text(TBX_HEAD + TBX_ENTRY.format(en="Dal&#0;inpu") + "</body></text></martif>"),
        ),
        Case(
            "tbx control character",
            "names.tbx",
            _text(TBX_HEAD + TBX_ENTRY.format(en="Dalinpu\u202e") + "</body></text></martif>"),
        ),
        Case(
            "tbx nested 10,000 levels",
            "names.tbx",
            _text(TBX_HEAD + "<note>" * 10_000 + "</note>" * 10_000 + "</body></text></martif>"),
        ),
    ],
}
