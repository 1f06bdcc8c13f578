"""The shared answer path: reading, permission, recording, and the confirmation question."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot import blocks
from bot.answers import handle_answer, queue_confirmation
from bot.db import session_scope
from bot.models import Action, Contact, Event, Message, MessageAction
from bot.routing import Route
from bot.rules.statuses import ChannelKind, UpdateSource
from bot.settings import load_settings
from tests.factories import small_plan

NOW = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)


def chaser_for_priya(engine: Engine) -> int:
    with session_scope(engine) as session:
        plan = small_plan(session, load_settings(), [
            ("1-1", "Riverside Police", date(2026, 11, 20), "in_progress"),
            ("1-2", "Riverside Police", date(2026, 11, 27), "not_started"),
        ])
        message = Message(idempotency_key="c1", kind="chaser", channel="slack", recipient_address="U0PRIYA",
                          state="sent", created_at=NOW)
        session.add(message)
        session.flush()
        for action_id in plan.actions.values():
            session.add(MessageAction(message_id=message.id, action_id=action_id))
        assert message.id is not None
        return message.id


def answer(engine: Engine, message_id: int, sender: str, text: str):  # type: ignore[no-untyped-def]
    settings = load_settings()
    with session_scope(engine) as session:
        contact = session.exec(select(Contact).where(Contact.name == sender)).one()
        message = session.get(Message, message_id)
        assert message is not None
        return handle_answer(session, settings, message=message, text=text, sender=contact, author=sender,
                             source=UpdateSource.SLACK_REPLY, now=NOW, slack_user_id=contact.slack_user_id)


def test_a_lead_answering_for_two_actions_changes_both(engine: Engine) -> None:
    outcome = answer(engine, chaser_for_priya(engine), "Priya Shah", "RIV3-1-1 complete\nRIV3-1-2 in progress")
    assert sorted((a.ref, u.status, u.confirmed) for a, u, _ in outcome.recorded) == [
        ("RIV3-1-1", "complete", True), ("RIV3-1-2", "in_progress", True)]


def test_another_agencys_lead_is_kept_on_record_but_changes_nothing(engine: Engine) -> None:
    outcome = answer(engine, chaser_for_priya(engine), "Grace Lin", "All done")
    assert sorted(outcome.refused) == ["RIV3-1-1", "RIV3-1-2"] and outcome.unsure == []
    assert all(u.refused and not u.confirmed for _, u, _ in outcome.recorded)
    with session_scope(engine) as session:
        assert {a.status for a in session.exec(select(Action)).all()} == {"in_progress", "not_started"}


def test_the_confirmation_question_carries_buttons_the_slack_handler_understands(engine: Engine) -> None:
    message_id = chaser_for_priya(engine)
    outcome = answer(engine, message_id, "Priya Shah", "done by the end of next week I think")
    assert outcome.unsure
    with session_scope(engine) as session:
        assert queue_confirmation(session, load_settings(), key="confirm-test", recipient_name="Priya Shah",
                                  contact_id=None, route=Route("slack", "U0PRIYA", ChannelKind.SLACK),
                                  unsure=outcome.unsure, now=NOW)
        question = session.exec(select(Message).where(Message.kind == "confirmation")).one()
    values = [e["value"] for b in question.blocks or [] if b["type"] == "actions" for e in b["elements"]
              if e["action_id"] == blocks.CONFIRM_READING]
    assert blocks.read_confirm_value(values[0]) == sorted(u.id for _, u, _ in outcome.unsure)


def test_an_out_of_office_sets_the_return_date_and_records_nothing(engine: Engine) -> None:
    outcome = answer(engine, chaser_for_priya(engine), "Priya Shah",
                     "Automatic reply: I am on annual leave, back on 14 December.")
    assert outcome.automatic and outcome.away_until == date(2026, 12, 14) and outcome.recorded == []


def test_a_refused_reply_is_audited_as_refused_and_never_as_awaiting_confirmation(engine: Engine) -> None:
    outcome = answer(engine, chaser_for_priya(engine), "Grace Lin", "RIV3-1-1 complete")
    assert outcome.refused == ["RIV3-1-1"]
    with session_scope(engine) as session:
        kinds = [e.kind for e in session.exec(select(Event).where(Event.kind.startswith("update.")).order_by(Event.id))]
    assert kinds == ["update.refused"]


def test_quoted_history_is_stripped_once_per_reply(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import answers
    from bot.reading import replies

    calls: list[str] = []
    split = replies.split_reply

    def counting(text: str) -> tuple[str, str]:
        calls.append(text)
        return split(text)

    assert not hasattr(answers, "split_reply") and not hasattr(answers, "strip_quoted")
    monkeypatch.setattr(replies, "split_reply", counting)
    message_id = chaser_for_priya(engine)
    outcome = answer(engine, message_id, "Priya Shah",
                     "RIV3-1-1 complete\nRIV3-1-2 in progress\n\nOn 1 Dec 2026, DHR bot wrote:\n> Please update")
    assert len(outcome.recorded) == 2 and len(calls) == 1


def test_a_reply_is_read_whole_but_stored_with_personal_data_masked(engine: Engine) -> None:
    outcome = answer(engine, chaser_for_priya(engine), "Priya Shah",
                     "RIV3-1-1 complete, the victim's mother (born 3 March 1962, tel 0161 496 0753) was told and "
                     "the evidence is with a.friend@gmail.com and me (priya.shah@police.example.org).")
    [(recorded_action, update, reading)] = outcome.recorded
    assert recorded_action.ref == "RIV3-1-1" and update.status == "complete" and "0161 496 0753" in reading.text
    with session_scope(engine) as session:
        progress = session.exec(select(Action).where(Action.ref == "RIV3-1-1")).one().progress or ""
    assert "(born 3 March 1962" not in progress and "[date of birth removed], tel [phone number removed]" in progress
    assert "with [email address removed] and me (priya.shah@police.example.org)" in progress


def test_a_completion_the_status_model_doubts_is_asked_in_the_reply_flow(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reply flow reads with the shipped status model: when it doubts a completion the rules would apply
    at once, the update is recorded unconfirmed and the author is asked (bot.reading.second_opinion)."""
    from bot.reading import replies
    from bot.rules.statuses import ReadStatus
    from tests.reading.test_second_opinion import one_word_model

    monkeypatch.setattr(replies, "shipped_status_model", lambda: one_word_model("done", ReadStatus.IN_PROGRESS))
    outcome = answer(engine, chaser_for_priya(engine), "Priya Shah", "RIV3-1-1 done\nRIV3-1-2 in progress")
    recorded = {a.ref: (u.status, u.confirmed) for a, u, _ in outcome.recorded}
    assert recorded == {"RIV3-1-1": ("complete", False), "RIV3-1-2": ("in_progress", True)}
    assert [a.ref for a, _, _ in outcome.unsure] == ["RIV3-1-1"]
    with session_scope(engine) as session:
        assert session.exec(select(Action).where(Action.ref == "RIV3-1-1")).one().status == "in_progress"
