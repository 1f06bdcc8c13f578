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
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.databases import fresh_database
from bot.db import ensure_partnership, make_engine, migrate, session_scope
from bot.models import Action, Agency, Contact, Recommendation, Review
from bot.settings import load_settings
from bot.sweep import sweep

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
STATUSES = ("not_started", "in_progress", "in_progress", "blocked", "complete", "not_applicable")


def fill(engine: sa.Engine, count: int, rng: random.Random) -> None:
    settings = load_settings()
    with session_scope(engine) as session:
        partnership = ensure_partnership(session, settings)
        review = Review(partnership_id=partnership.id, code="BENCH", title="Benchmark review")
        session.add(review)
        session.flush()
        agencies = [Agency(name=f"Agency {n}") for n in range(max(2, count // 200))]
        session.add_all(agencies)
        session.flush()
        leads = [
            Contact(name=f"Lead {n}", email=f"lead{n}@example.org", slack_user_id=f"U{n:08d}",
                    agency_id=agencies[n % len(agencies)].id, role="lead")
            for n in range(max(1, count // 8))
        ]
        session.add_all(leads)
        session.flush()
        recs = [Recommendation(review_id=review.id, number=str(n + 1), position=n, text="Recommendation")
                for n in range(max(1, count // 4))]
        session.add_all(recs)
        session.flush()
        rows = []
        for i in range(count):
            lead = leads[i % len(leads)]
            due = None if rng.random() < 0.15 else NOW.date() + timedelta(days=rng.randint(-90, 60))
            rows.append({
                "recommendation_id": recs[i // 4].id, "ref": f"BENCH-{i // 4 + 1}-{i % 4 + 1}", "position": i,
                "description": "Deliver the agreed change and send the evidence to the partnership.",
                "lead_agency_id": lead.agency_id, "lead_contact_id": lead.id, "target_text": str(due or "Ongoing"),
                "due": due, "precision": "day" if due else "none", "status": rng.choice(STATUSES),
                "created_at": NOW, "updated_at": NOW,
            })
        session.execute(sa.insert(Action), rows)


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
        print(f"| {backend} | {size} | {elapsed:.2f} | {per_action * 1e6:.0f} | {per_action / baseline:.2f} | {len(report.queued)} |")


if __name__ == "__main__":
    main()
