"""The shared sending pace in the database (SendPace rows), so that every process that delivers
(`dhr deliver`, `dhr run`, several replicas) keeps one pace per conversation and mailbox together.

The decisions are bot.rules.pacing's; this module reads and writes their state. A claim moves a
key's `next_at` on with an UPDATE conditional on the `version` it read, in the transaction that
claims the message: two processes claiming for the same key at once cannot both win, so neither
the spacing nor the cap on concurrent sends is exceeded, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.models import Message, SendPace
from bot.rules.pacing import Pace, next_after_refusal, pace_key
from bot.rules.statuses import ChannelKind, MessageState


def pace_key_of(message: Message) -> str:
    conversation = message.slack_channel if message.slack_channel is not None else message.recipient_address
    return pace_key(message.channel, conversation)


def message_pace_key() -> sa.ColumnElement[str]:
    """`pace_key_of` as SQL over Message rows (tests/test_pace_store.py checks they agree)."""
    channel = col(Message.channel)
    conversation = sa.func.coalesce(col(Message.slack_channel), col(Message.recipient_address), "")
    return sa.case((channel == ChannelKind.EMAIL.value, channel), else_=channel + ":" + conversation)


def join_condition(pacing: Mapping[str, Pace]) -> sa.ColumnElement[bool]:
    """Message rows of paced channels meet their key's SendPace row (if any) in an outer join."""
    return sa.and_(col(SendPace.key) == message_pace_key(), col(Message.channel).in_(list(pacing)))


def spaced_by(pacing: Mapping[str, Pace], turn_before: datetime) -> sa.ColumnElement[bool]:
    """Messages whose key's turn comes by `turn_before` (or that are not paced): a pre-filter for
    the claim, which still asks bot.rules.pacing.may_start about the one it picks."""
    return sa.or_(
        col(Message.channel).not_in(list(pacing)), col(SendPace.next_at).is_(None),
        col(SendPace.next_at) <= turn_before,
    )


def in_flight(session: Session, key: str, now: datetime) -> int:
    """Sends to `key` under way: claimed and not yet finished, by a worker whose claim still holds."""
    count = session.execute(
        sa.select(sa.func.count()).select_from(Message).where(
            col(Message.state) == MessageState.SENDING.value,
            col(Message.claimed_until) >= now,
            message_pace_key() == key,
        )
    ).scalar_one()
    return int(count)


def reserve(session: Session, key: str, seen_version: int | None, next_at: datetime) -> bool:
    """Move `key` on to `next_at` unless another process changed it since we read `seen_version`
    (None: there was no row). False means we lost: the caller rolls its transaction back."""
    if seen_version is None:
        try:
            session.execute(sa.insert(SendPace).values(key=key, next_at=next_at, version=1))
        except sa.exc.IntegrityError:
            return False
        return True
    result = session.execute(
        sa.update(SendPace)
        .where(col(SendPace.key) == key, col(SendPace.version) == seen_version)
        .values(next_at=next_at, version=col(SendPace.version) + 1)
    )
    assert isinstance(result, sa.CursorResult)
    return result.rowcount == 1


def hold(session: Session, key: str, until: datetime) -> None:
    """A 429: nothing more to `key` before `until`, from any process."""
    row = session.get(SendPace, key, with_for_update=True)
    if row is None:
        try:
            with session.begin_nested():
                session.add(SendPace(key=key, next_at=until, version=1))
            return
        except sa.exc.IntegrityError:
            row = session.get(SendPace, key, with_for_update=True, populate_existing=True)
            assert row is not None
    row.next_at = next_after_refusal(row.next_at, until)
    row.version += 1
    session.add(row)
