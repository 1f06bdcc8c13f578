"""Events: a reply in a chaser's thread is read and recorded; App Home shows a person their actions.

Bolt acknowledges events itself before running these listeners (on its thread pool), so Slack
never retries a delivery because reading a reply took a moment.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.answers import SlackThread, handle_answer, queue_confirmation
from bot.db import session_scope
from bot.handlers.common import Caller, Clock, caller, local_today, refusal, utc_now
from bot.handlers.recording import describe, sent_message
from bot.handlers.views import home_view
from bot.models import ProgressUpdate
from bot.outbox import deliver_one
from bot.policy import delivery_policy
from bot.render import mrkdwn
from bot.routing import Route
from bot.rules.statuses import ChannelKind, UpdateSource
from bot.runtime import Runtime

#: Message subtypes that are a person writing something new; edits, deletions and joins are not.
_PERSON_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})
#: Slackbot posts in threads as a user, with no bot_id and no subtype.
SLACKBOT = "USLACKBOT"
#: `<https://x|label>`, `<mailto:a@b|a@b>`, `<https://x>`: links as Slack sends them.
_LINK = re.compile(r"<((?:https?|mailto):[^|>]*)(?:\|([^>]*))?>")


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
    if event.get("bot_id") or event.get("subtype") not in _PERSON_SUBTYPES or event.get("user") in (None, "", SLACKBOT):
        return False
    thread_ts = event.get("thread_ts")
    return bool(thread_ts) and thread_ts != event.get("ts")


def answer_thread_reply(runtime: Runtime, client: WebClient, event: dict[str, Any], clock: Clock) -> None:
    """Read a reply in a chaser's thread (bot.answers), then tell the person what was recorded, ask
    them in the thread about what the bot is unsure of (through the outbox, delivered at once), or
    say politely what they may not change."""
    channel, thread_ts = str(event.get("channel", "")), str(event["thread_ts"])
    now = clock()
    with session_scope(runtime.engine) as session:
        chaser = sent_message(session, channel, thread_ts)
        if chaser is None:
            return  # a thread that is not one of our chasers
        who = caller(session, runtime, str(event["user"]))
        outcome = handle_answer(
            session, runtime.settings, message=chaser, text=as_typed(str(event.get("text") or "")), sender=who.contact,
            author=who.actor, source=UpdateSource.SLACK_REPLY, now=now, slack_user_id=who.slack_user_id,
        )
        applied = [(action.ref, update) for action, update, _ in outcome.applied]
        question = queue_confirmation(
            session, runtime.settings, key=f"confirm-slack:{channel}:{event.get('ts') or thread_ts}",
            recipient_name=who.contact.name if who.contact else "there",
            contact_id=who.contact.id if who.contact else None,
            route=Route(ChannelKind.SLACK.value, who.slack_user_id, ChannelKind.SLACK),
            unsure=outcome.unsure, now=now, thread=SlackThread(channel, thread_ts),
        ) if outcome.unsure else None
        question_id = question.id if question is not None else None
    # Answered after the commit, so what the person reads is already on record.
    if outcome.refused:
        client.chat_postEphemeral(channel=channel, user=who.slack_user_id, thread_ts=thread_ts,
                                  text=refusal(", ".join(outcome.refused)))
    if question_id is not None:
        if ChannelKind.SLACK.value in runtime.channels:
            # At the conversation's pace like any send; if it is not its turn yet, the next delivery run sends it.
            deliver_one(runtime.engine, runtime.channels, clock(), worker=runtime.worker_id,
                        policy=delivery_policy(runtime.settings), only=question_id)
    elif applied and not outcome.unsure:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=thanks(who, applied))


def as_typed(text: str) -> str:
    """Event text as the person typed it: Slack escapes `& < >` and wraps links in `<...>`
    (api.slack.com/reference/surfaces/formatting#escaping); `&amp;` is undone last so a typed
    "&lt;" stays as typed."""
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def thanks(who: Caller, recorded: list[tuple[str, ProgressUpdate]]) -> str:
    lines = [f"• *{mrkdwn(ref)}*: {mrkdwn(describe(update))}" for ref, update in recorded]
    return f"Thanks <@{who.slack_user_id}>, recorded:\n" + "\n".join(lines)
