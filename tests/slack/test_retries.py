"""Slack's retries and replayed signed requests are processed once, even across a restart."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import urlencode

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.db import make_engine, session_scope
from bot.models import Message, ProgressUpdate
from bot.slack_dedupe import first_delivery, forget_deliveries
from tests.fakes.slack_events import new_event_id, slackbot_thread_message
from tests.slack.conftest import TEAM, SlackHarness, delivered_chaser, riverside_plan


def _updates(slack: SlackHarness) -> list[ProgressUpdate]:
    with session_scope(slack.engine) as session:
        return list(session.exec(select(ProgressUpdate).order_by(ProgressUpdate.id)).all())


def _reply_event(channel: str, thread_ts: str, user: str, text: str) -> dict[str, object]:
    return {"type": "message", "channel": channel, "user": user, "text": text, "ts": f"{time.time():.6f}",
            "thread_ts": thread_ts, "channel_type": "im"}


def _thanks(slack: SlackHarness, ts: str) -> list[object]:
    return slack.calls("chat.postMessage", lambda c: c.body.get("thread_ts") == ts and "Thanks" in c.body["text"])


def test_a_retried_event_is_processed_once(slack: SlackHarness) -> None:
    riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    event, event_id = _reply_event(channel, ts, "U0PRIYA", "RIV3-1-1 complete"), new_event_id()
    assert slack.event(event, event_id=event_id).status_code == 200
    slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)
    submitted = slack.listeners.submitted

    for number in (1, 2, 3):  # Slack's three redeliveries of the same event
        assert slack.event(event, event_id=event_id, retry=number).status_code == 200

    assert slack.listeners.submitted == submitted, "a retry reached a listener"
    assert len(_updates(slack)) == 1 and len(_thanks(slack, ts)) == 1


def test_a_replayed_signed_update_command_is_recorded_once(slack: SlackHarness) -> None:
    riverside_plan(slack)
    first = slack.command("U0PRIYA", "update RIV3-1-1 policy published, complete")
    assert first.status_code == 200
    slack.wait_response("U0PRIYA")
    submitted = slack.listeners.submitted

    replay = slack.replay(first)

    assert replay.status_code == 200 and slack.listeners.submitted == submitted
    assert len(_updates(slack)) == 1


def test_a_replayed_chase_command_queues_one_chaser(slack: SlackHarness) -> None:
    riverside_plan(slack)
    first = slack.command("U0MORGAN", "chase police", timestamp=int(time.time()) - 70)
    assert "Chaser queued" in slack.wait_response("U0MORGAN")["text"]

    assert slack.replay(first).status_code == 200
    assert slack.replay(first).status_code == 200

    with session_scope(slack.engine) as session:
        assert len(session.exec(select(Message)).all()) == 1
    assert len(slack.responses("U0MORGAN")) == 1


def test_the_same_command_typed_twice_in_one_second_is_two_requests(slack: SlackHarness) -> None:
    riverside_plan(slack)
    signed_at = int(time.time())
    slack.command("U0MORGAN", "help", timestamp=signed_at)
    slack.command("U0MORGAN", "help", timestamp=signed_at)  # its own trigger_id, so other bytes
    slack.wait_response("U0MORGAN", count=2)


def test_a_retry_of_an_event_never_seen_is_processed(slack: SlackHarness) -> None:
    riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    slack.event(_reply_event(channel, ts, "U0PRIYA", "RIV3-1-1 complete"), retry=1)  # the first delivery was lost
    slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)
    assert len(_updates(slack)) == 1


def test_seen_deliveries_survive_a_restart_and_are_forgotten_after_a_day(engine: Engine) -> None:
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert first_delivery(engine, "event:Ev0RESTART", now)
    restarted = make_engine(engine.url.render_as_string(hide_password=False))
    try:
        assert not first_delivery(restarted, "event:Ev0RESTART", now)
        assert forget_deliveries(restarted, now.replace(day=2, hour=11)) == 1
        assert first_delivery(restarted, "event:Ev0RESTART", now.replace(day=2, hour=11))
    finally:
        restarted.dispose()


def test_slackbot_writing_in_a_chasers_thread_is_not_read_as_a_reply(slack: SlackHarness) -> None:
    riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    slack.event(slackbot_thread_message(channel, ts, "Reminder: RIV3-1-1 complete"))
    slack.event(_reply_event(channel, ts, "U0PRIYA", "Marker: RIV3-1-2 is in progress"))
    slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)
    assert [u.raw_text for u in _updates(slack) if u.raw_text and "Reminder" in u.raw_text] == []


def test_reply_text_is_read_as_typed_though_slack_escapes_it(slack: SlackHarness) -> None:
    riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    slack.event(_reply_event(channel, ts, "U0PRIYA", "RIV3-1-1 complete: policy & guidance <v2> signed off"))
    slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)
    assert [u.raw_text for u in _updates(slack)] == ["RIV3-1-1 complete: policy & guidance <v2> signed off"]


def test_an_unsigned_command_is_refused_before_the_dedupe_store_sees_it(slack: SlackHarness) -> None:
    form = urlencode({"team_id": TEAM["id"], "user_id": "U0PRIYA", "command": "/dhr", "text": "help"})
    answer = slack.post(form, "application/x-www-form-urlencoded", secret="forged")
    assert answer.status_code == 401
    assert first_delivery(slack.engine, "event:unrelated", datetime(2026, 12, 1, tzinfo=UTC))


def test_a_retried_edit_is_read_again_once(slack: SlackHarness) -> None:
    from tests.fakes.slack_events import edited_message

    riverside_plan(slack)
    channel, ts = delivered_chaser(slack)
    said = _reply_event(channel, ts, "U0PRIYA", "hmm, see you next week maybe")
    slack.event(said)
    slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)
    edit, event_id = edited_message(channel, said, "RIV3-1-1 complete"), new_event_id()
    assert slack.event(edit, event_id=event_id).status_code == 200
    slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts and "recorded" in c.body["text"])
    submitted = slack.listeners.submitted

    for number in (1, 2, 3):
        assert slack.event(edit, event_id=event_id, retry=number).status_code == 200

    assert slack.listeners.submitted == submitted, "a retry reached a listener"
    assert [(u.status, u.confirmed) for u in _updates(slack) if not u.rejected] == [("complete", True)]
    assert len(slack.calls("chat.postMessage", lambda c: c.body.get("thread_ts") == ts and "recorded" in c.body["text"])) == 1
