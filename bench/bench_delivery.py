"""Delivery pace and throughput against the local fakes, as ratios of each service's ceiling.

    .venv/bin/python -m bench.bench_delivery [--postgres URL] [--slack 30] [--mails 90] [--dms 400]

Each scenario fills a fresh PostgreSQL database and delivers it with `deliver_due` under
bot.policy.delivery_policy's pace (as `dhr deliver` and `dhr run` do), in one or two separate OS
processes, each with its own engine; the pace is shared only through the database.

- Slack: the fake answers 429 + Retry-After beyond one chat.postMessage per second per channel
  (Slack's documented pace). Ceiling: 1 message/s to one channel.
- Mail: the fake Graph refuses a /send beyond 30 per window, and a fifth request at once to the
  mailbox, with 429 + Retry-After. Exchange's window is a minute; here it is 6 s, and the bot's
  own setting is scaled the same way (mail_pace_seconds = 6), so a run takes seconds: the rule is
  the same, the unit smaller. Ceiling: 30 per 6 s = 5 mails/s.
- "+ 429s": that many 429s injected on top (Slack Retry-After 1 s; Graph a fractional 0.5 s). Each
  costs its Retry-After by design, so the run is long enough to hold the ratio.
- Figure: (accepted - 1) / (last arrival - first arrival) at the fake; ratio = figure / ceiling.
  Duplicates are counted at the fake (each message carries its own key in its text).
- Fan-out: one message to each of many DMs, where no pace binds: one process against two, and
  what keeping the pace costs a process (the same run without it). Slack runs note how many of the machine's
  cores were busy while delivering (everything on it: workers, the fake, PostgreSQL): two processes can add
  only what one left idle.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.synchronize import Barrier
from pathlib import Path

from bench.databases import fresh_database
from bench.goals import GoalFigure, record
from bot.channels.base import Channel
from bot.db import make_engine, migrate, session_scope
from bot.outbox import DELIVERY_WAIT, DeliveryPolicy, NewMessage, deliver_due, enqueue
from bot.policy import sending_pace
from bot.rules.pacing import Pace
from bot.settings import PolicySettings, Settings
from tests.fakes.microsoft import FakeMicrosoft
from tests.fakes.slack_api import FakeSlackApi

TOKEN = "xoxb-bench"
MAIL_WINDOW = timedelta(seconds=6)


@dataclass(frozen=True)
class Target:
    """How a worker process reaches the fake (picklable: it crosses into the process)."""

    kind: str  # "slack" or "email"
    url: str
    graph: tuple[str, str, str, str, str, str] | None = None  # tenant, client, secret, authority, graph, mailbox
    ca_path: str | None = None


def now() -> datetime:
    return datetime.now(UTC)


def channels_for(target: Target) -> dict[str, Channel]:
    if target.kind == "slack":
        from bot.channels.slack import SlackChannel, make_slack_client

        return {"slack": SlackChannel(make_slack_client(TOKEN, target.url))}
    from bot.channels.graph import GraphClient
    from bot.channels.outlook import OutlookChannel

    assert target.graph and target.ca_path
    os.environ["REQUESTS_CA_BUNDLE"] = os.environ["SSL_CERT_FILE"] = target.ca_path
    return {"email": OutlookChannel(GraphClient(*target.graph, verify=target.ca_path))}


def worker(url: str, target: Target, pacing: dict[str, Pace], name: str, start: Barrier) -> None:
    engine = make_engine(url)
    channels = channels_for(target)
    with session_scope(engine):
        pass  # connected before the clock starts
    start.wait()
    deliver_due(engine, channels, now, worker=name, policy=DeliveryPolicy(pacing=pacing), limit=100_000,
                wait_up_to=DELIVERY_WAIT)
    engine.dispose()


def cpu_jiffies() -> tuple[int, int] | None:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat (Linux); None elsewhere."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return None
    return sum(fields) - fields[3] - fields[4], sum(fields)  # idle and iowait are not busy


#: How many of the machine's cores were busy during the last `deliver` (workers, the fake, PostgreSQL, anything
#: else running): a second process can only add throughput while a core is left.
last_cores_busy: list[float] = []


def deliver(url: str, target: Target, pacing: dict[str, Pace], processes: int) -> None:
    before = cpu_jiffies()
    _deliver(url, target, pacing, processes)
    after = cpu_jiffies()
    last_cores_busy[:] = [] if before is None or after is None or after[1] == before[1] else [
        (after[0] - before[0]) / (after[1] - before[1]) * (os.cpu_count() or 1)]


def _deliver(url: str, target: Target, pacing: dict[str, Pace], processes: int) -> None:
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(processes)
    children = [spawn.Process(target=worker, args=(url, target, pacing, f"bench-{n}", start)) for n in range(processes)]
    for child in children:
        child.start()
    for child in children:
        child.join()
        assert child.exitcode == 0, child.exitcode


def queued(postgres: str, channel: str, addresses: Sequence[str]) -> tuple[str, Callable[[], None]]:
    url, drop = fresh_database(postgres)
    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        for n, address in enumerate(addresses):
            enqueue(session, NewMessage(f"bench-{n}", "chaser", channel, None, address, "Update needed",
                                        f"bench-{n}: RIV3-{n}-1 is overdue."), now=now(), actor="bench")
    engine.dispose()
    return url, drop


def rate(arrivals: list[float]) -> float:
    arrivals = sorted(arrivals)
    return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0]) if len(arrivals) > 1 else 0.0


@dataclass
class Result:
    name: str
    messages: int
    figure: float
    ceiling: float | None
    refused: int
    duplicates: int
    note: str = ""

    def row(self) -> str:
        ratio = f"{self.figure / self.ceiling:.2f}" if self.ceiling else "n/a"
        ceiling = f"{self.ceiling:g}" if self.ceiling else "n/a"
        return (f"| {self.name} | {self.messages} | {self.figure:.2f} | {ceiling} | {ratio} | {self.refused} | "
                f"{self.duplicates} | {self.note} |")


def slack_run(postgres: str, name: str, addresses: list[str], pacing: dict[str, Pace], *, processes: int,
              injected: int = 0, ceiling: float | None = 1.0) -> Result:
    url, drop = queued(postgres, "slack", addresses)
    try:
        with FakeSlackApi() as fake:
            fake.limit_rate(1.0)
            if injected:
                fake.fail_next("chat.postMessage", status=429, error="ratelimited", retry_after=1, times=injected)
            deliver(url, Target("slack", fake.url), pacing, processes)
            posts = fake.calls("chat.postMessage")
            texts = [m.text for m in fake.messages()]
    finally:
        drop()
    assert sorted(texts) == sorted(f"bench-{n}: RIV3-{n}-1 is overdue." for n in range(len(addresses))), "lost or extra"
    accepted = [c.at for c in posts if c.error is None]
    busy = f", {last_cores_busy[0]:.2f} of {os.cpu_count()} cores busy" if last_cores_busy else ""
    return Result(name, len(addresses), rate(accepted), ceiling, sum(c.status == 429 for c in posts),
                  len(texts) - len(set(texts)), f"{processes} process{'es' if processes > 1 else ''}{busy}")


def mail_run(postgres: str, name: str, count: int, pacing: dict[str, Pace], *, processes: int,
             injected: int = 0) -> Result:
    url, drop = queued(postgres, "email", [f"lead{n}@agency.example.org" for n in range(count)])
    try:
        with FakeMicrosoft() as fake:
            fake.limit_sending(30, MAIL_WINDOW)
            if injected:
                fake.fail_next("send", status=429, retry_after=0.5, times=injected)
            target = Target("email", "", (fake.tenant_id, fake.client_id, fake.client_secret, fake.authority_url,
                                          fake.graph_url, fake.mailbox), fake.ca_path)
            deliver(url, target, pacing, processes)
            subjects = [m["body"]["content"] for m in fake.sent]
            refused = sum(c.status == 429 for c in fake.calls)
            arrivals = [t.timestamp() for t in fake.send_times]
            peak = fake.peak_concurrency
    finally:
        drop()
    assert len(set(subjects)) == count, ("lost mail", len(set(subjects)), count)
    return Result(name, count, rate(arrivals), 30 / MAIL_WINDOW.total_seconds(), refused,
                  len(subjects) - len(set(subjects)), f"{processes} process{'es' if processes > 1 else ''}, "
                  f"peak {peak} requests at once")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", default=os.environ.get("DHR_TEST_POSTGRES_URL")
                        or "postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--slack", type=int, default=30, help="messages to one Slack channel")
    parser.add_argument("--mails", type=int, default=90, help="mails from the one mailbox")
    parser.add_argument("--dms", type=int, default=400, help="fan-out: one message to each of this many DMs")
    args = parser.parse_args()
    service = sending_pace(Settings())
    scaled = sending_pace(Settings(policy=PolicySettings(mail_pace_seconds=MAIL_WINDOW.total_seconds())))
    board = ["C0BOARD"] * args.slack
    print(f"Pace: Slack {service['slack'].spacing.total_seconds():.3f} s apart per conversation; mail "
          f"{scaled['email'].spacing.total_seconds():.3f} s apart (30 per {MAIL_WINDOW.total_seconds():g} s, "
          f"{scaled['email'].concurrent} at once). Figures in messages/s, PostgreSQL.\n")
    print("| scenario | messages | figure (msgs/s) | ceiling | ratio | 429s answered | duplicates | notes |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    scenarios: list[Callable[[], Result]] = [
        lambda: slack_run(args.postgres, "Slack, one channel", board, service, processes=1),
        lambda: slack_run(args.postgres, "Slack, one channel", board, service, processes=2),
        lambda: slack_run(args.postgres, "Slack, one channel + 2 injected 429s", board, service, processes=2,
                          injected=2),
        lambda: slack_run(args.postgres, "Slack, one channel, unpaced (old `dhr deliver`)", board, {}, processes=1),
        lambda: mail_run(args.postgres, "Mail, one mailbox", args.mails, scaled, processes=1),
        lambda: mail_run(args.postgres, "Mail, one mailbox", args.mails, scaled, processes=2),
        lambda: mail_run(args.postgres, "Mail, one mailbox + 2 injected 429s (0.5 s)", args.mails, scaled,
                         processes=2, injected=2),
        lambda: mail_run(args.postgres, "Mail, one mailbox, unpaced (old `dhr deliver`)", args.mails, {},
                         processes=1),
    ]
    for scenario in scenarios:
        result = scenario()
        print(result.row(), flush=True)
        if result.ceiling and "unpaced" not in result.name:
            record(GoalFigure(f"delivery pace: {result.name}, {result.note.split(',')[0]} (ratio of the ceiling)",
                              result.figure / result.ceiling, "x", 0.9, "ceiling (msgs/s)", None, "at least"))
            record(GoalFigure(f"duplicates: {result.name}, {result.note.split(',')[0]}", result.duplicates, "messages",
                              0, "-", None))
    dms = [f"U{n:08d}" for n in range(args.dms)]
    unpaced = slack_run(args.postgres, f"Fan-out to {args.dms} DMs, unpaced", dms, {}, processes=1, ceiling=None)
    print(unpaced.row(), flush=True)
    one = slack_run(args.postgres, f"Fan-out to {args.dms} DMs", dms, service, processes=1, ceiling=None)
    print(one.row(), flush=True)
    two = slack_run(args.postgres, f"Fan-out to {args.dms} DMs", dms, service, processes=2, ceiling=None)
    print(two.row())
    print(f"\nTwo processes against one, fan-out: {two.figure / one.figure:.2f}x")
    record(GoalFigure(f"two replicas against one, fan-out to {args.dms} DMs", two.figure / one.figure, "x", 1.8,
                      "-", None, "at least"))


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"(ran in {time.perf_counter() - started:.0f} s)")
