"""Run every benchmark in turn and print its markdown table (`make bench`), then issue 16's goals.

Each benchmark records the figures a goal speaks of (bench/goals.py); the last table lists every
goal's figure beside the floor measured in the same run, the ratio, the target and whether it is met.
PostgreSQL figures use DHR_TEST_POSTGRES_URL (default: the machine's postgres@127.0.0.1/test).
Figures go into BENCHMARKS.md by hand, with the date and machine; compare ratios within one run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.goals import GOALS_FILE_ENV, goals_table, read_goals

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("DHR_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test"
BENCHES = (
    ["bench.bench_chasing"],
    ["bench.bench_sweep"],
    ["bench.bench_sweep", "--sizes", "100000", "--postgres", POSTGRES],
    ["bench.bench_delivery"],
    ["bench.bench_outage"],
    ["bench.bench_import"],
    ["bench.bench_overdue"],
    ["bench.bench_console"],
    ["bench.bench_reroute_queue"],
    ["bench.bench_reading"],
    ["bench.reply_accuracy"],
    ["bench.reply_model_cv", "--choose"],
    ["bench.reply_model_blind"],
    ["bench.plan_accuracy"],
    ["bench.plan_accuracy", "--second"],
    ["bench.plan_accuracy", "--third"],
    ["bench.pii_accuracy"],
)


def main() -> int:
    failed = 0
    with tempfile.TemporaryDirectory() as folder:
        goals = Path(folder) / "goals.jsonl"
        environment = {**os.environ, GOALS_FILE_ENV: str(goals)}
        for module in BENCHES:
            if not (ROOT / (module[0].replace(".", "/") + ".py")).exists():
                continue
            print(f"\n## {' '.join(module)}\n", flush=True)
            failed += subprocess.call([sys.executable, "-m", *module], cwd=ROOT, env=environment) != 0
        print("\n## Issue 16's goals, each beside its floor from this run\n")
        print(goals_table(read_goals(goals)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
