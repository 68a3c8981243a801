"""``civic rebuild`` on a log of 100,000 events gives exactly the incrementally built read models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from civic.services import build_services
from civic.settings import Settings
from projections.runner import open_read_db, table_rows

ROOT = Path(__file__).resolve().parents[2]
TABLES = ["accounts", "role_changes", "glossary_terms", "glossary_history"]


def test_rebuild_of_100000_events_matches_the_incremental_read_models(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "make_events.py"), "--events", "100000", str(tmp_path)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    services = build_services(Settings(data_dir=tmp_path))
    assert services.catch_up() == 100_000  # incremental, one page at a time
    services.close()
    incremental = table_rows(open_read_db(tmp_path / "read.db"), TABLES)
    assert len(incremental["role_changes"]) > 50_000

    result = subprocess.run(
        [sys.executable, "-m", "civic", "--lang", "en", "rebuild"],
        env={**os.environ, "CIVIC_DATA_DIR": str(tmp_path)}, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert "Rebuilding read models" in result.stderr
    assert "Rebuilt the read models from 100000 events." in result.stdout
    rebuilt = table_rows(open_read_db(tmp_path / "read.db"), TABLES)
    assert rebuilt == incremental
    assert not (tmp_path / "read.db.rebuild").exists()
