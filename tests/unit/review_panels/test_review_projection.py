"""The review read model: kept up to date command by command, it equals one rebuilt from the log."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

from hypothesis import event, given, settings
from hypothesis import strategies as st

from civic.settings import Settings
from domain.accounts import REVIEWER, Accounts, PermissionDeniedError
from domain.eventlog import SYSTEM_ACTOR, EventLog
from domain.review.errors import ReviewError
from domain.review.service import Review
from projections.review import ReviewView
from projections.runner import Projector, open_read_db, rebuild, table_rows
from tests.unit.review_panels.conftest import FULL, IN_WINDOW, ISSUER

SLUG = "innovation-2027"
MEMBERS = (("chen", "external", ""), ("fang", "internal", "財政局"), ("olga", "external", ""))
AGENCIES = ("財政局", "交通局")


@dataclass(frozen=True)
class Step:
    kind: str
    who: int
    which: int


def run(review: Review, members: list[str], entries: list[UUID], step: Step) -> None:
    member = members[step.who % len(members)]
    if step.kind == "submit" or not entries:
        entries.append(review.submit(SLUG, f"提案{len(entries)}", AGENCIES[step.which % 2], "", "摘要", "效益",
                                     member, now=IN_WINDOW).result)  # fmt: skip
        return
    target = entries[step.which % len(entries)]
    scores = {**FULL, "impact": step.which % 31}
    commands = {
        "edit": lambda: review.edit(target, "改名", "交通局", "", "摘要", "效益", member, now=IN_WINDOW),
        "attach": lambda: review.attach(target, "plan.pdf", b"%PDF-1.4 x", member, now=IN_WINDOW),
        "screening": lambda: review.start_screening(SLUG, SYSTEM_ACTOR),
        "screen": lambda: review.screen(target, ("pass", "revise", "fail")[step.who % 3], "理由", member),
        "shortlist": lambda: review.confirm_shortlist(SLUG, [target], SYSTEM_ACTOR),
        "conflict": lambda: review.declare_conflict(SLUG, target, "親屬", member),
        "balanced": lambda: review.set_assignment(SLUG, "balanced", SYSTEM_ACTOR, per_entry=2),
        "open": lambda: review.open_round(SLUG, SYSTEM_ACTOR),
        "score": lambda: review.score(SLUG, target, scores, "評語", member, note="備註", reason="重看"),
        "close": lambda: review.close_round(SLUG, SYSTEM_ACTOR),
        "awards": lambda: review.confirm_awards(SLUG, 3, 2, 1, SYSTEM_ACTOR),
        "publish": lambda: review.publish(SLUG, SYSTEM_ACTOR),
    }
    commands[step.kind]()


KINDS = ("submit", "edit", "attach", "screening", "screen", "shortlist", "conflict", "balanced", "open", "score",
         "score", "score", "close", "awards", "publish")  # fmt: skip
steps = st.builds(Step, st.sampled_from(KINDS), st.integers(0, 2), st.integers(0, 5))


@settings(max_examples=30, deadline=None)
@given(plan=st.lists(st.tuples(steps, st.integers(1, 4)), min_size=3, max_size=40))
def test_incremental_read_model_equals_a_rebuild(plan: list[tuple[Step, int]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        log = EventLog(env=Settings(data_dir=Path(tmp)).event_store_env())
        accounts = Accounts(log)
        review = Review(log, accounts)
        review.open_call(
            SLUG, "innovation", "創新提案", "Innovation", date(2027, 3, 1), date(2027, 3, 31), SYSTEM_ACTOR
        )
        members = []
        for subject, kind, agency in MEMBERS:
            account = accounts.grant_from_command_line(ISSUER, subject, REVIEWER).result
            review.appoint_member(SLUG, account, subject, kind, agency, SYSTEM_ACTOR, chair=subject == "chen")
            review.appoint_screener(SLUG, account, SYSTEM_ACTOR)
            members.append(str(account))
        db = open_read_db(Path(tmp) / "read.db")
        projector = Projector(log, db, [ReviewView()])
        entries: list[UUID] = []
        try:
            for step, page in plan:
                before = log.position()
                try:
                    run(review, members, entries, step)
                except (ReviewError, PermissionDeniedError) as refusal:
                    event(f"{step.kind} refused: {type(refusal).__name__}")
                    assert log.position() == before, f"{step} was refused but left events"
                else:
                    event(f"{step.kind} recorded")
                projector.catch_up(page=page)
            projector.catch_up()
            rebuilt_path = Path(tmp) / "rebuilt.db"
            rebuild(log, rebuilt_path, [ReviewView()])
            rebuilt = open_read_db(rebuilt_path)
            try:
                tables = [name for name in db.table_names() if name.startswith("review_")]
                assert table_rows(db, tables) == table_rows(rebuilt, tables)
            finally:
                rebuilt.close()
            assert projector.catch_up() == 0  # idempotent: nothing applied twice
        finally:
            db.close()
            log.close()
