"""Kill the real `dhr deliver` process mid-batch (SIGKILL), start it again: every message reaches
Slack exactly once. The bot talks to the local fake Slack Web API through SLACK_API_URL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.db import session_scope
from bot.models import Message
from bot.outbox import NewMessage, enqueue
from tests.fakes.fixtures import SLACK_TEST_TOKEN, fake_slack  # noqa: F401
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
