"""Queries on the glossary read model, for the web pages, the display filter and the exports."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from domain.glossary.checks import Known
from domain.glossary.names import Variant
from domain.glossary.places import HANYU, approved_system
from domain.glossary.rows import Entry
from domain.glossary.terms import APPROVED, DEPRECATED, SUPERSEDED
from domain.romanization.romanize import suggest
from domain.romanization.syllables import fold
from projections.glossary_search import batches, find

# ``approved_at``: when the approving decision was recorded (a meeting may be dated ahead of it).
_APPROVAL = (
    "LEFT JOIN glossary_meetings AS m ON m.id = t.approved_meeting_id "
    "LEFT JOIN glossary_decisions AS d ON d.meeting_id = t.approved_meeting_id AND d.number = t.approved_decision"
)
_LISTED = (
    "SELECT t.id, t.zh, t.en, t.status, t.category, t.district, t.code, t.approved_meeting_id, "
    "t.approved_decision, m.date AS meeting_date, m.title AS meeting_title, m.kind AS meeting_kind, "
    f"d.at AS approved_at FROM glossary_terms AS t {_APPROVAL}"
)


def term(db: Database, term_id: str) -> dict[str, Any] | None:
    """One term with its variants, sources and any proposal waiting for a meeting."""
    rows = list(
        db.query(
            "SELECT t.*, m.date AS meeting_date, m.title AS meeting_title, m.kind AS meeting_kind, "
            "m.convened_by AS meeting_by, m.convened_at AS meeting_at, d.at AS approved_at, d.outcome AS approved_how "
            f"FROM glossary_terms AS t {_APPROVAL} WHERE t.id = ?",
            [term_id],
        )
    )
    if not rows:
        return None
    row = rows[0]
    row["sources"] = json.loads(row["sources"])
    row["variants"] = list(
        db.query("SELECT text, kind FROM glossary_variants WHERE term_id = ? ORDER BY kind, text", [term_id])
    )
    candidate = {
        "en": row.pop("candidate_en"),
        "variants": json.loads(row.pop("candidate_variants")),
        "notes": row.pop("candidate_notes"),
        "proposed_by": row.pop("candidate_by"),
    }
    row["candidate"] = candidate if candidate["en"] else None
    return row


def history(db: Database, term_id: str) -> list[dict[str, Any]]:
    """Every change of a term, oldest first, with the meeting that decided it."""
    return list(
        db.query(
            "SELECT h.event, h.actor, h.at, h.en, h.meeting_id, h.decision_number, h.reason, "
            "m.date AS meeting_date, m.title AS meeting_title, m.kind AS meeting_kind "
            "FROM glossary_history AS h LEFT JOIN glossary_meetings AS m ON m.id = h.meeting_id "
            "WHERE h.term_id = ? ORDER BY h.position",
            [term_id],
        )
    )


def meetings(db: Database) -> list[dict[str, Any]]:
    """Every meeting, newest first, with how many decisions and open agenda items it has."""
    rows = db.query(
        "SELECT m.*, (SELECT count(*) FROM glossary_decisions AS d WHERE d.meeting_id = m.id) AS decision_count, "
        "(SELECT count(*) FROM glossary_agenda AS a WHERE a.meeting_id = m.id AND a.decision_number IS NULL) "
        "AS open_items FROM glossary_meetings AS m ORDER BY m.date DESC, m.convened_at DESC"
    )
    return [{**row, "members": json.loads(row["members"])} for row in rows]


def meeting(db: Database, meeting_id: str) -> dict[str, Any] | None:
    """A meeting's minutes: members, agenda (open items first) and decisions in order."""
    rows = list(db.query("SELECT * FROM glossary_meetings WHERE id = ?", [meeting_id]))
    if not rows:
        return None
    found = {**rows[0], "members": json.loads(rows[0]["members"])}
    found["agenda"] = [
        {**item, "sources": json.loads(item["sources"]), "candidate_variants": json.loads(item["candidate_variants"])}
        for item in db.query(
            "SELECT a.position, a.term_id, a.decision_number, t.zh, t.en, t.candidate_en, t.candidate_variants, "
            "t.candidate_notes, t.notes, t.sources, t.status, t.district, t.category "
            "FROM glossary_agenda AS a JOIN glossary_terms AS t ON t.id = a.term_id "
            "WHERE a.meeting_id = ? ORDER BY a.decision_number IS NOT NULL, a.position",
            [meeting_id],
        )
    ]
    found["decisions"] = list(
        db.query(
            "SELECT d.*, t.zh, t.district, t.category, c.title AS corrects_title, c.date AS corrects_date, "
            "b.title AS corrected_by_title, b.date AS corrected_by_date FROM glossary_decisions AS d "
            "LEFT JOIN glossary_terms AS t ON t.id = d.term_id "
            "LEFT JOIN glossary_meetings AS c ON c.id = d.corrects_meeting_id "
            "LEFT JOIN glossary_meetings AS b ON b.id = d.corrected_by_meeting_id "
            "WHERE d.meeting_id = ? ORDER BY d.number",
            [meeting_id],
        )
    )
    return found


def waiting_terms(db: Database, most: int = 200) -> list[dict[str, Any]]:
    """Proposals (and changes to approved terms) that no open agenda holds yet, for an agenda."""
    return list(
        db.query(
            "SELECT id, zh, en, candidate_en, district, category, status FROM glossary_terms "
            "WHERE candidate_en != '' AND status IN ('proposed', 'approved') "
            "AND id NOT IN (SELECT term_id FROM glossary_agenda WHERE decision_number IS NULL) ORDER BY zh LIMIT ?",
            [most],
        )
    )


def approved_count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM glossary_terms WHERE status = ?", [APPROVED]).fetchone()[0])


def approved_terms(
    db: Database,
    category: str | None = None,
    district: str | None = None,
    query: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The approved list, filtered; with a query, in search order."""
    if query and query.strip():
        return search(db, query, limit=limit + offset, category=category, district=district)[offset:]
    clauses, params = ["t.status = ?"], [APPROVED]
    for column, value in (("category", category), ("district", district)):
        if value:
            clauses.append(f"t.{column} = ?")
            params.append(value)
    return list(
        db.query(
            f"{_LISTED} WHERE {' AND '.join(clauses)} ORDER BY t.zh, t.district LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    )


def matching_count(
    db: Database, category: str | None = None, district: str | None = None, query: str | None = None, most: int = 200
) -> tuple[int, bool]:
    """How many approved terms the list shows, and whether there are more than ``most`` (a
    search is counted up to ``most`` hits: the count costs what one long page of results does)."""
    if query and query.strip():
        found = len(find(db, query, most + 1, (APPROVED,), category, district))
        return min(found, most), found > most
    clauses, params = ["status = ?"], [APPROVED]
    for column, value in (("category", category), ("district", district)):
        if value:
            clauses.append(f"{column} = ?")
            params.append(value)
    return int(
        db.execute(f"SELECT count(*) FROM glossary_terms WHERE {' AND '.join(clauses)}", params).fetchone()[0]
    ), False


def search(
    db: Database,
    text: str,
    limit: int = 20,
    statuses: Sequence[str] | None = (APPROVED,),
    category: str | None = None,
    district: str | None = None,
) -> list[dict[str, Any]]:
    """Terms matching Chinese, English, pinyin or a variant, best first; typos corrected.

    Each row says how it matched: ``match`` (exact, prefix, part, fuzzy), ``matched_field`` and,
    for a fuzzy match, ``corrected`` (what was searched instead). ``statuses=None``: all terms.
    """
    hits = find(db, text, limit, statuses, category, district)
    if not hits:
        return []
    rows = {
        row["id"]: row
        for batch in batches([hit.term_id for hit in hits])
        for row in db.query(f"{_LISTED} WHERE t.id IN ({','.join('?' * len(batch))})", list(batch))
    }
    kinds = ("exact", "prefix", "part", "fuzzy")
    return [
        {**rows[hit.term_id], "match": kinds[hit.rank], "matched_field": hit.field, "corrected": hit.corrected}
        for hit in hits
        if hit.term_id in rows
    ]


def english_for(db: Database, zh: str, district: str | None = None) -> str | None:
    """The approved English for a Chinese place name (the one for ``district`` if it differs)."""
    rows = db.execute(
        "SELECT en, district FROM glossary_terms WHERE zh = ? AND status = ?", [zh.strip(), APPROVED]
    ).fetchall()
    if not rows:
        return None
    for en, in_district in rows:
        if district and in_district == district:
            return str(en)
    names = [str(en) for en, _ in rows]
    return max(sorted(set(names)), key=names.count)  # the English most districts use


@dataclass(frozen=True)
class DisplayName:
    zh: str
    en: str
    official: bool  # False: no approved English; ``en`` is a generated Tongyong romanization


def display_name(db: Database, zh: str, district: str | None = None) -> DisplayName:
    """What the display filter shows in English: the approved name, or an unofficial romanization.

    The approved English is shown as approved, whichever system it is in (a meeting decided it).
    Without one, the romanization is generated in the system the city approves for that kind of
    name (``places.approved_system``): Hanyu for roads, streets and lanes, Tongyong for
    districts, villages, stations and landmarks.
    """
    approved = english_for(db, zh, district)
    if approved:
        return DisplayName(zh, approved, True)
    if not zh.strip():
        return DisplayName(zh, "", False)
    suggestion = suggest(zh)
    return DisplayName(zh, suggestion.hanyu if approved_system(zh) == HANYU else suggestion.tongyong, False)


def categories(db: Database) -> list[dict[str, Any]]:
    return list(
        db.query(
            "SELECT category, count(*) AS terms FROM glossary_terms WHERE status = ? GROUP BY category "
            "ORDER BY category",
            [APPROVED],
        )
    )


def district_names(db: Database) -> list[str]:
    """Districts that have approved terms, in order (``districts`` without the counts and English)."""
    rows = db.execute(
        "SELECT DISTINCT district FROM glossary_terms WHERE status = ? AND district != '' ORDER BY district",
        [APPROVED],
    ).fetchall()
    return [str(district) for (district,) in rows]


def districts(db: Database) -> list[dict[str, Any]]:
    """Districts that have approved terms, each with its approved English when there is one."""
    rows = db.query(
        "SELECT district, count(*) AS terms FROM glossary_terms WHERE status = ? AND district != '' "
        "GROUP BY district ORDER BY district",
        [APPROVED],
    )
    return [{**row, "en": english_for(db, row["district"])} for row in rows]


def export_entries(db: Database, statuses: Sequence[str] = (APPROVED, DEPRECATED, SUPERSEDED)) -> list[Entry]:
    """Every term to export, with its variants, in a stable order."""
    marks = ",".join("?" * len(statuses))
    variants: dict[str, list[Variant]] = {}
    for term_id, text, kind in db.execute(
        f"SELECT v.term_id, v.text, v.kind FROM glossary_variants AS v JOIN glossary_terms AS t ON t.id = v.term_id "
        f"WHERE t.status IN ({marks}) ORDER BY v.term_id, v.rowid",
        list(statuses),
    ).fetchall():
        variants.setdefault(term_id, []).append(Variant(text, kind))
    return [
        Entry(
            id=row["id"],
            zh=row["zh"],
            en=row["en"],
            status=row["status"],
            category=row["category"],
            district=row["district"],
            code=row["code"],
            variants=tuple(variants.get(row["id"], ())),
            notes=row["notes"],
            sources=tuple(json.loads(row["sources"])),
            meeting_id=row["approved_meeting_id"] or "",
            decision_number=row["approved_decision"] or 0,
            superseded_by=row["superseded_by"] or "",
        )
        for row in db.query(
            f"SELECT * FROM glossary_terms WHERE status IN ({marks}) ORDER BY category, district, zh, id",
            list(statuses),
        )
    ]


class KnownNamesInReadModel:
    """What the proposal checks need to know, answered from the read model."""

    def __init__(self, db: Database, correct_typos: bool = True) -> None:
        self.db = db
        self.correct_typos = correct_typos  # False: near duplicates by prefix only (a file's thousands of rows)

    def approved_for_chinese(self, zh: str) -> list[Known]:
        return self._known("t.zh = ?", [zh])

    def approved_with_english(self, en: str) -> list[Known]:
        return self._known("t.en_key = ?", [fold(en)])

    def with_variant(self, text: str) -> list[Known]:
        return self._known("t.id IN (SELECT term_id FROM glossary_variants WHERE key = ?)", [fold(text)])

    def similar_english(self, en: str) -> list[Known]:
        """Approved terms whose English the search finds for ``en`` (typos corrected): the
        candidates for a near duplicate, which the checks then measure."""
        ids = [hit.term_id for hit in find(self.db, en, limit=10, correct_typos=self.correct_typos)]
        if not ids:
            return []
        return self._known(f"t.id IN ({','.join('?' * len(ids))})", ids)

    def _known(self, condition: str, params: list[str]) -> list[Known]:
        rows = self.db.execute(
            f"SELECT t.id, t.zh, t.en, t.district, t.category FROM glossary_terms AS t "
            f"WHERE {condition} AND t.status = ? ORDER BY t.district, t.id LIMIT 50",
            [*params, APPROVED],
        ).fetchall()
        known = []
        for term_id, zh, en, district, category in rows:
            variants = self.db.execute(
                "SELECT text, kind FROM glossary_variants WHERE term_id = ?", [term_id]
            ).fetchall()
            known.append(Known(term_id, zh, en, district, tuple(Variant(t, k) for t, k in variants), category))
        return known
