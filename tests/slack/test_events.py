"""Thread replies to chasers and App Home, as Events API callbacks through the signed endpoint."""

from __future__ import annotations

import json
import time

from sqlmodel import select

from bot import blocks as ids
from bot.db import session_scope
from bot.models import Action, Contact, Event, Message, ProgressUpdate
from tests.fakes.slack_events import deleted_message, edited_message
from tests.slack.conftest import (
    SlackHarness,
    delivered_chaser,
    riverside_plan,
    wait_for,
)


def _reply(slack: SlackHarness, channel: str, thread_ts: str, user: str, text: str, **extra: object) -> dict:
    event = {"type": "message", "channel": channel, "user": user, "text": text, "ts": f"{time.time():.6f}",
             "thread_ts": thread_ts, "channel_type": "im", **extra}
    assert slack.event(event).status_code == 200
    return event


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


def test_bots_their_edits_and_other_threads_are_ignored(slack: SlackHarness) -> None:
    riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    bots = {"type": "message", "channel": channel, "bot_id": "B0OTHER", "text": "Working on it.",
            "ts": f"{time.time():.6f}", "thread_ts": ts, "channel_type": "im"}
    slack.event(bots)
    slack.event(edited_message(channel, bots, "This is complete."))  # a bot's edit of its own post
    elsewhere = _reply(slack, channel, "1234.5678", "U0PRIYA", "Working on it.")
    slack.event(edited_message(channel, elsewhere, "This is complete."))  # an edit in a thread not ours
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


def _withdrawn(slack: SlackHarness) -> list[int | None]:
    with session_scope(slack.engine) as session:
        return [e.data.get("update") for e in session.exec(select(Event).where(Event.kind == "update.withdrawn"))]


def _messages(slack: SlackHarness, kind: str) -> list[Message]:
    with session_scope(slack.engine) as session:
        return list(session.exec(select(Message).where(Message.kind == kind).order_by(Message.id)).all())


def test_an_edited_reply_is_read_again_in_place_of_its_unconfirmed_reading(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    said = _reply(slack, channel, ts, "U0PRIYA", "hmm, see you next week maybe")
    slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)  # "did I read you right?"
    first = _updates(slack)
    assert [u.confirmed for u in first] == [False, False]

    slack.event(edited_message(channel, said, "RIV3-1-1 is complete, the policy was published on 20 November"))

    thanks = slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts and "recorded" in c.body["text"])
    assert "RIV3-1-1" in thanks[0].body["text"]
    assert sorted(u for u in _withdrawn(slack) if u is not None) == sorted(u.id for u in first)
    now = [u for u in _updates(slack) if not u.rejected]
    assert [(u.status, u.confirmed) for u in now] == [("complete", True)]
    assert all(u.rejected for u in _updates(slack) if u.id in {f.id for f in first})
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-1"])
        assert action is not None and action.status == "complete"


def test_an_edit_of_an_applied_reply_never_reverts_the_plan_and_the_coordinator_is_told(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    said = _reply(slack, channel, ts, "U0PRIYA", "RIV3-1-1 complete")
    slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)
    [applied] = _updates(slack)
    assert applied.confirmed

    slack.event(edited_message(channel, said, "RIV3-1-1 not complete yet, still in progress, sorry"))

    [told] = wait_for(lambda: _messages(slack, "reply_changed"), "the coordinator told")
    assert told.recipient_address == "U0MORGAN" and "edited" in (told.body_text or "")
    assert "applied as complete" in (told.body_text or "") and "in progress" in (told.body_text or "")
    latest = _updates(slack)[-1]
    assert latest.id != applied.id and (latest.status, latest.confirmed, latest.rejected) == ("in_progress", False, False)
    assert _withdrawn(slack) == []
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-1"])
        assert action is not None and action.status == "complete"  # still as applied: a coordinator decides
    assert _messages(slack, "confirmation") == []  # the writer is not asked: it is the coordinator's call


def test_an_edit_that_changes_no_words_is_not_read_again(slack: SlackHarness) -> None:
    riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    said = _reply(slack, channel, ts, "U0PRIYA", "RIV3-1-1 complete")
    slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)
    slack.event(edited_message(channel, said, "RIV3-1-1 complete"))  # e.g. Slack adding language metadata
    _reply(slack, channel, ts, "U0PRIYA", "Marker: RIV3-1-2 still in progress")
    wait_for(lambda: len(_updates(slack)) >= 2, "the marker read")
    first, marker = _updates(slack)
    assert first.raw_text == "RIV3-1-1 complete" and marker.raw_text and marker.raw_text.startswith("Marker")
    assert _messages(slack, "reply_changed") == []


def test_deleting_an_unconfirmed_reply_withdraws_its_reading(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    said = _reply(slack, channel, ts, "U0PRIYA", "we need more time on this one")
    slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)
    slack.event(deleted_message(channel, said))
    wait_for(lambda: len(_withdrawn(slack)) == 2, "both readings withdrawn")
    assert [(u.confirmed, u.rejected) for u in _updates(slack)] == [(False, True), (False, True)]
    assert _messages(slack, "reply_changed") == []
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-2"])
        assert action is not None and action.status == "not_started"


def test_deleting_an_applied_reply_tells_the_coordinator_once_and_keeps_the_plan(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    said = _reply(slack, channel, ts, "U0PRIYA", "RIV3-1-1 complete")
    slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)
    deletion = deleted_message(channel, said)
    slack.event(deletion)
    slack.event(deletion)  # Slack sends it again under a new event id (not a retry): still told once
    [told] = wait_for(lambda: _messages(slack, "reply_changed"), "the coordinator told")
    assert "deleted" in (told.body_text or "") and "RIV3-1-1" in (told.body_text or "")
    _reply(slack, channel, ts, "U0PRIYA", "Marker: RIV3-1-2 still in progress")
    wait_for(lambda: len(_updates(slack)) >= 2, "the marker read")
    assert len(_messages(slack, "reply_changed")) == 1
    first = _updates(slack)[0]
    assert (first.confirmed, first.rejected) == (True, False)
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-1"])
        assert action is not None and action.status == "complete"
