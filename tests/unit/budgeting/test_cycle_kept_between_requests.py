"""A cycle read once without a time (as the ballot pages keep it between requests) still shows the
phase its schedule has opened by each later moment: the phase is worked out per request."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from domain.accounts import Accounts
from domain.budgeting.service import Budgeting
from domain.budgeting.spec import parse
from domain.eventlog import SYSTEM_ACTOR, EventLog
from projections import budgeting_queries as read
from projections.budgeting import BudgetingView
from projections.runner import Projector, open_read_db
from tests.unit.budgeting.conftest import IN_ENDORSEMENT, IN_INTAKE, IN_REVIEW, IN_VOTING, SPEC


@pytest.mark.parametrize("moment", [IN_INTAKE, IN_ENDORSEMENT, IN_REVIEW, IN_VOTING, datetime(2026, 12, 1)])
def test_a_kept_cycle_shows_the_phase_of_each_moment_as_a_fresh_read_would(tmp_path: Path, moment: datetime) -> None:
    log = EventLog(env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(tmp_path / "events.db")})
    db = open_read_db(tmp_path / "read.db")
    try:
        Budgeting(log, Accounts(log)).create_cycle(parse(SPEC), SYSTEM_ACTOR)
        Projector(log, db, [BudgetingView()]).catch_up()
        kept = read.cycle(db, "hamasen-2027")
        assert kept is not None and kept["phase"] == kept["recorded_phase"] == "intake"

        shown = read.at(kept, moment)

        assert shown == read.cycle(db, "hamasen-2027", moment)
        assert kept["phase"] == "intake"  # the kept answer itself is not changed
    finally:
        db.close()
        log.close()
