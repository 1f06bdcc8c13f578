"""Events: a reply in a chaser's thread is read and recorded; App Home shows a person their actions.

Bolt acknowledges events itself before running these listeners (on its thread pool), so Slack
never retries a delivery because reading a reply took a moment.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from sqlmodel import Session, select

from bot.db import session_scope
from bot.handlers.common import Caller, Clock, caller, local_today, may_change, refusal, utc_now
from bot.handlers.confirm import confirmation_for
from bot.handlers.recording import describe, sent_message
from bot.handlers.views import home_view
from bot.models import Action, Message, MessageAction, ProgressUpdate
from bot.render import mrkdwn
from bot.replies import CONFIDENT, read_replies
from bot.runtime import Runtime
from bot.statuses import UpdateSource
from bot.updates import Proposed, record_update, set_away

log = logging.getLogger(__name__)

#: Message subtypes that are a person writing something new; edits, deletions and joins are not.
_PERSON_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


def register(app: App, runtime: Runtime, clock: Clock = utc_now) -> None:
    def on_message(event: dict[str, Any], client: WebClient) -> None:
        if not is_thread_reply_from_a_person(event):
            return
        answer_thread_reply(runtime, client, event, clock)

    def on_home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        user_id = str(event.get("user", ""))
        with session_scope(runtime.engine) as session:
            view = home_view(session, runtime, caller(session, runtime, user_id), local_today(runtime, clock()))
        client.views_publish(user_id=user_id, view=view)

    app.event("message")(on_message)
    app.event("app_home_opened")(on_home_opened)


def is_thread_reply_from_a_person(event: dict[str, Any]) -> bool:
    if event.get("bot_id") or event.get("subtype") not in _PERSON_SUBTYPES or not event.get("user"):
        return False
    thread_ts = event.get("thread_ts")
    return bool(thread_ts) and thread_ts != event.get("ts")


def answer_thread_reply(runtime: Runtime, client: WebClient, event: dict[str, Any], clock: Clock) -> None:
    channel, thread_ts = str(event.get("channel", "")), str(event["thread_ts"])
    now = clock()
    today = local_today(runtime, now)
    with session_scope(runtime.engine) as session:
        chaser = sent_message(session, channel, thread_ts)
        if chaser is None:
            return  # a thread that is not one of our chasers
        who = caller(session, runtime, str(event["user"]))
        covered = _covered_actions(session, chaser)
        readings = read_replies(str(event.get("text") or ""), today=today, known_refs=[a.ref for a in covered])
        by_ref = {a.ref.upper(): a for a in covered}
        wanted = [(by_ref.get(ref.upper()), reading) for ref, reading in readings.items()]
        refused = [a.ref for a, _ in wanted if a is not None and not may_change(session, runtime, who, a)]
        if refused:
            session.rollback()
            client.chat_postEphemeral(channel=channel, user=who.slack_user_id, thread_ts=thread_ts, text=refusal(", ".join(refused)))
            return
        away = [r.out_of_office_until for _, r in wanted if r.out_of_office_until]
        if away and who.contact is not None:
            set_away(session, who.contact, max(away), actor=who.actor, now=now)
            return
        unsure = any(r.confidence < CONFIDENT for _, r in wanted)
        recorded: list[tuple[str, ProgressUpdate]] = []
        for action, reading in wanted:
            if action is None:
                continue  # a ref this chaser did not ask about
            proposed = Proposed(reading.status, reading.new_due, reading.evidence, reading.confidence, reading.text or None)
            update = record_update(
                session, action, proposed, source=UpdateSource.SLACK_REPLY, author_contact=who.contact,
                author=who.actor, now=now, confirmed=False if unsure else None, in_reply_to_message_id=chaser.id,
            )
            recorded.append((action.ref, update))
        if not recorded:
            return
        if unsure:
            rendered = confirmation_for(session, runtime, who, recorded)
            text, blocks = rendered.text, rendered.blocks
        else:
            text, blocks = thanks(who, recorded), None
    # Posted after the commit, so what the person reads is already on record.
    client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text, blocks=blocks)


def thanks(who: Caller, recorded: list[tuple[str, ProgressUpdate]]) -> str:
    lines = [f"• *{mrkdwn(ref)}*: {mrkdwn(describe(update))}" for ref, update in recorded]
    return f"Thanks <@{who.slack_user_id}>, recorded:\n" + "\n".join(lines)


def _covered_actions(session: Session, message: Message) -> list[Action]:
    return list(
        session.exec(
            select(Action).join(MessageAction, MessageAction.action_id == Action.id)  # type: ignore[arg-type]
            .where(MessageAction.message_id == message.id).order_by(Action.ref)
        ).all()
    )
