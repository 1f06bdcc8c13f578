"""Outages: around each delivery run, tell the coordinators of a paused channel and end the pause.

The outbox pauses a channel whose credentials were refused (bot.pauses). Here, once per pause, the
coordinators are told through another channel (mail when Slack is down, Slack when mail is); when
none can carry it, an ERROR line says so and /healthz turns unhealthy. While paused, the channel's
credential is probed (Slack auth.test, a fresh Graph token and one mailbox read) at most every
`DeliveryPolicy.probe_every`; the first probe that works lifts the pause, the queue goes out in its
order, and the coordinators are told, once. Conditional UPDATE/DELETE statements pick one winner
among processes, so each notice is written once (and its idempotency key would refuse a second).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.channels.base import Channel, DeliveryError
from bot.db import session_scope
from bot.delivery_advice import outage_advice
from bot.models import ChannelPause, Contact, Event, Message, Partnership
from bot.outbox import DeliveryPolicy, DeliveryReport, NewMessage, deliver_due, enqueue
from bot.pauses import alert_channel, current_pauses, notice_channel, probe_due
from bot.routing import Route, rendered_message
from bot.rules.statuses import ChannelKind, MessageKind, MessageState, Role

log = logging.getLogger(__name__)

SERVICE_NAMES = {ChannelKind.SLACK.value: "Slack", ChannelKind.EMAIL.value: "Outlook mail"}
_WAITING = (MessageState.PENDING.value, MessageState.FAILED.value, MessageState.SENDING.value)


def deliver_watching_outages(
    engine: Engine,
    channels: Mapping[str, Channel],
    clock: Callable[[], datetime],
    *,
    worker: str,
    policy: DeliveryPolicy | None = None,
    limit: int = 500,
    wait_up_to: timedelta = timedelta(0),
) -> DeliveryReport:
    """`deliver_due` between two looks at the outages: paused channels that work again are resumed
    before it, and a channel it paused has its alert written and delivered straight after."""
    policy = policy or DeliveryPolicy()
    attend_to_outages(engine, channels, clock(), policy)
    report = deliver_due(engine, channels, clock, worker=worker, policy=policy, limit=limit, wait_up_to=wait_up_to)
    if report.paused and attend_to_outages(engine, channels, clock(), policy):
        more = deliver_due(engine, channels, clock, worker=worker, policy=policy, limit=limit)
        for name in ("sent", "recovered", "retrying", "dead", "paused"):
            getattr(report, name).extend(getattr(more, name))
    return report


def attend_to_outages(engine: Engine, channels: Mapping[str, Channel], now: datetime, policy: DeliveryPolicy) -> int:
    """Probe the paused channels due a try, resume those that work, alert about new pauses.
    Returns how many notices were queued for the coordinators."""
    with session_scope(engine) as session:
        pauses = [(p.channel, p.since, p.last_probe_at) for p in current_pauses(session)]
    queued = 0
    for channel, since, last_probe_at in pauses:
        if not probe_due(since, last_probe_at, now, policy.probe_every):
            continue
        if _claim_probe(engine, channel, since, last_probe_at, now) and _works(channel, channels.get(channel)):
            queued += _resume(engine, channel, since, channels, now)
    return queued + _alert_new_pauses(engine, channels, now)


def _claim_probe(engine: Engine, channel: str, since: datetime, last_probe_at: datetime | None, now: datetime) -> bool:
    """One process probes at a time: the one whose UPDATE of the last probe time wins."""
    previous = (col(ChannelPause.last_probe_at).is_(None) if last_probe_at is None
                else col(ChannelPause.last_probe_at) == last_probe_at)
    with session_scope(engine) as session:
        result = session.execute(
            sa.update(ChannelPause)
            .where(col(ChannelPause.channel) == channel, col(ChannelPause.since) == since, previous)
            .values(last_probe_at=now)
        )
        assert isinstance(result, sa.CursorResult)
        return result.rowcount == 1


def _works(name: str, channel: Channel | None) -> bool:
    if channel is None:
        log.warning("delivery on %s stays paused: that transport is not configured in this process", name)
        return False
    try:
        channel.probe()
    except DeliveryError as error:
        log.warning("delivery on %s stays paused: the probe failed (%s)", name, error.code)
        return False
    return True


def _resume(engine: Engine, channel: str, since: datetime, channels: Mapping[str, Channel], now: datetime) -> int:
    with session_scope(engine) as session:
        pause = session.get(ChannelPause, channel)
        if pause is None or pause.since != since:
            return 0
        alerted_via = pause.alerted_via
        result = session.execute(
            sa.delete(ChannelPause).where(col(ChannelPause.channel) == channel, col(ChannelPause.since) == since)
        )
        assert isinstance(result, sa.CursorResult)
        if result.rowcount != 1:
            return 0  # another process resumed it first
        still_paused = [p.channel for p in current_pauses(session)]
        via = notice_channel(channel, alerted_via, channels, still_paused)
        waiting = _waiting(session, channel)
        session.add(Event(at=now, actor="outages", kind="channel.resumed", entity="channel_pause",
                          data={"channel": channel, "since": since.isoformat(), "waiting": waiting}))
        log.info("delivery on %s resumed after a pause since %s; %d message(s) waiting", channel, since, waiting)
        notices = _notices(session, channel, since, via, resumed=True, error="", waiting=waiting, now=now)
        for notice in notices:
            enqueue(session, notice, now=now, actor="outages")
        return len(notices)


def _alert_new_pauses(engine: Engine, channels: Mapping[str, Channel], now: datetime) -> int:
    queued = 0
    with session_scope(engine) as session:
        pauses = current_pauses(session)
        paused_now = [p.channel for p in pauses]
        for pause in pauses:
            if pause.alerted_at is not None:
                continue
            via = alert_channel(pause.channel, channels, paused_now)
            waiting = _waiting(session, pause.channel)
            notices = [] if via is None else _notices(
                session, pause.channel, pause.since, via, resumed=False, error=pause.error, waiting=waiting, now=now)
            result = session.execute(
                sa.update(ChannelPause)
                .where(col(ChannelPause.channel) == pause.channel, col(ChannelPause.since) == pause.since,
                       col(ChannelPause.alerted_at).is_(None))
                .values(alerted_at=now, alerted_via=via if notices else None)
            )
            assert isinstance(result, sa.CursorResult)
            if result.rowcount != 1:
                continue  # another process is alerting about it
            if not notices:
                log.error("delivery on %s paused since %s (%s): no other channel reaches the coordinators; "
                          "%d message(s) waiting", pause.channel, pause.since.isoformat(), pause.error, waiting)
                continue
            for notice in notices:
                enqueue(session, notice, now=now, actor="outages")
            log.warning("delivery on %s paused (%s): coordinators told by %s", pause.channel, pause.error, via)
            queued += len(notices)
    return queued


def _notices(
    session: Session, channel: str, since: datetime, via: str, *, resumed: bool, error: str, waiting: int,
    now: datetime,
) -> list[NewMessage]:
    """One notice per coordinator reachable on `via`, keyed by the pause, so it is written once."""
    partnership = session.exec(select(Partnership).order_by(col(Partnership.id))).first()
    zone = ZoneInfo(partnership.timezone if partnership else "UTC")
    coordinators = session.exec(
        select(Contact).where(Contact.role == Role.COORDINATOR.value, Contact.active == True)  # noqa: E712
        .order_by(col(Contact.id))
    ).all()
    step = "resumed" if resumed else "paused"
    instant = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    notices = []
    for contact in coordinators:
        address = _address(contact, via)
        if address is None:
            continue
        context = {
            "recipient_name": contact.name,
            "partnership_name": partnership.name if partnership else "the partnership",
            "service": SERVICE_NAMES.get(channel, channel),
            "since": f"{since.astimezone(zone):%d %b %Y %H:%M}",
            "error": error,
            "advice": outage_advice(error) if error else "",
            "waiting": waiting,
            "resumed": resumed,
        }
        notices.append(rendered_message(MessageKind.OUTAGE.value, f"outage:{channel}:{instant}:{step}:{contact.id}",
                                        Route(via, address, ChannelKind(via)), context, contact_id=contact.id,
                                        not_before=now))
    return notices


def _address(contact: Contact, channel: str) -> str | None:
    if channel == ChannelKind.SLACK.value:
        return contact.slack_user_id if contact.slack_gone is None else None
    return contact.email if channel == ChannelKind.EMAIL.value else None


def _waiting(session: Session, channel: str) -> int:
    return int(session.exec(
        select(sa.func.count()).select_from(Message)
        .where(col(Message.channel) == channel, col(Message.state).in_(_WAITING))
    ).one())
