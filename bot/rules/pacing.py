"""How fast the bot may send to one conversation or mailbox. Pure: the outbox keeps the state
(bot.pace_store) and asks these rules, with `now`, whether a send may start.

The services' documented limits:
- Slack: "chat.postMessage generally allows posting one message per second per channel, while
  also maintaining a workspace-wide limit" (api.slack.com/docs/rate-limits, "Web API Special
  Tier", which api.slack.com/methods/chat.postMessage points to under rate limits); bursts above
  it are allowed "short" and without guarantee. A DM is a channel.
- Exchange Online: 30 messages per minute per mailbox ("Message rate limit", Exchange Online
  limits, learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/
  exchange-online-limits#sending-limits); Graph's Outlook service allows 4 concurrent requests
  per app and mailbox (learn.microsoft.com/graph/throttling-limits#outlook-service-limits).
  The bot sends from one mailbox, so every mail shares one key.

Sends to a key are spaced evenly, `per / sends` apart plus a margin, rather than in bursts up to
the limit: the services count arrival times, and a request delayed on the way must still not
land inside the previous one's window. A 429 holds the key until its Retry-After has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.rules.statuses import ChannelKind


@dataclass(frozen=True)
class Pace:
    """At most `sends` sends per `per` to one key, `concurrent` of them at once (None: no cap)."""

    sends: int
    per: timedelta
    concurrent: int | None = None
    #: Extra spacing, as a fraction, for requests that arrive later than they left.
    margin: float = 0.05

    def __post_init__(self) -> None:
        if self.sends < 1 or self.per <= timedelta(0):
            raise ValueError(f"a pace needs at least one send per positive period, not {self.sends} per {self.per}")
        if self.concurrent is not None and self.concurrent < 1:
            raise ValueError(f"concurrent sends must be at least 1, not {self.concurrent}")
        if not 0 <= self.margin < 1:
            raise ValueError(f"the margin is a fraction between 0 and 1, not {self.margin}")

    @property
    def spacing(self) -> timedelta:
        return self.per * (1 + self.margin) / self.sends

    @property
    def ceiling_per_second(self) -> float:
        """The service's own limit, without our margin: what a benchmark compares against."""
        return self.sends / self.per.total_seconds()


def pace_key(channel: str, conversation: str | None) -> str:
    """Mail is limited per sending mailbox (one per deployment), Slack per conversation."""
    if channel == ChannelKind.EMAIL.value:
        return channel
    return f"{channel}:{conversation or ''}"


#: How long before its turn a worker that can wait may claim a send: it then waits for the turn,
#: so the database work of claiming neither delays the send nor spaces sends unevenly.
CLAIM_AHEAD = timedelta(milliseconds=100)


def may_start(
    next_at: datetime | None, in_flight: int, pace: Pace, now: datetime, ahead: timedelta = timedelta(0)
) -> bool:
    """Whether a send to a key may be claimed now: its turn comes within `ahead` (no spacing or
    429 hold left), and fewer than `concurrent` sends to it are under way."""
    turn_near = next_at is None or next_at <= now + ahead
    return turn_near and (pace.concurrent is None or in_flight < pace.concurrent)


def send_at(next_at: datetime | None, now: datetime) -> datetime:
    """When a claimed send goes: at its key's turn, or now if the turn has passed."""
    return now if next_at is None else max(now, next_at)


def next_after_start(pace: Pace, started: datetime) -> datetime:
    """When the send after one started at `started` may start. Measured from the turn rather
    than from when a worker got round to it, so small delays do not add up over a queue."""
    return started + pace.spacing


def next_after_refusal(next_at: datetime | None, retry_at: datetime) -> datetime:
    """A 429 said "not before `retry_at`": the key waits until then, or longer if it already had to."""
    return retry_at if next_at is None else max(next_at, retry_at)
