"""Benchmark: how long ``civic --help`` takes as a whole process, against ``python -c "import click"``.

    .venv/bin/python bench/cli_start.py [--repeat 21]

Both are run in the same session, alternating, ``--repeat`` times each; the medians are
compared. The target is at most 2x: the command line imports no subcommand and no Babel to
show its help in English. ``civic --help`` in Chinese (``LANG=zh_TW.UTF-8``, which reads the
catalog with Babel) and ``civic tally --help`` are measured too, for information.

Prints a JSON document on stdout and a readable table on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CIVIC = str(Path(sys.executable).parent / "civic")
TARGET = 2.0

COMMANDS: dict[str, tuple[list[str], dict[str, str]]] = {
    "python -c 'import click'": ([sys.executable, "-c", "import click"], {}),
    "civic --help": ([CIVIC, "--help"], {"LANG": "C.UTF-8"}),
    "civic --help (zh_TW)": ([CIVIC, "--help"], {"LANG": "zh_TW.UTF-8"}),
    "civic tally --help": ([CIVIC, "tally", "--help"], {"LANG": "C.UTF-8"}),
}


def timed(command: list[str], environ: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True, cwd=ROOT, env={**os.environ, **environ})
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    options = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command, environ in COMMANDS.values():
        timed(command, environ)  # once unmeasured, so every side starts with warm file caches
    for _ in range(options.repeat):
        for name, (command, environ) in COMMANDS.items():
            times[name].append(timed(command, environ))
    medians = {name: statistics.median(values) for name, values in times.items()}
    baseline = medians["python -c 'import click'"]
    rows = [{"command": name, "median_s": seconds, "ratio": seconds / baseline} for name, seconds in medians.items()]
    ratio = medians["civic --help"] / baseline
    document = {
        "bench": "cli_start",
        "python": platform.python_version(),
        "repeat": options.repeat,
        "rows": rows,
        "target": TARGET,
        "ratio": ratio,
        "meets_target": ratio <= TARGET,
    }
    print(json.dumps(document, indent=1))
    lines = ["", f"{'command':28} {'median':>9} {'vs import click':>15}"]
    lines += [f"{row['command']:28} {row['median_s'] * 1000:7.1f} ms {row['ratio']:14.2f}x" for row in rows]
    lines.append(
        f"civic --help is {ratio:.2f}x `import click` (target <= {TARGET:.0f}x): "
        f"{'met' if ratio <= TARGET else 'MISSED'}"
    )
    print("\n".join(lines), file=sys.stderr)


if __name__ == "__main__":
    main()
