"""``civic rebuild`` on a log of 100,000 events gives exactly the incrementally built read models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from civic.services import all_views
from civic.settings import Settings
from domain.eventlog import EventLog
from projections.readmodels import current_file
from projections.runner import Projector, open_read_db, table_rows

ROOT = Path(__file__).resolve().parents[2]
TABLES = {
    "accounts": ["accounts", "role_changes"],
    "glossary": ["glossary_terms", "glossary_history"],
    "budgeting": ["budgeting_cycles", "budgeting_proposals"],
    "review": ["review_calls", "review_scores"],
    "audit": ["audit_events", "audit_labels"],
}


def test_rebuild_of_100000_events_matches_the_incremental_read_models(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_events.py"), "--events", "100000", str(tmp_path)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    settings = Settings(data_dir=tmp_path)
    log = EventLog(env=settings.event_store_env())
    incremental_db = open_read_db(tmp_path / "incremental.db")
    # Small odd pages: every page boundary falls somewhere else than in the rebuild's.
    assert Projector(log, incremental_db, all_views()).catch_up(page=997) > 0
    log.close()
    incremental = {name: table_rows(incremental_db, tables) for name, tables in TABLES.items()}
    assert len(incremental["accounts"]["role_changes"]) > 50_000

    result = subprocess.run(
        [sys.executable, "-m", "civic", "--lang", "en", "rebuild"],
        env={**os.environ, "CIVIC_DATA_DIR": str(tmp_path)}, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "Rebuilding read models" in result.stderr
    assert (
        "Rebuilt accounts, glossary, budgeting, census, ballots, bindings, results, review, audit from 100000 events."
        in result.stdout
    )
    for name, tables in TABLES.items():
        rebuilt = table_rows(open_read_db(current_file(settings.views_dir, name)), tables)
        assert rebuilt == incremental[name], name
    # The swapped-out files are retired (a running server may still read them for a moment).
    manifest = json.loads((settings.views_dir / "manifest.json").read_text())
    assert len(manifest["_retired"]) == len(all_views())
