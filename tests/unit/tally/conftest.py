"""Shared data for the tally tests: the Pabulib corpus and its reference outcomes, read once."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from domain.tally import Election
from domain.tally.pabulib import parse

PABULIB = Path(__file__).resolve().parents[2] / "data" / "pabulib"
FILES = sorted(path.name for path in PABULIB.glob("*.pb"))
# Files whose mes-completed takes more than a few seconds here (and did not finish in 100 s
# in the reference): their tests are marked slow.
LARGE = {
    "Hungary_Budapest_2024.pb",
    "Poland_Lodz_2023.pb",
    "Poland_Warszawa_2026.pb",
    "Poland_Warszawa_2023_Bielany.pb",
}


@cache
def reference() -> dict:
    return json.loads((PABULIB / "expected.json").read_text(encoding="utf-8"))


@cache
def long_reference() -> dict:
    """mes-completed outcomes of the reference run without a time limit (see the README)."""
    path = PABULIB / "expected-long.json"
    return json.loads(path.read_text(encoding="utf-8"))["outcomes"]


@cache
def election(name: str) -> Election:
    return parse((PABULIB / name).read_text(encoding="utf-8-sig"))


def rule_of(key: str) -> str:
    """expected.json's result keys (``greedy_cost``, ``mes_borda_completed``...) as our rules."""
    if key.endswith("_completed"):
        return "mes-completed"
    return key.split("_")[0]
