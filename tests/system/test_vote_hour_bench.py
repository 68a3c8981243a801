"""bench/vote_hour.py: its smallest run passes its own checks, and the checks catch what they are for.

The run is the script as a whole process (one SQLite node, a few dozen residents: seconds); the
checks are also given made-up outcomes that break each promise, so that a check that could never
fail would show here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.vote_hour import Voter, checks

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_smallest_vote_hour_run_counts_every_acknowledged_ballot_once() -> None:
    command = [sys.executable, str(ROOT / "bench" / "vote_hour.py"), "--quick", "--stores", "sqlite",
               "--nodes", "1", "--residents", "30", "--clients", "10", "--timeout", "60"]  # fmt: skip
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr[-3000:]
    report = json.loads(finished.stdout)
    (run,) = report["scenarios"]
    verdict = run["checks"]
    assert report["ok"] and verdict["ok"], verdict["failures"]
    assert run["residents_served"] == 30
    assert verdict["acknowledged_voters"] > 0
    assert verdict["ballots_in_box"] == verdict["acknowledged_voters"]
    assert verdict["ballots_counted_per_node"] == [verdict["acknowledged_voters"]]
    assert verdict["voters_checked"] == verdict["acknowledged_voters"]
    assert run["errors_by_status"] == {}
    # The seeded mix has one resident signing in through the OpenID provider among these 30.
    assert run["kinds"]["callback"]["answers"] == {"303 /": run["kinds"]["callback"]["requests"]}
    assert run["kinds"]["cast"]["answers"] == {
        "303 /budgeting/vote-hour/vote/receipt": run["kinds"]["cast"]["requests"]
    }


def _voter(index: int, *casts: tuple[dict[str, int], str]) -> Voter:
    person = Voter(index, "cookie", "a0", "N000000000", "1980-01-01", True)
    person.casts = list(casts)
    person.receipts = [code for _choices, code in casts]
    return person


def _node(ballots: dict[str, dict[str, int]], receipts: dict[str, tuple[str, bool]]) -> dict[str, Any]:
    return {"ballots": ballots, "receipts": receipts}


FIRST, LAST = {"A0P1": 1}, {"A0P2": 1, "A0P3": 1}
ALICE = _voter(0, (FIRST, "R1"), (LAST, "R2"))
BOB = _voter(1, (FIRST, "R3"))
RIGHT = _node({"b-alice": LAST, "b-bob": FIRST},
              {"R1": ("b-alice", False), "R2": ("b-alice", True), "R3": ("b-bob", True)})  # fmt: skip


def test_the_checks_pass_when_every_last_acknowledged_ballot_is_counted() -> None:
    verdict = checks([ALICE, BOB], [RIGHT, RIGHT], in_box=2)
    assert verdict["ok"], verdict["failures"]
    assert verdict["acknowledged_voters"] == 2 and verdict["changed_voters"] == 1


@pytest.mark.parametrize(
    ("node", "in_box", "problem"),
    [
        # Alice's change was acknowledged but the box counts her first choices.
        (_node({"b-alice": FIRST, "b-bob": FIRST}, RIGHT["receipts"]), 2, "counted {'A0P1': 1}"),
        # Her last code is not the current one: an older ballot is current.
        (_node(RIGHT["ballots"], {**RIGHT["receipts"], "R1": ("b-alice", True), "R2": ("b-alice", False)}), 2,
         "not the current one"),
        # Bob's acknowledged ballot is missing from the view and the box.
        (_node({"b-alice": LAST}, {"R1": ("b-alice", False), "R2": ("b-alice", True)}), 1, "1 ballots, 2 acknowledged"),
        # A ballot nobody was acknowledged for.
        (_node({**RIGHT["ballots"], "b-carol": FIRST}, RIGHT["receipts"]), 3, "3 ballots, 2 acknowledged"),
        # Alice's two codes name two ballots: she voted twice.
        (_node({**RIGHT["ballots"], "b-alice-2": FIRST}, {**RIGHT["receipts"], "R1": ("b-alice-2", True)}), 2,
         "more than one ballot"),
    ],
)  # fmt: skip
def test_the_checks_fail_when_a_promise_is_broken(node: dict[str, Any], in_box: int, problem: str) -> None:
    verdict = checks([ALICE, BOB], [RIGHT, node], in_box=in_box)
    assert not verdict["ok"]
    assert any(problem in failure for failure in verdict["failures"]), verdict["failures"]


def test_an_unanswered_cast_allows_either_outcome_for_its_voter_alone() -> None:
    carol = _voter(2)
    carol.uncertain = True  # her only cast went unanswered: her ballot may or may not be in the box
    with_carol = _node({**RIGHT["ballots"], "b-carol": FIRST}, {**RIGHT["receipts"], "R9": ("b-carol", True)})
    assert checks([ALICE, BOB, carol], [with_carol], in_box=3)["ok"]
    assert checks([ALICE, BOB, carol], [RIGHT], in_box=2)["ok"]
    assert not checks([ALICE, BOB, carol], [RIGHT], in_box=4)["ok"]
