"""Slack transport: direct messages and channel posts through the Web API (slack_sdk.WebClient).

Rate limits are not slept on here. A 429 becomes a transient DeliveryError carrying Retry-After, so
the outbox reschedules the message and the sending thread stays free for other recipients.
"""

from __future__ import annotations

import http.client
import threading
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

from bot.channels.base import DeliveryError, Envelope, Receipt, parse_retry_after
from bot.rules.statuses import ChannelKind

DEFAULT_SLACK_API_URL = "https://slack.com/api/"

#: Slack error codes that can succeed on a later attempt; every other code is permanent.
TRANSIENT_SLACK_ERRORS = frozenset(
    {
        "ratelimited",
        "rate_limited",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "team_added_to_org",
    }
)

#: Slack error codes meaning the id we hold is gone for good (user deleted or deactivated, channel
#: archived or never ours): a retry cannot help, and the person must be reached another way.
#: conversations.open answers `user_disabled` for a deactivated user; `account_inactive` is about
#: our own token (see base.SLACK_CREDENTIAL_ERRORS), never about the person written to.
GONE_SLACK_IDS = frozenset({"user_not_found", "user_disabled", "channel_not_found"})


def make_slack_client(token: str, api_url: str | None = None, *, timeout: int = 30) -> WebClient:
    """A WebClient for SLACK_BOT_TOKEN at SLACK_API_URL (a local fake in tests).

    Only connection errors are retried inside the client (once); 429s come back to us.
    """
    return WebClient(
        token=token,
        base_url=api_url or DEFAULT_SLACK_API_URL,
        timeout=timeout,
        retry_handlers=[ConnectionErrorRetryHandler()],
    )


def delivery_error_from_slack(error: Exception, method: str) -> DeliveryError:
    """Classify a failed Web API call as permanent or transient."""
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        data = error.response.data if isinstance(error.response.data, dict) else {}
        code = str(data.get("error") or f"http_{status}")
        if status == 429:
            headers = {k.lower(): v for k, v in (error.response.headers or {}).items()}
            retry_after = parse_retry_after(_first(headers.get("retry-after")))
            return DeliveryError(
                f"Slack {method} rate limited", permanent=False, retry_after=retry_after, code="ratelimited",
                rate_limited=True,
            )
        transient = status >= 500 or code in TRANSIENT_SLACK_ERRORS
        return DeliveryError(f"Slack {method} failed: {code} (HTTP {status})", permanent=not transient, code=code,
                             recipient_gone=code in GONE_SLACK_IDS)
    if isinstance(error, (OSError, http.client.HTTPException)):  # URLError, timeouts, resets
        return DeliveryError(
            f"Slack {method} unreachable: {type(error).__name__}", permanent=False, code="connection_error"
        )
    return DeliveryError(f"Slack {method} failed: {type(error).__name__}", permanent=True, code="client_error")


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        return str(value[0]) if value else None
    return None if value is None else str(value)


def _is_user_id(address: str) -> bool:
    # User ids start with U (or W on Enterprise Grid); C/G/D are conversations.
    return address[:1] in {"U", "W"}


METADATA_EVENT = "dhr_message"

#: `since` is our clock, message ts are Slack's: look a little earlier so a fast local clock misses nothing.
CLOCK_SKEW_SECONDS = 60.0


class SlackChannel:
    kind: ChannelKind = ChannelKind.SLACK

    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._dm_channels: dict[str, str] = {}
        self._lock = threading.Lock()

    def send(self, envelope: Envelope) -> Receipt:
        """Post to `slack_channel` if given, else to the conversation for `to_address`.

        A user id is first turned into their DM channel (conversations.open; cached per user).
        """
        target = envelope.slack_channel or envelope.to_address
        channel = self.dm_channel(target) if _is_user_id(target) else target
        arguments: dict[str, Any] = {
            "channel": channel,
            "text": envelope.text,
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if envelope.blocks:
            arguments["blocks"] = envelope.blocks
        if envelope.thread_ts:
            arguments["thread_ts"] = envelope.thread_ts
        if envelope.ref_token:
            # Lets find_sent recognise this message after a crash between posting and recording it.
            arguments["metadata"] = {"event_type": METADATA_EVENT, "event_payload": {"ref": envelope.ref_token}}
        response = self._call("chat.postMessage", self.client.chat_postMessage, **arguments)
        return Receipt(slack_channel=str(response["channel"]), slack_ts=str(response["ts"]))

    def find_sent(self, envelope: Envelope, since: datetime) -> Receipt | None:
        """The message if it was posted after all (looked up by its ref token in the message metadata)."""
        if not envelope.ref_token:
            return None
        target = envelope.slack_channel or envelope.to_address
        channel = self.dm_channel(target) if _is_user_id(target) else target
        oldest = f"{since.timestamp() - CLOCK_SKEW_SECONDS:.6f}"
        window = {"channel": channel, "oldest": oldest, "include_all_metadata": True, "limit": 200}
        # conversations.history lists only parent messages; a reply in a thread is found in the thread.
        if envelope.thread_ts:
            response = self._call("conversations.replies", self.client.conversations_replies,
                                  ts=envelope.thread_ts, **window)
        else:
            response = self._call("conversations.history", self.client.conversations_history, **window)
        for message in response.get("messages", []):
            metadata = message.get("metadata") or {}
            payload = metadata.get("event_payload") or {}
            if metadata.get("event_type") == METADATA_EVENT and payload.get("ref") == envelope.ref_token:
                return Receipt(slack_channel=channel, slack_ts=str(message["ts"]))
        return None

    def probe(self) -> None:
        """auth.test: answers ok for a working token, the same credential errors as every method
        otherwise (docs.slack.dev/reference/methods/auth.test)."""
        self._call("auth.test", self.client.auth_test)

    def dm_channel(self, user_id: str) -> str:
        with self._lock:
            cached = self._dm_channels.get(user_id)
        if cached:
            return cached
        response = self._call("conversations.open", self.client.conversations_open, users=user_id)
        channel_id = str(response["channel"]["id"])
        with self._lock:
            self._dm_channels[user_id] = channel_id
        return channel_id

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None) -> Receipt:
        """Edit a message we posted earlier (e.g. to show "thanks, recorded" after a button click)."""
        arguments: dict[str, Any] = {"channel": channel, "ts": ts, "text": text}
        if blocks is not None:
            arguments["blocks"] = blocks
        response = self._call("chat.update", self.client.chat_update, **arguments)
        return Receipt(slack_channel=str(response["channel"]), slack_ts=str(response["ts"]))

    def lookup_user_id(self, email: str) -> str | None:
        """The Slack user id for a mail address, or None when nobody in the workspace has it."""
        try:
            response = self.client.users_lookupByEmail(email=email)
        except SlackApiError as error:
            data = error.response.data if isinstance(error.response.data, dict) else {}
            if data.get("error") in {"users_not_found", "user_not_found"}:
                return None
            raise delivery_error_from_slack(error, "users.lookupByEmail") from error
        except (SlackClientError, OSError, http.client.HTTPException) as error:
            raise delivery_error_from_slack(error, "users.lookupByEmail") from error
        return str(response["user"]["id"])

    @staticmethod
    def _call(method: str, function: Any, **arguments: Any) -> Any:
        try:
            return function(**arguments)
        except (SlackClientError, OSError, http.client.HTTPException) as error:
            raise delivery_error_from_slack(error, method) from error
