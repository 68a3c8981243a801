"""Queries of the ballot read models (projections/ballots.py): counting, turnout, receipts, bindings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlite_utils import Database

Choices = dict[str, int]


@dataclass(frozen=True)
class ReceiptStatus:
    """A receipt code found in the box. ``current``: its ballot has not been changed or replaced since.

    A public page should say no more than "in the box": whether a ballot was changed later tells a
    coercer holding the receipt that the voter changed it, which is what re-voting protects.
    """

    receipt: str
    current: bool


def ballots_of_area(db: Database, cycle: str, area: str) -> Iterator[Choices]:
    """The counted ballots of an area, one per person (their latest), in the order of their keyed
    ids: an order that tells nothing about when or by whom each was cast."""
    rows = db.execute(
        "SELECT choices FROM budgeting_ballots WHERE cycle = ? AND area = ? ORDER BY ballot", [cycle, area]
    )
    for (choices,) in rows:
        yield json.loads(choices)


def ballot_count(db: Database, cycle: str) -> int:
    row = db.execute("SELECT count(*) FROM budgeting_ballots WHERE cycle = ?", [cycle]).fetchone()
    return int(row[0])


def turnout(db: Database, cycle: str) -> list[tuple[str, str, str, int]]:
    """Counted ballots by (area, channel, age band): aggregates only (the page suppresses small cells)."""
    rows = db.execute(
        "SELECT area, channel, age_band, count(*) FROM budgeting_ballots WHERE cycle = ? "
        "GROUP BY area, channel, age_band ORDER BY area, channel, age_band",
        [cycle],
    ).fetchall()
    return [(area, channel, band, int(count)) for area, channel, band, count in rows]


def receipt_status(db: Database, cycle: str, receipt: str) -> ReceiptStatus | None:
    """The receipt in the box (None: no ballot of this cycle ever had that code)."""
    row = db.execute(
        "SELECT receipt, current FROM budgeting_receipts WHERE cycle = ? AND receipt = ?", [cycle, receipt]
    ).fetchone()
    return ReceiptStatus(row[0], bool(row[1])) if row else None


def bindings(db: Database, cycle: str, area: str | None = None) -> list[dict[str, str]]:
    """Who is bound in the cycle (account id, area, the day bound), for staff; newest first."""
    where, params = "cycle = ?", [cycle]
    if area:
        where, params = where + " AND area = ?", [cycle, area]
    rows = db.execute(
        f"SELECT account, area, bound_on FROM budgeting_bindings WHERE {where} ORDER BY bound_on DESC, account", params
    ).fetchall()
    return [{"account": account, "area": area_code, "bound_on": day} for account, area_code, day in rows]


def binding_of(db: Database, cycle: str, account: str) -> dict[str, str] | None:
    row = db.execute(
        "SELECT area, bound_on FROM budgeting_bindings WHERE cycle = ? AND account = ?", [cycle, account]
    ).fetchone()
    return {"account": account, "area": row[0], "bound_on": row[1]} if row else None
