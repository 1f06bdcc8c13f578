"""Delivery paced through the database, on both databases: whichever process sends, and however
many send at once, no conversation or mailbox gets more than its service allows, and nothing twice.

Paces are scaled down (five a second instead of one, a second instead of a minute) so a test takes
seconds; the rules are the same. Each worker has its own engine, as separate processes would.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from bot.channels.base import Channel, DeliveryError
from bot.channels.graph import GraphClient
from bot.channels.outlook import OutlookChannel
from bot.channels.slack import SlackChannel, make_slack_client
from bot.cli import app
from bot.db import make_engine, session_scope
from bot.models import Message, SendPace
from bot.outbox import DeliveryPolicy, NewMessage, claim_next, deliver_due, deliver_one, enqueue
from bot.pace_store import message_pace_key, pace_key_of
from bot.rules.pacing import Pace
from tests.fakes.fixtures import fake_microsoft  # noqa: F401
from tests.fakes.microsoft import FakeMicrosoft
from tests.fakes.slack_api import FakeSlackApi
from tests.test_outbox import MONDAY_10AM, RecordingChannel

TOKEN = "xoxb-riverside-test"
#: Five a second per conversation, spaced 30 % wider: the fake allows five in any second.
FAST_SLACK = Pace(5, timedelta(seconds=1), margin=0.3)


def now() -> datetime:
    return datetime.now(UTC)


def queue(engine: Engine, channel: str, addresses: list[str], *, prefix: str = "m") -> None:
    with session_scope(engine) as session:
        for n, address in enumerate(addresses):
            enqueue(session, NewMessage(f"{prefix}{n}", "chaser", channel, None, address, "Update needed",
                                        f"RIV3-{n}-1 is overdue ({prefix}{n})."), now=MONDAY_10AM, actor="test")


def most_in_any_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max((sum(1 for t in times[i:] if t - start < window) for i, start in enumerate(times)), default=0)


def run_workers(engine: Engine, count: int, work: Callable[[Engine, int], None]) -> None:
    """`count` workers at once, each with its own engine (its own connections), as processes would."""
    engines = [make_engine(engine.url.render_as_string(hide_password=False)) for _ in range(count)]
    threads = [threading.Thread(target=work, args=(own, n)) for n, own in enumerate(engines)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for own in engines:
        own.dispose()


def deliver_with(pacing: Mapping[str, Pace], channels: Callable[[], Mapping[str, Channel]]) -> Callable[[Engine, int], None]:
    def work(own: Engine, n: int) -> None:
        deliver_due(own, channels(), now, worker=f"w{n}", policy=DeliveryPolicy(pacing=pacing),
                    wait_up_to=timedelta(seconds=5))
    return work


def test_the_sql_pace_key_agrees_with_the_rule(engine: Engine) -> None:
    with session_scope(engine) as session:
        for n, (channel, address, thread_channel) in enumerate([
            ("email", "priya.shah@police.example.org", None), ("slack", "U0PRIYA", None),
            ("slack", "U0PRIYA", "C0BOARD"), ("slack", "C0BOARD", None), ("outbox", "board", None),
        ]):
            session.add(Message(idempotency_key=f"k{n}", kind="chaser", channel=channel, recipient_address=address,
                                slack_channel=thread_channel))
    with session_scope(engine) as session:
        rows = session.exec(select(Message)).all()
        in_sql = dict(session.exec(select(Message.id, message_pace_key())).all())  # type: ignore[call-overload]
    assert {m.id: pace_key_of(m) for m in rows} == in_sql
    assert sorted(set(in_sql.values())) == ["email", "outbox:board", "slack:C0BOARD", "slack:U0PRIYA"]


@pytest.mark.parametrize("shared_pace", [True, False], ids=["paced", "unpaced control"])
def test_two_workers_keep_one_conversations_pace_and_send_nothing_twice(engine: Engine, shared_pace: bool) -> None:
    with FakeSlackApi() as fake:
        fake.limit_rate(5)
        queue(engine, "slack", ["C0BOARD"] * 10 + [f"U{n:07d}" for n in range(10)])
        pacing = {"slack": FAST_SLACK} if shared_pace else {}
        run_workers(engine, 2, deliver_with(pacing, lambda: {"slack": SlackChannel(make_slack_client(TOKEN, fake.url))}))
        board = [c for c in fake.calls("chat.postMessage") if c.body["channel"] == "C0BOARD"]
        refused = [c for c in board if c.status == 429]
        if not shared_pace:
            assert refused, "without the shared pace the fake should have refused some posts"
            return
        accepted = [c.at for c in board if c.error is None]
        texts = [m.text for m in fake.messages()]
    assert not refused and most_in_any_window(accepted, 1.0) <= 5
    assert len(texts) == len(set(texts)) == 20
    with session_scope(engine) as session:
        assert {m.state for m in session.exec(select(Message)).all()} == {"sent"}


def test_two_workers_keep_the_mailboxs_rate_and_concurrency(engine: Engine, fake_microsoft: FakeMicrosoft) -> None:
    mail = Pace(5, timedelta(seconds=1), concurrent=2, margin=0.5)
    fake = fake_microsoft
    fake.limit_sending(5, timedelta(seconds=1))
    fake.slow_down("create_message", 0.3)  # a slow Graph: sends would overlap without the cap
    queue(engine, "email", [f"lead{n}@agency.example.org" for n in range(10)])

    def outlook() -> Mapping[str, Channel]:
        graph = GraphClient(fake.tenant_id, fake.client_id, fake.client_secret, fake.authority_url,
                            fake.graph_url, fake.mailbox, verify=fake.ca_path)
        return {"email": OutlookChannel(graph)}

    run_workers(engine, 2, deliver_with({"email": mail}, outlook))
    refused = [c for c in fake.calls if c.status == 429]
    times = [t.timestamp() for t in fake.send_times]
    recipients = [m["toRecipients"][0]["emailAddress"]["address"] for m in fake.sent]
    peak = fake.peak_concurrency
    assert not refused and most_in_any_window(times, 1.0) <= 5
    assert peak <= 2
    assert sorted(recipients) == sorted(f"lead{n}@agency.example.org" for n in range(10))


def test_a_429_holds_the_conversation_for_every_process_until_retry_after(engine: Engine) -> None:
    policy = DeliveryPolicy(pacing={"slack": Pace(1, timedelta(seconds=1))})
    channel = RecordingChannel()
    channel.failures.append(DeliveryError("slow down", permanent=False, retry_after=2.5, code="ratelimited",
                                          rate_limited=True))
    queue(engine, "slack", ["C0BOARD", "C0BOARD", "U0PRIYA"])
    assert deliver_one(engine, {"slack": channel}, MONDAY_10AM, worker="w1", policy=policy)
    with session_scope(engine) as session:
        held = session.get(SendPace, "slack:C0BOARD")
        assert held is not None and held.next_at == MONDAY_10AM + timedelta(seconds=2.5)
    # Another process, 2.4 s on: only the DM is free; the board channel waits out the fractional Retry-After.
    assert deliver_one(engine, {"slack": channel}, MONDAY_10AM + timedelta(seconds=2.4), worker="w2", policy=policy)
    assert not deliver_one(engine, {"slack": channel}, MONDAY_10AM + timedelta(seconds=2.45), worker="w2", policy=policy)
    assert [e.to_address for e in channel.delivered] == ["U0PRIYA"]
    assert deliver_one(engine, {"slack": channel}, MONDAY_10AM + timedelta(seconds=2.5), worker="w2", policy=policy)
    assert [e.to_address for e in channel.delivered] == ["U0PRIYA", "C0BOARD"]


def test_no_more_sends_under_way_to_the_mailbox_than_it_allows(engine: Engine) -> None:
    policy = DeliveryPolicy(pacing={"email": Pace(1000, timedelta(seconds=1), concurrent=2)},
                            claim_for=timedelta(minutes=5))
    queue(engine, "email", [f"lead{n}@agency.example.org" for n in range(4)])
    at = MONDAY_10AM
    first = claim_next(engine, at, "w1", policy)
    second = claim_next(engine, at + timedelta(seconds=1), "w2", policy)
    assert first is not None and second is not None
    assert claim_next(engine, at + timedelta(seconds=2), "w3", policy) is None  # two are under way
    # A claim that ran out is no longer under way (its worker is presumed dead): the mailbox has room.
    assert claim_next(engine, at + timedelta(minutes=5, seconds=1), "w3", policy) is not None


def test_dhr_deliver_keeps_the_pace(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "dhr.toml"
    config.write_text("[policy]\nslack_messages_per_conversation = 5\nslack_pace_seconds = 1.0\npace_margin = 0.3\n")
    with FakeSlackApi() as fake:
        fake.limit_rate(5)
        for name, value in {"DHR_DATABASE_URL": engine.url.render_as_string(hide_password=False),
                            "DHR_CONFIG": str(config), "SLACK_BOT_TOKEN": TOKEN,
                            "SLACK_SIGNING_SECRET": "riverside-signing-secret", "SLACK_API_URL": fake.url}.items():
            monkeypatch.setenv(name, value)
        queue(engine, "slack", ["C0BOARD"] * 8)
        result = CliRunner().invoke(app, ["deliver"])
        posts = fake.calls("chat.postMessage")
    assert result.exit_code == 0 and "Sent 8," in result.stdout, result.output
    assert [c.status for c in posts] == [200] * 8  # not one refused
    assert most_in_any_window([c.at for c in posts], 1.0) <= 5
