"""Paused channels: a transport whose credentials were refused sends nothing until they work again.

A refused credential (`DeliveryError.outage`, see bot.channels.base.is_credential_outage) is about
the channel, not the message: giving up on each message in turn would dead-letter the whole queue
and tell nobody who could fix it. So the outbox stores one ChannelPause row for the channel (the
first process to hit the error writes it; every process reads it), leaves the message queued, and
claims nothing more on that channel. bot.outages tells the coordinators, probes the credential and
lifts the pause. This module is the pause's storage and its small decisions; it knows nothing of
rendering or the outbox, so the outbox can use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.models import ChannelPause, Event, Message
from bot.rules.statuses import ChannelKind

#: Transports that reach a person; the outbox folder reaches nobody, so it cannot carry an alert.
ALERTING_CHANNELS = (ChannelKind.EMAIL.value, ChannelKind.SLACK.value)


def pause_channel(session: Session, channel: str, error: str, now: datetime) -> bool:
    """Pause `channel` unless it is paused already; True when this call paused it (one process wins)."""
    if session.get(ChannelPause, channel) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(ChannelPause(channel=channel, since=now, error=error))
            session.flush()
    except sa.exc.IntegrityError:
        return False  # another process paused it between our look and our insert
    session.add(Event(at=now, actor="outbox", kind="channel.paused", entity="channel_pause",
                      data={"channel": channel, "error": error}))
    return True


def not_paused() -> sa.ColumnElement[bool]:
    """Messages whose channel is not paused: the only ones the outbox may claim."""
    return col(Message.channel).not_in(sa.select(col(ChannelPause.channel)).scalar_subquery())


def current_pauses(session: Session) -> list[ChannelPause]:
    return list(session.exec(select(ChannelPause).order_by(col(ChannelPause.channel))).all())


def probe_due(since: datetime, last_probe_at: datetime | None, now: datetime, every: timedelta) -> bool:
    """A paused channel's credential is tried again `every` after the pause began or the last try."""
    return (last_probe_at or since) + every <= now


def alert_channel(paused: str, configured: Iterable[str], paused_now: Iterable[str]) -> str | None:
    """Which channel tells the coordinators that `paused` is down: a configured transport that reaches
    people and is not paused itself (mail when Slack is down, Slack when mail is); None if none is."""
    usable = set(configured) - set(paused_now) - {paused}
    return next((c for c in ALERTING_CHANNELS if c in usable), None)


def notice_channel(resumed: str, alerted_via: str | None, configured: Iterable[str],
                   paused_now: Iterable[str]) -> str:
    """Where "delivery has resumed" goes: where the alert went if that still works, else the channel
    that has just come back."""
    if alerted_via is not None and alerted_via in set(configured) - set(paused_now):
        return alerted_via
    return resumed


@dataclass(frozen=True)
class PauseView:
    channel: str
    since: datetime
    error: str
    alerted_via: str | None


def unreported(pauses: Sequence[PauseView]) -> list[PauseView]:
    """Pauses the coordinators cannot have heard of: no channel carried the alert, or the one that
    did is paused too (its alert waits in the queue). These make /healthz unhealthy."""
    paused = {p.channel for p in pauses}
    return [p for p in pauses if p.alerted_via is None or p.alerted_via in paused]


def health_report(session: Session) -> tuple[bool, list[dict[str, Any]]]:
    """(healthy, the paused channels as /healthz shows them): unhealthy while a pause is unreported."""
    pauses = [PauseView(p.channel, p.since, p.error, p.alerted_via) for p in current_pauses(session)]
    silent = {p.channel for p in unreported(pauses)}
    return not silent, [
        {"channel": p.channel, "since": p.since.isoformat(), "error": p.error, "coordinators_told": p.channel not in silent}
        for p in pauses
    ]
