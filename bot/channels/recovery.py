"""After a crash or an unclear failure: did the message go out, may it still be on its way, or
is it safe to send again? One pure decision, used by every transport that keeps a sent copy late."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from bot.channels.base import DeliveryError


class Verdict(StrEnum):
    SENT = "sent"  # the service has a copy: record it, never send again
    WAIT = "wait"  # no copy yet, but one may still appear: ask again later
    RESEND = "resend"  # no copy long after the attempt: it did not go out


def unconfirmed_send(copy_found: bool, attempt_started: datetime, now: datetime, hold: timedelta) -> Verdict:
    """What to do with a message whose last attempt may or may not have gone out.

    `hold` is how long after an attempt its copy may take to show (Exchange saves the Sent Items
    copy only once the mail has been submitted, which can take minutes when the mailbox is busy).
    Within it a missing copy proves nothing, so the message waits rather than risk a second send.
    """
    if copy_found:
        return Verdict.SENT
    return Verdict.WAIT if now < attempt_started + hold else Verdict.RESEND


class SendUnconfirmed(DeliveryError):
    """The last attempt may still be on its way: look again in `retry_after` seconds. Not a failed
    attempt, so a slow mailbox never uses up a message's attempts."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(
            "no sent copy yet; the last attempt may still be on its way", permanent=False,
            retry_after=max(retry_after, 1.0), code="send_unconfirmed",
        )
