"""Queries of the census read model (the view that fills it is projections/census.py).

Verification (domain/budgeting/voting.py) is given ``census_entry`` as its census lookup: the
domain never reads a read model itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlite_utils import Database


class CensusRecord(NamedTuple):
    proof: str  # CensusKeys.proof of the number and the birth date
    district: str


@dataclass(frozen=True)
class CensusSummary:
    number: int  # which import of the cycle this is (1: the first)
    digest: str  # SHA-256 of the file imported
    count: int
    file_name: str
    actor: str
    at: str  # when it was recorded (ISO, UTC)
    districts: dict[str, int]  # every district of the cycle with its eligible residents


def census_entry(db: Database, cycle: str, person: str) -> CensusRecord | None:
    """The entry of ``person`` (CensusKeys.person of a number) in the cycle's census, if any."""
    row = db.execute(
        "SELECT proof, district FROM budgeting_census WHERE cycle = ? AND person = ?", [cycle, person]
    ).fetchone()
    return CensusRecord(row[0], row[1]) if row else None


def eligible_by_district(db: Database, cycle: str) -> dict[str, int]:
    """How many residents the census lists in each district of the cycle (empty: no census yet)."""
    rows = db.execute(
        "SELECT district, eligible FROM budgeting_census_districts WHERE cycle = ? ORDER BY district", [cycle]
    ).fetchall()
    return {district: eligible for district, eligible in rows}


def census_summary(db: Database, cycle: str) -> CensusSummary | None:
    """The census imported last for the cycle (None: none yet)."""
    row: Any = db.execute(
        "SELECT number, digest, count, file_name, actor, at FROM budgeting_census_imports WHERE cycle = ?", [cycle]
    ).fetchone()
    if row is None:
        return None
    number, digest, count, file_name, actor, at = row
    return CensusSummary(number, digest, count, file_name, actor, at, eligible_by_district(db, cycle))
