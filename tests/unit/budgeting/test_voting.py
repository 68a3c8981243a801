"""Stories of verifying and voting: one person, one counted ballot, whatever they try.

Every story runs on real SQLite files: the main log and the ballot box, each its own file.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from domain.accounts import PermissionDeniedError
from domain.budgeting.ballot_box import ONLINE, PAPER, RECEIPT_ALPHABET, RECEIPT_LENGTH, Ballot
from domain.budgeting.errors import BallotError, BallotRuleError, BudgetingError, PhaseError, VerificationError
from domain.budgeting.voting import PaperBatchError, PaperRow
from tests.unit.budgeting.voting_fixtures import (
    AFTER_VOTING,
    ANN,
    BEN,
    CHI,
    DAN,
    IN_VOTING,
    KID,
    OUTSIDER,
    SLUG,
    Box,
    Resident,
    open_box,
)

BEFORE_VOTING = datetime(2027, 3, 10, 10, 0)


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Box]:
    yield from open_box(tmp_path)


def ballots(box: Box) -> list[Ballot]:
    """Every ballot in the box, read from the box's own log."""
    notes = box.box.recorder.select_notifications(start=0, limit=10_000, inclusive_of_start=False)
    ids = dict.fromkeys(note.originator_id for note in notes)
    return [box.box.repository.get(ballot_id) for ballot_id in ids]


def box_head(box: Box) -> int:
    return box.box.position()


# --- verification -----------------------------------------------------------------------------


def test_a_resident_verifies_with_number_and_birth_date_and_is_bound_to_their_area(box: Box) -> None:
    recorded = box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)

    assert recorded.result == "hamasen" and recorded.position > 0
    binding = box.voting.binding(SLUG, box.alice)
    assert binding is not None and binding.area == "hamasen" and binding.age_band == "40-49"
    assert binding.person == box.keys.person(ANN.number)  # the keyed hash, never the number
    # Verifying again changes nothing.
    assert box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING).position == 0


@pytest.mark.parametrize(
    ("number", "born", "problem"),
    [
        (ANN.number, ANN.born + timedelta(days=1), "wrong_birth_date"),
        (OUTSIDER.number, OUTSIDER.born, "not_in_census"),
        ("A123456780", ANN.born, "bad_number"),
        (KID.number, KID.born, "under_age"),
    ],
)
def test_verification_is_refused_and_binds_nothing(box: Box, number: str, born: date, problem: str) -> None:
    with pytest.raises(VerificationError) as refused:
        box.voting.verify(SLUG, box.alice, number, born, IN_VOTING)

    assert refused.value.problem == problem
    assert box.voting.binding(SLUG, box.alice) is None


def test_under_age_is_judged_on_the_closing_day(box: Box) -> None:
    with pytest.raises(VerificationError) as refused:
        box.voting.verify(SLUG, box.alice, KID.number, KID.born, IN_VOTING)

    assert refused.value.params == {"min_age": 16, "closing_day": "2027-05-01"}


def test_failed_attempts_are_limited_per_account_within_the_hour(box: Box) -> None:
    for minute in range(5):
        with pytest.raises(VerificationError):
            box.voting.verify(SLUG, box.alice, OUTSIDER.number, OUTSIDER.born, IN_VOTING + timedelta(minutes=minute))

    # Even the right number and birth date are refused now, with when to come back.
    with pytest.raises(VerificationError) as refused:
        box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING + timedelta(minutes=10))
    assert refused.value.problem == "too_many_attempts" and refused.value.params == {"retry_after": 50}

    # Another account is not held back; and an hour after the first failure Alice may try again.
    box.voting.verify(SLUG, box.bob, BEN.number, BEN.born, IN_VOTING + timedelta(minutes=10))
    assert box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING + timedelta(minutes=61)).result


def test_failed_attempts_are_limited_per_census_entry_across_accounts(box: Box) -> None:
    wrong = ANN.born + timedelta(days=3)
    for minute, account in enumerate([box.alice, box.bob, box.carol, box.alice, box.bob]):
        with pytest.raises(VerificationError):
            box.voting.verify(SLUG, account, ANN.number, wrong, IN_VOTING + timedelta(minutes=minute))

    with pytest.raises(VerificationError) as refused:
        box.voting.verify(SLUG, box.carol, ANN.number, ANN.born, IN_VOTING + timedelta(minutes=6))
    assert refused.value.problem == "too_many_attempts"


def test_the_limit_is_recorded_in_the_log_so_it_holds_on_every_node(box: Box) -> None:
    from domain.budgeting.voting import Voting

    for minute in range(5):
        with pytest.raises(VerificationError):
            box.voting.verify(SLUG, box.alice, OUTSIDER.number, OUTSIDER.born, IN_VOTING + timedelta(minutes=minute))

    other_node = Voting(box.log, box.box, box.accounts, box.keys, box.voting.ballot_keys, box.voting.census)
    with pytest.raises(VerificationError) as refused:
        other_node.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING + timedelta(minutes=6))
    assert refused.value.problem == "too_many_attempts"


def test_one_census_entry_binds_to_one_account(box: Box) -> None:
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)

    with pytest.raises(VerificationError) as refused:
        box.voting.verify(SLUG, box.bob, ANN.number, ANN.born, IN_VOTING)

    assert refused.value.problem == "entry_bound"
    assert box.voting.binding(SLUG, box.bob) is None


def test_one_account_binds_one_census_entry_per_cycle(box: Box) -> None:
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)

    with pytest.raises(VerificationError) as refused:
        box.voting.verify(SLUG, box.alice, BEN.number, BEN.born, IN_VOTING)

    assert refused.value.problem == "account_bound"


def test_two_accounts_verifying_one_entry_at_once_bind_exactly_one(box: Box) -> None:
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def verify(account: str) -> None:
        start.wait()
        try:
            box.voting.verify(SLUG, account, ANN.number, ANN.born, IN_VOTING)
            outcomes.append("bound")
        except VerificationError as refused:
            outcomes.append(refused.problem)

    threads = [threading.Thread(target=verify, args=(account,)) for account in (box.alice, box.bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["bound", "entry_bound"]
    bound = [account for account in (box.alice, box.bob) if box.voting.binding(SLUG, account)]
    assert len(bound) == 1


def test_staff_release_a_binding_with_a_reason_and_the_entry_binds_again(box: Box) -> None:
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
    box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING)

    with pytest.raises(PermissionDeniedError):
        box.voting.release_binding(SLUG, box.alice, "wrong person", box.bob)
    with pytest.raises(BudgetingError):
        box.voting.release_binding(SLUG, box.alice, "  ", box.staff)
    box.voting.release_binding(SLUG, box.alice, "Ann says Alice is not her", box.staff)

    assert box.voting.binding(SLUG, box.alice) is None
    with pytest.raises(BallotError):
        box.voting.cast_online(SLUG, box.alice, "hamasen", {"H2": 1}, IN_VOTING)
    # Ann's own account binds now, and her ballot is the one the person already had: still one.
    box.voting.verify(SLUG, box.bob, ANN.number, ANN.born, IN_VOTING)
    assert box.voting.has_voted(SLUG, box.bob)
    box.voting.cast_online(SLUG, box.bob, "hamasen", {"H2": 1}, IN_VOTING)
    assert [(b.choices, b.changes) for b in ballots(box)] == [({"H2": 1}, 1)]


def test_verification_closes_with_voting(box: Box) -> None:
    with pytest.raises(PhaseError):
        box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, AFTER_VOTING)


# --- casting online ---------------------------------------------------------------------------


def test_a_verified_resident_casts_and_changes_their_ballot_and_the_last_one_counts(box: Box) -> None:
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
    assert not box.voting.has_voted(SLUG, box.alice)

    first = box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING)
    second = box.voting.cast_online(SLUG, box.alice, "hamasen", {"H3": 1, "H2": 1}, IN_VOTING)

    assert box.voting.has_voted(SLUG, box.alice)
    assert second.position == box_head(box) and first.position < second.position
    assert first.result != second.result
    assert len(second.result) == RECEIPT_LENGTH and set(second.result) <= set(RECEIPT_ALPHABET)
    [ballot] = ballots(box)
    assert (ballot.area, ballot.choices, ballot.channel, ballot.receipt) == ("hamasen", {"H2": 1, "H3": 1}, ONLINE,
                                                                             second.result)  # fmt: skip


def test_an_unverified_account_cannot_vote(box: Box) -> None:
    with pytest.raises(BallotError) as refused:
        box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING)
    assert refused.value.problem == "not_verified"
    assert box_head(box) == 0


@pytest.mark.parametrize(
    ("area", "choices", "when", "problem"),
    [
        ("hamasen", {"H1": 1, "H2": 1, "H3": 1}, IN_VOTING, "too_many"),  # at most 2
        ("hamasen", {}, IN_VOTING, "too_few"),
        ("hamasen", {"P9": 1}, IN_VOTING, "unknown_project"),  # a project of another area
        ("hamasen", {"X1": 1}, IN_VOTING, "unknown_project"),
        ("pier2", {"P9": 1}, IN_VOTING, "area_not_allowed"),  # another area than one's own
        ("hamasen", {"H1": 1}, AFTER_VOTING, "counting"),  # voting has closed
        ("hamasen", {"H1": 1}, BEFORE_VOTING, "intake"),  # voting has not opened
    ],
)
def test_invalid_ballots_change_nothing(
    box: Box, area: str, choices: dict[str, int], when: datetime, problem: str
) -> None:
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
    box.voting.cast_online(SLUG, box.alice, "hamasen", {"H3": 1}, IN_VOTING)
    head = box_head(box)

    with pytest.raises((BallotRuleError, BallotError, PhaseError)) as refused:
        box.voting.cast_online(SLUG, box.alice, area, choices, when)

    error = refused.value
    assert (error.phase if isinstance(error, PhaseError) else error.problem) == problem
    assert box_head(box) == head
    assert [b.choices for b in ballots(box)] == [{"H3": 1}]


def test_a_knapsack_ballot_over_the_area_budget_is_refused(tmp_path: Path) -> None:
    for box in open_box(tmp_path, kind="knapsack"):
        box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
        with pytest.raises(BallotRuleError) as refused:
            box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1, "H2": 1}, IN_VOTING)  # 3.5 M of 3 M
        assert refused.value.problem == "over_budget"
        assert box_head(box) == 0
        box.voting.cast_online(SLUG, box.alice, "hamasen", {"H2": 1, "H3": 1}, IN_VOTING)
        assert box_head(box) == 1


def test_with_other_area_a_resident_votes_in_one_other_area_instead(tmp_path: Path) -> None:
    for box in open_box(tmp_path, extra="\n[voting]\nother_area = true\n"):
        box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
        box.voting.cast_online(SLUG, box.alice, "pier2", {"P9": 1}, IN_VOTING)
        assert [(b.area, b.choices) for b in ballots(box)] == [("pier2", {"P9": 1})]
        box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING)  # back home: still one ballot
        assert [(b.area, b.choices) for b in ballots(box)] == [("hamasen", {"H1": 1})]
        box.voting.cast_online(SLUG, box.alice, "pier2", {"P9": 1}, IN_VOTING)


def test_with_other_area_the_one_other_area_stays_the_first_chosen(tmp_path: Path) -> None:
    extra = """
[[areas]]
code = "cijin"
name_zh = "旗津"
name_en = "Cijin"
districts = ["旗津區"]
budget = 1000000

[[areas.projects]]
code = "C1"
title_zh = "海堤"
title_en = "Sea wall"
cost = 900000

[voting]
other_area = true
"""
    for box in open_box(tmp_path, extra=extra):
        box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
        box.voting.cast_online(SLUG, box.alice, "pier2", {"P9": 1}, IN_VOTING)
        box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING)

        with pytest.raises(BallotError) as refused:
            box.voting.cast_online(SLUG, box.alice, "cijin", {"C1": 1}, IN_VOTING)

        assert (refused.value.problem, refused.value.params) == ("other_area_chosen", {"area": "cijin",
                                                                                       "chosen": "pier2"})  # fmt: skip
        assert [(b.area, b.choices) for b in ballots(box)] == [("hamasen", {"H1": 1})]


def test_the_same_person_twice_at_once_leaves_one_ballot(box: Box) -> None:
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
    receipts: list[str] = []
    errors: list[Exception] = []
    start = threading.Barrier(4)

    def cast(choices: dict[str, int]) -> None:
        start.wait()
        try:
            receipts.append(box.voting.cast_online(SLUG, box.alice, "hamasen", choices, IN_VOTING).result)
        except BallotError as error:  # "busy": both retries lost; never a second ballot
            errors.append(error)

    choices = [{"H1": 1}, {"H2": 1}, {"H3": 1}, {"H1": 1, "H3": 1}]
    threads = [threading.Thread(target=cast, args=(each,)) for each in choices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    [ballot] = ballots(box)
    assert ballot.receipt in receipts and len(receipts) + len(errors) == 4
    assert ballot.version == len(receipts)  # each cast that returned is one event of that one ballot


# --- paper ballots ----------------------------------------------------------------------------


def paper(box: Box, who: Resident = ANN, area: str = "hamasen", choices: dict[str, int] | None = None) -> str:
    recorded = box.voting.cast_paper(
        SLUG, "鼓山國小", who.number, who.born, area, choices or {"H2": 1}, box.staff, IN_VOTING
    )
    return str(recorded.result)


def test_staff_enter_a_paper_ballot_for_a_person_verified_at_the_station(box: Box) -> None:
    receipt = paper(box)

    [ballot] = ballots(box)
    assert (ballot.channel, ballot.station, ballot.choices, ballot.receipt) == (PAPER, "鼓山國小", {"H2": 1}, receipt)


def test_only_staff_enter_paper_ballots(box: Box) -> None:
    with pytest.raises(PermissionDeniedError):
        box.voting.cast_paper(SLUG, "鼓山國小", ANN.number, ANN.born, "hamasen", {"H2": 1}, box.alice, IN_VOTING)
    assert box_head(box) == 0


def test_a_paper_ballot_needs_the_right_birth_date(box: Box) -> None:
    with pytest.raises(VerificationError):
        box.voting.cast_paper(SLUG, "鼓山國小", ANN.number, ANN.born - timedelta(days=1), "hamasen", {"H2": 1},
                              box.staff, IN_VOTING)  # fmt: skip
    assert box_head(box) == 0


def test_paper_twice_is_always_refused(box: Box) -> None:
    paper(box)
    with pytest.raises(BallotError) as refused:
        paper(box, choices={"H1": 1})

    assert refused.value.problem == "paper_twice"
    assert [b.choices for b in ballots(box)] == [{"H2": 1}]


def test_online_then_paper_replaces_the_online_ballot_by_default(box: Box) -> None:
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
    box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING)

    receipt = paper(box, choices={"H3": 1})

    [ballot] = ballots(box)
    assert (ballot.channel, ballot.choices, ballot.receipt) == (PAPER, {"H3": 1}, receipt)
    # The paper ballot is final: a later online ballot is refused.
    with pytest.raises(BallotError) as refused:
        box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING)
    assert refused.value.problem == "paper_final"


def test_online_then_paper_is_refused_when_the_cycle_says_so(tmp_path: Path) -> None:
    for box in open_box(tmp_path, extra='\n[voting]\npaper_after_online = "refuse"\n'):
        box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
        box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING)

        with pytest.raises(BallotError) as refused:
            paper(box, choices={"H3": 1})

        assert refused.value.problem == "online_exists"
        assert [(b.channel, b.choices) for b in ballots(box)] == [(ONLINE, {"H1": 1})]


def test_paper_then_online_is_refused(box: Box) -> None:
    paper(box)
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)

    with pytest.raises(BallotError) as refused:
        box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING)

    assert refused.value.problem == "paper_final"
    assert [(b.channel, b.choices) for b in ballots(box)] == [(PAPER, {"H2": 1})]


def test_a_paper_ballot_in_another_area_than_ones_own_is_refused(box: Box) -> None:
    with pytest.raises(BallotError):
        paper(box, who=CHI, area="hamasen", choices={"H1": 1})
    assert box_head(box) == 0


def test_the_station_audit_names_station_and_staff_but_nothing_of_the_ballot(box: Box) -> None:
    from domain.budgeting.stations import PollingStation, station_audit_id

    paper(box)
    paper(box, who=BEN)

    station = box.log.find(station_audit_id(SLUG, "鼓山國小"), PollingStation)
    assert station is not None and station.entered == 2
    notes = box.log.recorder.select_notifications(start=0, limit=1000, inclusive_of_start=False)
    audit = b"".join(note.state for note in notes if "PollingStation" in note.topic)
    for ballot in ballots(box):
        assert str(ballot.id).encode() not in audit and ballot.receipt.encode() not in audit
        assert b"H2" not in audit


# --- secrecy ----------------------------------------------------------------------------------


def test_the_ballot_box_holds_no_account_id_census_hash_number_or_birth_date(box: Box) -> None:
    residents = [(box.alice, ANN), (box.bob, BEN)]
    for account, resident in residents:
        box.voting.verify(SLUG, account, resident.number, resident.born, IN_VOTING)
        box.voting.cast_online(SLUG, account, "hamasen", {"H1": 1}, IN_VOTING)
        box.voting.cast_online(SLUG, account, "hamasen", {"H2": 1}, IN_VOTING)
    paper(box, who=CHI, area="pier2", choices={"P9": 1})

    notes = box.box.recorder.select_notifications(start=0, limit=1000, inclusive_of_start=False)
    stored = b"".join(note.state + note.topic.encode() + str(note.originator_id).encode() for note in notes)
    assert len(notes) == 5
    forbidden = [box.staff, box.alice, box.bob, box.carol, "stan", "Alice", "Bob", "鼓山區"]
    for _, resident in [*residents, (None, CHI)]:
        person, proof = box.keys.person(resident.number), box.keys.proof(resident.number, resident.born)
        forbidden += [resident.number, person, person[:16], proof, proof[:16], resident.born.isoformat()]
    found = [text for text in forbidden if text.encode() in stored]
    assert found == []
    # And a ballot's id is no hash of the person anyone could make without the ballot key.
    assert not {str(note.originator_id) for note in notes} & {box.keys.person(r.number)[:32] for _, r in residents}


def test_ballot_timestamps_are_coarsened_to_the_day_in_taipei(box: Box) -> None:
    paper(box)
    [ballot] = ballots(box)

    moment = ballot.created_on
    assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)
    assert moment.utcoffset() == timedelta(hours=8)


# --- a station's batch ------------------------------------------------------------------------


def row(line: int, who: Resident, area: str, choices: dict[str, int], station: str = "前金國中") -> PaperRow:
    return PaperRow(line, station, who.number, who.born, area, choices)


def test_a_stations_batch_is_recorded_in_one_save(box: Box) -> None:
    rows = [row(2, ANN, "hamasen", {"H1": 1}), row(3, BEN, "hamasen", {"H2": 1}), row(4, CHI, "pier2", {"P9": 1})]

    recorded = box.voting.cast_paper_batch(SLUG, rows, box.staff, IN_VOTING)

    assert recorded.result == 3 and recorded.position == box_head(box) == 3
    assert sorted((b.area, b.channel, b.station) for b in ballots(box)) == [
        ("hamasen", PAPER, "前金國中"), ("hamasen", PAPER, "前金國中"), ("pier2", PAPER, "前金國中"),
    ]  # fmt: skip


def test_a_batch_with_any_bad_row_is_refused_whole_naming_every_bad_line(box: Box) -> None:
    paper(box, who=BEN)  # Ben voted on paper already
    head = box_head(box)
    rows = [
        row(2, ANN, "hamasen", {"H1": 1}),  # good
        row(3, ANN, "hamasen", {"H2": 1}),  # Ann again
        row(4, BEN, "hamasen", {"H2": 1}),  # paper twice
        row(5, CHI, "hamasen", {"H1": 1}),  # not her area
        row(6, KID, "hamasen", {"H1": 1}),  # under age
        row(7, OUTSIDER, "hamasen", {"H1": 1}),  # not in the census
        PaperRow(8, "前金國中", "A123456780", ANN.born, "hamasen", {"H1": 1}),  # check digit
        row(9, DAN, "pier2", {"X": 1}),  # unknown project
        PaperRow(10, "前金國中", DAN.number, DAN.born + timedelta(days=1), "pier2", {"P9": 1}),  # wrong birth date
        row(11, CHI, "pier2", {"P9": 1}, station=""),  # no station
    ]

    with pytest.raises(PaperBatchError) as refused:
        box.voting.cast_paper_batch(SLUG, rows, box.staff, IN_VOTING)

    assert [(p.line, p.problem) for p in refused.value.problems] == [
        (3, "duplicate"), (4, "paper_twice"), (5, "area_not_allowed"), (6, "under_age"), (7, "not_in_census"),
        (8, "bad_number"), (9, "unknown_project"), (10, "wrong_birth_date"), (11, "station_missing"),
    ]  # fmt: skip
    assert refused.value.problems[0].params == {"line": 2}
    assert box_head(box) == head


def test_only_staff_import_a_batch_and_only_while_voting(box: Box) -> None:
    with pytest.raises(PermissionDeniedError):
        box.voting.cast_paper_batch(SLUG, [row(2, ANN, "hamasen", {"H1": 1})], box.alice, IN_VOTING)
    with pytest.raises(PhaseError):
        box.voting.cast_paper_batch(SLUG, [row(2, ANN, "hamasen", {"H1": 1})], box.staff, AFTER_VOTING)
    assert box_head(box) == 0


def test_two_nodes_casting_for_one_person_at_once_leave_one_ballot(box: Box, tmp_path: Path) -> None:
    from domain.budgeting.ballot_box import BallotBox
    from domain.budgeting.voting import Voting

    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
    env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "ballots.db"),
           "SQLITE_LOCK_TIMEOUT": "30"}  # fmt: skip
    other_box = BallotBox(env=env)  # another web node: its own connection to the same ballot box
    other = Voting(box.log, other_box, box.accounts, box.keys, box.voting.ballot_keys, box.voting.census)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def cast(node: Voting, choices: dict[str, int]) -> None:
        start.wait()
        try:
            outcomes.append(node.cast_online(SLUG, box.alice, "hamasen", choices, IN_VOTING).result)
        except BallotError as refused:
            outcomes.append(refused.problem)

    try:
        threads = [threading.Thread(target=cast, args=(node, choices))
                   for node, choices in ((box.voting, {"H1": 1}), (other, {"H2": 1}))]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        other_box.close()

    [ballot] = ballots(box)
    assert ballot.receipt in outcomes and ballot.version == sum(1 for o in outcomes if o != "busy")


def test_voting_closed_by_staff_is_closed_at_once_for_a_service_that_read_the_cycle_before(box: Box) -> None:
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
    box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING)  # the service has read the cycle

    box.budgeting.advance(SLUG, "counting", box.staff, IN_VOTING)  # ahead of the schedule

    with pytest.raises(PhaseError) as refused:
        box.voting.cast_online(SLUG, box.alice, "hamasen", {"H2": 1}, IN_VOTING)
    assert refused.value.phase == "counting"
    assert [b.choices for b in ballots(box)] == [{"H1": 1}]
