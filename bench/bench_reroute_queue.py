"""The Review queue page full of "not ours / new lead" tasks, against the same page with none open.

    .venv/bin/python -m bench.bench_reroute_queue [--postgres URL] [--sqlite-only] [--runs 7]

One fresh database per backend: bench/databases.py's plan of 1,000 actions, and a "not ours, that's
Agency N" reading on 100 of them (the queue lists at most 100 tasks), each opened through the one reply
flow (bot.answers.permit_and_record), so each task has its suggestion and its coordinator message. The
console runs on waitress as `dhr run` serves it, signed in as a coordinator; each figure is the median of
--runs GETs of /queue after one warm-up: first with the 100 tasks open, then with them all decided (the
same database and rows, so the ratio is the cost of listing them).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import threading
import time
from datetime import UTC, datetime

import httpx
import sqlalchemy as sa
from sqlmodel import col, select

from bench.databases import fill_plan, fresh_database
from bot.answers import author_for, permit_and_record
from bot.app import make_http_server, make_wsgi_app
from bot.console.auth import OneTimeLinks
from bot.console.options import ConsoleOptions
from bot.console.web import create_console
from bot.db import ensure_partnership, make_engine, migrate, session_scope
from bot.models import Action, Agency, Contact, RerouteTask
from bot.rules.statuses import ReadStatus, UpdateSource
from bot.settings import Settings, load_settings
from bot.updates import Proposed

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
ACTIONS, TASKS = 1000, 100


def fill(engine: sa.Engine, settings: Settings) -> int:
    """The data; returns the coordinator's contact id."""
    with session_scope(engine) as session:
        action_ids = fill_plan(session, settings, ACTIONS, random.Random(100), now=NOW)
        coordinator = Contact(name="Coordinator", email="coordinator@example.org", role="coordinator")
        session.add(coordinator)
        session.flush()
        agencies = session.exec(select(Agency).order_by(col(Agency.id))).all()
        for n, action_id in enumerate(action_ids[:TASKS]):
            action = session.get(Action, action_id)
            assert action is not None
            other = next(a for a in agencies[n % len(agencies):] + agencies if a.id != action.lead_agency_id)
            proposed = Proposed(ReadStatus.REDIRECT, raw_text=f"Not ours, that's {other.name}.", confidence=0.7,
                                redirect_to=other.name)
            permit_and_record(session, action, proposed, settings=settings,
                              author=author_for(settings, coordinator, "bench"), source=UpdateSource.MAIL_REPLY,
                              now=NOW, keep_refused=True)
        assert coordinator.id is not None
        return coordinator.id


def bench(backend: str, postgres: str | None, runs: int) -> list[tuple[str, str, float, int]]:
    url, drop = fresh_database(postgres if backend == "PostgreSQL" else None)
    engine = make_engine(url)
    try:
        migrate(engine)
        settings = load_settings(database_url=url)
        coordinator = fill(engine, settings)
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))
        with session_scope(engine) as session:
            partnership_id = ensure_partnership(session, settings).id
        assert partnership_id is not None
        links = OneTimeLinks()
        console = create_console(engine, ConsoleOptions(partnership_id, links=links, clock=lambda: NOW))
        server = make_http_server(make_wsgi_app(engine, None, console=console), "127.0.0.1", 0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        figures = []
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=60) as client:
                assert client.get(f"/sign-in/{links.issue(coordinator)}").status_code == 302
                for label in (f"{TASKS} tasks open", "none open"):
                    if label == "none open":
                        with engine.begin() as connection:
                            connection.execute(sa.update(RerouteTask).values(state="accepted"))
                    samples, size = [], 0
                    for run in range(runs + 1):
                        started = time.perf_counter()
                        answer = client.get("/queue")
                        elapsed = time.perf_counter() - started
                        assert answer.status_code == 200, answer.text[:300]
                        size = len(answer.content)
                        if run:
                            samples.append(elapsed)
                    figures.append((backend, label, statistics.median(samples) * 1000, size))
        finally:
            server.stop(thread)
        return figures
    finally:
        engine.dispose()
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get("DHR_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    print("| backend | review queue | median ms | HTML KiB |")
    print("|---|---|---:|---:|")
    for backend in ["SQLite"] + ([] if args.sqlite_only else ["PostgreSQL"]):
        for name, label, ms, size in bench(backend, args.postgres, args.runs):
            print(f"| {name} | {label} | {ms:.1f} | {size / 1024:.0f} |", flush=True)


if __name__ == "__main__":
    main()
