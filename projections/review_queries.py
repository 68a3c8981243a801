"""Queries of the review read model (the view that fills it is projections/review.py).

Visibility is decided here, on the server, for every page and download:
- a member sees the other members' scores and comments of an entry only once their own score of
  it in the round is in, and never for an entry they are recused from;
- staff (the secretariat) see everything, notes to the secretariat included; the chair sees the
  dashboard, without the entries they are recused from;
- an entrant sees only their own entry's feedback letter: its score, tier and the comments,
  never who wrote them, nor any note to the secretariat.
"""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database


def _rows(db: Database, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cursor = db.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _call_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, **{key: json.loads(row[key]) for key in ("rubric", "tiers", "screeners", "shortlist")}}


def calls(db: Database) -> list[dict[str, Any]]:
    return [_call_row(row) for row in _rows(db, "SELECT * FROM review_calls ORDER BY created_at DESC")]


def call(db: Database, slug: str) -> dict[str, Any] | None:
    rows = _rows(db, "SELECT * FROM review_calls WHERE slug = ?", [slug])
    return _call_row(rows[0]) if rows else None


def call_count(db: Database) -> int:
    return int(db.execute("SELECT COUNT(*) FROM review_calls").fetchone()[0])


def entries(db: Database, call_id: str, *, shortlisted: bool = False) -> list[dict[str, Any]]:
    where = " AND shortlisted = 1" if shortlisted else ""
    return _rows(db, f"SELECT * FROM review_entries WHERE call_id = ?{where} ORDER BY submitted_at, id", [call_id])


def entry(db: Database, entry_id: str) -> dict[str, Any] | None:
    rows = _rows(db, "SELECT * FROM review_entries WHERE id = ?", [entry_id])
    return rows[0] if rows else None


def entries_of(db: Database, submitter: str) -> list[dict[str, Any]]:
    return _rows(
        db, "SELECT e.*, c.slug, c.phase, c.title_zh AS call_zh, c.title_en AS call_en FROM review_entries e "
        "JOIN review_calls c ON c.id = e.call_id WHERE e.submitter = ? ORDER BY e.submitted_at DESC", [submitter],
    )  # fmt: skip


def attachments(db: Database, entry_id: str) -> list[dict[str, Any]]:
    return _rows(db, "SELECT * FROM review_attachments WHERE entry_id = ? ORDER BY number", [entry_id])


def screenings(db: Database, call_id: str) -> dict[str, list[dict[str, Any]]]:
    rows = _rows(
        db, "SELECT s.* FROM review_screenings s JOIN review_entries e ON e.id = s.entry_id WHERE e.call_id = ? "
        "ORDER BY s.at", [call_id],
    )  # fmt: skip
    found: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row["entry_id"], []).append(row)
    return found


# --- panel ------------------------------------------------------------------------------------


def members(db: Database, call_id: str) -> list[dict[str, Any]]:
    return _rows(db, "SELECT * FROM review_members WHERE call_id = ? ORDER BY CAST(substr(code, 2) AS INTEGER)",
                 [call_id])  # fmt: skip


def member(db: Database, call_id: str, account_id: str) -> dict[str, Any] | None:
    rows = _rows(db, "SELECT * FROM review_members WHERE call_id = ? AND account_id = ?", [call_id, account_id])
    return rows[0] if rows else None


def panel(db: Database, call_id: str) -> dict[str, Any]:
    rows = _rows(db, "SELECT * FROM review_panels WHERE call_id = ?", [call_id])
    return rows[0] if rows else {"mode": "all", "per_entry": 0}


def conflicts(db: Database, call_id: str) -> set[tuple[str, str]]:
    rows = db.execute("SELECT account_id, entry_id FROM review_conflicts WHERE call_id = ?", [call_id]).fetchall()
    return {(row[0], row[1]) for row in rows}


def recused(member_row: dict[str, Any], entry_row: dict[str, Any], declared: set[tuple[str, str]]) -> bool:
    """The same rule as ``Panel.recusal``: own agency (internal members), or a declared conflict."""
    own = member_row["kind"] == "internal" and member_row["agency"] and member_row["agency"] == entry_row["agency"]
    return bool(own) or (member_row["account_id"], entry_row["id"]) in declared


def scorers(db: Database, call_id: str, entry_row: dict[str, Any]) -> list[dict[str, Any]]:
    """The members who score the entry (not recused; in a balanced panel, the assigned ones)."""
    declared = conflicts(db, call_id)
    free = [m for m in members(db, call_id) if not recused(m, entry_row, declared)]
    if panel(db, call_id)["mode"] == "balanced":
        assigned = {row[0] for row in db.execute(
            "SELECT account_id FROM review_assignments WHERE call_id = ? AND entry_id = ?", [call_id, entry_row["id"]])}  # fmt: skip
        free = [m for m in free if m["account_id"] in assigned]
    return free


# --- scores -----------------------------------------------------------------------------------


def _score_row(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "scores": json.loads(row["scores"])}


def own_score(db: Database, call_id: str, round_number: int, entry_id: str, account_id: str) -> dict[str, Any] | None:
    rows = _rows(db, "SELECT * FROM review_scores WHERE call_id = ? AND round = ? AND entry_id = ? AND member = ?",
                 [call_id, round_number, entry_id, account_id])  # fmt: skip
    return _score_row(rows[0]) if rows else None


def revisions(db: Database, score_id: str) -> list[dict[str, Any]]:
    return [_score_row(r) for r in _rows(db, "SELECT * FROM review_revisions WHERE score_id = ? ORDER BY number",
                                         [score_id])]  # fmt: skip


def scores_for(db: Database, call_id: str, round_number: int, entry_id: str) -> list[dict[str, Any]]:
    """Every member's score of the entry, with the member's code (callers decide who may see them)."""
    return [_score_row(r) for r in _rows(
        db, "SELECT s.*, m.code FROM review_scores s JOIN review_members m ON m.call_id = s.call_id "
        "AND m.account_id = s.member WHERE s.call_id = ? AND s.round = ? AND s.entry_id = ? ORDER BY m.code",
        [call_id, round_number, entry_id])]  # fmt: skip


def others_scores_for_member(db: Database, call_row: dict[str, Any], entry_row: dict[str, Any],
                             account_id: str) -> list[dict[str, Any]] | None:  # fmt: skip
    """What a member may see of the others' scores: None until their own is in, or ever when recused.

    Notes to the secretariat are left out.
    """
    me = member(db, call_row["id"], account_id)
    if me is None or recused(me, entry_row, conflicts(db, call_row["id"])):
        return None
    if own_score(db, call_row["id"], call_row["round"], entry_row["id"], account_id) is None:
        return None
    rows = scores_for(db, call_row["id"], call_row["round"], entry_row["id"])
    return [{**row, "note": ""} for row in rows if row["member"] != account_id]


def queue(db: Database, call_row: dict[str, Any], account_id: str) -> dict[str, list[dict[str, Any]]]:
    """A member's queue for the round: assigned and scored, assigned and pending; recused ones apart."""
    me = member(db, call_row["id"], account_id)
    found: dict[str, list[dict[str, Any]]] = {"scored": [], "pending": [], "recused": []}
    if me is None:
        return found
    declared = conflicts(db, call_row["id"])
    for entry_row in entries(db, call_row["id"], shortlisted=True):
        if recused(me, entry_row, declared):
            found["recused"].append(entry_row)
            continue
        if account_id not in {m["account_id"] for m in scorers(db, call_row["id"], entry_row)}:
            continue
        own = own_score(db, call_row["id"], call_row["round"], entry_row["id"], account_id)
        found["scored" if own else "pending"].append({**entry_row, "own": own})
    return found


def progress(db: Database, call_row: dict[str, Any], viewer: str | None) -> list[dict[str, Any]]:
    """The chair's dashboard rows: per shortlisted entry, its scorers, scores given, totals by member code.

    ``viewer`` is the chair's account (their recused entries are masked) or None for staff.
    """
    all_members = members(db, call_row["id"])
    me = next((m for m in all_members if m["account_id"] == viewer), None)
    declared = conflicts(db, call_row["id"])
    rows = []
    for entry_row in entries(db, call_row["id"], shortlisted=True):
        hidden = me is not None and recused(me, entry_row, declared)
        expected = scorers(db, call_row["id"], entry_row)
        given = scores_for(db, call_row["id"], call_row["round"], entry_row["id"])
        rows.append({
            "entry": entry_row, "hidden": hidden, "expected": len(expected), "given": len(given),
            "totals": [] if hidden else [(s["code"], s["total"]) for s in given],
        })  # fmt: skip
    return rows


def sheet_rows(db: Database, call_row: dict[str, Any]) -> list[dict[str, Any]]:
    """The score sheet: one row per member × entry × criterion, members as codes (staff only)."""
    found = []
    for entry_row in entries(db, call_row["id"], shortlisted=True):
        for score in scores_for(db, call_row["id"], call_row["round"], entry_row["id"]):
            me = member(db, call_row["id"], score["member"]) or {}
            for criterion in call_row["rubric"]:
                found.append({"entry": entry_row["id"], "title": entry_row["title"], "entry_agency": entry_row["agency"],
                              "member": score["code"], "member_agency": me.get("agency", ""),
                              "criterion": criterion["code"], "score": score["scores"].get(criterion["code"], "")})  # fmt: skip
    return found


# --- awards -----------------------------------------------------------------------------------


def awards(db: Database, call_id: str) -> list[dict[str, Any]]:
    rows = _rows(
        db, "SELECT a.*, e.title, e.agency FROM review_awards a JOIN review_entries e ON e.id = a.entry_id "
        "WHERE a.call_id = ? ORDER BY a.position", [call_id],
    )  # fmt: skip
    return [{**row, "flags": json.loads(row["flags"])} for row in rows]


def letter(db: Database, call_row: dict[str, Any], entry_row: dict[str, Any]) -> dict[str, Any]:
    """What the entrant may see: the screening decisions' reasons, the comments (no member named,
    no note to the secretariat), and once the awards are decided, the score and tier."""
    comments = [s["comment"] for s in scores_for(db, call_row["id"], call_row["round"], entry_row["id"])]
    screened = [{"decision": s["decision"], "reason": s["reason"]} for s in
                _rows(db, "SELECT decision, reason FROM review_screenings WHERE entry_id = ? ORDER BY at",
                      [entry_row["id"]])]  # fmt: skip
    award = None
    if call_row["phase"] in ("decided", "published"):
        award = next((a for a in awards(db, call_row["id"]) if a["entry_id"] == entry_row["id"]), None)
    return {"comments": sorted(comments), "screenings": screened, "award": award}
