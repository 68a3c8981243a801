"""The ballot read models: ``ballots`` follows the ballot box, ``bindings`` the main log.

A property (kept up to date command by command == rebuilt from each log), the queries counting
and the results pages use, and the wiring: the services open the box as its own file and the
read models follow each view's own log, with positions counted in that log.
"""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sqlite_utils import Database

from civic.services import build_services
from civic.settings import Settings
from domain.budgeting.errors import BudgetingError
from projections import ballot_queries as read
from projections.ballots import BallotsView, BindingsView
from projections.runner import Projector, open_read_db, rebuild, table_rows
from tests.unit.budgeting.voting_fixtures import ANN, BEN, CHI, IN_VOTING, KID, SLUG, Box, open_box

RESIDENTS = (ANN, BEN, CHI, KID)
CHOICES = ({"H1": 1}, {"H2": 1, "H3": 1}, {"H1": 1, "H2": 1, "H3": 1}, {"P9": 1})


@pytest.fixture
def box(tmp_path: Path) -> Iterator[Box]:
    yield from open_box(tmp_path)


def accounts_of(box: Box) -> list[str]:
    return [box.alice, box.bob, box.carol]


@dataclass(frozen=True)
class Step:
    kind: str
    who: int  # an account (online) or a resident (verify, paper)
    resident: int
    choice: int

    def run(self, box: Box) -> None:
        account = accounts_of(box)[self.who % 3]
        resident = RESIDENTS[self.resident]
        area = "pier2" if resident is CHI else "hamasen"
        choices = CHOICES[self.choice]
        if self.kind == "verify":
            box.voting.verify(SLUG, account, resident.number, resident.born, IN_VOTING)
        elif self.kind == "online":
            box.voting.cast_online(SLUG, account, area, choices, IN_VOTING)
        elif self.kind == "paper":
            box.voting.cast_paper(SLUG, "前金國中", resident.number, resident.born, area, choices, box.staff, IN_VOTING)
        elif self.kind == "release":
            box.voting.release_binding(SLUG, account, "重新驗證", box.staff)


steps = st.builds(
    Step, st.sampled_from(("verify", "verify", "online", "online", "paper", "release")), st.integers(0, 2),
    st.integers(0, 3), st.integers(0, 3),
)  # fmt: skip


@settings(max_examples=25, deadline=None)
@given(plan=st.lists(st.tuples(steps, st.integers(1, 3)), min_size=3, max_size=25))
def test_both_logs_views_kept_up_to_date_equal_a_rebuild(plan: list[tuple[Step, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for box in open_box(Path(tmp)):
            db = open_read_db(Path(tmp) / "read.db")
            ballots, bindings = Projector(box.box, db, [BallotsView()]), Projector(box.log, db, [BindingsView()])
            try:
                for step, page in plan:
                    before = (box.log.position(), box.box.position())
                    try:
                        step.run(box)
                    except BudgetingError as refusal:
                        event(f"{step.kind} refused: {type(refusal).__name__}")
                        if step.kind in ("online", "paper"):
                            assert box.box.position() == before[1], f"{step} was refused but cast"
                    else:
                        event(f"{step.kind} recorded")
                    ballots.catch_up(page=page)
                    bindings.catch_up(page=page)
                # One row per person who has a ballot, whoever voted for them and however often.
                rows = db.execute("SELECT count(*), sum(changes) FROM budgeting_ballots").fetchone()
                assert rows[0] == len({note.originator_id for note in notes(box)})
                assert sum(count for *_, count in read.turnout(db, SLUG)) == rows[0]
                current = db.execute("SELECT count(*) FROM budgeting_receipts WHERE current = 1").fetchone()[0]
                assert current == rows[0]
                for account in accounts_of(box):
                    bound = box.voting.binding(SLUG, account)
                    assert (read.binding_of(db, SLUG, account) or {}).get("area") == (bound.area if bound else None)

                rebuilt_path = Path(tmp) / "rebuilt.db"
                rebuild(box.box, rebuilt_path, [BallotsView()])
                rebuilt = open_read_db(rebuilt_path)
                Projector(box.log, rebuilt, [BindingsView()]).catch_up()
                try:
                    tables = [name for name in db.table_names() if name.startswith("budgeting_")]
                    assert table_rows(db, tables) == table_rows(rebuilt, tables)
                finally:
                    rebuilt.close()
                assert ballots.catch_up() == 0 and bindings.catch_up() == 0
            finally:
                db.close()


def notes(box: Box) -> list[object]:
    return list(box.box.recorder.select_notifications(start=0, limit=10_000, inclusive_of_start=False))


def _projected(box: Box, tmp: Path) -> Database:
    db = open_read_db(tmp / "read.db")
    Projector(box.box, db, [BallotsView()]).catch_up()
    Projector(box.log, db, [BindingsView()]).catch_up()
    return db


def test_counting_reads_each_persons_latest_ballot_of_the_area(box: Box, tmp_path: Path) -> None:
    for account, resident in [(box.alice, ANN), (box.bob, BEN)]:
        box.voting.verify(SLUG, account, resident.number, resident.born, IN_VOTING)
    box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING)
    box.voting.cast_online(SLUG, box.bob, "hamasen", {"H2": 1}, IN_VOTING)
    box.voting.cast_online(SLUG, box.alice, "hamasen", {"H3": 1, "H2": 1}, IN_VOTING)
    box.voting.cast_paper(SLUG, "前金國中", CHI.number, CHI.born, "pier2", {"P9": 1}, box.staff, IN_VOTING)

    db = _projected(box, tmp_path)

    assert sorted(read.ballots_of_area(db, SLUG, "hamasen"), key=len) == [{"H2": 1}, {"H2": 1, "H3": 1}]
    assert list(read.ballots_of_area(db, SLUG, "pier2")) == [{"P9": 1}]
    assert read.turnout(db, SLUG) == [
        ("hamasen", "online", "30-39", 1), ("hamasen", "online", "40-49", 1), ("pier2", "paper", "60-69", 1),
    ]  # fmt: skip
    assert read.ballot_count(db, SLUG) == 3


def test_a_receipt_says_whether_it_is_in_the_box_and_still_current(box: Box, tmp_path: Path) -> None:
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
    first = box.voting.cast_online(SLUG, box.alice, "hamasen", {"H1": 1}, IN_VOTING).result
    second = box.voting.cast_online(SLUG, box.alice, "hamasen", {"H2": 1}, IN_VOTING).result

    db = _projected(box, tmp_path)

    assert read.receipt_status(db, SLUG, second) == read.ReceiptStatus(second, True)
    assert read.receipt_status(db, SLUG, first) == read.ReceiptStatus(first, False)
    assert read.receipt_status(db, SLUG, "AAAAAAAAAA") is None
    assert read.receipt_status(db, "other-cycle", second) is None


def test_staff_see_who_is_bound_and_where_without_any_number(box: Box, tmp_path: Path) -> None:
    box.voting.verify(SLUG, box.alice, ANN.number, ANN.born, IN_VOTING)
    box.voting.verify(SLUG, box.bob, CHI.number, CHI.born, IN_VOTING)
    box.voting.release_binding(SLUG, box.bob, "錯誤的帳號", box.staff)

    db = _projected(box, tmp_path)

    [row] = read.bindings(db, SLUG)
    assert (row["account"], row["area"]) == (box.alice, "hamasen")
    stored = repr(db.execute("SELECT * FROM budgeting_bindings").fetchall())
    assert ANN.number not in stored and box.keys.person(ANN.number) not in stored


def test_the_services_keep_the_ballot_box_in_its_own_file_and_the_ballots_view_follows_it(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, ballot_key="a-ballot-key-of-thirty-two-bytes!", id_hash_key="k" * 32)
    services = build_services(settings)
    try:
        staff = services.accounts.grant_from_command_line("https://id.example.tw", "stan", "staff").result
        from domain.budgeting.ballot_box import Ballot

        ballot = Ballot(id=services.voting.ballot_keys.ballot_id("c", "p"), cycle="c", area="a", choices={"X": 1},
                        channel="online", station="", age_band="20-29", receipt="ACDEFGHJKM")  # fmt: skip
        position = services.ballot_box.record(ballot)
        assert position == 1 and services.log.position() > 1  # two sequences, each its own
        assert topics_in(tmp_path / "ballots.db") == {"domain.budgeting.ballot_box:Ballot.Cast"}
        assert not any("Ballot." in topic for topic in topics_in(tmp_path / "events.db"))

        asyncio.run(services.wait_for(position, ["ballots"]))
        # The accounts view follows the other log, on its own thread: wait for it too.
        asyncio.run(services.wait_for(services.log.position(), ["accounts"]))
        with services.reader("ballots") as db:
            assert read.ballot_count(db, "c") == 1
        statuses = {status.name: status for status in services.read_models.status()}
        assert (statuses["ballots"].source, statuses["ballots"].position, statuses["ballots"].behind) == (
            "ballots",
            1,
            0,
        )
        assert statuses["accounts"].source == "main" and statuses["accounts"].position == services.log.position()
        assert str(staff) not in (tmp_path / "ballots.db").read_bytes().decode("utf-8", "replace")
    finally:
        services.close()

    # Rebuilt from each log, the ballots view holds the same.
    services = build_services(settings)
    try:
        services.read_models.rebuild(["ballots", "bindings"])
        with services.reader("ballots") as db:
            assert read.ballot_count(db, "c") == 1
    finally:
        services.close()


def topics_in(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as conn:
        return {topic for (topic,) in conn.execute("SELECT topic FROM stored_events")}


def test_a_ballot_key_is_made_once_per_data_directory(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path).ballot_secret()
    assert first == Settings(data_dir=tmp_path).ballot_secret() and len(first) >= 32
    assert first != Settings(data_dir=tmp_path).national_id_key()
    assert Settings(data_dir=tmp_path, ballot_key="x" * 20).ballot_secret() == b"x" * 20


def test_the_ballots_read_model_holds_nothing_that_names_a_voter(box: Box, tmp_path: Path) -> None:
    for account, resident in [(box.alice, ANN), (box.bob, BEN)]:
        box.voting.verify(SLUG, account, resident.number, resident.born, IN_VOTING)
        box.voting.cast_online(SLUG, account, "hamasen", {"H1": 1}, IN_VOTING)
    box.voting.cast_paper(SLUG, "前金國中", CHI.number, CHI.born, "pier2", {"P9": 1}, box.staff, IN_VOTING)

    db = _projected(box, tmp_path)

    stored = repr(table_rows(db, ["budgeting_ballots", "budgeting_receipts"]))
    forbidden = [box.alice, box.bob, box.staff, "Alice", "Bob", "stan"]
    for resident in (ANN, BEN, CHI):
        person, proof = box.keys.person(resident.number), box.keys.proof(resident.number, resident.born)
        forbidden += [resident.number, person, proof, resident.born.isoformat(), resident.district]
    assert [text for text in forbidden if text in stored] == []
    assert "前金國中" in stored and "hamasen" in stored  # what a ballot may say is there
