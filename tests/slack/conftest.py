"""A running Slack app behind its real HTTP endpoint (waitress on 127.0.0.1, port 0), the fake Slack
Web API, and a small client that sends Slack-signed requests to it."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy.engine import Engine

from bot.app import build_bolt_app, make_http_server, make_wsgi_app
from bot.channels.base import Channel
from bot.db import session_scope
from bot.runtime import Runtime
from bot.settings import Settings, load_settings
from tests.factories import Plan, small_plan
from tests.fakes.fixtures import (  # noqa: F401
    SLACK_TEST_TOKEN,
    fake_microsoft,
    fake_slack,
    graph_client,
    slack_client,
)
from tests.fakes.slack_api import FakeSlackApi, RecordedCall
from tests.fakes.slack_events import event_callback, retry_headers

SIGNING_SECRET = "riverside-signing-secret"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
TEAM = {"id": "T0RIVER", "domain": "riverside-csp"}


def _trigger_id() -> str:
    # Slack gives every command and interaction its own trigger_id, so no two requests are the same bytes.
    return f"{time.time_ns()}.42.{secrets.token_hex(8)}"


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """Poll until `condition()` is truthy (lazy listeners run after the HTTP answer)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class ListenerPool(ThreadPoolExecutor):
    """Bolt's listener threads, counted, so a test can see the harness really owns them."""

    def __init__(self) -> None:
        super().__init__(max_workers=5, thread_name_prefix="bolt-listener")
        self.submitted = 0
        self._futures: list[Future[Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        future = super().submit(fn, *args, **kwargs)
        self._futures.append(future)
        return future

    def settle(self, timeout: float = 30.0) -> None:
        """Wait for every listener submitted so far (a lazy listener can itself submit another)."""
        deadline = time.monotonic() + timeout
        while (pending := [f for f in self._futures if not f.done()]) and time.monotonic() < deadline:
            pending[0].result(timeout=max(0.0, deadline - time.monotonic()))
        assert not pending, "listeners still running"


@dataclass
class SlackHarness:
    url: str
    fake: FakeSlackApi
    settings: Settings
    engine: Engine
    listeners: ListenerPool

    # -- sending ------------------------------------------------------------------------------

    def post(
        self, body: str, content_type: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        sent = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature,
                **(headers or {})}
        return httpx.post(self.url + "/slack/events", content=body.encode(), headers=sent, timeout=10)

    def command(self, user: str, text: str, **signing: Any) -> httpx.Response:
        form = {
            "team_id": TEAM["id"], "team_domain": TEAM["domain"], "channel_id": "C0DHRTEAM", "channel_name": "dhr",
            "user_id": user, "user_name": user.lower(), "command": "/dhr", "text": text,
            "response_url": self.fake.webhook_url(f"cmd-{user}"), "trigger_id": _trigger_id(), "api_app_id": "A0DHR",
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **signing)

    def replay(self, sent: httpx.Response) -> httpx.Response:
        """Send the very bytes and headers of an earlier request again, as a replay attacker would."""
        request = sent.request
        return httpx.post(str(request.url), content=request.content, headers=dict(request.headers), timeout=10)

    def interaction(self, payload: dict[str, Any]) -> httpx.Response:
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def click(
        self, user: str, action_id: str, value: str, *, channel: str = "D0PRIYA", message_ts: str = "1.000001"
    ) -> httpx.Response:
        return self.interaction({
            "type": "block_actions", "user": {"id": user, "team_id": TEAM["id"]}, "team": TEAM, "api_app_id": "A0DHR",
            "trigger_id": _trigger_id(), "response_url": self.fake.webhook_url(f"act-{user}"),
            "container": {"type": "message", "channel_id": channel, "message_ts": message_ts},
            "channel": {"id": channel}, "message": {"ts": message_ts, "text": "chaser"},
            "actions": [{"action_id": action_id, "block_id": "b1", "value": value, "type": "button", "action_ts": "1"}],
        })

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> httpx.Response:
        return self.interaction({
            "type": "view_submission", "user": {"id": user, "team_id": TEAM["id"]}, "team": TEAM, "api_app_id": "A0DHR",
            "trigger_id": _trigger_id(),
            "view": {**view, "id": "V1", "team_id": TEAM["id"], "state": {"values": values}},
        })

    def event(self, event: dict[str, Any], *, event_id: str | None = None, retry: int = 0) -> httpx.Response:
        """Deliver an event as Slack does (text escaped); `retry` > 0 is Slack's n-th redelivery of `event_id`."""
        body = event_callback(event, team_id=TEAM["id"], event_id=event_id)
        headers = retry_headers(retry) if retry else None
        return self.post(json.dumps(body), "application/json", headers=headers)

    # -- reading the fake ---------------------------------------------------------------------

    def calls(self, method: str, where: Callable[[RecordedCall], bool] = lambda c: True) -> list[RecordedCall]:
        return [c for c in self.fake.calls(method) if where(c)]

    def wait_call(
        self, method: str, where: Callable[[RecordedCall], bool] = lambda c: True, count: int = 1
    ) -> list[RecordedCall]:
        return wait_for(lambda: (found := self.calls(method, where)) and len(found) >= count and found,
                        f"{count} {method}")

    def responses(self, user: str) -> list[dict[str, Any]]:
        return [c.body for c in self.fake.calls("webhook") if c.path.endswith(f"-{user}")]

    def wait_response(self, user: str, count: int = 1) -> dict[str, Any]:
        return wait_for(lambda: len(self.responses(user)) >= count and self.responses(user)[count - 1],
                        f"response to {user}")


@pytest.fixture
def slack_settings(fake_slack: FakeSlackApi) -> Settings:
    return load_settings(slack_bot_token=SLACK_TEST_TOKEN, slack_signing_secret=SIGNING_SECRET,
                         slack_api_url=fake_slack.url, coordinators=[])


@pytest.fixture
def slack(engine: Engine, fake_slack: FakeSlackApi, slack_settings: Settings) -> Iterator[SlackHarness]:
    from bot.channels.slack import SlackChannel, make_slack_client

    # The Slack transport points at the fake: the confirmation question in a thread goes through the outbox.
    channels: dict[str, Channel] = {"slack": SlackChannel(make_slack_client(SLACK_TEST_TOKEN, fake_slack.url))}
    runtime = Runtime(slack_settings, engine, channels)
    # Bolt's acks and lazy listeners run here; the teardown waits for them, so a late write from this
    # test cannot land after the `engine` fixture has emptied the tables for the next one.
    listeners = ListenerPool()
    bolt = build_bolt_app(runtime, clock=lambda: NOW, listener_executor=listeners)
    wsgi = make_wsgi_app(engine, bolt, lambda: False, signing_secret=SIGNING_SECRET)
    server = make_http_server(wsgi, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield SlackHarness(f"http://127.0.0.1:{server.port}", fake_slack, slack_settings, engine, listeners)
    finally:
        server.stop(thread)  # no new requests: nothing more is submitted to the listeners
        listeners.shutdown(wait=True)


def riverside_plan(harness: SlackHarness, actions: list[tuple[str, str, date | None, str]] | None = None) -> Plan:
    default = [
        ("1-1", "Riverside Police", date(2026, 9, 30), "in_progress"),
        ("1-2", "Riverside Police", date(2026, 10, 31), "not_started"),
        ("2-1", "Riverside Council Housing", date(2026, 8, 31), "not_started"),
        ("3-1", "Riverside Hospitals NHS Trust", date(2027, 3, 31), "not_started"),
    ]
    with session_scope(harness.engine) as session:
        return small_plan(session, harness.settings, actions or default)


def delivered_chaser(harness: SlackHarness, target: str = "police") -> tuple[str, str]:
    """Queue a chaser with `/dhr chase` and send it by the normal delivery; its (channel, ts)."""
    from sqlmodel import select

    from bot.channels.slack import SlackChannel, make_slack_client
    from bot.models import Message
    from bot.outbox import deliver_due

    before = len(harness.responses("U0MORGAN"))
    harness.command("U0MORGAN", f"chase {target}")
    answer = harness.wait_response("U0MORGAN", count=before + 1)
    assert "Chaser queued" in answer["text"], answer["text"]
    channels = {"slack": SlackChannel(make_slack_client(SLACK_TEST_TOKEN, harness.fake.url))}
    report = deliver_due(harness.engine, channels, lambda: NOW, worker="test")
    assert report.sent, report
    with session_scope(harness.engine) as session:
        message = session.exec(select(Message).where(Message.state == "sent").order_by(Message.id.desc())).first()  # type: ignore[union-attr]
        assert message is not None and message.slack_channel and message.slack_ts
        return message.slack_channel, message.slack_ts
