"""Events: a reply in a chaser's thread is read and recorded; App Home shows a person their actions.

An edited reply (`message_changed`) is read again and a deletion (`message_deleted`) withdraws what was
read of it, through bot.reply_changes; what was already applied is never reverted silently.

Bolt acknowledges events itself before running these listeners (on its thread pool), so Slack
never retries a delivery because reading a reply took a moment.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.answers import AnswerOutcome, SlackThread, handle_answer, queue_confirmation
from bot.db import session_scope
from bot.handlers.common import Caller, Clock, caller, local_today, passed_to_coordinator, refusal, utc_now
from bot.handlers.recording import describe, sent_message
from bot.handlers.views import home_view
from bot.models import ProgressUpdate
from bot.outbox import deliver_one
from bot.policy import delivery_policy
from bot.render import mrkdwn
from bot.reply_changes import earlier_readings, slack_source, tell_coordinators, withdraw
from bot.routing import Route
from bot.rules.statuses import ChannelKind, UpdateSource
from bot.runtime import Runtime

#: Message subtypes that are a person writing something new; edits, deletions and joins are not.
_PERSON_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})
#: Slack's documented shapes (api.slack.com/events/message/message_changed, .../message_deleted):
#: an edit carries the new `message` and the `previous_message`; a deletion `deleted_ts` and the
#: `previous_message`. Both come with the channel; the thread is in the inner message.
EDITED, DELETED = "message_changed", "message_deleted"
#: Slackbot posts in threads as a user, with no bot_id and no subtype.
SLACKBOT = "USLACKBOT"
#: `<https://x|label>`, `<mailto:a@b|a@b>`, `<https://x>`: links as Slack sends them.
_LINK = re.compile(r"<((?:https?|mailto):[^|>]*)(?:\|([^>]*))?>")


def register(app: App, runtime: Runtime, clock: Clock = utc_now) -> None:
    def on_message(event: dict[str, Any], client: WebClient) -> None:
        if event.get("subtype") == EDITED:
            reread_edited_reply(runtime, client, event, clock)
        elif event.get("subtype") == DELETED:
            withdraw_deleted_reply(runtime, event, clock)
        elif is_thread_reply_from_a_person(event):
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


def answer_thread_reply(
    runtime: Runtime, client: WebClient, event: dict[str, Any], clock: Clock, *, edit_of: str | None = None
) -> None:
    """Read a reply in a chaser's thread (bot.answers), then tell the person what was recorded, ask
    them in the thread about what the bot is unsure of (through the outbox, delivered at once), or
    say politely what they may not change. `edit_of` is the `event_ts` of an edit: the reply was read
    before, and what it said then is withdrawn or, if applied, left for a coordinator."""
    channel, thread_ts = str(event.get("channel", "")), str(event["thread_ts"])
    ts = str(event.get("ts") or thread_ts)
    now = clock()
    with session_scope(runtime.engine) as session:
        chaser = sent_message(session, channel, thread_ts)
        if chaser is None:
            return  # a thread that is not one of our chasers
        who = caller(session, runtime, str(event["user"]))
        earlier = earlier_readings(session, slack_source(channel, ts)) if edit_of else None
        if earlier is not None:
            withdraw(session, earlier.unapplied, actor=who.actor, now=now, why="reply edited")
        held = bool(earlier and earlier.applied)
        outcome = handle_answer(
            session, runtime.settings, message=chaser, text=as_typed(str(event.get("text") or "")), sender=who.contact,
            author=who.actor, source=UpdateSource.SLACK_REPLY, now=now, slack_user_id=who.slack_user_id,
            source_message_id=slack_source(channel, ts), hold=held,
        )
        if earlier is not None and held:
            tell_coordinators(session, runtime.settings, key=f"reply-edited:{channel}:{ts}:{edit_of}",
                              author=who.contact.name if who.contact else who.actor, change="edited",
                              applied=earlier.applied, new=[u for _, u, _ in outcome.recorded], now=now)
            outcome = AnswerOutcome(refused=outcome.refused)  # the coordinator decides; nothing to ask the writer
        applied = [(action.ref, update) for action, update, _ in outcome.applied]
        question = queue_confirmation(
            session, runtime.settings, key=f"confirm-slack:{channel}:{ts}" + (f":{edit_of}" if edit_of else ""),
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
    if outcome.rerouted:
        client.chat_postMessage(channel=channel, thread_ts=thread_ts,
                                text=passed_to_coordinator([action.ref for action in outcome.rerouted]))


def reread_edited_reply(runtime: Runtime, client: WebClient, event: dict[str, Any], clock: Clock) -> None:
    """A person edited their reply in a chaser's thread: read the new text in place of the old."""
    edited = event.get("message") or {}
    previous = event.get("previous_message") or {}
    reply = {**edited, "channel": event.get("channel")}
    if not is_thread_reply_from_a_person(reply) or edited.get("text") == previous.get("text"):
        return  # a bot's edit, another thread, or Slack adding a link preview: the words did not change
    answer_thread_reply(runtime, client, reply, clock, edit_of=str(event.get("event_ts") or event.get("ts") or ""))


def withdraw_deleted_reply(runtime: Runtime, event: dict[str, Any], clock: Clock) -> None:
    """A person deleted their reply: what was not applied is withdrawn; what was, the coordinators hear of once."""
    previous = {**(event.get("previous_message") or {}), "channel": event.get("channel")}
    deleted_ts = str(event.get("deleted_ts") or previous.get("ts") or "")
    if not deleted_ts or not is_thread_reply_from_a_person(previous):
        return
    channel, now = str(event.get("channel", "")), clock()
    with session_scope(runtime.engine) as session:
        if sent_message(session, channel, str(previous["thread_ts"])) is None:
            return
        who = caller(session, runtime, str(previous["user"]))
        earlier = earlier_readings(session, slack_source(channel, deleted_ts))
        withdraw(session, earlier.unapplied, actor=who.actor, now=now, why="reply deleted")
        if earlier.applied:
            tell_coordinators(session, runtime.settings, key=f"reply-deleted:{channel}:{deleted_ts}",
                              author=who.contact.name if who.contact else who.actor, change="deleted",
                              applied=earlier.applied, now=now)


def as_typed(text: str) -> str:
    """Event text as the person typed it: Slack escapes `& < >` and wraps links in `<...>`
    (api.slack.com/reference/surfaces/formatting#escaping); `&amp;` is undone last so a typed
    "&lt;" stays as typed."""
    text = _LINK.sub(lambda m: m.group(2) or m.group(1).removeprefix("mailto:"), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def thanks(who: Caller, recorded: list[tuple[str, ProgressUpdate]]) -> str:
    lines = [f"• *{mrkdwn(ref)}*: {mrkdwn(describe(update))}" for ref, update in recorded]
    return f"Thanks <@{who.slack_user_id}>, recorded:\n" + "\n".join(lines)
