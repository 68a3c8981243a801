"""Importing a city's census: 2.7 million rows (Kaohsiung's adults and teenagers), against 120 s.

    python bench/census_import.py [--rows 2700000] [--data DIR]

Generates a valid census (deterministic, every number with its check digit, the 38 districts of
Kaohsiung, one birth date in five written as a 民國 date), then times what ``civic cycle census
import`` does, step by step, through the functions it calls:

- ``read``: reading, checking and hashing the file (``scan_census``);
- ``record``: packing the entries into chunk events and saving them in one ``log.record``
  (SQLite file log, as ``civic`` runs by default);
- ``project``: the ``census`` read model caught up from the log (what a rebuild of it costs too);
- ``total``: the three, and its ratio to the 120-second target.

Prints a JSON report: wall-clock seconds, and CPU seconds of this process with the load average
(on a shared machine the wall clock is an upper bound; the CPU seconds are near what an idle
machine takes, though SQLite's writes to disk are not counted in them).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from civic.settings import Settings
from domain.accounts import STAFF, Accounts
from domain.budgeting.census import CensusKeys, scan_census
from domain.budgeting.census_book import Census, census_id_for
from domain.budgeting.service import Budgeting
from domain.budgeting.spec import parse
from domain.eventlog import EventLog
from domain.glossary.places import DISTRICTS
from projections.census import CensusView
from projections.runner import Projector, open_read_db
from tests.census_files import census_file

TARGET_SECONDS = 120.0
KAOHSIUNG = DISTRICTS[:38]  # the 38 districts (the two island groups are not districts)
SLUG = "kaohsiung-2027"
TODAY = date(2027, 3, 1)


def spec_text() -> str:
    districts = ", ".join(f'"{district}"' for district in KAOHSIUNG)
    return (
        f'slug = "{SLUG}"\nname_zh = "高雄市參與式預算"\nname_en = "Kaohsiung PB"\nrule = "greedy"\n'
        f'min_age = 16\n[ballot]\nkind = "approval"\n[[areas]]\ncode = "city"\nname_zh = "全市"\n'
        f'name_en = "Whole city"\ndistricts = [{districts}]\nbudget = 100000000\n'
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_700_000)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    data_dir = args.data or Path(tempfile.mkdtemp(prefix="civic-census-bench-"))
    started = time.perf_counter()
    data = census_file(args.rows, KAOHSIUNG)
    generated = time.perf_counter() - started

    settings = Settings(data_dir=data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    log = EventLog(env=settings.event_store_env())
    accounts = Accounts(log)
    staff = str(accounts.grant_from_command_line("https://bench.example.tw", "stan", STAFF).result)
    Budgeting(log, accounts).create_cycle(parse(spec_text()), staff)
    keys = CensusKeys(settings.national_id_key())

    timed = Timed()
    with timed("read"):
        scan = scan_census(data, keys, KAOHSIUNG, TODAY)
    with timed("record"):
        census = log.find(census_id_for(SLUG), Census) or Census(cycle=SLUG, actor=staff)
        census.load(scan, "bench", "census.csv", staff)
        log.record(census)
    db = open_read_db(data_dir / "census-view.db")
    with timed("project"):
        Projector(log, db, [CensusView()]).catch_up()
    stored = db.execute("SELECT count(*) FROM budgeting_census").fetchone()[0]
    db.close()
    log.close()
    assert stored == args.rows, (stored, args.rows)

    total, cpu = sum(timed.wall.values()), sum(timed.cpu.values())
    print(json.dumps({
        "rows": args.rows, "file_mb": round(len(data) / 1e6, 1), "generate_s": round(generated, 2),
        "read_check_hash_s": round(timed.wall["read"], 2), "record_s": round(timed.wall["record"], 2),
        "project_s": round(timed.wall["project"], 2), "total_s": round(total, 2), "target_s": TARGET_SECONDS,
        "ratio_to_target": round(total / TARGET_SECONDS, 3), "rows_per_s": round(args.rows / total),
        "cpu_s": {**{name: round(value, 2) for name, value in timed.cpu.items()}, "total": round(cpu, 2)},
        "load_average": round(os.getloadavg()[0], 1), "log_mb": round((data_dir / "events.db").stat().st_size / 1e6, 1),
        "data": str(data_dir),
    }, indent=2))  # fmt: skip


class Timed:
    """Wall-clock and CPU seconds of each step: on a loaded machine the CPU time says what the
    wall clock would be on an idle one (about: the steps use one core each)."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        yield
        self.wall[name], self.cpu[name] = time.perf_counter() - wall, time.process_time() - cpu


if __name__ == "__main__":
    main()
