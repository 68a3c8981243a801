"""The glossary's queues, read from the read model: what waits for review (public), what a
translator proposed and how each proposal stands, and the staff queue an agenda is built from."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

MOST = 200  # rows a queue shows at once (the staff queue's selection is bounded the same)

_PROPOSAL = (
    "t.id, t.zh, t.en, t.status, t.category, t.district, t.candidate_en, t.candidate_notes, t.candidate_variants, "
    "t.sources, t.updated_at, t.agenda_meeting_id, am.title AS agenda_title, am.date AS agenda_date"
)
RESOLVING = ("approved", "approved_amended", "rejected")  # history events that decide a proposal


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "sources": json.loads(row["sources"]), "candidate_variants": json.loads(row["candidate_variants"])}


def waiting_for_review(db: Database, most: int = MOST) -> list[dict[str, Any]]:
    """Every proposal and proposed change that no meeting has decided yet, oldest first."""
    return [
        _decoded(row)
        for row in db.query(
            f"SELECT {_PROPOSAL} FROM glossary_terms AS t LEFT JOIN glossary_meetings AS am ON am.id = t.agenda_meeting_id "
            "WHERE t.candidate_en != '' ORDER BY t.updated_at, t.zh LIMIT ?",
            [most],
        )
    ]


def staff_queue(db: Database, most: int = MOST) -> list[dict[str, Any]]:
    """What waits for an agenda: new proposals, changes to approved terms, and deferred items.

    ``kind`` tells them apart; a deferred item carries the meeting that deferred it.
    """
    rows = db.query(
        "WITH open AS (SELECT t.id, (SELECT h.position FROM glossary_history AS h WHERE h.term_id = t.id "
        "  AND h.event IN ('deferred', 'approved', 'approved_amended', 'rejected', 'corrected', 'proposed', "
        "  'proposed_again', 'change_proposed') ORDER BY h.position DESC LIMIT 1) AS last "
        "  FROM glossary_terms AS t WHERE t.agenda_meeting_id IS NULL AND (t.candidate_en != '' OR t.id IN "
        "  (SELECT term_id FROM glossary_history WHERE event = 'deferred'))) "
        f"SELECT {_PROPOSAL}, h.event AS last_event, h.meeting_id AS deferred_meeting_id, "
        "dm.title AS deferred_title, dm.date AS deferred_date "
        "FROM open JOIN glossary_terms AS t ON t.id = open.id "
        "LEFT JOIN glossary_history AS h ON h.position = open.last "
        "LEFT JOIN glossary_meetings AS am ON am.id = t.agenda_meeting_id "
        "LEFT JOIN glossary_meetings AS dm ON dm.id = h.meeting_id AND h.event = 'deferred' "
        "WHERE t.candidate_en != '' OR h.event = 'deferred' ORDER BY t.updated_at, t.zh LIMIT ?",
        [most],
    )
    queue = []
    for row in rows:
        if row["last_event"] == "deferred":
            kind = "deferred"
        elif row["status"] == "approved":
            kind = "change"
        else:
            kind = "proposal"
        queue.append({**_decoded(row), "kind": kind})
    return queue


def my_proposals(db: Database, actor: str, most: int = MOST) -> list[dict[str, Any]]:
    """The terms ``actor`` proposed (or proposed a change to), newest first, each with its state.

    ``state``: waiting, on_agenda, deferred, approved, approved_amended or rejected, for the
    actor's latest proposal of that term; ``decision`` is the history row that decided it.
    """
    rows = list(
        db.query(
            "WITH mine AS (SELECT term_id, max(position) AS proposed_at FROM glossary_history WHERE actor = ? "
            "AND event IN ('proposed', 'proposed_again', 'change_proposed') GROUP BY term_id) "
            f"SELECT {_PROPOSAL}, mine.proposed_at, p.en AS proposed_en, p.at AS proposed_on "
            "FROM mine JOIN glossary_terms AS t ON t.id = mine.term_id "
            "JOIN glossary_history AS p ON p.position = mine.proposed_at "
            "LEFT JOIN glossary_meetings AS am ON am.id = t.agenda_meeting_id "
            "ORDER BY mine.proposed_at DESC LIMIT ?",
            [actor, most],
        )
    )
    marks = ",".join("?" * len(RESOLVING))
    proposals = []
    for row in rows:
        decisions = list(
            db.query(
                "SELECT h.event, h.en, h.reason, h.at, h.meeting_id, h.decision_number, m.title AS meeting_title, "
                "m.date AS meeting_date, m.kind AS meeting_kind FROM glossary_history AS h "
                "LEFT JOIN glossary_meetings AS m ON m.id = h.meeting_id WHERE h.term_id = ? AND h.position > ? "
                f"AND h.event IN ({marks}, 'deferred') ORDER BY h.position",
                [row["id"], row["proposed_at"], *RESOLVING],
            )
        )
        resolved = next((d for d in decisions if d["event"] in RESOLVING), None)
        if resolved:
            state, decision = resolved["event"], resolved
        elif row["agenda_meeting_id"]:
            state, decision = "on_agenda", None
        elif decisions:
            state, decision = "deferred", decisions[-1]
        else:
            state, decision = "waiting", None
        proposals.append({**_decoded(row), "state": state, "decision": decision})
    return proposals


def review_meetings(db: Database, most: int = 50) -> list[dict[str, Any]]:
    """Review meetings an agenda can be built for, the latest dated first."""
    return list(
        db.query(
            "SELECT id, title, date FROM glossary_meetings WHERE kind = 'review' ORDER BY date DESC, convened_at DESC "
            "LIMIT ?",
            [most],
        )
    )


def approvals_by_kind(db: Database) -> dict[str, int]:
    """Approved terms by what approved them: ``review`` (a meeting) or ``initial_list`` (an import)."""
    # Counted per meeting first, from the index alone, then per kind: a join per approved term
    # cost the home page more than everything else on it.
    rows = db.execute(
        "SELECT m.kind, sum(t.terms) FROM (SELECT approved_meeting_id, count(*) AS terms FROM glossary_terms "
        "WHERE status = 'approved' GROUP BY approved_meeting_id) AS t "
        "JOIN glossary_meetings AS m ON m.id = t.approved_meeting_id GROUP BY m.kind"
    ).fetchall()
    return {str(kind): int(count) for kind, count in rows}
