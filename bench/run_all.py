"""Run every benchmark of the project at its default size and print each figure with its goal.

Each benchmark lives in bench/<name>/run.py, measures its baseline in the same run, and writes
its results as markdown to bench/results/<name>.md; docs/performance.md records a run.

The load test (bench/load, 50 users for 5 minutes on a generated PostgreSQL data set) and the
fault runs (bench/faults) are not benchmarks of one function: ``make production-check`` runs them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# Run by `make production-check`, not by `make bench`.
LONG = {"load", "faults"}


def main() -> int:
    failures = 0
    for script in sorted(BENCH.glob("*/run.py")):
        if script.parent.name in LONG:
            continue
        print(f"\n=== {script.parent.name}", flush=True)
        code = subprocess.call([sys.executable, str(script)], cwd=BENCH.parent)  # noqa: S603
        failures += code != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
