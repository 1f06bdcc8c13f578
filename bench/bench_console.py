"""Console pages over HTTP: the plan page of a 500,000-action review and the reviews page with 500 reviews.

    .venv/bin/python -m bench.bench_console [--actions 500000] [--postgres URL] [--sqlite-only | --postgres-only] [--runs 7]

One fresh database per backend (PostgreSQL: a new database on the server at --postgres, dropped afterwards):
the --actions review from bench/databases.py with a chaser on every third action, plus 499 more reviews of
10 actions each. The console runs on waitress exactly as `dhr run` serves it, signed in as a coordinator by a
one-time link; each figure is the median of --runs GETs (after one warm-up), whole HTTP answer included.
Measured as loaded ("fresh", no planner statistics) and again after ANALYZE. The floor is a raw indexed
`SELECT id FROM action ORDER BY id LIMIT 50` on the same database; the ratio is the page over the floor.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import sqlalchemy as sa
from sqlmodel import col

from bench.databases import bulk_insert, fill_plan, fresh_database, link_messages
from bench.goals import GoalFigure, record
from bot.action_copies import with_copies
from bot.app import make_http_server, make_wsgi_app
from bot.console.auth import OneTimeLinks
from bot.console.options import ConsoleOptions
from bot.console.web import create_console
from bot.db import ensure_partnership, make_engine, migrate, session_scope
from bot.models import Action, Contact, Message, Recommendation, Review
from bot.settings import Settings, load_settings

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
REVIEWS, ACTIONS_PER_SMALL_REVIEW = 500, 10
PAGES = (
    ("plan, first page by ref", "/reviews/BENCH"),
    ("plan, overdue only, by target", "/reviews/BENCH?overdue=1&sort=due"),
    ("plan, unanswered, by last chase", "/reviews/BENCH?unanswered=1&sort=chased&order=desc"),
    ("plan, page 50", "/reviews/BENCH?page=50"),
    ("plan, by lead agency", "/reviews/BENCH?sort=agency"),
    ("plan, by target descending, page 9000 (the undated)", "/reviews/BENCH?sort=due&order=desc&page=9000"),
    ("plan, one agency, by last update", "/reviews/BENCH?agency=7&sort=updated"),
    ("reviews page, 500 reviews", "/reviews"),
)


def fill(engine: sa.Engine, settings: Settings, rng: random.Random, plan_actions: int) -> int:
    """The data; returns the coordinator's contact id."""
    with session_scope(engine) as session:
        action_ids = fill_plan(session, settings, plan_actions, rng, now=NOW, due_days=(-90, 180))
        chased = action_ids[::3]
        bulk_insert(session, Message.__table__, [  # type: ignore[attr-defined]
            {"idempotency_key": f"bench-{n}", "kind": "chaser", "channel": "slack", "state": "sent", "attempts": 1,
             "created_at": NOW - timedelta(days=rng.randint(1, 60)), "level": 1, "cc_addresses": []}
            for n in range(len(chased))])
        message_ids = list(session.execute(sa.select(col(Message.id)).order_by(col(Message.id))).scalars())
        link_messages(session, [{"message_id": m, "action_id": a} for m, a in zip(message_ids, chased, strict=True)])
        partnership_id = ensure_partnership(session, settings).id
        session.execute(sa.insert(Review), [{"partnership_id": partnership_id, "code": f"R{n:03d}", "title": "Review",
                                             "created_at": NOW, "column_headers": {}} for n in range(REVIEWS - 1)])
        review_ids = list(session.execute(sa.select(col(Review.id)).where(col(Review.code) != "BENCH")).scalars())
        session.execute(sa.insert(Recommendation), [{"review_id": r, "number": "1", "position": 0, "text": "Rec"}
                                                    for r in review_ids])
        recs = session.execute(sa.select(col(Recommendation.id), col(Review.code)).join(Review)
                               .where(col(Review.code) != "BENCH")).all()
        agency_id = session.execute(sa.select(Contact.agency_id).limit(1)).scalar_one()  # type: ignore[call-overload]
        session.execute(sa.insert(Action), with_copies(session, [
            {"recommendation_id": rec, "ref": f"{code}-1-{k}", "position": k, "description": "Action",
             "lead_agency_id": agency_id, "due": NOW.date() + timedelta(days=rng.randint(-60, 60)), "precision": "day",
             "status": rng.choice(("not_started", "in_progress", "complete")), "created_at": NOW, "updated_at": NOW,
             "imported_values": {}}
            for rec, code in recs for k in range(ACTIONS_PER_SMALL_REVIEW)]))
        coordinator = Contact(name="Coordinator", email="coordinator@example.org", role="coordinator")
        session.add(coordinator)
        session.flush()
        assert coordinator.id is not None
        return coordinator.id


def bench(backend: str, postgres: str | None, runs: int, plan_actions: int) -> list[tuple[str, str, str, float, float, int]]:
    url, drop = fresh_database(postgres if backend == "PostgreSQL" else None)
    engine = make_engine(url)
    try:
        migrate(engine)
        settings = load_settings(database_url=url)
        coordinator = fill(engine, settings, random.Random(5000), plan_actions)
        with session_scope(engine) as session:
            partnership_id = ensure_partnership(session, settings).id
        assert partnership_id is not None
        figures = []
        for state in ("fresh", "analysed"):
            if state == "analysed":
                with engine.begin() as connection:
                    connection.execute(sa.text("ANALYZE"))
            floor = _floor_ms(engine, runs)
            for label, ms, size in _pages(engine, partnership_id, coordinator, runs):
                figures.append((backend, state, label, ms, floor, size))
                print(f"| {backend} | {state} | {label} | {ms:.1f} | {floor:.1f} | {ms / floor:.0f} | {size / 1024:.0f} |",
                      flush=True)
                if label.startswith("plan"):  # issue 16: the plan page at 500k actions in at most 300 ms
                    record(GoalFigure(f"console {label}, {plan_actions // 1000}k actions, {backend}, {state}", ms, "ms",
                                      300.0, "raw select of 50 ids", floor))
        return figures
    finally:
        engine.dispose()
        drop()


def _floor_ms(engine: sa.Engine, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT id FROM action ORDER BY id LIMIT 50")).all()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def _pages(engine: sa.Engine, partnership_id: int, coordinator: int, runs: int) -> list[tuple[str, float, int]]:
    links = OneTimeLinks()
    console = create_console(engine, ConsoleOptions(partnership_id, links=links, clock=lambda: NOW))
    server = make_http_server(make_wsgi_app(engine, None, console=console), "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    figures = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=600) as client:
            assert client.get(f"/sign-in/{links.issue(coordinator)}").status_code == 302
            for label, path in PAGES:
                samples, size = [], 0
                for run in range(runs + 1):
                    started = time.perf_counter()
                    answer = client.get(path)
                    elapsed = time.perf_counter() - started
                    assert answer.status_code == 200, answer.text[:300]
                    size = len(answer.content)
                    if run:
                        samples.append(elapsed)
                figures.append((label, statistics.median(samples) * 1000, size))
    finally:
        server.stop(thread)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actions", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get("DHR_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    args = parser.parse_args()
    print(f"Plan page of a {args.actions:,}-action review; reviews page of {REVIEWS} reviews.\n")
    print("| backend | statistics | page | median ms | floor ms | page / floor | HTML KiB |")
    print("|---|---|---|---:|---:|---:|---:|")
    for backend in ([] if args.postgres_only else ["SQLite"]) + ([] if args.sqlite_only else ["PostgreSQL"]):
        bench(backend, args.postgres, args.runs, args.actions)


if __name__ == "__main__":
    main()
