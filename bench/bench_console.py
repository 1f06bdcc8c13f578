"""Console pages over HTTP: the plan page of a 500,000-action review and the reviews page with 500 reviews.

    .venv/bin/python -m bench.bench_console [--actions 500000] [--postgres URL] [--sqlite-only | --postgres-only] [--runs 7]
        [--keep DIR] [--compare-with CHECKOUT]

One fresh database per backend (PostgreSQL: a new database on the server at --postgres, dropped afterwards):
the --actions review from bench/databases.py with a chaser on every third action, two in three of its actions
chased through their agency's leads (no lead contact of their own), every 50th agency with no active lead, and
one action in 100 snoozed (half of them until a day to come), plus 499 more reviews of 10 actions each. The
console runs on waitress exactly as `dhr run` serves it, signed in as a coordinator by a one-time link; each
figure is the median of --runs GETs (after one warm-up), whole HTTP answer included. Measured as loaded
("fresh", no planner statistics, and on PostgreSQL no visibility map), then after ANALYZE, then (PostgreSQL
only) after the VACUUM that `dhr import` and the console's import run after a bulk import.
The floor is a raw indexed `SELECT id FROM action ORDER BY id LIMIT 50` on the same database; the ratio is the
page over the floor.

--keep DIR builds each database once (SQLite: DIR/console-<actions>.db; PostgreSQL: the database
dhr_console_<actions>, both as loaded and never analysed) and measures a copy of it, migrated to this
checkout's schema: the fill takes minutes at 500,000 actions. --compare-with CHECKOUT also serves the console
from another checkout of the project (its `bot` package, with this checkout's virtualenv) on the same copy, and
takes each page's GETs alternately from the two, so that both see the same machine load; its figures are the
"before" column.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa
from sqlmodel import Session, col

from bench.databases import bulk_insert, fill_plan, fresh_database, link_messages
from bench.goals import GoalFigure, record
from bot.action_copies import with_copies
from bot.app import make_http_server, make_wsgi_app
from bot.console.auth import OneTimeLinks
from bot.console.options import ConsoleOptions
from bot.console.web import create_console
from bot.db import ensure_partnership, make_engine, migrate, normalise_url, session_scope
from bot.models import Action, Agency, Contact, Message, Recommendation, Review
from bot.plans.store import ANALYZE_AFTER_ADDED, ImportReport, vacuum_after_bulk_load
from bot.settings import Settings, load_settings

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
REVIEWS, ACTIONS_PER_SMALL_REVIEW = 500, 10
PAGES = (
    ("plan, first page by ref", "/reviews/BENCH"),
    ("plan, overdue only, by target", "/reviews/BENCH?overdue=1&sort=due"),
    ("plan, unanswered, by last chase", "/reviews/BENCH?unanswered=1&sort=chased&order=desc"),
    ("plan, by last chase", "/reviews/BENCH?sort=chased&order=desc"),
    ("plan, page 50", "/reviews/BENCH?page=50"),
    ("plan, by lead agency", "/reviews/BENCH?sort=agency"),
    ("plan, by target descending, page 9000 (the undated)", "/reviews/BENCH?sort=due&order=desc&page=9000"),
    ("plan, one agency, by last update", "/reviews/BENCH?agency=7&sort=updated"),
    ("reviews page, 500 reviews", "/reviews"),
)


def fill(engine: sa.Engine, settings: Settings, rng: random.Random, plan_actions: int) -> None:
    """The data, the coordinator included."""
    with session_scope(engine) as session:
        action_ids = fill_plan(session, settings, plan_actions, rng, now=NOW, due_days=(-90, 180), own_lead_every=3,
                               snoozed_every=100)
        _agencies_without_a_lead(session)
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
        session.add(Contact(name="Coordinator", email="coordinator@example.org", role="coordinator"))


def _agencies_without_a_lead(session: Session) -> None:
    """Every 50th agency's leads have left: its actions without a lead contact are not being chased."""
    session.execute(sa.update(Contact).where(col(Contact.agency_id).in_(sa.select(col(Agency.id))
                                                                        .where(col(Agency.id) % 50 == 0)))
                    .values(active=False))


def bench(backend: str, postgres: str | None, runs: int, plan_actions: int, keep: Path | None,
          compare_with: Path | None) -> None:
    with _measured_database(backend, postgres, plan_actions, keep) as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            _indexes_as_this_checkout_has(engine)
            with session_scope(engine) as session:
                partnership_id = ensure_partnership(session, load_settings(database_url=url)).id
                coordinator = session.execute(sa.select(col(Contact.id)).where(col(Contact.role) == "coordinator")
                                              ).scalar_one()
            assert partnership_id is not None
            states = ("fresh", "analysed", "after import") if backend == "PostgreSQL" else ("fresh", "analysed")
            for state in states:
                _reach(engine, state)
                floor = _floor_ms(engine, runs)
                for label, ms, before, size in _pages(url, partnership_id, coordinator, runs, compare_with):
                    was = "" if before is None else f"{before:.1f} | "
                    print(f"| {backend} | {state} | {label} | {was}{ms:.1f} | {floor:.1f} | {ms / floor:.0f} | "
                          f"{size / 1024:.0f} |", flush=True)
                    if label.startswith("plan"):  # issue 16: the plan page at 500k actions in at most 300 ms
                        record(GoalFigure(f"console {label}, {plan_actions // 1000}k actions, {backend}, {state}", ms,
                                          "ms", 300.0, "raw select of 50 ids", floor))
        finally:
            engine.dispose()


def _indexes_as_this_checkout_has(engine: sa.Engine) -> None:
    """A kept database's action indexes made the ones bot/models.py declares (its schema is the migration's of the
    day it was built): those missing or with other columns built again. Predicates are not compared."""
    table: sa.Table = Action.__table__  # type: ignore[attr-defined]
    built = {index["name"]: index["column_names"] for index in sa.inspect(engine).get_indexes("action")}
    with engine.begin() as connection:
        for index in table.indexes:
            if built.get(index.name) != [column.name for column in index.columns]:
                connection.execute(sa.text(f"DROP INDEX IF EXISTS {index.name}"))
                index.create(connection)


def _reach(engine: sa.Engine, state: str) -> None:
    """From the state before: "analysed" runs ANALYZE, "after import" then what a bulk `dhr import` runs once it
    has committed (store.vacuum_after_bulk_load: VACUUM, which sets the visibility map)."""
    if state == "analysed":
        with engine.begin() as connection:
            connection.execute(sa.text("ANALYZE"))
    elif state == "after import":
        vacuum_after_bulk_load(engine, ImportReport(review_code="BENCH", added=["BENCH"] * ANALYZE_AFTER_ADDED))


@contextmanager
def _measured_database(backend: str, postgres: str | None, plan_actions: int, keep: Path | None) -> Iterator[str]:
    """The URL of a database holding the benchmark's data as loaded: a new one, or a copy of the kept one."""
    server = postgres if backend == "PostgreSQL" else None
    if keep is None:
        url, drop = fresh_database(server)
        try:
            engine = make_engine(url)
            migrate(engine)
            fill(engine, load_settings(database_url=url), random.Random(5000), plan_actions)
            engine.dispose()
            yield url
        finally:
            drop()
        return
    _kept, copy = _kept_database(server, plan_actions, keep)
    url, drop = copy()
    try:
        yield url
    finally:
        drop()


Copier = Callable[[], tuple[str, Callable[[], None]]]


def _kept_database(postgres: str | None, plan_actions: int, keep: Path) -> tuple[str, Copier]:
    """(the kept database's URL, a function that copies it and returns the copy's URL and its drop), built first
    when missing. The kept one is never analysed or vacuumed, so a copy is as loaded."""
    if postgres is None:
        path = keep / f"console-{plan_actions}.db"
        if not path.exists():
            _build(f"sqlite:///{path}.part", plan_actions)
            os.replace(f"{path}.part", path)

        def copy_sqlite() -> tuple[str, Callable[[], None]]:
            target = keep / f"console-{plan_actions}-copy.db"
            shutil.copyfile(path, target)
            return f"sqlite:///{target}", lambda: target.unlink(missing_ok=True)

        return f"sqlite:///{path}", copy_sqlite
    admin = make_engine(postgres, isolation_level="AUTOCOMMIT")
    name = f"dhr_console_{plan_actions}"

    def url_of(database: str) -> str:
        return sa.make_url(normalise_url(postgres)).set(database=database).render_as_string(hide_password=False)

    with admin.connect() as connection:
        exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{name}_part"'))
            _build(url_of(f"{name}_part"), plan_actions)
            connection.execute(sa.text(f'ALTER DATABASE "{name}_part" RENAME TO "{name}"'))

    def copy_postgres() -> tuple[str, Callable[[], None]]:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}_copy"'))
            connection.execute(sa.text(f'CREATE DATABASE "{name}_copy" TEMPLATE "{name}" STRATEGY FILE_COPY'))

        def drop() -> None:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}_copy" WITH (FORCE)'))

        return url_of(f"{name}_copy"), drop

    return url_of(name), copy_postgres


def _build(url: str, plan_actions: int) -> None:
    started = time.perf_counter()
    engine = make_engine(url)
    try:
        migrate(engine)
        fill(engine, load_settings(database_url=url), random.Random(5000), plan_actions)
    finally:
        engine.dispose()
    print(f"(built {url.rsplit('/', 1)[-1]} in {time.perf_counter() - started:.0f} s)", flush=True)


def _floor_ms(engine: sa.Engine, runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT id FROM action ORDER BY id LIMIT 50")).all()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


#: Serves the console of whichever checkout is first on sys.path (only names every version of the bench used);
#: prints its port and a sign-in link, then serves until its stdin closes.
_SERVE = """
import sys, threading
from datetime import UTC, datetime
from bot.app import make_http_server, make_wsgi_app
from bot.console.auth import OneTimeLinks
from bot.console.options import ConsoleOptions
from bot.console.web import create_console
from bot.db import make_engine
url, partnership_id, coordinator = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
engine = make_engine(url)
links = OneTimeLinks()
now = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
console = create_console(engine, ConsoleOptions(partnership_id, links=links, clock=lambda: now))
server = make_http_server(make_wsgi_app(engine, None, console=console), "127.0.0.1", 0)
threading.Thread(target=server.run, daemon=True).start()
print(server.port, links.issue(coordinator), flush=True)
sys.stdin.read()
"""


@contextmanager
def _served(url: str, partnership_id: int, coordinator: int, checkout: Path | None) -> Iterator[httpx.Client]:
    """A signed-in client of the console of this checkout (in this process) or of `checkout` (a subprocess)."""
    if checkout is None:
        links = OneTimeLinks()
        console = create_console(make_engine(url), ConsoleOptions(partnership_id, links=links, clock=lambda: NOW))
        server = make_http_server(make_wsgi_app(make_engine(url), None, console=console), "127.0.0.1", 0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=600) as client:
                assert client.get(f"/sign-in/{links.issue(coordinator)}").status_code == 302
                yield client
        finally:
            server.stop(thread)
        return
    environment = {**os.environ, "PYTHONPATH": str(checkout)}
    process = subprocess.Popen([sys.executable, "-c", _SERVE, url, str(partnership_id), str(coordinator)],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment, cwd=checkout)
    try:
        assert process.stdout is not None
        port, token = process.stdout.readline().split()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            assert client.get(f"/sign-in/{token}").status_code == 302
            yield client
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=60)


def _pages(url: str, partnership_id: int, coordinator: int, runs: int,
           compare_with: Path | None) -> list[tuple[str, float, float | None, int]]:
    """(page, median ms here, median ms of the other checkout or None, HTML size) per page."""
    figures = []
    with _served(url, partnership_id, coordinator, None) as here:
        others = _served(url, partnership_id, coordinator, compare_with) if compare_with else None
        with others or _nothing() as there:
            for label, path in PAGES:
                samples: dict[str, list[float]] = {"here": [], "there": []}
                size = 0
                for run in range(runs + 1):
                    for side, client in (("there", there), ("here", here)):
                        if client is None:
                            continue
                        started = time.perf_counter()
                        answer = client.get(path)
                        elapsed = time.perf_counter() - started
                        assert answer.status_code == 200, answer.text[:300]
                        size = len(answer.content) if side == "here" else size
                        if run:
                            samples[side].append(elapsed)
                before = statistics.median(samples["there"]) * 1000 if samples["there"] else None
                figures.append((label, statistics.median(samples["here"]) * 1000, before, size))
    return figures


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actions", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get("DHR_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--keep", type=Path, help="build the databases once in DIR and measure copies of them")
    parser.add_argument("--compare-with", type=Path, help="another checkout: its console's figures as 'before'")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    print(f"Plan page of a {args.actions:,}-action review; reviews page of {REVIEWS} reviews.\n")
    before = "before ms | " if args.compare_with else ""
    print(f"| backend | statistics | page | {before}median ms | floor ms | page / floor | HTML KiB |")
    print("|---|---|---|---:|" + ("---:|" if args.compare_with else "") + "---:|---:|---:|")
    for backend in ([] if args.postgres_only else ["SQLite"]) + ([] if args.sqlite_only else ["PostgreSQL"]):
        bench(backend, args.postgres, args.runs, args.actions, args.keep, args.compare_with)


if __name__ == "__main__":
    main()
