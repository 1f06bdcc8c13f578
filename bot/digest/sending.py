"""Sending the board digest: N working days before each meeting, once per meeting.

Once is kept twice over: a conditional UPDATE claims the meeting (sets `digest_sent_at` only where
it is still empty, so of two bot processes only one wins), and each queued message has the
idempotency key `digest:{partnership id}:{meeting date}:{channel}`.

The digest goes to the board's Slack channel and its mailbox, to both when both transports are
configured; with no credentials at all, to the outbox folder. The Word report is written beside
the outbox, in `{outbox_dir}/digests/`, and attached to the board's digest mail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.db import ensure_partnership, session_scope
from bot.digest.content import Digest, build_digest, digest_context
from bot.digest.reports import write_digest_docx
from bot.meetings import sync_meetings
from bot.models import BoardMeeting, Partnership
from bot.outbox import NewMessage, enqueue
from bot.policy import reply_policy, send_window
from bot.routing import Route, board_route, rendered_message
from bot.rules.escalation import BOARD_LEVEL
from bot.rules.statuses import ChannelKind, MessageKind
from bot.rules.workdays import add_working_days, next_send_time
from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DigestSent:
    meeting_date: date
    message_keys: list[str] = field(default_factory=list)
    report_path: Path | None = None


def digest_due_on(meeting: date, working_days_before: int) -> date:
    """The day the digest for `meeting` goes out."""
    return add_working_days(meeting, -working_days_before)


def meetings_due(meetings: list[date], today: date, working_days_before: int) -> list[date]:
    """Meetings whose digest is due on `today`: from the due day up to the day before the meeting
    (a bot that was down on the due day still sends it late, but never after the meeting)."""
    return [m for m in meetings if digest_due_on(m, working_days_before) <= today < m]


def digest_key(partnership_id: int, meeting: date) -> str:
    return f"digest:{partnership_id}:{meeting.isoformat()}"


def board_routes(partnership: Partnership, settings: Settings) -> list[Route]:
    """Slack channel and mailbox, each when its transport is configured; else the outbox folder."""
    routes = []
    if settings.slack_enabled and partnership.board_slack_channel:
        routes.append(Route(ChannelKind.SLACK.value, partnership.board_slack_channel, ChannelKind.SLACK))
    if settings.outlook_enabled and partnership.board_email:
        routes.append(Route(ChannelKind.EMAIL.value, partnership.board_email, ChannelKind.EMAIL))
    if routes:
        return routes
    fallback = board_route(partnership, settings)
    return [fallback] if fallback is not None else []


def report_path(settings: Settings, partnership: Partnership, meeting: date) -> Path:
    return Path(settings.outbox_dir) / "digests" / f"digest-{partnership.id}-{meeting.isoformat()}.docx"


def send_due_digests(engine: Engine, settings: Settings, now: datetime) -> list[DigestSent]:
    """Queue the digest of every meeting whose digest is due at `now` and not yet sent."""
    window = send_window(settings)
    today = window.local_date(now)
    sent = []
    with session_scope(engine) as session:
        partnership = ensure_partnership(session, settings)
        meetings = sync_meetings(session, partnership, settings)
        for meeting in meetings_due(meetings, today, settings.policy.digest_working_days_before):
            result = send_digest(session, partnership, settings, meeting, now)
            if result is not None:
                sent.append(result)
    if sent:
        log.info("digest: queued for %d meeting(s)", len(sent))
    return sent


def send_digest(
    session: Session, partnership: Partnership, settings: Settings, meeting: date, now: datetime
) -> DigestSent | None:
    """Claim `meeting`, queue its digest and write its report; None when it was sent already."""
    assert partnership.id is not None
    routes = board_routes(partnership, settings)
    if not routes:
        # Left unclaimed, so the digest still goes once the board's channel or mailbox is configured.
        log.warning("digest for %s: the board has no Slack channel or mailbox configured", meeting)
        return None
    row = session.exec(
        select(BoardMeeting).where(BoardMeeting.partnership_id == partnership.id, BoardMeeting.date == meeting)
    ).first()
    if row is None:
        row = BoardMeeting(partnership_id=partnership.id, date=meeting)
        session.add(row)
        session.flush()
    claim = session.execute(
        sa.update(BoardMeeting)
        .where(col(BoardMeeting.id) == row.id, col(BoardMeeting.digest_sent_at).is_(None))
        .values(digest_sent_at=now)
    )
    claimed = claim.rowcount if isinstance(claim, sa.CursorResult) else 0
    if claimed != 1:
        return None
    digest = build_digest(session, partnership, meeting, now,
                          replies=reply_policy(settings))
    keys = []
    not_before = next_send_time(now, send_window(settings))
    path = write_digest_docx(digest, report_path(settings, partnership, meeting))
    for route in routes:
        key = f"{digest_key(partnership.id, meeting)}:{route.channel}"
        message = compose_digest_message(digest, route, key, not_before)
        if route.channel == ChannelKind.EMAIL.value:
            message = replace(message, attachment_path=str(path))
        if enqueue(session, message, now=now, actor="digest") is not None:
            keys.append(key)
    return DigestSent(meeting, keys, path)


def compose_digest_message(digest: Digest, route: Route, key: str, not_before: datetime) -> NewMessage:
    return rendered_message(MessageKind.DIGEST.value, key, route, digest_context(digest), not_before=not_before,
                            level=BOARD_LEVEL)
