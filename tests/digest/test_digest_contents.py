"""The digest over a small plan whose history was made by sweeping day by day and recording replies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.db import ensure_partnership, session_scope
from bot.digest.content import ActionRow, Answer, ChaseMessage, Digest, build_digest, compose_digest, digest_context
from bot.models import Action, Contact
from bot.render import render
from bot.rules.statuses import ChannelKind
from bot.settings import Settings
from tests.digest.history import AS_OF, LAST_MEETING, MEETING, NEW_HOUSING_DATE, live_through, seed_plan


@pytest.fixture
def digest(engine: Engine, settings: Settings) -> Digest:
    seed_plan(engine, settings)
    live_through(engine, settings)
    with session_scope(engine) as session:
        return build_digest(session, ensure_partnership(session, settings), MEETING, AS_OF)


def test_digest_covers_changes_since_the_last_meeting(digest: Digest) -> None:
    assert (digest.meeting_date, digest.as_of, digest.since) == (MEETING, date(2027, 1, 7), LAST_MEETING)


def test_overdue_lists_only_open_actions_past_their_date(digest: Digest) -> None:
    assert [(o.ref, o.agency, o.due, o.days_overdue) for o in digest.overdue] == [
        ("RIV3-1-1", "Riverside Police", date(2026, 11, 20), 48)
    ]


def test_unanswered_action_carries_its_chase_history_up_to_the_board(digest: Digest) -> None:
    [item] = digest.no_response
    assert item.ref == "RIV3-1-1" and item.escalation_level == 3
    assert item.history.startswith(
        "Chaser sent 2 Dec 2026 asking for an update by 8 Dec 2026. No response received. Follow-up sent 9 Dec 2026 "
    )
    assert "Escalated to the agency manager 16 Dec 2026." in item.history
    assert "Escalated to the board 23 Dec 2026." in item.history
    assert item.history.index("agency manager") < item.history.index("the board")
    assert item.chase_count == item.history.count("Chaser sent") + item.history.count("Follow-up sent")


def test_answered_actions_are_not_listed_as_unanswered(digest: Digest) -> None:
    assert {n.ref for n in digest.no_response}.isdisjoint({"RIV3-2-1", "RIV3-3-1"})


def test_a_new_date_from_a_reply_shows_old_and_new(digest: Digest) -> None:
    [revised] = digest.revised_dates
    assert (revised.ref, revised.old_due, revised.new_due, revised.revised_on) == (
        "RIV3-2-1", date(2026, 11, 2), NEW_HOUSING_DATE, date(2026, 12, 4)
    )


def test_completed_since_the_last_meeting_leaves_out_older_completions(digest: Digest) -> None:
    assert [(c.ref, c.completed_on) for c in digest.completed] == [("RIV3-3-1", date(2026, 12, 7))]


def test_rag_counts_by_plan_agency_and_review(digest: Digest) -> None:
    assert digest.rag == {"Red": 1, "Amber": 1, "Green": 3, "Not chased": 0}
    agencies = {row.name: (row.red, row.amber, row.green) for row in digest.by_agency}
    assert agencies["Riverside Police"] == (1, 0, 0)  # overdue and escalated
    assert agencies["Riverside Council Housing"] == (0, 1, 0)  # revised date
    assert agencies["Riverside Hospitals NHS Trust"] == (0, 0, 1)  # complete
    [review] = digest.by_review
    assert (review.name, review.total, review.open, review.overdue, review.complete) == ("RIV3", 5, 3, 1, 2)


def test_response_by_agency_counts_chasers_answered_and_median_days(digest: Digest) -> None:
    rows = {r.agency: (r.chasers_sent, r.answered, r.median_days_to_answer) for r in digest.response_by_agency}
    assert rows["Riverside Council Housing"] == (1, 1, 2.0)
    assert rows["Riverside Hospitals NHS Trust"] == (1, 1, 5.0)
    sent, answered, median = rows["Riverside Police"]
    assert sent >= 4 and answered == 0 and median is None
    assert "Probation Service" not in rows  # never chased


def test_digest_renders_for_every_channel(digest: Digest) -> None:
    for channel in ChannelKind:
        rendered = render("digest", channel, digest_context(digest) | {"ref_token": "DHR-1a2b"})
        assert "RIV3-1-1" in rendered.text and "Red 1" in rendered.text


# The RAG rules on plain rows --------------------------------------------------------------


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def composed(actions: list[ActionRow], messages: Sequence[ChaseMessage] = (), answers: Sequence[Answer] = ()) -> Digest:
    return compose_digest(
        partnership_name="Riverside Community Safety Partnership", board_name="Riverside Safer Communities Board",
        meeting_date=MEETING, as_of=at(date(2027, 1, 7)), since=LAST_MEETING, tz="Europe/London",
        actions=actions, messages=messages, answers=answers, changes=[], amber_working_days=10,
    )


def row(action_id: int, due: date | None, status: str = "in_progress") -> ActionRow:
    return ActionRow(action_id, f"RIV3-{action_id}-1", "RIV3", "Riverside Police", due, status)


def test_due_within_the_amber_window_is_amber_and_later_is_green() -> None:
    digest = composed([row(1, date(2027, 1, 20)), row(2, date(2027, 3, 1)), row(3, None)])
    assert digest.rag == {"Red": 0, "Amber": 1, "Green": 2, "Not chased": 0}


def test_escalated_and_unanswered_is_red_even_before_the_due_date() -> None:
    escalation = ChaseMessage("escalation", 2, at(date(2026, 12, 11)), (1,))
    digest = composed([row(1, date(2027, 3, 1))], [escalation])
    assert digest.rag["Red"] == 1


def test_a_reply_after_the_escalation_takes_it_out_of_red() -> None:
    escalation = ChaseMessage("escalation", 2, at(date(2026, 12, 11)), (1,))
    digest = composed([row(1, date(2027, 3, 1))], [escalation], [Answer(1, at(date(2026, 12, 14)))])
    assert digest.rag["Red"] == 0 and digest.no_response == []


def test_closed_actions_are_green_whatever_their_date() -> None:
    digest = composed([row(1, date(2026, 1, 1), "complete"), row(2, date(2026, 1, 1), "not_applicable")])
    assert digest.rag == {"Red": 0, "Amber": 0, "Green": 2, "Not chased": 0} and digest.overdue == []


def test_an_action_is_not_unanswered_before_its_chasers_reply_by_day() -> None:
    # As of Thursday 7 January: a chaser on Monday 4th may be answered until Friday 8th.
    this_week = ChaseMessage("chaser", 1, at(date(2027, 1, 4)), (1,))
    assert composed([row(1, date(2026, 12, 31))], [this_week]).no_response == []
    last_week = ChaseMessage("chaser", 1, at(date(2026, 12, 29)), (1,))
    assert [i.ref for i in composed([row(1, date(2026, 12, 31))], [last_week]).no_response] == ["RIV3-1-1"]


def test_median_working_days_to_answer_skip_weekends_and_bank_holidays() -> None:
    # Chasers on Wednesday 23 December: one answered Tuesday 29th (Christmas, Boxing Day's substitute Monday 28th
    # and a weekend between: 6 calendar days, 2 working days), the other never; a third on Monday 4 January,
    # answered the next day.
    actions = [row(1, date(2027, 3, 1)), row(2, date(2027, 3, 1)), row(3, date(2027, 3, 1))]
    messages = [ChaseMessage("chaser", 1, at(date(2026, 12, 23)), (1,)), ChaseMessage("chaser", 1, at(date(2026, 12, 23)), (2,)),
                ChaseMessage("chaser", 1, at(date(2027, 1, 4)), (3,))]
    answers = [Answer(1, at(date(2026, 12, 29))), Answer(3, at(date(2027, 1, 5)))]
    [police] = composed(actions, messages, answers).response_by_agency
    assert (police.chasers_sent, police.answered) == (3, 2)
    assert (police.median_days_to_answer, police.median_working_days_to_answer) == (3.5, 1.5)
    assert police.chasers_per_answer == 1.5


# Work nobody is chased about -------------------------------------------------------------------


def test_an_open_action_with_no_lead_is_not_chased_and_never_green() -> None:
    unowned = [
        ActionRow(1, "RIV3-1-1", "RIV3", "No lead agency", date(2027, 6, 1), "in_progress", "Audit the pathway",
                  "no lead agency"),
        ActionRow(2, "RIV3-2-1", "RIV3", "Riverside Police", date(2026, 12, 1), "not_started", "Train staff",
                  "no lead contact"),
        row(3, date(2027, 6, 1)),
    ]
    digest = composed(unowned)

    assert digest.rag == {"Red": 0, "Amber": 0, "Green": 1, "Not chased": 2}
    assert [(n.ref, n.reason) for n in digest.not_chased] == [("RIV3-1-1", "no lead agency"),
                                                            ("RIV3-2-1", "no lead contact")]
    police = {g.name: g for g in digest.by_agency}["Riverside Police"]
    assert (police.not_chased, police.green) == (1, 1)
    assert digest.totals["not_chased"] == 2
    assert [o.ref for o in digest.overdue] == ["RIV3-2-1"]  # still overdue, and listed as such


def test_a_plan_with_actions_nobody_leads_shows_them_in_the_digest(engine: Engine, settings: Settings) -> None:
    plan = seed_plan(engine, settings)
    with session_scope(engine) as session:
        for ref in ("RIV3-1-1", "RIV3-4-1"):
            action = session.get(Action, plan[ref])
            assert action is not None
            action.lead_agency_id, action.lead_agency_text = None, None
            session.add(action)
        tom = session.exec(select(Contact).where(Contact.name == "Tom Okafor")).one()
        tom.active = False  # the hospitals' only lead has left
        session.add(tom)
        hospital = session.get(Action, plan["RIV3-3-1"])
        assert hospital is not None
        hospital.status = "in_progress"
        session.add(hospital)
    with session_scope(engine) as session:
        digest = build_digest(session, ensure_partnership(session, settings), MEETING, AS_OF)
    text = render("digest", ChannelKind.EMAIL, digest_context(digest)).text

    assert [(n.ref, n.reason) for n in digest.not_chased] == [
        ("RIV3-1-1", "no lead agency"), ("RIV3-3-1", "no lead contact"), ("RIV3-4-1", "no lead agency")]
    assert digest.rag["Not chased"] == 3 and digest.rag["Green"] == 1  # only the completed action is green
    assert "Riverside Hospitals NHS Trust: 1 open, 1 overdue, 0 complete, 1 not being chased" in text
    assert ("- RIV3-3-1 Fictional action 3-1 for the Riverside Hospitals NHS \u2026 · Riverside Hospitals NHS "
            "Trust · no lead contact") in text


# Snoozed work still reaches the board ---------------------------------------------------------


def test_an_open_snoozed_action_is_listed_for_the_board_until_its_snooze_ends() -> None:
    from dataclasses import replace

    snoozed = replace(row(1, date(2026, 12, 1)), snoozed_until=date(2027, 6, 30))
    ended = replace(row(2, date(2026, 12, 1)), snoozed_until=date(2027, 1, 2))  # before the digest's day
    closed = replace(row(3, date(2026, 12, 1), "complete"), snoozed_until=date(2027, 6, 30))

    digest = composed([snoozed, ended, closed])

    assert [(s.ref, s.snoozed_until) for s in digest.snoozed] == [("RIV3-1-1", date(2027, 6, 30))]
    assert digest.totals["snoozed"] == 1
    assert [o.ref for o in digest.overdue] == ["RIV3-1-1", "RIV3-2-1"]  # a snooze hides nothing from "Overdue"


def test_an_action_a_lead_snoozed_past_the_meeting_is_in_the_boards_digest(engine: Engine, settings: Settings) -> None:
    from bot.digest.reports import section_rows
    from bot.updates import snooze

    plan = seed_plan(engine, settings)
    with session_scope(engine) as session:
        action = session.get(Action, plan["RIV3-1-1"])
        assert action is not None
        snooze(session, action, date(2027, 5, 28), actor="contact:1", now=AS_OF, max_days=183)
    with session_scope(engine) as session:
        digest = build_digest(session, ensure_partnership(session, settings), MEETING, AS_OF)
    text = " ".join(render("digest", ChannelKind.EMAIL, digest_context(digest)).text.split())

    assert "Snoozed: no chasing or escalation until the date shown (1):" in text
    assert "snoozed until 28 May 2027" in text
    [snoozed_section] = [s for s in section_rows(digest) if s[0].startswith("Snoozed")]
    assert snoozed_section[2][0][0] == "RIV3-1-1" and snoozed_section[2][0][-1] == "28 May 2027"
