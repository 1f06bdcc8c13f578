"""Import timings: a synthetic 2,000-row xlsx (parse, then store into a fresh SQLite) and the three
shared published plans (parse only). Prints a markdown table for BENCHMARKS.md.

    .venv/bin/python bench/bench_import.py [--rows 2000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from openpyxl import Workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.db import make_engine, migrate, session_scope
from bot.models import Partnership
from bot.plans import ParsedPlan, read_plan
from bot.plans.store import import_plan

SHARED_PLANS = Path(__file__).resolve().parents[2] / "shared" / "plans"
TODAY = date(2026, 11, 25)
AGENCIES = ("Riverside Police", "RHT", "Housing", "NPS", "GP", "CSP")
TARGETS = ("31/01/2027", "Autumn 2026", "tbc", "Q3 2026", "End of July 2026", "Ongoing", "2 December 2026")
PROGRESS = ("", "COMPLETED", "Work has started; draft due next month.", "No update received.")


def synthetic_xlsx(path: Path, rows: int) -> Path:
    """`rows` action rows, three per recommendation, the recommendation cell merged over them."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Synthetic benchmark plan"])
    sheet.append(["Review code: BENCH1"])
    sheet.append(["Recommendation", "Scope", "Action to take", "Lead agency", "Evidence", "Target date", "Progress report"])
    for index in range(rows):
        number = index // 3 + 1
        first = index % 3 == 0
        sheet.append([
            f"{number}. Agencies to improve practice area {number}." if first else None,
            "Local",
            f"Action {index + 1}: carry out step {index % 3 + 1} of the improvement.",
            AGENCIES[index % len(AGENCIES)],
            "Evidence of completion",
            TARGETS[index % len(TARGETS)],
            PROGRESS[index % len(PROGRESS)],
        ])
        if index % 3 == 2:
            end = sheet.max_row
            sheet.merge_cells(start_row=end - 2, start_column=1, end_row=end, end_column=1)
    workbook.save(path)
    return path


def timed(work: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def store_fresh(plan: ParsedPlan, directory: Path, run: list[int]) -> int:
    run[0] += 1
    engine = make_engine(f"sqlite:///{directory / f'bench-{run[0]}.db'}")
    migrate(engine)
    with session_scope(engine) as session:
        partnership = Partnership(name="Bench")
        session.add(partnership)
        session.flush()
        assert partnership.id is not None
        report = import_plan(session, plan, partnership_id=partnership.id, source_file="bench.xlsx", actor="bench")
    engine.dispose()
    return len(report.added)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    lines = ["| what | rows / actions | median seconds |", "| --- | ---: | ---: |"]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        path = synthetic_xlsx(directory / "bench.xlsx", args.rows)
        parse_s, plan = timed(lambda: read_plan(path, today=TODAY), args.repeat)
        assert isinstance(plan, ParsedPlan)
        lines.append(f"| parse synthetic xlsx | {args.rows} / {plan.action_count()} | {parse_s:.3f} |")
        run = [0]
        store_s, added = timed(lambda: store_fresh(plan, directory, run), args.repeat)
        lines.append(f"| store into fresh SQLite (incl. migrate) | {added} actions | {store_s:.3f} |")
        lines.append(f"| parse + store | {args.rows} | {parse_s + store_s:.3f} |")
    for name in ("nuneaton-dhr1.txt", "haringey-2014.txt", "newham-combined.txt"):
        source = SHARED_PLANS / name
        if not source.exists():
            lines.append(f"| parse {name} | (not found) | - |")
            continue
        seconds, parsed = timed(lambda source=source: read_plan(source, review_code="X1", today=TODAY), args.repeat)
        assert isinstance(parsed, ParsedPlan)
        lines.append(f"| parse {name} | {len(parsed.recommendations)} recs / {parsed.action_count()} | {seconds:.3f} |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
