"""A whole sweep against the database (load, rules, render, queue) at 1k, 10k and 100k actions.

    .venv/bin/python -m bench.bench_sweep [--sizes 1000 10000 100000] [--postgres URL]

Each size gets a fresh database filled with a plan-shaped mix (one lead per ~8 actions, a third
overdue, some undated, some closed). The figure is one sweep at 10:00 on a working day; the ratio
column is the time per action relative to the smallest size (about 1.0 means linear growth).
"""

from __future__ import annotations

import argparse
import random
import time as clock
from datetime import UTC, datetime

import sqlalchemy as sa

from bench.databases import fill_plan, fresh_database
from bot.db import make_engine, migrate, session_scope
from bot.settings import load_settings
from bot.sweep import sweep

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def fill(engine: sa.Engine, count: int, rng: random.Random) -> None:
    with session_scope(engine) as session:
        fill_plan(session, load_settings(), count, rng, now=NOW)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--postgres", default=None, help="postgresql://... to bench PostgreSQL instead of SQLite")
    args = parser.parse_args()
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print("| backend | actions | sweep s | us/action | ratio | messages queued |")
    print("|---|---:|---:|---:|---:|---:|")
    baseline = None
    for size in args.sizes:
        url, drop = fresh_database(args.postgres)
        engine = make_engine(url)
        try:
            migrate(engine)
            fill(engine, size, random.Random(7))
            started = clock.perf_counter()
            report = sweep(engine, load_settings(), NOW)
            elapsed = clock.perf_counter() - started
        finally:
            engine.dispose()
            drop()
        per_action = elapsed / size
        baseline = baseline or per_action
        print(f"| {backend} | {size} | {elapsed:.2f} | {per_action * 1e6:.0f} | {per_action / baseline:.2f} "
              f"| {len(report.queued)} |")


if __name__ == "__main__":
    main()
