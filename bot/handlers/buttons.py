"""Chaser buttons (Mark complete, Add update, Need more time), their modals, and confirm/reject.

Each listener acks first; Bolt runs listeners on its thread pool after the ack, so the modal opens
and the database work happens without holding Slack's 3-second window.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot import blocks as ids
from bot.db import session_scope
from bot.handlers.common import (
    Caller,
    Clock,
    caller,
    local_today,
    may_change,
    refusal,
    text_blocks,
    unknown_ref,
    utc_now,
)
from bot.handlers.confirm import settle
from bot.handlers.recording import record_for, recorded_note, show_on_message
from bot.rules.statuses import ReadStatus, UpdateSource
from bot.runtime import Runtime
from bot.updates import Proposed, action_by_ref

_MODALS = {
    ids.MARK_COMPLETE: ids.COMPLETE_MODAL,
    ids.ADD_UPDATE: ids.UPDATE_MODAL,
    ids.NEED_MORE_TIME: ids.MORE_TIME_MODAL,
}


def register(app: App, runtime: Runtime, clock: Clock = utc_now) -> None:
    def open_modal(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        action_id = body["actions"][0]["action_id"]
        ref = str(body["actions"][0].get("value", ""))
        where = _message_of(body)
        with session_scope(runtime.engine) as session:
            who = caller(session, runtime, str(body["user"]["id"]))
            action = action_by_ref(session, ref)
            if action is None or not may_change(session, runtime, who, action):
                problem = unknown_ref(ref) if action is None else refusal(action.ref)
                respond(text=problem, blocks=text_blocks(problem), response_type="ephemeral", replace_original=False)
                return
            metadata = json.dumps({"ref": action.ref, **where}, separators=(",", ":"))
            view = _modal_for(action_id, action.ref, action.due, metadata)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def submit_modal(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        meta = json.loads(view.get("private_metadata") or "{}")
        values = view.get("state", {}).get("values", {})
        now = clock()
        today = local_today(runtime, now)
        proposed, errors = proposal_from(view["callback_id"], values, today)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        assert proposed is not None
        with session_scope(runtime.engine) as session:
            who = caller(session, runtime, str(body["user"]["id"]))
            done = record_for(session, who, str(meta.get("ref", "")), proposed, settings=runtime.settings,
                              source=UpdateSource.BUTTON, now=now, confirmed=True)
            if done.problem or done.update is None or done.action is None:
                session.rollback()
                ack(response_action="errors", errors={_first_block(view["callback_id"]): (done.problem or "")[:150]})
                return
            ref, note = done.action.ref, recorded_note(done.action.ref, done.update, who.slack_user_id, today)
        ack()  # after the commit: once the modal closes, the update is on record
        with session_scope(runtime.engine) as session:
            show_on_message(session, client, meta.get("channel"), meta.get("ts"), ref, note)

    def settle_reading(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        button = body["actions"][0]
        with session_scope(runtime.engine) as session:
            who: Caller = caller(session, runtime, str(body["user"]["id"]))
            settled, text = settle(session, runtime, who, str(button.get("value", "")),
                                   confirmed=button["action_id"] == ids.CONFIRM_READING, now=clock())
            if not settled:
                session.rollback()  # a refusal or a stale button changes nothing
        where = _message_of(body)
        if settled and where.get("channel") and where.get("ts"):
            client.chat_update(channel=where["channel"], ts=where["ts"], text=text, blocks=text_blocks(text))
        else:
            respond(text=text, blocks=text_blocks(text), response_type="ephemeral", replace_original=False)

    for action_id in _MODALS:
        app.action(action_id)(open_modal)
    for callback_id in _MODALS.values():
        app.view(callback_id)(submit_modal)
    app.action(ids.CONFIRM_READING)(settle_reading)
    app.action(ids.REJECT_READING)(settle_reading)


def _modal_for(action_id: str, ref: str, due: date | None, metadata: str) -> dict[str, Any]:
    if action_id == ids.MARK_COMPLETE:
        return ids.complete_modal(ref, metadata)
    if action_id == ids.NEED_MORE_TIME:
        return ids.more_time_modal(ref, due, metadata)
    return ids.update_modal(ref, metadata)


def _message_of(body: dict[str, Any]) -> dict[str, str]:
    """Where the clicked message is, so the modal's submission can edit it."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return {"channel": str(channel), "ts": str(ts)} if channel and ts else {}


def _value(values: dict[str, Any], block: str, action: str) -> Any:
    return (values.get(block) or {}).get(action) or {}


def proposal_from(callback_id: str, values: dict[str, Any], today: date) -> tuple[Proposed | None, dict[str, str]]:
    """The update a submitted modal asks for, or Slack field errors (block_id -> message)."""
    if callback_id == ids.COMPLETE_MODAL:
        evidence = (_value(values, ids.EVIDENCE_BLOCK, ids.EVIDENCE_ACTION).get("value") or "").strip() or None
        return Proposed(ReadStatus.COMPLETE, evidence=evidence, raw_text=evidence), {}
    if callback_id == ids.MORE_TIME_MODAL:
        picked = _value(values, ids.NEW_DUE_BLOCK, ids.NEW_DUE_ACTION).get("selected_date")
        reason = (_value(values, ids.REASON_BLOCK, ids.REASON_ACTION).get("value") or "").strip()
        try:
            new_due = date.fromisoformat(str(picked))
        except ValueError:
            return None, {ids.NEW_DUE_BLOCK: "Pick the new date."}
        if new_due <= today:
            return None, {ids.NEW_DUE_BLOCK: "The new date must be after today."}
        if not reason:
            return None, {ids.REASON_BLOCK: "Give a short reason."}
        return Proposed(ReadStatus.EXTENSION_REQUESTED, new_due=new_due, raw_text=reason), {}
    text = (_value(values, ids.UPDATE_TEXT_BLOCK, ids.UPDATE_TEXT_ACTION).get("value") or "").strip()
    if not text:
        return None, {ids.UPDATE_TEXT_BLOCK: "Write what has happened."}
    # A note only: the status changes through the other buttons or a reply the bot can confirm.
    return Proposed(None, raw_text=text), {}


def _first_block(callback_id: str) -> str:
    return {ids.COMPLETE_MODAL: ids.EVIDENCE_BLOCK, ids.MORE_TIME_MODAL: ids.NEW_DUE_BLOCK}.get(
        callback_id, ids.UPDATE_TEXT_BLOCK
    )
