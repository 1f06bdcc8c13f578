"""`/dhr overdue` at 500k actions on SQLite and PostgreSQL: fresh (no planner statistics) and analysed,
and on PostgreSQL also prepared with a generic plan (what psycopg's prepare_threshold can lead to).

    .venv/bin/python -m bench.bench_overdue [--sizes 500000] [--postgres URL] [--sqlite-only] [--runs 7]

Each size gets one fresh database (PostgreSQL: its own new database on the server at --postgres,
DHR_TEST_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/test, autovacuum as the server has it;
dropped afterwards), filled with a plan-shaped mix: a third overdue, some undated, some closed, and a
chaser for about every third action. It is measured first as loaded ("fresh": no ANALYZE), then after
ANALYZE. Medians of --runs, in ms:

    page 1       overdue_page(): count, the first 20 ids, their rows (what the Slack answer shows)
    last page    the same for the last page (OFFSET over every overdue row)
    answer       a signed `/dhr overdue` POST through waitress + Bolt until the answer reaches the
                 response_url of the fake Slack
    whole list   overdue_actions(): every overdue row, as `dhr overdue --json` prints them (one run)
    floor        a raw indexed SELECT id FROM action WHERE due < ? ORDER BY due, ref LIMIT 20
    "prepared, generic": a second engine whose connections prepare every statement at once
    (prepare_threshold=0) with plan_cache_mode = force_generic_plan (no answer column: same code).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx
import sqlalchemy as sa
from slack_sdk.signature import SignatureVerifier

from bench.databases import bulk_insert, fill_plan, fresh_database, link_messages
from bench.goals import GoalFigure, record
from bot.app import build_bolt_app, make_http_server, make_wsgi_app
from bot.db import ensure_partnership, make_engine, migrate, session_scope
from bot.models import (
    Contact,
    Message,
)
from bot.overdue import OverdueFilter, overdue_actions, overdue_page
from bot.runtime import Runtime
from bot.settings import Settings, load_settings
from tests.fakes.slack_api import FakeSlackApi

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
STATUSES = ("not_started", "in_progress", "in_progress", "blocked", "complete", "not_applicable")
SECRET = "bench-signing-secret"
COORDINATOR = "U0MORGAN"


def fill(engine: sa.Engine, settings: Settings, count: int, rng: random.Random) -> None:
    """The synthetic plan, a coordinator to ask, and a chase history on every third action."""
    with session_scope(engine) as session:
        action_ids = fill_plan(session, settings, count, rng, now=NOW, due_days=(-90, 180))
        session.add(Contact(name="Coordinator", slack_user_id=COORDINATOR, role="coordinator"))
        chased = action_ids[::3]
        messages = [{"idempotency_key": f"bench-{n}", "kind": "chaser", "channel": "slack", "state": "sent",
                     "created_at": NOW - timedelta(days=rng.randint(1, 60)), "attempts": 1, "level": 1,
                     "cc_addresses": []} for n in range(len(chased))]
        bulk_insert(session, Message.__table__, messages)  # type: ignore[attr-defined]
        message_ids = list(session.execute(sa.select(Message.id).order_by(Message.id)).scalars())  # type: ignore[arg-type]
        links = [{"message_id": m, "action_id": a} for m, a in zip(message_ids, chased, strict=True)]
        link_messages(session, links)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed_ms(work: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return median_ms(samples)


def time_queries(engine: sa.Engine, partnership_id: int, runs: int) -> dict[str, float]:
    with session_scope(engine) as session:
        first = overdue_page(session, partnership_id, TODAY, "Europe/London", OverdueFilter())
        last_page = first.page_count

    def page(number: int) -> None:
        with session_scope(engine) as session:
            overdue_page(session, partnership_id, TODAY, "Europe/London", OverdueFilter(), page=number)

    def whole_list() -> None:
        with session_scope(engine) as session:
            overdue_actions(session, partnership_id, TODAY, "Europe/London", OverdueFilter())

    def floor() -> None:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT id FROM action WHERE due < :d ORDER BY due, ref LIMIT 20"), {"d": TODAY})

    return {"rows": first.total, "page 1": timed_ms(lambda: page(1), runs),
            "last page": timed_ms(lambda: page(last_page), max(3, runs // 2)),
            "whole list": timed_ms(whole_list, 1), "floor": timed_ms(floor, runs)}


def time_answer(engine: sa.Engine, settings: Settings, runs: int) -> float:
    with FakeSlackApi() as fake:
        settings = settings.model_copy(update={"slack_bot_token": "xoxb-bench", "slack_signing_secret": SECRET,
                                               "slack_api_url": fake.url})
        bolt = build_bolt_app(Runtime(settings, engine, {}), clock=lambda: NOW)
        server = make_http_server(make_wsgi_app(engine, bolt, signing_secret=SECRET), "127.0.0.1", 0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        answers = []
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=60) as client:
                for run in range(runs + 1):  # the first run warms Bolt's auth.test and the pools up
                    webhook = fake.webhook_url(f"bench-{run}")
                    body = urlencode({"team_id": "T0RIVER", "channel_id": "C0DHR", "user_id": COORDINATOR,
                                      "command": "/dhr", "text": "overdue", "response_url": webhook,
                                      "trigger_id": "1.2.3", "api_app_id": "A0DHR"})
                    stamp = str(int(time.time()))
                    headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": stamp,
                               "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)}
                    started = time.perf_counter()
                    response = client.post("/slack/events", content=body, headers=headers)
                    assert response.status_code == 200, response.text
                    while not any(c.path.endswith(f"bench-{run}") for c in fake.calls("webhook")):
                        if time.perf_counter() - started > 60:
                            raise RuntimeError("no answer on the response_url within 60 s")
                        time.sleep(0.001)
                    if run:
                        answers.append(time.perf_counter() - started)
            last = list(fake.calls("webhook"))[-1].body
            assert "Overdue DHR actions" in json.dumps(last), "the answer is not the overdue list"
        finally:
            server.stop(thread)
    return median_ms(answers)


def generic_plan_engine(url: str) -> sa.Engine:
    """Connections that prepare every statement at its first run and always plan it generically."""
    return make_engine(url, connect_args={"prepare_threshold": 0, "options": "-c plan_cache_mode=force_generic_plan"})


def bench(backend: str, postgres: str | None, count: int, runs: int) -> list[dict[str, object]]:
    url, drop = fresh_database(postgres if backend == "PostgreSQL" else None)
    engine = make_engine(url)
    results: list[dict[str, object]] = []
    try:
        migrate(engine)
        settings = load_settings(database_url=url)
        fill(engine, settings, count, random.Random(count))
        with session_scope(engine) as session:
            partnership_id = ensure_partnership(session, settings).id
        assert partnership_id is not None
        for state in ("fresh", "analysed"):
            if state == "analysed":
                with engine.begin() as connection:
                    connection.execute(sa.text("ANALYZE"))
            figures = time_queries(engine, partnership_id, runs)
            results.append({"backend": backend, "state": state, **figures, "answer": time_answer(engine, settings, runs)})
            if backend == "PostgreSQL":
                generic = generic_plan_engine(url)
                try:
                    results.append({"backend": backend, "state": f"{state}, prepared, generic plan",
                                    **time_queries(generic, partnership_id, runs), "answer": None})
                finally:
                    generic.dispose()
            print(_line(count, results[-2] if backend == "PostgreSQL" else results[-1]), flush=True)
            _record(count, results[-2] if backend == "PostgreSQL" else results[-1])
            if backend == "PostgreSQL":
                print(_line(count, results[-1]), flush=True)
                _record(count, results[-1])
        return results
    finally:
        engine.dispose()
        drop()


def _record(count: int, r: dict[str, object]) -> None:
    where = f"{count // 1000}k actions, {r['backend']}, {r['state']}"
    record(GoalFigure(f"/dhr overdue first page, {where}", float(r["page 1"]), "ms", 300.0,  # type: ignore[arg-type]
                      "raw select of the page", float(r["floor"])))  # type: ignore[arg-type]
    if isinstance(r["answer"], float):
        record(GoalFigure(f"/dhr overdue answer, {where}", r["answer"], "ms", 300.0, "raw select of the page",
                          float(r["floor"])))  # type: ignore[arg-type]


def _line(count: int, r: dict[str, object]) -> str:
    answer = f"{r['answer']:.0f}" if isinstance(r["answer"], float) else "-"
    page, floor = float(r["page 1"]), float(r["floor"])  # type: ignore[arg-type]
    return (f"| {r['backend']} | {r['state']} | {count:,} | {r['rows']:,} | {page:.1f} | {r['last page']:.0f} | {answer} "
            f"| {r['whole list']:.0f} | {floor:.1f} | {page / floor:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[500_000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get("DHR_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    backends = ["SQLite"] + ([] if args.sqlite_only else ["PostgreSQL"])
    print("| backend | statistics | actions | overdue rows | page 1 ms | last page ms | answer ms | whole list ms "
          "| floor ms | page 1 / floor |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for backend in backends:
        for count in args.sizes:
            bench(backend, args.postgres, count, args.runs)


if __name__ == "__main__":
    main()
