"""Events API deliveries shaped as Slack sends them, for driving the app through its HTTP endpoint.

What Slack documents and these helpers copy:

- Message text arrives with `&`, `<` and `>` escaped as `&amp;`, `&lt;`, `&gt;` (those three only):
  Slack uses them as control characters for mentions and links
  (api.slack.com/reference/surfaces/formatting#escaping). A link someone typed arrives as
  `<https://...>` and a mention as `<@U123>`.
- Each event callback has an `event_id` unique to the event. When the app does not answer with a
  2xx within 3 seconds (or the connection fails), Slack delivers the SAME payload again, at once,
  after about a minute and after about five minutes, each time with the headers
  `X-Slack-Retry-Num` (1, 2, 3) and `X-Slack-Retry-Reason` (`http_timeout`, `http_error`,
  `connection_failed`, ...); `X-Slack-No-Retry: 1` in an answer turns retries off
  (api.slack.com/apis/events-api#retries, "Graceful retries").
- An edited message comes as `subtype: "message_changed"`, `hidden: true`, with the channel, the
  edit's own `ts`/`event_ts`, the new `message` (its `ts` is the original message's, with `edited`
  {user, ts}) and the `previous_message`; it is also sent when only metadata changed (Slack's
  language detection, a link preview), with the same text. A deleted message comes as
  `subtype: "message_deleted"`, `hidden: true`, with `deleted_ts` (the original's ts) and the
  `previous_message` (docs.slack.dev/reference/events/message/message_changed and
  .../message_deleted). Texts inside are escaped like any message text.
- Slackbot itself writes into threads (reminders, "was mentioned but is not in this channel"):
  such a message has `user: "USLACKBOT"` and no `bot_id` and no subtype
  (api.slack.com/events/message; api.slack.com/changelog user id USLACKBOT).
"""

from __future__ import annotations

import itertools
import time
from typing import Any

SLACKBOT = "USLACKBOT"
#: X-Slack-Retry-Reason values Slack documents.
RETRY_REASONS = ("http_timeout", "too_many_redirects", "connection_failed", "ssl_error", "http_error", "unknown_error")

_event_numbers = itertools.count(1)


def escape(text: str) -> str:
    """Text as Slack puts it in an event: the three control characters as HTML entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def new_event_id() -> str:
    return f"Ev0{next(_event_numbers):09d}"


def event_callback(event: dict[str, Any], *, team_id: str, event_id: str | None = None) -> dict[str, Any]:
    """The outer envelope of one Events API delivery; `text` is escaped as Slack escapes it."""
    inner = dict(event)
    if isinstance(inner.get("text"), str):
        inner["text"] = escape(inner["text"])
    return {
        "token": "deprecated-verification-token", "team_id": team_id, "api_app_id": "A0DHR",
        "type": "event_callback", "event_id": event_id or new_event_id(), "event_time": int(time.time()),
        "authorizations": [{"team_id": team_id, "user_id": "U0DHRBOT", "is_bot": True}], "event": inner,
    }


def edited_message(channel: str, original: dict[str, Any], new_text: str) -> dict[str, Any]:
    """The `message_changed` event for `original` (a message event) now reading `new_text`."""
    edit_ts = f"{time.time():.6f}"
    previous = {k: v for k, v in original.items() if k != "channel"}
    edited = {**previous, "text": new_text, "edited": {"user": original.get("user") or original.get("bot_id"),
                                                       "ts": edit_ts}}
    return {"type": "message", "subtype": "message_changed", "hidden": True, "channel": channel, "ts": edit_ts,
            "event_ts": edit_ts, "channel_type": original.get("channel_type", "im"),
            "message": _escaped(edited), "previous_message": _escaped(previous)}


def deleted_message(channel: str, original: dict[str, Any]) -> dict[str, Any]:
    """The `message_deleted` event for `original` (a message event)."""
    delete_ts = f"{time.time():.6f}"
    previous = {k: v for k, v in original.items() if k != "channel"}
    return {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": channel, "ts": delete_ts,
            "event_ts": delete_ts, "deleted_ts": original["ts"], "channel_type": original.get("channel_type", "im"),
            "previous_message": _escaped(previous)}


def _escaped(message: dict[str, Any]) -> dict[str, Any]:
    return {**message, "text": escape(message["text"])} if isinstance(message.get("text"), str) else message


def retry_headers(number: int, reason: str = "http_timeout") -> dict[str, str]:
    """Headers of Slack's `number`-th redelivery of an event (1 to 3)."""
    if not 1 <= number <= 3 or reason not in RETRY_REASONS:
        raise ValueError(f"Slack retries 1-3 times for one of {RETRY_REASONS}")
    return {"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": reason}


def slackbot_thread_message(channel: str, thread_ts: str, text: str) -> dict[str, Any]:
    """Slackbot's own post in a thread: a user id, no bot_id, no subtype."""
    return {"type": "message", "channel": channel, "user": SLACKBOT, "text": text,
            "ts": f"{time.time():.6f}", "thread_ts": thread_ts, "channel_type": "im"}
