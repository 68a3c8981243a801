"""The shared place-name files the glossary tests read (tests/data/glossary, with its README)."""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data" / "glossary"
SHARED_FILES = ("kaohsiung_districts.csv", "kaohsiung_metro_stations.csv", "kaohsiung_roads.csv")


def shared_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def shared_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(shared_text(name).splitlines()))
