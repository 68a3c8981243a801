"""Re-importing the full TBX export (every approved term, ~4,059 entries) as the web import does.

    python bench/glossary_import.py [--repeat 3] [--data DIR]

Seeds a data directory with ``civic demo``'s glossary (the three shared files, Tongyong approved),
exports it as TBX, then times what the import page does with that file, step by step, through
the same functions its routes call: reading the file (``decode``), the check (``check_file``
against the read model: the report shown before confirming) and the import itself
(``Glossary.import_file`` with the read model, every entry already approved: nothing recorded).
Prints JSON: the median seconds of each step, and of the whole web import ("check, then confirm").
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from civic.commands.glossary import seed_demo
from civic.services import build_services
from civic.settings import Settings
from domain.accounts import STAFF, TRANSLATOR
from domain.eventlog import SYSTEM_ACTOR
from domain.glossary.exporting import export
from domain.glossary.filecheck import check_file
from domain.glossary.importing import decode
from projections.glossary import KnownNamesInReadModel, export_entries

ISSUER = "https://bench.example.tw"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=None)
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="civic-import-bench-"))
    services = build_services(Settings(data_dir=data))
    try:
        translator = str(services.accounts.grant_from_command_line(ISSUER, "tina", TRANSLATOR).result)
        staff = str(services.accounts.grant_from_command_line(ISSUER, "stan", STAFF).result)
        for _ in seed_demo(services, translator, staff):
            pass
        services.catch_up()
        with services.reader("glossary") as db:
            raw = export(export_entries(db), "tbx").encode("utf-8")
        times: dict[str, list[float]] = {"decode": [], "check": [], "import": [], "web import": []}
        entries = 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            text = decode(raw)
            decoded = time.perf_counter()
            with services.reader("glossary") as db:
                known = KnownNamesInReadModel(db)
                report = check_file(text, KnownNamesInReadModel(db, correct_typos=False), format="tbx")
                checked = time.perf_counter()
                result = services.glossary.import_file(text, SYSTEM_ACTOR, format="tbx", source="glossary.tbx",
                                                       known=known).result  # fmt: skip
                imported = time.perf_counter()
            entries = report.checked
            assert result.imported == 0 and result.unchanged == report.rows, (result, report.rows)
            times["decode"].append(decoded - start)
            times["check"].append(checked - decoded)
            times["import"].append(imported - checked)
            times["web import"].append(imported - start + (decoded - start))  # confirming reads it again
        print(json.dumps({
            "entries": entries, "bytes": len(raw), "repeat": args.repeat,
            "median_seconds": {step: round(statistics.median(values), 3) for step, values in times.items()},
        }, indent=2))  # fmt: skip
    finally:
        services.close()


if __name__ == "__main__":
    main()
