"""Results read model: each counted cycle, its areas and every entry's votes.

One view, ``results``, fed by the ``CycleResults`` events. ``results_of`` is what the results
page and ``civic cycle count`` read: the areas as ``AreaResult`` values, in the cycle's area order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import singledispatchmethod
from typing import Any

from sqlite_utils import Database

from domain.budgeting.counting import AreaResult
from domain.budgeting.results import CycleResults
from projections.runner import ViewBase


class ResultsView(ViewBase):
    name = "results"
    version = 1
    topics = (CycleResults.Event,)

    def create(self, db: Database) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_results (id TEXT PRIMARY KEY, slug TEXT UNIQUE NOT NULL, "
            "published INTEGER NOT NULL, counted_at TEXT NOT NULL, published_at TEXT)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_result_areas (slug TEXT NOT NULL, area TEXT NOT NULL, "
            "position INTEGER NOT NULL, rule TEXT NOT NULL, budget INTEGER NOT NULL, cost INTEGER NOT NULL, "
            "voters INTEGER NOT NULL, min_supporters INTEGER NOT NULL, selected TEXT NOT NULL, "
            "explanation TEXT NOT NULL, PRIMARY KEY (slug, area))"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS budgeting_result_entries (slug TEXT NOT NULL, area TEXT NOT NULL, "
            "code TEXT NOT NULL, position INTEGER NOT NULL, votes INTEGER NOT NULL, supporters INTEGER NOT NULL, "
            "selected INTEGER NOT NULL, excluded TEXT NOT NULL, PRIMARY KEY (slug, code))"
        )

    @singledispatchmethod
    def apply(self, event: object, db: Database) -> None:
        pass

    @apply.register
    def _(self, event: CycleResults.Counted, db: Database) -> None:
        db.execute(
            "INSERT OR REPLACE INTO budgeting_results VALUES (?, ?, 0, ?, NULL)",
            [str(event.originator_id), event.slug, event.timestamp.isoformat()],
        )
        for position, data in enumerate(event.areas):
            area = AreaResult.from_dict(data)
            db.execute(
                "INSERT OR REPLACE INTO budgeting_result_areas VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [event.slug, area.area, position, area.rule, area.budget, area.cost, area.voters,
                 area.min_supporters, json.dumps(area.selected), json.dumps(area.explanation, ensure_ascii=False)],
            )  # fmt: skip
            db.conn.executemany(
                "INSERT OR REPLACE INTO budgeting_result_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (event.slug, area.area, code, index, votes, area.supporters.get(code, 0),
                     int(code in area.selected), area.excluded.get(code, ""))
                    for index, (code, votes) in enumerate(area.votes.items())
                ],
            )  # fmt: skip

    @apply.register
    def _(self, event: CycleResults.Published, db: Database) -> None:
        db.execute(
            "UPDATE budgeting_results SET published = 1, published_at = ? WHERE id = ?",
            [event.timestamp.isoformat(), str(event.originator_id)],
        )


@dataclass(frozen=True)
class CycleOutcome:
    slug: str
    published: bool
    areas: list[AreaResult]


def results_of(db: Database, slug: str) -> CycleOutcome | None:
    """The cycle's counted results (None: not counted yet)."""
    head: Any = db.execute("SELECT published FROM budgeting_results WHERE slug = ?", [slug]).fetchone()
    if head is None:
        return None
    entries: dict[str, list[tuple[str, int, int, str]]] = {}
    for area, code, votes, supporters, excluded in db.execute(
        "SELECT area, code, votes, supporters, excluded FROM budgeting_result_entries WHERE slug = ? "
        "ORDER BY area, position",
        [slug],
    ).fetchall():
        entries.setdefault(area, []).append((code, votes, supporters, excluded))
    areas = []
    for area, rule, budget, cost, voters, need, selected, explanation in db.execute(
        "SELECT area, rule, budget, cost, voters, min_supporters, selected, explanation "
        "FROM budgeting_result_areas WHERE slug = ? ORDER BY position",
        [slug],
    ).fetchall():
        rows = entries.get(area, [])
        areas.append(
            AreaResult(
                area=area, rule=rule, budget=budget, selected=json.loads(selected),
                votes={code: votes for code, votes, _, _ in rows}, cost=cost, explanation=json.loads(explanation),
                voters=voters, supporters={code: count for code, _, count, _ in rows},
                excluded={code: why for code, _, _, why in rows if why}, min_supporters=need,
            )
        )  # fmt: skip
    return CycleOutcome(slug, bool(head[0]), areas)
