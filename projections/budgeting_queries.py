"""Queries of the budgeting read model (the view that fills it is projections/budgeting.py).

Routes and commands call these; they never write SQL themselves. Internal review notes are
returned only by ``notes``, which only staff and reviewers' pages call.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from domain.budgeting.cycles import scheduled_phase
from domain.budgeting.similar import THRESHOLD, features, similarity
from domain.budgeting.spec import PHASES

PAGE_SIZE = 20
SORTS = {
    "newest": "p.submitted_at DESC, p.id",
    "oldest": "p.submitted_at ASC, p.id",
    "endorsements": "p.endorsements DESC, p.submitted_at DESC, p.id",
    "cost": "p.cost ASC, p.submitted_at DESC, p.id",
}


def _rows(db: Database, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cursor = db.execute(sql, list(params))
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _cycle_row(row: dict[str, Any], now: datetime | None) -> dict[str, Any]:
    spec = json.loads(row["spec"])
    phase = row["phase"]
    if now is not None:
        due = scheduled_phase(spec.get("schedule", {}), now)
        if due and PHASES.index(due) > PHASES.index(phase):
            phase = due  # the schedule opened it; the event follows with the next tick
    return {**row, "spec": spec, "phase": phase, "recorded_phase": row["phase"]}


def at(found: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A cycle read without a time (``cycle(db, slug)``, as kept between requests) with its phase at ``now``."""
    phase = found["recorded_phase"]
    due = scheduled_phase(found["spec"].get("schedule", {}), now)
    if due and PHASES.index(due) > PHASES.index(phase):
        phase = due
    return {**found, "phase": phase}


def cycles(db: Database, now: datetime | None = None) -> list[dict[str, Any]]:
    return [_cycle_row(row, now) for row in _rows(db, "SELECT * FROM budgeting_cycles ORDER BY created_at DESC")]


def cycle(db: Database, slug: str, now: datetime | None = None) -> dict[str, Any] | None:
    rows = _rows(db, "SELECT * FROM budgeting_cycles WHERE slug = ?", [slug])
    return _cycle_row(rows[0], now) if rows else None


def cycle_by_id(db: Database, cycle_id: str, now: datetime | None = None) -> dict[str, Any]:
    """The cycle a proposal belongs to (every proposal's cycle is in the same view)."""
    rows = _rows(db, "SELECT * FROM budgeting_cycles WHERE id = ?", [cycle_id])
    return _cycle_row(rows[0], now)


def phase_log(db: Database, cycle_id: str) -> dict[str, dict[str, Any]]:
    rows = _rows(db, "SELECT * FROM budgeting_phases WHERE cycle_id = ?", [cycle_id])
    return {row["phase"]: row for row in rows}


PUBLIC_STATUSES = ("published", "review", "assigned", "feasible", "not_feasible", "on_ballot", "hidden")


def proposals(
    db: Database, cycle_id: str, *, area: str = "", category: str = "", status: str = "", query: str = "",
    sort: str = "newest", limit: int = PAGE_SIZE, offset: int = 0,
) -> list[dict[str, Any]]:  # fmt: skip
    """The public list: withdrawn and merged proposals are left out (their pages still answer)."""
    where, params = ["p.cycle_id = ?"], [cycle_id]
    if status:
        where.append("p.status = ?")
        params.append(status)
    else:
        where.append(f"p.status IN ({','.join('?' * len(PUBLIC_STATUSES))})")
        params.extend(PUBLIC_STATUSES)
    if area:
        where.append("p.area = ?")
        params.append(area)
    if category:
        where.append("p.category = ?")
        params.append(category)
    for word in query.split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("(p.title LIKE ? ESCAPE '\\' OR p.description LIKE ? ESCAPE '\\' OR p.place LIKE ? ESCAPE '\\')")
        params.extend([f"%{escaped}%"] * 3)
    order = SORTS.get(sort, SORTS["newest"])
    sql = f"SELECT p.* FROM budgeting_proposals p WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ? OFFSET ?"
    return _rows(db, sql, [*params, limit, offset])


def proposal(db: Database, proposal_id: str) -> dict[str, Any] | None:
    rows = _rows(db, "SELECT * FROM budgeting_proposals WHERE id = ?", [proposal_id])
    if not rows:
        return None
    row = rows[0]
    row["authors"] = json.loads(row["authors"])
    return row


def versions(db: Database, proposal_id: str) -> list[dict[str, Any]]:
    return _rows(db, "SELECT * FROM budgeting_versions WHERE proposal_id = ? ORDER BY number", [proposal_id])


def history(db: Database, proposal_id: str) -> list[dict[str, Any]]:
    return _rows(db, "SELECT * FROM budgeting_history WHERE proposal_id = ? ORDER BY position", [proposal_id])


def notes(db: Database, proposal_id: str) -> list[dict[str, Any]]:
    """Internal: only staff and reviewers' pages call this."""
    return _rows(db, "SELECT * FROM budgeting_notes WHERE proposal_id = ? ORDER BY position", [proposal_id])


def endorsed_by(db: Database, proposal_id: str, person: str) -> bool:
    return bool(db.execute(
        "SELECT 1 FROM budgeting_endorsements WHERE proposal_id = ? AND person = ?", [proposal_id, person]
    ).fetchone())  # fmt: skip


def endorsement_count(db: Database, proposal_id: str) -> int:
    row = db.execute("SELECT count(*) FROM budgeting_endorsements WHERE proposal_id = ?", [proposal_id]).fetchone()
    return int(row[0])


def my_proposals(db: Database, person: str) -> list[dict[str, Any]]:
    rows = _rows(
        db,
        "SELECT p.*, c.slug, c.name_zh, c.name_en FROM budgeting_proposals p JOIN budgeting_cycles c "
        "ON c.id = p.cycle_id WHERE p.authors LIKE ? ORDER BY p.submitted_at DESC",
        [f'%"{person}"%'],
    )
    return [row for row in rows if person in json.loads(row["authors"])]


def my_endorsements(db: Database, person: str) -> list[dict[str, Any]]:
    return _rows(
        db,
        "SELECT p.*, c.slug, c.name_zh, c.name_en, e.at AS endorsed_at FROM budgeting_endorsements e "
        "JOIN budgeting_proposals p ON p.id = e.proposal_id JOIN budgeting_cycles c ON c.id = p.cycle_id "
        "WHERE e.person = ? ORDER BY e.at DESC",
        [person],
    )


def review_queue(db: Database, cycle_id: str) -> list[dict[str, Any]]:
    return _rows(
        db,
        "SELECT * FROM budgeting_proposals WHERE cycle_id = ? AND status IN ('review', 'assigned', 'feasible') "
        "ORDER BY status, submitted_at",
        [cycle_id],
    )


def agencies(db: Database) -> list[dict[str, Any]]:
    return _rows(db, "SELECT * FROM budgeting_agencies ORDER BY code")


def reviewers_by_agency(db: Database) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for agency, account_id in db.execute(
        "SELECT agency, account_id FROM budgeting_reviewers ORDER BY agency, account_id"
    ):
        found.setdefault(agency, []).append(account_id)
    return found


def agencies_of(db: Database, account_id: str) -> list[str]:
    return [row[0] for row in db.execute(
        "SELECT agency FROM budgeting_reviewers WHERE account_id = ? ORDER BY agency", [account_id]
    ).fetchall()]  # fmt: skip


def similar(db: Database, cycle_id: str, text: str, *, exclude: str = "", limit: int = 5) -> list[dict[str, Any]]:
    """Proposals of the cycle whose title or description is near ``text`` (best first)."""
    wanted = features(text)
    if not wanted:
        return []
    scored = []
    for row in _rows(
        db,
        "SELECT id, title, description, area, status, endorsements FROM budgeting_proposals "
        "WHERE cycle_id = ? AND status NOT IN ('withdrawn', 'merged', 'hidden') AND id != ?",
        [cycle_id, exclude],
    ):
        score = max(similarity(wanted, features(row["title"])), similarity(wanted, features(row["description"])))
        if score >= THRESHOLD:
            scored.append((score, row))
    scored.sort(key=lambda pair: (-pair[0], pair[1]["title"]))
    return [row for _, row in scored[:limit]]


def ballot(db: Database, cycle_id: str) -> dict[str, list[dict[str, Any]]]:
    """Each area's ballot entries (area code → entries): the file's projects in its order, then the
    proposals staff put there, in the order they came. Entries have ``code``, ``title_zh``,
    ``title_en``, ``cost``, ``source`` (file or proposal) and, for a proposal, ``proposal_id``."""
    found: dict[str, list[dict[str, Any]]] = {}
    for row in _rows(
        db,
        "SELECT * FROM budgeting_ballot WHERE cycle_id = ? ORDER BY area, source = 'proposal', position, code",
        [cycle_id],
    ):
        found.setdefault(row["area"], []).append(row)
    return found


def cycle_count(db: Database) -> int:
    return int(db.execute("SELECT count(*) FROM budgeting_cycles").fetchone()[0])
