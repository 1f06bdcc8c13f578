"""A credential outage against the local fake Slack Web API: what a delivery run costs while the token
is refused, how fast the queue drains once it works, and what the pause check adds to each claim.

    .venv/bin/python -m bench.bench_outage [--messages 300] [--rounds 3]

Scenarios, each on a fresh SQLite outbox with N messages to N users' DMs (no per-channel limit binds):
  refused    the token answers invalid_auth: one delivery run (Slack calls made, seconds, messages dead)
  drain      the token fixed, the probe due: the run that resumes and sends all N (msgs/s)
  baseline   the same N sent with no pause on record, and with the other channel (mail) paused, so
             every claim's "channel not paused" check has a row to look at; alternated over rounds,
             the ratio paused/baseline is the check's cost.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time as clock
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from bot.channels.base import Channel
from bot.channels.slack import SlackChannel, make_slack_client
from bot.db import make_engine, migrate, session_scope
from bot.models import ChannelPause
from bot.outages import deliver_watching_outages
from bot.outbox import NewMessage, deliver_due, enqueue
from tests.fakes.slack_api import FakeSlackApi

TOKEN = "xoxb-bench"
START = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def fresh(messages: int) -> Engine:
    engine = make_engine(f"sqlite:///{tempfile.mktemp(suffix='.db')}")
    migrate(engine)
    with session_scope(engine) as session:
        for n in range(messages):
            enqueue(session, NewMessage(f"bench-{n}", "chaser", "slack", None, f"U{n:07d}B", "Update needed",
                                        f"RIV3-{n}-1 is overdue.", not_before=START), now=START, actor="bench")
    return engine


def outage(messages: int) -> tuple[int, float, int, float]:
    """(Slack calls in the refused run, its seconds, dead messages, drain msgs/s)."""
    engine = fresh(messages)
    with FakeSlackApi() as fake:
        channels: dict[str, Channel] = {"slack": SlackChannel(make_slack_client(TOKEN, fake.url))}
        fake.break_token("invalid_auth")
        started = clock.perf_counter()
        refused = deliver_watching_outages(engine, channels, lambda: START, worker="bench")
        refused_seconds = clock.perf_counter() - started
        calls = len(fake.calls())
        fake.fix_token()
        started = clock.perf_counter()
        drained = deliver_watching_outages(engine, channels, lambda: START + timedelta(minutes=5), worker="bench",
                                           limit=messages * 2)
        drain_seconds = clock.perf_counter() - started
    engine.dispose()
    assert len(drained.sent) == messages, len(drained.sent)
    return calls, refused_seconds, len(refused.dead), messages / drain_seconds


def fan_out(messages: int, *, other_paused: bool) -> float:
    engine = fresh(messages)
    if other_paused:
        with session_scope(engine) as session:
            session.add(ChannelPause(channel="email", since=START, error="AADSTS7000222", alerted_via="slack"))
    with FakeSlackApi() as fake:
        channel = SlackChannel(make_slack_client(TOKEN, fake.url))
        started = clock.perf_counter()
        report = deliver_due(engine, {"slack": channel}, lambda: START, worker="bench", limit=messages * 2)
        elapsed = clock.perf_counter() - started
    engine.dispose()
    assert len(report.sent) == messages
    return messages / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    calls, seconds, dead, drain = outage(args.messages)
    print(f"| refused run, {args.messages} queued | Slack calls {calls} | {seconds:.2f} s | dead {dead} |")
    print(f"| drain after the fix | {drain:.0f} msgs/s |")
    plain, paused = [], []
    for _ in range(args.rounds):
        plain.append(fan_out(args.messages, other_paused=False))
        paused.append(fan_out(args.messages, other_paused=True))
    base, other = statistics.median(plain), statistics.median(paused)
    print(f"| fan-out, no pause | {base:.0f} msgs/s | with mail paused | {other:.0f} msgs/s | ratio {other / base:.2f} |")


if __name__ == "__main__":
    main()
