""""Not ours / new lead" end to end in Slack: a lead's reply (thread or `/dhr update`) becomes a coordinator task,
the coordinator gets one message with a "Re-route to X" button, and only a coordinator's click changes the lead."""

from __future__ import annotations

import time
from datetime import date

from sqlmodel import select

from bot import blocks as ids
from bot.channels.slack import SlackChannel, make_slack_client
from bot.db import session_scope
from bot.models import Action, Event, Message, ProgressUpdate, RerouteTask
from bot.outbox import deliver_due
from tests.fakes.fixtures import SLACK_TEST_TOKEN
from tests.slack.conftest import NOW, SlackHarness, delivered_chaser, riverside_plan, wait_for

ONE_POLICE_ACTION = [
    ("1-1", "Riverside Police", date(2026, 9, 30), "in_progress"),
    ("2-1", "Riverside Council Housing", date(2026, 8, 31), "not_started"),
]


def _reply(slack: SlackHarness, channel: str, thread_ts: str, user: str, text: str) -> None:
    event = {"type": "message", "channel": channel, "user": user, "text": text, "ts": f"{time.time():.6f}",
             "thread_ts": thread_ts, "channel_type": "im"}
    assert slack.event(event).status_code == 200


def _tasks(slack: SlackHarness) -> list[RerouteTask]:
    with session_scope(slack.engine) as session:
        return list(session.exec(select(RerouteTask).order_by(RerouteTask.id)).all())


def _action(slack: SlackHarness, action_id: int) -> Action:
    with session_scope(slack.engine) as session:
        found = session.get(Action, action_id)
        assert found is not None
        return found


def _coordinator_post(slack: SlackHarness) -> dict[str, object]:
    """Deliver the outbox as the scheduler would, and return what reached the coordinator (U0MORGAN)."""
    channels = {"slack": SlackChannel(make_slack_client(SLACK_TEST_TOKEN, slack.fake.url))}
    deliver_due(slack.engine, channels, lambda: NOW, worker="test")
    morgan = slack.fake.dm_channel_for("U0MORGAN")
    [post] = slack.calls("chat.postMessage", lambda c: c.body.get("channel") == morgan)
    return post.body


def _click(slack: SlackHarness, user: str, button: dict[str, object]) -> None:
    """`user` clicks `button` on the task message the coordinator was sent."""
    with session_scope(slack.engine) as session:
        [sent] = session.exec(select(Message).where(Message.kind == "reroute")).all()
    assert sent.slack_channel and sent.slack_ts
    slack.click(user, str(button["action_id"]), str(button["value"]), channel=sent.slack_channel,
                message_ts=sent.slack_ts)


def _buttons(post: dict[str, object]) -> list[dict[str, object]]:
    blocks = post["blocks"]
    assert isinstance(blocks, list)
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_not_ours_in_a_thread_becomes_a_task_and_the_coordinators_click_re_routes_it(slack: SlackHarness) -> None:
    plan = riverside_plan(slack, ONE_POLICE_ACTION)
    channel, ts = delivered_chaser(slack)
    _reply(slack, channel, ts, "U0PRIYA", "Sorry, this one is not ours, that's the housing team.")

    told = slack.wait_call("chat.postMessage", lambda c: c.body.get("thread_ts") == ts)[0].body
    assert "coordinator to re-route" in told["text"] and "RIV3-1-1" in told["text"]
    [task] = _tasks(slack)
    assert (task.state, task.named, task.agency_id, task.contact_id) == (
        "open", "the housing team", plan.agencies["Riverside Council Housing"], None)
    with session_scope(slack.engine) as session:
        [update] = session.exec(select(ProgressUpdate)).all()
        assert (update.status, update.confirmed) == ("redirect", False)
        assert session.exec(select(Message).where(Message.kind == "confirmation")).all() == []  # not asked of Priya
    police = plan.agencies["Riverside Police"]
    assert _action(slack, plan.actions["RIV3-1-1"]).lead_agency_id == police  # nothing changed yet

    post = _coordinator_post(slack)
    assert "not ours, that's the housing team" in str(post["text"])
    accept, keep = _buttons(post)
    assert (accept["action_id"], keep["action_id"]) == (ids.ACCEPT_REROUTE, ids.REJECT_REROUTE)
    assert accept["text"] == {"type": "plain_text", "text": "Re-route to Riverside Council Housing", "emoji": True}

    _click(slack, "U0PRIYA", accept)
    assert "Only a partnership coordinator" in slack.wait_response("U0PRIYA")["text"]
    assert _action(slack, plan.actions["RIV3-1-1"]).lead_agency_id == police and _tasks(slack)[0].state == "open"

    _click(slack, "U0MORGAN", accept)
    updated = slack.wait_call("chat.update")[0].body
    assert "re-routed by <@U0MORGAN>" in updated["text"]
    action = _action(slack, plan.actions["RIV3-1-1"])
    assert action.lead_agency_id == plan.agencies["Riverside Council Housing"] and action.status == "in_progress"
    with session_scope(slack.engine) as session:
        audit = {e.kind: e for e in session.exec(select(Event).where(Event.entity_id == action.id,
                                                                     Event.entity == "action"))}
    assert audit["action.corrected"].actor == "slack:U0MORGAN"
    assert audit["action.corrected"].data["changes"][0] == {
        "field": "lead agency", "before": "Riverside Police", "after": "Riverside Council Housing"}
    assert audit["reroute.accepted"].actor == "slack:U0MORGAN" and audit["update.confirmed"].actor == "slack:U0MORGAN"
    assert _tasks(slack)[0].decided_by == "slack:U0MORGAN"

    _click(slack, "U0MORGAN", accept)
    assert "already accepted" in slack.wait_response("U0MORGAN", count=2)["text"]  # the first was /dhr chase


def test_a_dhr_update_naming_a_colleague_suggests_them_as_lead_contact_and_keep_changes_nothing(
    slack: SlackHarness,
) -> None:
    plan = riverside_plan(slack, ONE_POLICE_ACTION)
    answer = slack.command("U0PRIYA", "update RIV3-1-1 copying in Dana who now leads on this")
    assert answer.status_code == 200
    assert "coordinator to re-route" in slack.wait_response("U0PRIYA")["text"]
    [task] = _tasks(slack)
    assert (task.agency_id, task.contact_id) == (None, plan.contacts["Dana Hughes"])  # same agency: contact only

    post = _coordinator_post(slack)
    assert "make Dana Hughes the lead contact?" in str(post["text"])
    accept, keep = _buttons(post)
    assert accept["text"]["text"] == "Re-route to Dana Hughes"  # type: ignore[index]
    _click(slack, "U0MORGAN", keep)
    assert "kept as it is" in slack.wait_call("chat.update")[0].body["text"]
    action = _action(slack, plan.actions["RIV3-1-1"])
    assert (action.lead_agency_id, action.lead_contact_id) == (plan.agencies["Riverside Police"], None)
    assert _tasks(slack)[0].state == "rejected"
    with session_scope(slack.engine) as session:
        [update] = session.exec(select(ProgressUpdate)).all()
        assert (update.confirmed, update.rejected) == (False, True)


def test_not_ours_naming_nobody_says_so_and_offers_no_one_click_re_route(slack: SlackHarness) -> None:
    riverside_plan(slack, ONE_POLICE_ACTION)
    channel, ts = delivered_chaser(slack)
    _reply(slack, channel, ts, "U0PRIYA", "I think you have got the wrong person, I don't deal with this any more.")
    wait_for(lambda: _tasks(slack), "the task")
    post = _coordinator_post(slack)
    assert "not theirs but named nobody" in str(post["text"])
    assert [b["action_id"] for b in _buttons(post)] == [ids.REJECT_REROUTE]


def test_not_ours_from_someone_who_may_not_change_the_action_opens_no_task(slack: SlackHarness) -> None:
    riverside_plan(slack, ONE_POLICE_ACTION)
    channel, ts = delivered_chaser(slack)
    _reply(slack, channel, ts, "U0GRACE", "Not ours, that's the CCG.")
    slack.wait_call("chat.postEphemeral")
    assert _tasks(slack) == []
