"""Compute the reference's mes-completed outcome where the shared file has none (it timed out).

    .venv/bin/python bench/reference_outcomes.py Poland_Lodz_2023.pb [...]

``tests/data/pabulib/expected.json`` was made with a 100-second limit per call, so it has no
``mes-completed`` outcome for the files where pabutools 1.2.3 took longer. This runs the same
call (its exact text from ``expected.json``, via ``bench/tally.py``) without a limit, and merges
the selected projects into ``tests/data/pabulib/expected-long.json``, which the tests compare
against. It takes minutes to hours per file (the bench estimates how long).
"""

from __future__ import annotations

import datetime
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tally import DATA, reference, vote_type_of

TARGET = DATA / "expected-long.json"


def main(names: list[str]) -> None:
    for name in names:
        vote_type = vote_type_of(name)
        started = time.perf_counter()
        result = reference(name, "mes-completed", vote_type)
        document = json.loads(TARGET.read_text(encoding="utf-8")) if TARGET.exists() else {"outcomes": {}}
        document["about"] = (
            "mes-completed outcomes computed by pabutools 1.2.3 without a time limit, by "
            "bench/reference_outcomes.py, for files whose entry in expected.json timed out"
        )
        document["outcomes"][name] = {
            "selected": result["selected"],
            "reference_wall_s": round(result["wall_s"], 1),
            "computed": datetime.date.today().isoformat(),
        }
        TARGET.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{name}: {len(result['selected'])} projects in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
