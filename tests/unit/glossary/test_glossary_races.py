"""Two staff members changing one meeting at once: one wins, the other hears "changed first".

Threads against the real SQLite event store, where the version of each aggregate is a unique key:
the store refuses the second write, and the service names that refusal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from civic.settings import Settings
from domain.accounts import STAFF, Accounts
from domain.eventlog import SYSTEM_ACTOR, EventLog
from domain.glossary.errors import ConcurrentChangeError
from domain.glossary.service import Glossary

ROUNDS = 3
THREADS = 6


@pytest.fixture
def sqlite_glossary(tmp_path: Path) -> Glossary:
    log = EventLog(env=Settings(data_dir=tmp_path).event_store_env())
    return Glossary(log, Accounts(log))


def all_at_once(calls: list[Callable[[], Any]]) -> list[object]:
    """Runs the calls together in threads; returns each one's result or the exception it raised."""
    start = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = calls[index]()
        except Exception as error:
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_concurrent_agenda_additions_to_one_meeting_conflict_instead_of_failing(sqlite_glossary: Glossary) -> None:
    glossary = sqlite_glossary
    staff = str(glossary.accounts.grant_from_command_line("https://id.example.tw", "stan", STAFF).result)
    for round in range(ROUNDS):
        terms = [glossary.propose(f"美濃湖{round}{n}", f"Meinong Lake {round} {n}", SYSTEM_ACTOR).result
                 for n in range(THREADS)]  # fmt: skip
        meeting = glossary.convene("2026-12-01", ["林委員"], staff).result
        outcomes = all_at_once(
            [lambda term=term, meeting=meeting: glossary.put_on_agenda(meeting, term, staff) for term in terms]
        )
        unexpected = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, ConcurrentChangeError)]
        assert unexpected == []
        added = [o for o in outcomes if not isinstance(o, Exception)]
        assert len(added) >= 1
        assert len(glossary.meeting(meeting).agenda) == len(added)


def test_concurrent_decisions_on_one_meeting_conflict_instead_of_failing(sqlite_glossary: Glossary) -> None:
    glossary = sqlite_glossary
    staff = str(glossary.accounts.grant_from_command_line("https://id.example.tw", "stan", STAFF).result)
    terms = [glossary.propose(f"月世界{n}", f"Moon World {n}", SYSTEM_ACTOR).result for n in range(THREADS)]
    meeting = glossary.convene("2026-12-01", ["林委員"], staff).result
    for term in terms:
        glossary.put_on_agenda(meeting, term, staff)
    outcomes = all_at_once([lambda term=term: glossary.approve(meeting, term, staff) for term in terms])
    assert [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, ConcurrentChangeError)] == []
    numbers = sorted(o.result for o in outcomes if not isinstance(o, Exception))  # type: ignore[attr-defined]
    assert numbers == list(range(1, len(numbers) + 1))
