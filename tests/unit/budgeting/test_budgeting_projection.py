"""The budgeting read model: kept up to date command by command, it equals one rebuilt from the log."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from hypothesis import event, given, settings
from hypothesis import strategies as st

from civic.settings import Settings
from domain.accounts import REVIEWER, STAFF, Accounts
from domain.budgeting.errors import BudgetingError
from domain.budgeting.service import Budgeting
from domain.budgeting.spec import parse
from domain.eventlog import SYSTEM_ACTOR, EventLog
from projections import budgeting_queries as read
from projections.budgeting import BudgetingView
from projections.runner import Projector, open_read_db, rebuild, table_rows
from tests.unit.budgeting.conftest import IN_INTAKE, ISSUER, SPEC
from tests.unit.budgeting.test_ballot import LOADED, unscheduled

PEOPLE = ("ami", "bunun", "tao", "paiwan")


@dataclass(frozen=True)
class Step:
    kind: str
    who: int
    which: int
    other: int


def run(budgeting: Budgeting, people: list[str], proposals: list[UUID], step: Step) -> None:
    person = people[step.who]
    if step.kind == "submit" or not proposals:
        title = ("哈瑪星步道照明", "Hamasen trail lights", "駁二遮陽棚")[step.which % 3]
        proposals.append(
            budgeting.submit("hamasen-2027", "hamasen", title, "說明", "", "public_works", 1000 * (step.which + 1),
                             "zh", person, IN_INTAKE).result
        )  # fmt: skip
        return
    target = proposals[step.which % len(proposals)]
    other = proposals[step.other % len(proposals)]
    commands = {
        "endorse": lambda: budgeting.endorse(target, person, IN_INTAKE),
        "unendorse": lambda: budgeting.withdraw_endorsement(target, person, IN_INTAKE),
        "edit": lambda: budgeting.edit(
            target, "改過的標題", "改過的說明", "哈瑪星", "culture", 5, "zh", person, IN_INTAKE
        ),
        "withdraw": lambda: budgeting.withdraw(target, person, IN_INTAKE),
        "merge": lambda: budgeting.merge(target, other, SYSTEM_ACTOR, now=IN_INTAKE),
        "hide": lambda: budgeting.hide(target, "重複", SYSTEM_ACTOR, now=IN_INTAKE),
        "review": lambda: budgeting.send_to_review(target, SYSTEM_ACTOR),
        "assign": lambda: budgeting.assign(target, "public-works", SYSTEM_ACTOR, now=IN_INTAKE),
        "answer": lambda: budgeting.answer(target, True, SYSTEM_ACTOR, cost=10, duration_days=5, now=IN_INTAKE),
        "ballot": lambda: budgeting.put_on_ballot(target, SYSTEM_ACTOR, now=IN_INTAKE),
        "note": lambda: budgeting.add_note(target, "內部備註", SYSTEM_ACTOR),
        # The file's projects come and go before voting; a code a proposal took meanwhile is refused.
        "reload": lambda: budgeting.change_settings(
            parse(unscheduled(LOADED if step.which % 2 else SPEC)), SYSTEM_ACTOR, now=IN_INTAKE
        ),
    }
    commands[step.kind]()


KINDS = ("submit", "endorse", "unendorse", "edit", "withdraw", "merge", "hide", "assign", "answer", "ballot", "note",
         "review", "reload")  # fmt: skip
steps = st.builds(Step, st.sampled_from(KINDS), st.integers(0, len(PEOPLE) - 1), st.integers(0, 5), st.integers(0, 5))


@settings(max_examples=30, deadline=None)
@given(plan=st.lists(st.tuples(steps, st.integers(1, 4)), min_size=3, max_size=30))
def test_incremental_read_model_equals_a_rebuild(plan: list[tuple[Step, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        log = EventLog(env=Settings(data_dir=Path(tmp)).event_store_env())
        accounts = Accounts(log)
        people = [str(accounts.sign_in(ISSUER, name, name).result) for name in PEOPLE]
        accounts.grant_from_command_line(ISSUER, "stan", STAFF)
        budgeting = Budgeting(log, accounts)
        spec = parse(unscheduled(SPEC))
        budgeting.create_cycle(spec, SYSTEM_ACTOR)
        budgeting.register_agency("public-works", "工務局", "Public Works Bureau", SYSTEM_ACTOR)
        reviewer = accounts.grant_from_command_line(ISSUER, "rex", REVIEWER).result
        budgeting.add_reviewer("public-works", reviewer, SYSTEM_ACTOR)
        db = open_read_db(Path(tmp) / "read.db")
        projector = Projector(log, db, [BudgetingView()])
        proposals: list[UUID] = []
        try:
            for step, page in plan:
                before = log.position()
                try:
                    run(budgeting, people, proposals, step)
                except BudgetingError as refusal:
                    event(f"{step.kind} refused: {type(refusal).__name__}")
                    assert log.position() == before, f"{step} was refused but left events"
                else:
                    event(f"{step.kind} recorded")
                projector.catch_up(page=page)
            projector.catch_up()
            # Every endorsement row is one person once, and the counts agree with the rows.
            for pid in proposals:
                row = read.proposal(db, str(pid))
                assert row is not None and row["endorsements"] == read.endorsement_count(db, str(pid))
                assert row["endorsements"] == len(budgeting.proposal(pid).endorsers)
            rebuilt_path = Path(tmp) / "rebuilt.db"
            rebuild(log, rebuilt_path, [BudgetingView()])
            rebuilt = open_read_db(rebuilt_path)
            try:
                tables = [name for name in db.table_names() if name.startswith("budgeting_")]
                assert table_rows(db, tables) == table_rows(rebuilt, tables)
            finally:
                rebuilt.close()
            assert projector.catch_up() == 0  # idempotent: nothing applied twice
        finally:
            db.close()
            log.close()
