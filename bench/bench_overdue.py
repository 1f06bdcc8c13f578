"""`/dhr overdue` latency at 1k, 10k and 50k actions, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.bench_overdue [--sizes 1000 10000 50000] [--postgres URL] [--runs 7]

Each size gets a fresh database (PostgreSQL: its own new database on the server at --postgres,
DHR_TEST_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/test; dropped afterwards), filled with
a plan-shaped mix: a third overdue, some undated, some closed, and a chaser for about every third
action so the "last chased" join has rows. Three figures, medians of --runs:

    query     overdue_actions() alone, all agencies (the worst case: every overdue row comes back)
    ack       a signed `/dhr overdue` POST through waitress + Bolt until its HTTP 200
    answer    the same POST until the ephemeral answer reaches the response_url (the fake Slack)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import threading
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import httpx
import sqlalchemy as sa
from slack_sdk.signature import SignatureVerifier

from bench.databases import fill_plan, fresh_database
from bot.app import build_bolt_app, make_http_server, make_wsgi_app
from bot.db import ensure_partnership, make_engine, migrate, session_scope
from bot.models import (
    Contact,
    Message,
    MessageAction,
)
from bot.overdue import OverdueFilter, overdue_actions
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
        session.execute(sa.insert(Message), messages)
        message_ids = list(session.execute(sa.select(Message.id).order_by(Message.id)).scalars())  # type: ignore[arg-type]
        links = [{"message_id": m, "action_id": a} for m, a in zip(message_ids, chased, strict=True)]
        session.execute(sa.insert(MessageAction), links)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_query(engine: sa.Engine, partnership_id: int, runs: int) -> tuple[float, int]:
    samples, rows = [], 0
    for _ in range(runs):
        with session_scope(engine) as session:
            started = time.perf_counter()
            rows = len(overdue_actions(session, partnership_id, TODAY, "Europe/London", OverdueFilter()))
            samples.append(time.perf_counter() - started)
    return median_ms(samples), rows


def time_requests(engine: sa.Engine, settings: Settings, runs: int) -> tuple[float, float]:
    with FakeSlackApi() as fake:
        settings = settings.model_copy(update={"slack_bot_token": "xoxb-bench", "slack_signing_secret": SECRET,
                                               "slack_api_url": fake.url})
        bolt = build_bolt_app(Runtime(settings, engine, {}), clock=lambda: NOW)
        server = make_http_server(make_wsgi_app(engine, bolt, signing_secret=SECRET), "127.0.0.1", 0)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        acks, answers = [], []
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{server.port}", timeout=30) as client:
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
                    acked = time.perf_counter()
                    assert response.status_code == 200, response.text
                    while not any(c.path.endswith(f"bench-{run}") for c in fake.calls("webhook")):
                        if time.perf_counter() - started > 60:
                            raise RuntimeError("no answer on the response_url within 60 s")
                        time.sleep(0.001)
                    answered = time.perf_counter()
                    if run:
                        acks.append(acked - started)
                        answers.append(answered - started)
            last = list(fake.calls("webhook"))[-1].body
            assert "Overdue DHR actions" in json.dumps(last), "the answer is not the overdue list"
        finally:
            server.stop(thread)
    return median_ms(acks), median_ms(answers)


def bench(backend: str, postgres: str | None, count: int, runs: int) -> dict[str, object]:
    url, drop = fresh_database(postgres if backend == "postgresql" else None)
    engine = make_engine(url)
    try:
        migrate(engine)
        settings = load_settings(database_url=url)
        fill(engine, settings, count, random.Random(count))
        with session_scope(engine) as session:
            partnership_id = ensure_partnership(session, settings).id
        assert partnership_id is not None
        query_ms, rows = time_query(engine, partnership_id, runs)
        ack_ms, answer_ms = time_requests(engine, settings, runs)
        return {"backend": backend, "actions": count, "overdue": rows, "query": query_ms, "ack": ack_ms, "answer": answer_ms}
    finally:
        engine.dispose()
        drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--postgres", default=os.environ.get("DHR_TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    backends = ["sqlite"] + ([] if args.sqlite_only else ["postgresql"])
    print("| backend | actions | overdue rows | query alone (ms) | HTTP ack (ms) | answer at response_url (ms) |")
    print("|---|---:|---:|---:|---:|---:|")
    for backend in backends:
        for count in args.sizes:
            r = bench(backend, args.postgres, count, args.runs)
            print(f"| {r['backend']} | {r['actions']:,} | {r['overdue']:,} | {r['query']:.1f} | {r['ack']:.1f} "
                  f"| {r['answer']:.1f} |",
                  flush=True)


if __name__ == "__main__":
    main()
