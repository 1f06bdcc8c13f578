"""Chaser buttons and their modals, through the signed HTTP endpoint."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import select

from bot import blocks as ids
from bot.db import session_scope
from bot.models import Action, Event, ProgressUpdate
from tests.slack.conftest import SlackHarness, delivered_chaser, riverside_plan


def _opened_view(slack: SlackHarness, count: int = 1) -> dict:
    return slack.wait_call("views.open", count=count)[count - 1].body["view"]


def _edits(slack: SlackHarness, channel: str, ts: str) -> list:
    return slack.calls("chat.update", lambda c: c.body.get("channel") == channel and c.body.get("ts") == ts)


def test_mark_complete_opens_a_modal_records_the_evidence_and_updates_the_chaser(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    slack.click("U0PRIYA", ids.MARK_COMPLETE, "RIV3-1-1", channel=channel, message_ts=ts)
    view = _opened_view(slack)
    assert view["callback_id"] == ids.COMPLETE_MODAL
    assert json.loads(view["private_metadata"]) == {"ref": "RIV3-1-1", "channel": channel, "ts": ts}
    answer = slack.submit("U0PRIYA", view, {ids.EVIDENCE_BLOCK: {ids.EVIDENCE_ACTION: {"type": "plain_text_input", "value": "Procedure v2 published"}}})
    assert answer.status_code == 200
    edit = slack.wait_call("chat.update", lambda c: c.body.get("ts") == ts)[0].body
    shown = json.dumps(edit["blocks"])
    assert "RIV3-1-1" in shown and "complete" in shown and "U0PRIYA" in shown
    remaining = [e["value"] for b in edit["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert "RIV3-1-1" not in remaining and "RIV3-1-2" in remaining  # only the answered action loses its buttons
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-1"])
        assert action is not None and action.status == "complete"
        update = session.exec(select(ProgressUpdate)).one()
        assert (update.source, update.evidence, update.confirmed) == ("button", "Procedure v2 published", True)
        kinds = {e.kind for e in session.exec(select(Event).where(Event.entity_id == action.id)).all()}
        assert {"update.recorded", "action.changed"} <= kinds


def test_need_more_time_moves_the_date_and_refuses_a_past_date(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    slack.click("U0PRIYA", ids.NEED_MORE_TIME, "RIV3-1-2", channel=channel, message_ts=ts)
    view = _opened_view(slack)
    picker = view["blocks"][1]["element"]
    assert view["callback_id"] == ids.MORE_TIME_MODAL and picker["initial_date"] == "2026-10-31"

    def values(day: str) -> dict:
        return {ids.NEW_DUE_BLOCK: {ids.NEW_DUE_ACTION: {"type": "datepicker", "selected_date": day}},
                ids.REASON_BLOCK: {ids.REASON_ACTION: {"type": "plain_text_input", "value": "Waiting for the new IT system"}}}

    refused = slack.submit("U0PRIYA", view, values("2026-11-01"))
    assert refused.json() == {"response_action": "errors", "errors": {ids.NEW_DUE_BLOCK: "The new date must be after today."}}
    with session_scope(slack.engine) as session:
        assert session.exec(select(ProgressUpdate)).all() == []
    slack.submit("U0PRIYA", view, values("2027-02-26"))
    slack.wait_call("chat.update", lambda c: c.body.get("ts") == ts)
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-2"])
        assert action is not None and action.due == date(2027, 2, 26) and action.status == "in_progress"


def test_add_update_keeps_the_note_without_changing_the_status(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    slack.click("U0PRIYA", ids.ADD_UPDATE, "RIV3-1-2", channel=channel, message_ts=ts)
    view = _opened_view(slack)
    assert view["callback_id"] == ids.UPDATE_MODAL
    slack.submit("U0PRIYA", view, {ids.UPDATE_TEXT_BLOCK: {ids.UPDATE_TEXT_ACTION: {"value": "Draft procedure with legal"}}})
    slack.wait_call("chat.update", lambda c: c.body.get("ts") == ts)
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-2"])
        assert action is not None and action.status == "not_started" and "Draft procedure with legal" in (action.progress or "")
        assert session.exec(select(ProgressUpdate)).one().raw_text == "Draft procedure with legal"


def test_a_lead_of_another_agency_gets_a_polite_refusal_and_no_modal(slack: SlackHarness) -> None:
    riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    slack.click("U0GRACE", ids.MARK_COMPLETE, "RIV3-1-1", channel=channel, message_ts=ts)
    answer = slack.wait_response("U0GRACE")
    assert answer["response_type"] == "ephemeral" and "can't change RIV3-1-1" in answer["text"]
    assert slack.calls("views.open") == []


def test_a_forged_modal_submission_from_another_agency_changes_nothing(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    view = ids.complete_modal("RIV3-1-1", json.dumps({"ref": "RIV3-1-1"}))
    answer = slack.submit("U0TOM", view, {})
    assert answer.json()["response_action"] == "errors"
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-1"])
        assert action is not None and action.status == "in_progress"
        assert session.exec(select(ProgressUpdate)).all() == []


def test_a_coordinator_may_change_any_agencys_action(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    view = ids.complete_modal("RIV3-2-1", json.dumps({"ref": "RIV3-2-1"}))
    assert slack.submit("U0MORGAN", view, {}).status_code == 200
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-2-1"])
        assert action is not None and action.status == "complete"


def test_confirming_a_reading_already_rejected_with_the_same_buttons_changes_nothing(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    slack.command("U0PRIYA", "update RIV3-1-1 we need more time on this one")
    question = slack.wait_response("U0PRIYA")
    buttons = {e["action_id"]: e["value"] for b in question["blocks"] if b["type"] == "actions" for e in b["elements"]}
    slack.click("U0PRIYA", ids.REJECT_READING, buttons[ids.REJECT_READING])
    assert "nothing was changed" in slack.wait_call("chat.update")[0].body["text"]
    slack.click("U0PRIYA", ids.CONFIRM_READING, buttons[ids.CONFIRM_READING])
    slack.wait_response("U0PRIYA", count=2)  # the refusal, said to them alone
    assert len(slack.calls("chat.update")) == 1
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-1"])
        assert action is not None and action.status == "in_progress" and action.due == date(2026, 9, 30)
        update = session.exec(select(ProgressUpdate)).one()
        assert (update.confirmed, update.rejected) == (False, True)
        assert session.exec(select(Event).where(Event.kind == "update.confirmed")).all() == []
