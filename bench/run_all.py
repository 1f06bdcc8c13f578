"""Run every benchmark in turn and print its markdown table (`make bench`).

Figures go into BENCHMARKS.md by hand, with the date and machine; compare ratios within one run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHES = (
    ["bench.bench_chasing"],
    ["bench.bench_sweep"],
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
    for module in BENCHES:
        if not (ROOT / (module[0].replace(".", "/") + ".py")).exists():
            continue
        print(f"\n## {module[0]}\n", flush=True)
        failed += subprocess.call([sys.executable, "-m", *module], cwd=ROOT) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
