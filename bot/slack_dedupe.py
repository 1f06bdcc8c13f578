"""Slack retries and replays are handled once, across restarts and replicas.

Slack redelivers an event it thinks was not acknowledged (same `event_id`, with
X-Slack-Retry-Num; api.slack.com/apis/events-api#retries), and anyone who captured a signed
command or button click can replay it byte for byte within the five-minute signature window.
Each delivery gets a key: `event:<event_id>` for events, and for commands and interactions a
hash of the request's (timestamp, signature), which is unique to those exact bytes. The first
delivery inserts its key into the database; a second finds it there and is acknowledged without
being processed again. Keys are kept a day, far beyond Slack's last retry (about five minutes)
and the replay window.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from slack_bolt import App, BoltRequest, BoltResponse
from sqlalchemy.engine import Engine

from bot.models import SlackDelivery

log = logging.getLogger(__name__)

KEEP_KEYS_FOR = timedelta(days=1)


def delivery_key(body: Mapping[str, Any], headers: Mapping[str, Sequence[str]]) -> str | None:
    """The key of one delivery; None when it has none (Socket Mode commands carry no signature,
    and a socket is not open to replays)."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    timestamp = _first(headers, "x-slack-request-timestamp")
    signature = _first(headers, "x-slack-signature")
    if timestamp and signature:
        return "signed:" + hashlib.sha256(f"{timestamp}:{signature}".encode()).hexdigest()
    return None


def first_delivery(engine: Engine, key: str, now: datetime) -> bool:
    """True the first time `key` is seen (and records it); False for a retry or a replay."""
    table = SlackDelivery.__table__  # type: ignore[attr-defined]
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(table).values(key=key, seen_at=now))
    except sa.exc.IntegrityError:
        return False
    return True


def forget_deliveries(engine: Engine, now: datetime) -> int:
    """Drop keys older than KEEP_KEYS_FOR; the number dropped."""
    table = SlackDelivery.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        result = connection.execute(sa.delete(table).where(table.c.seen_at < now - KEEP_KEYS_FOR))
    return int(result.rowcount or 0)


def register_dedupe(app: App, engine: Engine, clock: Callable[[], datetime]) -> None:
    """A global middleware (after Bolt has checked the signature) that acknowledges a repeated
    delivery at once and runs no listener for it."""

    def once_only(request: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        body = request.body if isinstance(request.body, dict) else {}
        key = delivery_key(body, request.headers)
        if key is not None and not first_delivery(engine, key, clock()):
            retry = _first(request.headers, "x-slack-retry-num")
            log.info("Slack delivery seen before (%s, retry %s): acknowledged, not processed again",
                     key.split(":", 1)[0], retry or "-")
            return BoltResponse(status=200, body="")
        return next()

    app.use(once_only)


def _first(headers: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = headers.get(name) or ()
    return str(values[0]) if values else None
