"""What every transport takes (an Envelope), gives back (a Receipt) and raises (DeliveryError).

Transports are thin: they turn an already rendered message into one API call (or two) and say
whether a failure is worth retrying. When and how often to retry is the outbox's decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.rules.statuses import ChannelKind

#: Mail headers we add to every message (Graph allows only x- names), so a message found in a
#: mailbox or outbox folder can be traced back to its Message row.
REF_HEADER = "x-dhr-ref"
MESSAGE_ID_HEADER = "x-dhr-message-id"


@dataclass(frozen=True)
class Envelope:
    """One rendered message ready to go out.

    `to_address` is a Slack user id (`U0PRIYA`), a Slack channel id (`C0BOARD`) or a mail address.
    `text` is always set: it is the mail's plain part and Slack's notification fallback.
    """

    message_id: int
    kind: str
    to_address: str
    to_name: str | None
    cc: tuple[str, ...]
    subject: str
    text: str
    html: str | None
    blocks: list[dict[str, Any]] | None
    ref_token: str | None
    thread_ts: str | None = None
    slack_channel: str | None = None
    reply_to_internet_message_id: str | None = None
    #: Graph id of the received mail this answers: the Outlook transport sends a createReply to it.
    reply_to_graph_message_id: str | None = None
    #: A file to attach (the board's Word report on its digest mail).
    attachment_path: str | None = None


@dataclass(frozen=True)
class Receipt:
    """The ids a transport gave back, kept on the Message row so replies can be matched later."""

    slack_channel: str | None = None
    slack_ts: str | None = None
    graph_message_id: str | None = None
    conversation_id: str | None = None
    internet_message_id: str | None = None
    outbox_path: str | None = None


class DeliveryError(Exception):
    """A send failed.

    `permanent` means trying again cannot help (unknown recipient, channel gone, bad credentials):
    the outbox marks the message dead. Otherwise it retries, not before `retry_after` seconds when
    the service said so (HTTP 429/503 Retry-After). `code` is the service's short error code
    (`channel_not_found`, `ratelimited`, `http_503`); it never contains message content.
    `recipient_gone` means the address itself no longer exists (a deleted or deactivated Slack
    user): the outbox records that on the contact, so routing reaches them another way.
    `outage` (from the code, see `is_credential_outage`) means the bot's own credentials were
    refused: the whole channel is down, not this message, and the outbox pauses the channel.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        code: str | None = None,
        rate_limited: bool = False,
        recipient_gone: bool = False,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
        self.code = code
        #: HTTP 429: the service is fine and said when to come back; not a failed attempt.
        self.rate_limited = rate_limited
        self.recipient_gone = recipient_gone

    @property
    def outage(self) -> bool:
        return is_credential_outage(self.code)

    def __repr__(self) -> str:
        return (
            f"DeliveryError({str(self)!r}, permanent={self.permanent}, "
            f"retry_after={self.retry_after}, code={self.code!r})"
        )


#: Error codes that say the bot's own credentials were refused, whatever the message: the channel is
#: down for every message until someone fixes the credential, so the outbox pauses it (bot.pauses)
#: instead of giving up on each message.
#: Slack answers these with HTTP 200 and `{"ok": false, "error": ...}` on every Web API method
#: (docs.slack.dev/reference/methods/chat.postMessage and .../conversations.open, "Errors"):
#: `not_authed` no token; `invalid_auth` token invalid (or the request's IP is not allowed);
#: `account_inactive` "authentication token is for a deleted user or workspace when using a bot
#: token"; `token_revoked` the token was revoked or the app removed; `token_expired` a rotating token
#: expired (docs.slack.dev/authentication/using-token-rotation). A deactivated *recipient* is
#: `user_disabled` / `user_not_found` instead (conversations.open), handled per message.
SLACK_CREDENTIAL_ERRORS = frozenset({"not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired"})
#: Microsoft: the token endpoint refuses the app's client secret with `invalid_client` (AADSTS7000215
#: invalid secret, AADSTS7000222 expired secret) or an unknown app with `unauthorized_client`
#: (learn.microsoft.com/entra/identity-platform/reference-error-codes); Graph refuses a token with
#: 401 `InvalidAuthenticationToken` and an app without access to the mailbox (consent withdrawn, an
#: application access policy) with 403 `ErrorAccessDenied` (learn.microsoft.com/graph/errors,
#: learn.microsoft.com/graph/auth-limit-mailbox-access).
MICROSOFT_CREDENTIAL_ERRORS = frozenset({
    "invalid_client", "unauthorized_client", "AADSTS7000215", "AADSTS7000222",
    "InvalidAuthenticationToken", "ErrorAccessDenied",
})


def is_credential_outage(code: str | None) -> bool:
    """Whether a service's error code means our credentials were refused (a channel outage) rather
    than this one message being refused. The codes of the two services do not overlap."""
    return code is not None and (code in SLACK_CREDENTIAL_ERRORS or code in MICROSOFT_CREDENTIAL_ERRORS)


class Channel(Protocol):
    """Every transport: `send` one envelope; `find_sent` says whether an earlier try went out after all.

    The outbox calls `find_sent` before sending again a message whose last try ended unclear (a
    timeout, a crash mid-send): a Receipt means it was delivered, None that it was not.
    """

    kind: ChannelKind

    def send(self, envelope: Envelope) -> Receipt: ...

    def find_sent(self, envelope: Envelope, since: datetime) -> Receipt | None: ...

    def probe(self) -> None:
        """Check cheaply that our credentials work (Slack auth.test, a fresh Graph token and one
        mailbox read); raise DeliveryError when they do not. Used to end a pause."""


def subject_with_ref(subject: str, ref_token: str | None) -> str:
    """`[DHR-7f3a] subject`, so a reply that loses every header still carries the reference."""
    if not ref_token:
        return subject
    tag = f"[{ref_token}]"
    return subject if tag in subject else f"{tag} {subject}"


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header given in seconds; None when absent or not a number.

    (The HTTP-date form is allowed by RFC 9110 but neither Slack nor Graph sends it.)
    """
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return max(seconds, 0.0)
