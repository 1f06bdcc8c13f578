"""Thread replies to chasers and App Home, as Events API callbacks through the signed endpoint."""

from __future__ import annotations

import json
import time

from sqlmodel import select

from bot import blocks as ids
from bot.db import session_scope
from bot.models import Action, Contact, Event, Message, ProgressUpdate
from tests.slack.conftest import (
    SlackHarness,
    delivered_chaser,
    riverside_plan,
    wait_for,
)


def _reply(slack: SlackHarness, channel: str, thread_ts: str, user: str, text: str, **extra: object) -> None:
    event = {"type": "message", "channel": channel, "user": user, "text": text, "ts": f"{time.time():.6f}",
             "thread_ts": thread_ts, "channel_type": "im", **extra}
    assert slack.event(event).status_code == 200


def _thread_posts(slack: SlackHarness, thread_ts: str) -> list:
    return slack.calls("chat.postMessage", lambda c: c.body.get("thread_ts") == thread_ts)


def _updates(slack: SlackHarness) -> list[ProgressUpdate]:
    with session_scope(slack.engine) as session:
        return list(session.exec(select(ProgressUpdate).order_by(ProgressUpdate.id)).all())


def test_a_confident_thread_reply_is_recorded_and_acknowledged(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    _reply(slack, channel, ts, "U0PRIYA",
           "RIV3-1-1 complete\nRIV3-1-2 still working on it, done by end of February 2027")
    post = slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)[0].body
    assert "recorded" in post["text"] and "RIV3-1-1" in post["text"]
    with session_scope(slack.engine) as session:
        first = session.get(Action, plan.actions["RIV3-1-1"])
        second = session.get(Action, plan.actions["RIV3-1-2"])
        assert first is not None and first.status == "complete"
        assert second is not None and second.due is not None and second.due.isoformat() == "2027-02-28"
    assert {(u.source, u.confirmed) for u in _updates(slack)} == {("slack_reply", True)}
    assert all(u.in_reply_to_message_id is not None for u in _updates(slack))


def test_an_unsure_reply_asks_for_confirmation_and_confirm_applies_it(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    _reply(slack, channel, ts, "U0PRIYA", "we need more time on this one")
    question = slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)[0].body
    assert "I read your reply about review RIV3 as" in question["text"]
    buttons = [e for b in question["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [ids.CONFIRM_READING, ids.REJECT_READING]
    assert [u.confirmed for u in _updates(slack)] == [False, False]
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-2"])
        assert action is not None and action.status == "not_started"  # unchanged until confirmed

    slack.click("U0PRIYA", ids.CONFIRM_READING, buttons[0]["value"], channel=channel, message_ts="9.9")
    slack.wait_call("chat.update")
    assert [u.confirmed for u in _updates(slack)] == [True, True]
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-2"])
        assert action is not None and action.status == "in_progress"


def test_the_confirmation_question_is_an_outbox_message_sent_in_the_thread(slack: SlackHarness) -> None:
    riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    _reply(slack, channel, ts, "U0PRIYA", "we need more time on this one")
    posted = slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)[0]

    def sent_question() -> Message | None:
        with session_scope(slack.engine) as session:
            return session.exec(select(Message).where(Message.kind == "confirmation", Message.state == "sent")).first()

    question = wait_for(sent_question, "the confirmation marked sent")
    with session_scope(slack.engine) as session:
        audit = [e.kind for e in session.exec(select(Event).where(Event.entity_id == question.id,
                                                                  Event.entity == "message").order_by(Event.id))]
    assert (question.state, question.slack_channel, question.slack_thread_ts) == ("sent", channel, ts)
    assert question.recipient_address == "U0PRIYA" and posted.body["text"] == question.body_text
    assert audit == ["message.queued", "message.sent"]


def test_rejecting_a_reading_leaves_the_action_alone(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    _reply(slack, channel, ts, "U0PRIYA", "hmm, see you next week maybe")
    question = slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)[0].body
    value = [e for b in question["blocks"] if b["type"] == "actions" for e in b["elements"]][1]["value"]
    slack.click("U0PRIYA", ids.REJECT_READING, value, channel=channel, message_ts="9.9")
    assert "nothing was changed" in slack.wait_call("chat.update")[0].body["text"]
    assert [u.confirmed for u in _updates(slack)] == [False, False]
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-1"])
        assert action is not None and action.status == "in_progress"


def test_confirm_by_someone_from_another_agency_is_refused(slack: SlackHarness) -> None:
    riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    _reply(slack, channel, ts, "U0PRIYA", "we need more time on this one")
    question = slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)[0].body
    value = next(e for b in question["blocks"] if b["type"] == "actions" for e in b["elements"])["value"]
    slack.click("U0TOM", ids.CONFIRM_READING, value, channel=channel, message_ts="9.9")
    assert "can't change" in slack.wait_response("U0TOM")["text"]
    assert [u.confirmed for u in _updates(slack)] == [False, False]


def test_a_reply_from_another_agencys_lead_is_refused_and_never_applied(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    _reply(slack, channel, ts, "U0GRACE", "This is complete.")
    refusal = slack.wait_call("chat.postEphemeral")[0].body
    assert refusal["user"] == "U0GRACE" and "can't change" in refusal["text"]
    assert _thread_posts(slack, ts) == []
    # Kept for the record, marked refused, and changing nothing.
    assert {(u.refused, u.confirmed) for u in _updates(slack)} == {(True, False)}
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-1"])
        assert action is not None and action.status == "in_progress"


def test_edits_bot_messages_and_other_threads_are_ignored(slack: SlackHarness) -> None:
    riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    _reply(slack, channel, ts, "U0PRIYA", "This is complete.", subtype="message_changed")
    _reply(slack, channel, ts, "U0PRIYA", "This is complete.", bot_id="B0OTHER")
    _reply(slack, channel, "1234.5678", "U0PRIYA", "This is complete.")
    _reply(slack, channel, ts, "U0PRIYA", "Marker: this one is read.")  # then wait for this to be handled
    slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)
    with session_scope(slack.engine) as session:
        raw = [u.raw_text for u in session.exec(select(ProgressUpdate)).all()]
    assert raw and all(text and text.startswith("Marker") for text in raw)


def test_an_out_of_office_reply_defers_chasing_the_person(slack: SlackHarness) -> None:
    riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    _reply(slack, channel, ts, "U0PRIYA", "I am on annual leave until 7 December 2026 with limited access to email.")

    def away_until() -> object:
        with session_scope(slack.engine) as session:
            return session.exec(select(Contact.away_until).where(Contact.slack_user_id == "U0PRIYA")).one()

    assert wait_for(away_until, "away_until set").isoformat() == "2026-12-08"  # back the day after


def test_app_home_shows_a_lead_their_agencys_open_actions(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.event({"type": "app_home_opened", "user": "U0PRIYA", "channel": "D0PRIYA", "tab": "home"})
    view = slack.wait_call("views.publish")[0]
    assert view.body["user_id"] == "U0PRIYA"
    shown = json.dumps(view.body["view"])
    assert view.body["view"]["type"] == "home"
    assert "RIV3-1-1" in shown and "RIV3-1-2" in shown and "RIV3-2-1" not in shown and "overdue" in shown


def test_app_home_shows_a_coordinator_the_partnership_overview(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.event({"type": "app_home_opened", "user": "U0MORGAN", "channel": "D0MORGAN", "tab": "home"})
    shown = json.dumps(slack.wait_call("views.publish")[0].body["view"])
    assert "*3* overdue" in shown
    assert "Riverside Police*: 2 open of 2, 2 overdue" in shown
    assert "Riverside Hospitals NHS Trust*: 1 open of 1, 0 overdue" in shown
