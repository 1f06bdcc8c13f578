"""Kill the real `dhr deliver` process mid-batch (SIGKILL), start it again: every message reaches
Slack, or the mail recipient, exactly once. The bot talks to the local fake Slack Web API through
SLACK_API_URL and to the fake Microsoft Graph through GRAPH_API_URL; the fake mailbox files sent
mail in Sent Items only a second later and without our headers, as Exchange does. Kills come at chosen
points (after N posts or Graph calls) and, seeded, at random moments several times in one batch."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.db import session_scope
from bot.models import Message
from bot.outbox import NewMessage, enqueue
from tests.fakes.fixtures import SLACK_TEST_TOKEN, fake_slack  # noqa: F401
from tests.fakes.microsoft import FakeMicrosoft
from tests.fakes.slack_api import FakeSlackApi

MESSAGES = 30
PAST = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # due long ago, so `dhr deliver` sends them now


def dhr_deliver(engine: Engine, fake: FakeSlackApi) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DHR_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "SLACK_BOT_TOKEN": SLACK_TEST_TOKEN,
        "SLACK_SIGNING_SECRET": "not-used-by-delivery",
        "SLACK_API_URL": fake.url,
        "DHR_POLICY__DELIVERY_CLAIM_SECONDS": "1",
    }
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "deliver"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def posts(fake: FakeSlackApi) -> list[str]:
    """The ref token of every message the fake accepted."""
    return [c.body["metadata"]["event_payload"]["ref"] for c in fake.calls("chat.postMessage") if c.error is None]


@pytest.mark.parametrize("kill_after_posts", [1, 12])
def test_killed_mid_batch_then_restarted_every_message_is_posted_once(
    engine: Engine, fake_slack: FakeSlackApi, kill_after_posts: int
) -> None:
    with session_scope(engine) as session:
        for n in range(MESSAGES):
            enqueue(session, NewMessage(f"crash-{n}", "chaser", "slack", None, f"U{n:07d}X", "Update needed",
                                        f"RIV3-{n}-1 is overdue."), now=PAST, actor="test")
    fake_slack.slow_down(0.05)

    first = dhr_deliver(engine, fake_slack)
    deadline = time.monotonic() + 60
    while len(posts(fake_slack)) < kill_after_posts and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert len(posts(fake_slack)) < MESSAGES, "the first run finished before it could be killed"

    # The restarted bot delivers as the scheduler would, once a minute (here every second): the
    # dead worker's claim (1 s in this test) must run out before its message is taken over.
    for _ in range(10):
        time.sleep(1.2)
        again = dhr_deliver(engine, fake_slack)
        _, stderr = again.communicate(timeout=120)
        assert again.returncode == 0, stderr.decode()
        with session_scope(engine) as session:
            if {m.state for m in session.exec(select(Message)).all()} == {"sent"}:
                break

    sent = posts(fake_slack)
    assert len(sent) == MESSAGES and len(set(sent)) == MESSAGES
    with session_scope(engine) as session:
        assert {m.state for m in session.exec(select(Message)).all()} == {"sent"}


MAILS = 8


def dhr_deliver_mail(engine: Engine, fake: FakeMicrosoft) -> subprocess.Popen[bytes]:
    env = {
        **os.environ, **fake.env(),
        "DHR_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "DHR_POLICY__DELIVERY_CLAIM_SECONDS": "1",
        # Longer than the fake's one-second delay before a sent mail shows in Sent Items.
        "DHR_POLICY__SENT_ITEMS_HOLD_SECONDS": "4",
    }
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"):
        env.pop(name, None)
    return subprocess.Popen([sys.executable, "-m", "bot.cli", "deliver"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def mails(fake: FakeMicrosoft) -> list[str]:
    """The addressee of every mail that went out."""
    return [m["toRecipients"][0]["emailAddress"]["address"] for m in fake.sent]


@pytest.mark.parametrize(("kill_after_calls", "operation"), [
    (1, "create_message"), (3, "send"), (4, "create_message"), (6, "send"), (7, "create_message"),
])
def test_killed_while_mailing_then_restarted_every_mail_goes_out_once(
    engine: Engine, kill_after_calls: int, operation: str
) -> None:
    with session_scope(engine) as session:
        for n in range(MAILS):
            enqueue(session, NewMessage(f"mail-crash-{n}", "chaser", "email", None, f"lead{n}@agency.example.org",
                                        "Update needed", f"RIV3-{n}-1 is overdue."), now=PAST, actor="test")
    with FakeMicrosoft(sent_copy_delay=timedelta(seconds=1)) as fake:
        fake.slow_down("create_message", 0.05)
        fake.slow_down("send", 0.1)
        first = dhr_deliver_mail(engine, fake)
        deadline = time.monotonic() + 60
        while len(fake.graph_calls(operation)) < kill_after_calls and first.poll() is None:
            assert time.monotonic() < deadline, "the first run never got that far"
            time.sleep(0.005)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        assert len(fake.sent) < MAILS, "the first run finished before it could be killed"

        for _ in range(20):
            time.sleep(1.2)
            again = dhr_deliver_mail(engine, fake)
            _, stderr = again.communicate(timeout=120)
            assert again.returncode == 0, stderr.decode()
            with session_scope(engine) as session:
                if {m.state for m in session.exec(select(Message)).all()} == {"sent"}:
                    break

        sent = mails(fake)
        assert sorted(sent) == sorted(f"lead{n}@agency.example.org" for n in range(MAILS))
        assert fake.folder_messages("drafts") == [], "a draft of an interrupted attempt was left behind"


def _kill_at_random_until_all_sent(engine: Engine, start: Callable[[], subprocess.Popen[bytes]],
                                   rng: random.Random, *, kills: int) -> None:
    """Start delivery and SIGKILL it at a random moment, `kills` times, then let one run finish."""
    for _ in range(kills):
        process = start()
        time.sleep(rng.uniform(0.3, 3.0))  # from still importing to deep in the batch
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        time.sleep(rng.uniform(0.0, 1.5))  # sometimes before the dead claim (1 s) runs out
    for _ in range(20):
        time.sleep(1.2)
        last = start()
        _, stderr = last.communicate(timeout=120)
        assert last.returncode == 0, stderr.decode()
        with session_scope(engine) as session:
            if {m.state for m in session.exec(select(Message)).all()} == {"sent"}:
                return
    raise AssertionError("delivery never finished after the kills")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_at_random_moments_every_message_is_posted_once(
    engine: Engine, fake_slack: FakeSlackApi, seed: int
) -> None:
    with session_scope(engine) as session:
        for n in range(MESSAGES):
            enqueue(session, NewMessage(f"chaos-{n}", "chaser", "slack", None, f"U{n:07d}X", "Update needed",
                                        f"RIV3-{n}-1 is overdue."), now=PAST, actor="test")
    fake_slack.slow_down(0.05)
    _kill_at_random_until_all_sent(engine, lambda: dhr_deliver(engine, fake_slack), random.Random(seed), kills=4)
    sent = posts(fake_slack)
    assert len(sent) == MESSAGES and len(set(sent)) == MESSAGES


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_at_random_moments_every_mail_goes_out_once(engine: Engine, seed: int) -> None:
    with session_scope(engine) as session:
        for n in range(MAILS):
            enqueue(session, NewMessage(f"mail-chaos-{n}", "chaser", "email", None, f"lead{n}@agency.example.org",
                                        "Update needed", f"RIV3-{n}-1 is overdue."), now=PAST, actor="test")
    with FakeMicrosoft(sent_copy_delay=timedelta(seconds=1)) as fake:
        fake.slow_down("create_message", 0.05)
        fake.slow_down("send", 0.1)
        _kill_at_random_until_all_sent(engine, lambda: dhr_deliver_mail(engine, fake), random.Random(seed), kills=4)
        assert sorted(mails(fake)) == sorted(f"lead{n}@agency.example.org" for n in range(MAILS))
        assert fake.folder_messages("drafts") == [], "a draft of an interrupted attempt was left behind"
