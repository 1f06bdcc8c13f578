"""Delivery throughput against the local fake Slack Web API, as a ratio of Slack's ceiling.

    .venv/bin/python -m bench.bench_delivery [--messages 10] [--users 300]

Slack allows about one chat.postMessage per second per channel; the fake enforces exactly that
(429 + Retry-After beyond it). Scenarios, each on a fresh SQLite outbox:
  paced      N messages to one channel, with the outbox's pacer (1 s apart)
  unpaced    the same without the pacer: the fake's 429s and Retry-After do the pacing
  429s       paced, plus three injected 429s (Retry-After: 1)
  fan-out    one message each to many users' DMs, where the per-channel limit does not bind
The ratio is achieved messages/s over the ceiling (1/s for one channel); fan-out shows raw msgs/s.
"""

from __future__ import annotations

import argparse
import tempfile
import time as clock
from datetime import UTC, datetime, timedelta

from bot.channels.slack import SlackChannel, make_slack_client
from bot.db import make_engine, migrate, session_scope
from bot.outbox import NewMessage, deliver_due, enqueue, service_pacer
from tests.fakes.slack_api import FakeSlackApi

TOKEN = "xoxb-bench"


def now() -> datetime:
    return datetime.now(UTC)


def run(addresses: list[str], *, pace: bool, limit_per_second: float | None, injected_429s: int = 0) -> tuple[float, int]:
    engine = make_engine(f"sqlite:///{tempfile.mktemp(suffix='.db')}")
    migrate(engine)
    start = now()
    with session_scope(engine) as session:
        for n, address in enumerate(addresses):
            enqueue(session, NewMessage(f"bench-{n}", "chaser", "slack", None, address, "Update needed",
                                        f"RIV3-{n}-1 is overdue."), now=start, actor="bench")
    with FakeSlackApi() as fake:
        for n, address in enumerate(a for a in addresses if a.startswith("U")):
            fake.add_user(address, f"user{n}@example.org", f"User {n}")
        if limit_per_second:
            fake.limit_rate(limit_per_second)
        if injected_429s:
            fake.fail_next("chat.postMessage", status=429, error="ratelimited", retry_after=1, times=injected_429s)
        channel = SlackChannel(make_slack_client(TOKEN, fake.url))
        pacer = service_pacer() if pace else None
        started = clock.perf_counter()
        report = deliver_due(engine, {"slack": channel}, now, worker="bench", pacer=pacer,
                             wait_up_to=timedelta(seconds=30), limit=len(addresses) * 4)
        elapsed = clock.perf_counter() - started
        posted = len([c for c in fake.calls("chat.postMessage") if c.error is None])
    engine.dispose()
    assert len(report.sent) == len(addresses) == posted, (len(report.sent), posted)
    return elapsed, len(fake.calls("chat.postMessage")) - posted


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10)
    parser.add_argument("--users", type=int, default=300)
    args = parser.parse_args()
    one_channel = ["C0BOARD"] * args.messages
    # The first message of a burst goes at once, so n messages need n - 1 seconds at the ceiling.
    ceiling_seconds = args.messages - 1
    print("| scenario | messages | seconds | msgs/s | 429s answered | ratio of ceiling |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, kwargs in (
        ("paced, one channel", {"pace": True, "limit_per_second": 1.0}),
        ("unpaced, one channel", {"pace": False, "limit_per_second": 1.0}),
        ("paced + 3 injected 429s", {"pace": True, "limit_per_second": 1.0, "injected_429s": 3}),
    ):
        elapsed, rejected = run(one_channel, **kwargs)
        print(f"| {name} | {args.messages} | {elapsed:.1f} | {args.messages / elapsed:.2f} | {rejected} | "
              f"{ceiling_seconds / elapsed:.2f} |")
    users = [f"U{n:08d}" for n in range(args.users)]
    elapsed, rejected = run(users, pace=True, limit_per_second=1.0)
    print(f"| fan-out to {args.users} DMs | {args.users} | {elapsed:.1f} | {args.users / elapsed:.0f} | {rejected} | n/a |")


if __name__ == "__main__":
    main()
