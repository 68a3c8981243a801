"""What one cast reads: each aggregate once, and a cycle kept between casts is checked against the
log every time, so that a phase change recorded through another node is seen at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from domain.budgeting.bindings import account_binding_id
from domain.budgeting.cycles import cycle_id_for
from domain.budgeting.errors import PhaseError
from domain.budgeting.spec import CycleSpec
from domain.budgeting.voting import Voting
from domain.eventlog import EventLog
from tests.unit.budgeting.voting_fixtures import ANN, BEN, IN_VOTING, SLUG, Box, open_box


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Box]:
    yield from open_box(tmp_path)


def count_reads(box: Box, monkeypatch: pytest.MonkeyPatch) -> Counter[Any]:
    """How often each aggregate's events are read from either log from now on."""
    reads: Counter[Any] = Counter()
    for recorder in (box.log.recorder, box.box.recorder):
        original = recorder.select_events

        def counting(originator_id: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            reads[originator_id] += 1
            return _original(originator_id, *args, **kwargs)

        monkeypatch.setattr(recorder, "select_events", counting)
    return reads


@pytest.mark.parametrize("first", [True, False], ids=["first cast", "a change"])
def test_a_cast_reads_the_cycle_the_binding_and_the_ballot_once_each(
    box: Box, monkeypatch: pytest.MonkeyPatch, first: bool
) -> None:
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
    box.voting.verify(SLUG, box.bob, BEN.number, BEN.born, IN_VOTING)
    box.voting.cast_online(SLUG, box.bob, "hamasen", {"H3": 1}, IN_VOTING)  # the service has read the cycle
    if not first:
        box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING)
    binding = box.voting.binding(SLUG, box.alice)
    assert binding is not None
    reads = count_reads(box, monkeypatch)

    recorded = box.voting.cast_online(SLUG, box.alice, "hamasen", {"H2": 1}, IN_VOTING)

    ballot_id = box.voting.ballot_keys.ballot_id(SLUG, binding.person)
    assert reads == {cycle_id_for(SLUG): 1, account_binding_id(SLUG, box.alice): 1, ballot_id: 1}
    ballot = box.box.ballot(ballot_id)
    assert ballot is not None and ballot.choices == {"H2": 1} and ballot.receipt == recorded.result


def test_a_cast_without_an_area_is_in_the_voters_own_and_its_choices_may_be_read_from_the_spec(box: Box) -> None:
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
    kinds: list[str] = []

    def from_form(spec: CycleSpec) -> dict[str, int]:
        kinds.append(spec.ballot.kind)
        return {"H1": 1}

    box.voting.cast_online(SLUG, box.alice, None, from_form, IN_VOTING)

    ballot = box.voting.ballot_of(SLUG, box.alice)
    assert ballot is not None and (ballot.area, ballot.choices) == ("hamasen", {"H1": 1})
    assert kinds == ["approval"]


def test_voting_closed_through_one_node_is_closed_at_once_on_another_that_kept_the_cycle(
    box: Box, tmp_path: Path
) -> None:
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.db"),
           "SQLITE_LOCK_TIMEOUT": "30"}  # fmt: skip
    other_log = EventLog(env=env)  # another web node: its own connection to the same main log
    other = Voting(other_log, box.box, box.accounts, box.keys, box.voting.ballot_keys, box.voting.census)
    try:
        box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
        box.voting.verify(SLUG, box.bob, BEN.number, BEN.born, IN_VOTING)
        other.cast_online(SLUG, box.alice, None, {"H1": 1}, IN_VOTING)  # that node now keeps the cycle

        box.budgeting.advance(SLUG, "counting", box.staff, IN_VOTING)  # through this node, ahead of the schedule

        with pytest.raises(PhaseError) as refused:
            other.cast_online(SLUG, box.bob, None, {"H2": 1}, IN_VOTING)
        assert refused.value.phase == "counting"
        assert other.ballot_of(SLUG, box.bob) is None
    finally:
        other_log.close()
