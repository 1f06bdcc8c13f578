"""Recording what someone said in Slack, and showing it on the message they answered.

`record_for` finds the action a button, modal or `/dhr update` is about and hands it to the one reply
flow (bot.answers.permit_and_record). Nothing is written when the person may not change it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session, select

from bot.answers import permit_and_record
from bot.blocks import ADD_UPDATE, MARK_COMPLETE, NEED_MORE_TIME
from bot.handlers.common import Caller, refusal, unknown_ref
from bot.models import Action, Message, ProgressUpdate
from bot.outbox import message_rendering
from bot.render import mrkdwn, reading_phrase, ukdate
from bot.rules.statuses import ReadStatus, UpdateSource
from bot.settings import Settings
from bot.updates import Proposed, action_by_ref

log = logging.getLogger(__name__)

_ACTION_BUTTONS = frozenset({MARK_COMPLETE, ADD_UPDATE, NEED_MORE_TIME})


@dataclass(frozen=True)
class Recorded:
    """What happened: `problem` is a user-safe message when nothing was recorded."""

    update: ProgressUpdate | None = None
    action: Action | None = None
    problem: str | None = None


def record_for(
    session: Session,
    who: Caller,
    ref: str,
    proposed: Proposed,
    *,
    settings: Settings,
    source: UpdateSource,
    now: datetime,
    confirmed: bool | None = None,
    in_reply_to_message_id: int | None = None,
) -> Recorded:
    action = action_by_ref(session, ref)
    if action is None:
        return Recorded(problem=unknown_ref(ref))
    update = permit_and_record(
        session, action, proposed, settings=settings, author=who.author, source=source, now=now, keep_refused=False,
        confirmed=confirmed, in_reply_to_message_id=in_reply_to_message_id,
    )
    if update is None:
        return Recorded(action=action, problem=refusal(action.ref))
    return Recorded(update=update, action=action)


def describe(update: ProgressUpdate) -> str:
    """"complete", "new date 30 Apr 2027", "update noted" (plain text)."""
    if update.status:
        return reading_phrase(ReadStatus(update.status), update.new_due)
    if update.new_due:
        return f"new date {ukdate(update.new_due)}"
    return "update noted"


def recorded_note(ref: str, update: ProgressUpdate, slack_user_id: str, today: date) -> str:
    """The mrkdwn line put on a chaser in place of its buttons once someone has answered."""
    said = mrkdwn(describe(update))
    return f":white_check_mark: *{mrkdwn(ref)}*: {said}, recorded from <@{slack_user_id}> on {ukdate(today)}"


def blocks_with_note(blocks: list[dict[str, Any]], ref: str, note: str) -> list[dict[str, Any]]:
    """The message's blocks with `ref`'s buttons swapped for `note` (or the note added at the end)."""
    result: list[dict[str, Any]] = []
    replaced = False
    for block in blocks:
        if _is_buttons_for(block, ref):
            result.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
            replaced = True
        else:
            result.append(block)
    if not replaced:
        result.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    return result[-50:] if len(result) > 50 else result


def _is_buttons_for(block: dict[str, Any], ref: str) -> bool:
    elements = block.get("elements") or []
    return block.get("type") == "actions" and any(
        e.get("action_id") in _ACTION_BUTTONS and e.get("value") == ref for e in elements
    )


def sent_message(session: Session, channel: str | None, ts: str | None) -> Message | None:
    """The Message row we sent as (channel, ts), if it is ours."""
    if not channel or not ts:
        return None
    return session.exec(select(Message).where(Message.slack_channel == channel, Message.slack_ts == ts)).first()


def show_on_message(
    session: Session, client: WebClient, channel: str | None, ts: str | None, ref: str, note: str
) -> bool:
    """Edit the chaser at (channel, ts) to show what was recorded; False when it is not one of ours."""
    message = sent_message(session, channel, ts)
    if message is None or not channel or not ts:
        return False
    shown = message_rendering(message)
    if not shown.blocks:
        return False
    new_blocks = blocks_with_note(list(shown.blocks), ref, note)
    try:
        client.chat_update(channel=channel, ts=ts, text=shown.text or note, blocks=new_blocks)
    except SlackApiError as exc:
        log.warning("chat.update of message %s failed: %s", message.id, exc.response.get("error"))
        return False
    message.blocks = new_blocks  # reassigned, so the JSON column sees the change
    session.add(message)
    return True
