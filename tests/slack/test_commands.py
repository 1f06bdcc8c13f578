"""`/dhr ...` through the signed HTTP endpoint; answers arrive on the response_url (lazy listeners)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.blocks import OVERDUE_NEXT_PAGE, page_button_value
from bot.db import session_scope
from bot.handlers.commands import run_command
from bot.models import Action, Event, Message, MessageAction, ProgressUpdate
from bot.runtime import Runtime
from bot.settings import Settings
from tests.factories import small_plan
from tests.slack.conftest import SlackHarness, riverside_plan


def _text_of(response: dict) -> str:
    return json.dumps(response.get("blocks") or []) + response.get("text", "")


def test_overdue_answers_ephemerally_with_every_overdue_action(slack: SlackHarness) -> None:
    riverside_plan(slack)
    reply = slack.command("U0MORGAN", "overdue")
    assert reply.status_code == 200 and reply.text == ""  # a bare ack; the answer comes from the lazy listener
    answer = slack.wait_response("U0MORGAN")
    assert answer["response_type"] == "ephemeral"
    shown = _text_of(answer)
    assert "RIV3-2-1" in shown and "RIV3-1-1" in shown and "RIV3-1-2" in shown
    assert "RIV3-3-1" not in shown  # due next year


def test_overdue_filters_by_agency_alias_and_mine(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.command("U0MORGAN", "overdue housing")
    housing = _text_of(slack.wait_response("U0MORGAN"))
    assert "RIV3-2-1" in housing and "RIV3-1-1" not in housing
    slack.command("U0PRIYA", "overdue mine")
    mine = _text_of(slack.wait_response("U0PRIYA"))
    assert "RIV3-1-1" in mine and "RIV3-2-1" not in mine


def test_overdue_filters_by_review_code(slack: SlackHarness) -> None:
    riverside_plan(slack)
    with session_scope(slack.engine) as session:
        small_plan(session, slack.settings, [("1-1", "Riverside Police", date(2026, 6, 30), "not_started")], code="RIV4")
    slack.command("U0MORGAN", "overdue riv4")
    shown = _text_of(slack.wait_response("U0MORGAN"))
    assert "RIV4-1-1" in shown and "RIV3-" not in shown


def test_overdue_pages_long_lists_and_the_next_button_shows_page_two(slack: SlackHarness) -> None:
    start = date(2026, 1, 5)
    riverside_plan(slack, [(f"{n}-1", "Riverside Police", start + timedelta(days=n), "not_started") for n in range(1, 46)])
    slack.command("U0MORGAN", "overdue police")
    first = slack.wait_response("U0MORGAN")
    buttons = [e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == [OVERDUE_NEXT_PAGE]
    assert "page 1 of 3" in _text_of(first)
    slack.click("U0MORGAN", OVERDUE_NEXT_PAGE, buttons[0]["value"])
    second = slack.wait_response("U0MORGAN", count=2)
    assert "page 2 of 3" in _text_of(second) and second.get("replace_original") is True
    assert "RIV3-21-1" in _text_of(second) and "RIV3-1-1" not in _text_of(second)
    slack.command("U0MORGAN", "overdue police 3")
    assert "page 3 of 3" in _text_of(slack.wait_response("U0MORGAN", count=3))
    assert page_button_value(2, "police") == buttons[0]["value"]


def test_status_shows_the_action(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.command("U0GRACE", "status riv3-2-1")
    shown = _text_of(slack.wait_response("U0GRACE"))
    assert "RIV3-2-1" in shown and "not started" in shown and "86 days overdue" in shown


def test_update_by_the_agency_lead_is_recorded(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    slack.command("U0PRIYA", "update RIV3-1-1 The new procedure was signed off and is complete")
    assert "Recorded for" in _text_of(slack.wait_response("U0PRIYA"))
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-1"])
        assert action is not None and action.status == "complete"
        update = session.exec(select(ProgressUpdate)).one()
        assert update.source == "command" and update.confirmed


def test_update_by_a_lead_of_another_agency_is_refused_and_changes_nothing(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    slack.command("U0TOM", "update RIV3-1-1 complete")
    assert "can't change" in _text_of(slack.wait_response("U0TOM"))
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-1-1"])
        assert action is not None and action.status == "in_progress"
        assert session.exec(select(ProgressUpdate)).all() == []
        assert session.exec(select(Event).where(Event.kind.like("update.%"))).all() == []  # type: ignore[attr-defined]


def test_someone_not_on_the_contacts_list_is_turned_away(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.command("U0STRANGER", "overdue")
    assert "don't know you" in _text_of(slack.wait_response("U0STRANGER"))


def test_unsure_update_asks_for_confirmation(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.command("U0PRIYA", "update RIV3-1-1 we need more time on this one")
    answer = slack.wait_response("U0PRIYA")
    assert "Is that right?" in _text_of(answer)
    with session_scope(slack.engine) as session:
        assert session.exec(select(ProgressUpdate)).one().confirmed is False


def test_chase_queues_one_chaser_for_the_lead_for_normal_delivery(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    slack.command("U0MORGAN", "chase police")
    assert "Chaser queued for Priya Shah (2 actions)" in _text_of(slack.wait_response("U0MORGAN"))
    slack.command("U0MORGAN", "chase police")  # the same request again in the same minute
    slack.wait_response("U0MORGAN", count=2)
    with session_scope(slack.engine) as session:
        message = session.exec(select(Message)).one()
        assert message.kind == "chaser" and message.state == "pending" and message.recipient_address == "U0PRIYA"
        covered = {m.action_id for m in session.exec(select(MessageAction)).all()}
        assert covered == {plan.actions["RIV3-1-1"], plan.actions["RIV3-1-2"]}


def test_snooze_sets_the_date_read_from_the_text(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    slack.command("U0GRACE", "snooze RIV3-2-1 31 January 2027")
    assert "will not be chased until 31 Jan 2027" in _text_of(slack.wait_response("U0GRACE"))
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-2-1"])
        assert action is not None and action.snoozed_until == date(2027, 1, 31)


def test_snooze_by_another_agency_is_refused(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    slack.command("U0PRIYA", "snooze RIV3-2-1 31 January 2027")
    assert "can't change" in _text_of(slack.wait_response("U0PRIYA"))
    with session_scope(slack.engine) as session:
        action = session.get(Action, plan.actions["RIV3-2-1"])
        assert action is not None and action.snoozed_until is None


def test_help_and_digest_preview_answer(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.command("U0MORGAN", "help")
    assert "/dhr overdue" in _text_of(slack.wait_response("U0MORGAN"))
    slack.command("U0MORGAN", "digest")
    preview = _text_of(slack.wait_response("U0MORGAN", count=2))
    assert "Riverside Safer Communities Board" in preview and "RIV3-2-1" in preview


def test_chase_by_a_lead_of_another_agency_is_refused_and_queues_nothing(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.command("U0TOM", "chase RIV3-1-1")
    assert "can't change RIV3-1-1" in _text_of(slack.wait_response("U0TOM"))
    with session_scope(slack.engine) as session:
        assert session.exec(select(Message)).all() == []


def test_chase_of_another_agency_by_name_is_refused_without_naming_its_refs(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.command("U0TOM", "chase police")
    answer = _text_of(slack.wait_response("U0TOM"))
    assert "can't change the overdue actions of police" in answer
    assert "RIV3-" not in answer
    with session_scope(slack.engine) as session:
        assert session.exec(select(Message)).all() == []


def test_chase_asked_for_on_saturday_night_waits_for_mondays_send_window(engine: Engine, slack_settings: Settings) -> None:
    with session_scope(engine) as session:
        small_plan(session, slack_settings, [("1-1", "Riverside Police", date(2026, 9, 30), "not_started")])
    saturday_night = datetime(2026, 11, 28, 22, 30, tzinfo=UTC)  # GMT: 22:30 in Riverside too
    text, _ = run_command(Runtime(slack_settings, engine, {}), "U0MORGAN", "chase police", saturday_night)
    assert "Chaser queued for Priya Shah" in text and "30 Nov 2026 at 09:30" in text
    with session_scope(engine) as session:
        message = session.exec(select(Message)).one()
        assert message.not_before == datetime(2026, 11, 30, 9, 30, tzinfo=UTC)  # Monday, window opening


def test_status_shows_the_last_update_on_the_partnership_local_date(slack: SlackHarness) -> None:
    plan = riverside_plan(slack)
    with session_scope(slack.engine) as session:
        # 23:30 UTC on 30 June is 00:30 BST on 1 July in Riverside.
        session.add(ProgressUpdate(action_id=plan.actions["RIV3-1-1"], at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC),
                                   source="command", raw_text="draft written"))
    slack.command("U0PRIYA", "status RIV3-1-1")
    shown = _text_of(slack.wait_response("U0PRIYA"))
    assert "Last update 1 Jul 2026 via command" in shown
