"""The "Re-route to X" / "Keep it as it is" buttons on a coordinator's "not ours / new lead" task (bot.reroute)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import blocks as ids
from bot.db import session_scope
from bot.handlers.common import Clock, caller, text_blocks, utc_now
from bot.render import mrkdwn
from bot.reroute import accept_reroute, reject_reroute
from bot.runtime import Runtime
from bot.updates import UpdateRefused


def register(app: App, runtime: Runtime, clock: Clock = utc_now) -> None:
    def decide(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        button = body["actions"][0]
        accept = button["action_id"] == ids.ACCEPT_REROUTE
        value = str(button.get("value", ""))
        with session_scope(runtime.engine) as session:
            who = caller(session, runtime, str(body["user"]["id"]))
            try:
                if not value.isdigit():
                    raise UpdateRefused("That button is no longer valid.")
                decide_task = accept_reroute if accept else reject_reroute
                action = decide_task(session, int(value), person=who.person, actor=who.actor, now=clock())
                text = (f"*{mrkdwn(action.ref)}* re-routed by <@{who.slack_user_id}>." if accept
                        else f"*{mrkdwn(action.ref)}* kept as it is by <@{who.slack_user_id}>.")
                settled = True
            except UpdateRefused as refused:
                session.rollback()  # a refusal or a stale button changes nothing
                text, settled = mrkdwn(str(refused)), False
        container = body.get("container") or {}
        channel, ts = container.get("channel_id"), container.get("message_ts")
        if settled and channel and ts:
            client.chat_update(channel=channel, ts=ts, text=text, blocks=text_blocks(text))
        else:
            respond(text=text, blocks=text_blocks(text), response_type="ephemeral", replace_original=False)

    app.action(ids.ACCEPT_REROUTE)(decide)
    app.action(ids.REJECT_REROUTE)(decide)
