"""Who may see what through `/dhr`: leads and managers see their own agency; coordinators and board all."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.db import session_scope
from bot.models import Contact, Event, Message, ProgressUpdate
from tests.slack.conftest import SlackHarness, riverside_plan


def _text_of(response: dict) -> str:
    return json.dumps(response.get("blocks") or []) + response.get("text", "")


def _make_board_member_reachable(slack: SlackHarness) -> None:
    """The example board member has no Slack id; give them one."""
    with session_scope(slack.engine) as session:
        board = session.exec(select(Contact).where(Contact.role == "board")).one()
        board.slack_user_id = "U0ALEX"
        session.add(board)


def _nothing_written(slack: SlackHarness) -> tuple[int, int, int]:
    with session_scope(slack.engine) as session:
        return (len(session.exec(select(Event)).all()), len(session.exec(select(Message)).all()),
                len(session.exec(select(ProgressUpdate)).all()))


def test_digest_preview_is_refused_to_a_lead_politely_and_changes_nothing(slack: SlackHarness) -> None:
    riverside_plan(slack)
    before = _nothing_written(slack)
    slack.command("U0PRIYA", "digest")
    answer = _text_of(slack.wait_response("U0PRIYA"))
    assert "Sorry, the board digest is for the partnership coordinators and the board" in answer
    assert "RIV3-2-1" not in answer and "Riverside Safer Communities Board" not in answer
    assert _nothing_written(slack) == before


def test_digest_preview_is_shown_to_a_board_member(slack: SlackHarness) -> None:
    riverside_plan(slack)
    _make_board_member_reachable(slack)
    slack.command("U0ALEX", "digest")
    preview = _text_of(slack.wait_response("U0ALEX"))
    assert "Riverside Safer Communities Board" in preview and "RIV3-2-1" in preview


def test_status_of_another_agencys_action_is_refused_to_a_lead_and_changes_nothing(slack: SlackHarness) -> None:
    riverside_plan(slack)
    before = _nothing_written(slack)
    slack.command("U0PRIYA", "status RIV3-2-1")
    answer = _text_of(slack.wait_response("U0PRIYA"))
    assert "Sorry, another agency's action (RIV3-2-1)" in answer
    assert "not started" not in answer and "days overdue" not in answer
    assert _nothing_written(slack) == before


def test_a_manager_sees_the_status_of_their_own_agencys_action(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.command("U0DANA", "status RIV3-1-2")
    answer = _text_of(slack.wait_response("U0DANA"))
    assert "RIV3-1-2" in answer and "days overdue" in answer


def test_a_board_member_and_a_coordinator_see_the_status_of_any_action(slack: SlackHarness) -> None:
    riverside_plan(slack)
    _make_board_member_reachable(slack)
    for user in ("U0ALEX", "U0MORGAN"):
        slack.command(user, "status RIV3-2-1")
        assert "86 days overdue" in _text_of(slack.wait_response(user))


def test_overdue_with_no_argument_shows_a_lead_only_their_own_agency(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.command("U0PRIYA", "overdue")
    shown = _text_of(slack.wait_response("U0PRIYA"))
    assert "RIV3-1-1" in shown and "RIV3-1-2" in shown
    assert "RIV3-2-1" not in shown


def test_overdue_with_no_argument_shows_a_board_member_every_agency(slack: SlackHarness) -> None:
    riverside_plan(slack)
    _make_board_member_reachable(slack)
    slack.command("U0ALEX", "overdue")
    shown = _text_of(slack.wait_response("U0ALEX"))
    assert "RIV3-1-1" in shown and "RIV3-2-1" in shown


def test_overdue_for_another_agency_is_refused_to_a_lead_and_changes_nothing(slack: SlackHarness) -> None:
    riverside_plan(slack)
    before = _nothing_written(slack)
    slack.command("U0PRIYA", "overdue housing")
    answer = _text_of(slack.wait_response("U0PRIYA"))
    assert "Sorry, another agency's overdue list (housing)" in answer and "RIV3-2-1" not in answer
    assert _nothing_written(slack) == before


def test_overdue_for_their_own_agency_by_name_is_shown_to_a_lead(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.command("U0GRACE", "overdue housing")
    shown = _text_of(slack.wait_response("U0GRACE"))
    assert "RIV3-2-1" in shown and "RIV3-1-1" not in shown


def test_overdue_by_review_shows_a_lead_only_their_own_agencys_actions(slack: SlackHarness) -> None:
    riverside_plan(slack)
    slack.command("U0GRACE", "overdue RIV3")
    shown = _text_of(slack.wait_response("U0GRACE"))
    assert "RIV3-2-1" in shown and "RIV3-1-1" not in shown

