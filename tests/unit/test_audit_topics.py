"""The audit view lists every audited event class, whatever was imported before it was made.

A server makes its views before the services that import some aggregates' modules (the polling
stations'): the view's topics were then missing the station's events, so a node never listed
them while a rebuild in a process with everything loaded did (found by the several-nodes tests).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

MADE_FIRST = """
import sys
from projections.audit import AuditView
view = AuditView()
from domain.budgeting.stations import PollingStation
missing = [cls for cls in (PollingStation.Opened, PollingStation.BallotEntered) if cls not in view.topics]
sys.exit(f"not audited: {missing}" if missing else 0)
"""


def test_the_audit_view_made_before_the_stations_module_is_loaded_still_audits_stations() -> None:
    # A fresh interpreter: this test process has long loaded every module.
    made = subprocess.run([sys.executable, "-c", MADE_FIRST], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
