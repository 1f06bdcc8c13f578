"""Sweeps over a small plan in the database: who gets what, once."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.db import session_scope
from bot.models import Contact, Message, MessageAction, ProgressUpdate
from bot.outbox import message_rendering
from bot.settings import load_settings
from bot.sweep import sweep
from tests.factories import small_plan

# Wednesday 2 December 2026, 10:00 in London (GMT).
WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DHR_BOARD__MEETINGS", '["2027-03-11"]')
    monkeypatch.setenv("DHR_PARTNERSHIP__BOARD_EMAIL", "board@riverside.example.gov.uk")
    return load_settings()


def seed(engine: Engine, settings) -> dict[str, int]:
    with session_scope(engine) as session:
        plan = small_plan(
            session,
            settings,
            [
                ("1-1", "Riverside Police", date(2026, 11, 20), "in_progress"),  # overdue
                ("1-2", "Riverside Police", date(2026, 12, 7), "not_started"),  # heads-up window
                ("2-1", "Riverside Council Housing", date(2026, 11, 2), "not_started"),  # overdue
                ("3-1", "Riverside Hospitals NHS Trust", date(2026, 10, 1), "complete"),  # closed
                ("4-1", "Probation Service", None, "in_progress"),  # undated
            ],
        )
    return plan.actions


def messages(engine: Engine) -> list[tuple[str, str, list[str]]]:
    with session_scope(engine) as session:
        rows = session.exec(select(Message).order_by(Message.id)).all()
        result = []
        for message in rows:
            covered = session.exec(select(MessageAction).where(MessageAction.message_id == message.id)).all()
            result.append((message.kind, message.recipient_address or "", sorted(c.action_id for c in covered)))
        return result


def test_one_message_per_person_covering_all_their_due_actions(engine: Engine, settings) -> None:
    refs = seed(engine, settings)
    report = sweep(engine, settings, WEDNESDAY)
    assert sorted(messages(engine)) == sorted(
        [
            ("chaser", "U0PRIYA", sorted([refs["RIV3-1-1"], refs["RIV3-1-2"]])),
            ("chaser", "U0GRACE", [refs["RIV3-2-1"]]),
        ]
    )
    assert len(report.queued) == 2


def test_sweeping_twice_queues_nothing_new(engine: Engine, settings) -> None:
    seed(engine, settings)
    sweep(engine, settings, WEDNESDAY)
    again = sweep(engine, settings, WEDNESDAY + timedelta(hours=2))
    assert again.queued == [] and len(messages(engine)) == 2


def test_dry_run_writes_nothing(engine: Engine, settings) -> None:
    seed(engine, settings)
    report = sweep(engine, settings, WEDNESDAY, dry_run=True)
    assert len(report.queued) == 2 and messages(engine) == []


def test_without_credentials_messages_go_to_the_outbox_with_both_renderings(engine: Engine, settings) -> None:
    seed(engine, settings)
    sweep(engine, settings, WEDNESDAY)
    with session_scope(engine) as session:
        message = session.exec(select(Message).where(Message.recipient_address == "U0GRACE")).one()
    assert message.channel == "outbox"
    # Queued as its context: the outbox folder renders it when it writes it, both ways.
    shown = message_rendering(message)
    assert message.ref_token and message.ref_token in shown.subject
    assert shown.blocks and shown.html and "RIV3-2-1" in shown.text


def test_a_reply_resets_the_clock(engine: Engine, settings) -> None:
    refs = seed(engine, settings)
    sweep(engine, settings, WEDNESDAY)
    with session_scope(engine) as session:
        session.add(ProgressUpdate(action_id=refs["RIV3-2-1"], at=WEDNESDAY + timedelta(days=6), source="slack_reply",
                                   raw_text="Working on it", status="in_progress"))
    # Five working days after the first chaser Grace would be chased again; her reply moved the clock.
    report = sweep(engine, settings, datetime(2026, 12, 9, 10, 0, tzinfo=UTC))
    assert all(m.recipient_address != "U0GRACE" for m in report.queued)


def test_out_of_office_defers_the_next_chase(engine: Engine, settings) -> None:
    seed(engine, settings)
    with session_scope(engine) as session:
        grace = session.exec(select(Contact).where(Contact.name == "Grace Lin")).one()
        grace.away_until = date(2026, 12, 14)
        session.add(grace)
    report = sweep(engine, settings, WEDNESDAY)
    assert "U0GRACE" not in {m.recipient_address for m in report.queued}
    later = sweep(engine, settings, datetime(2026, 12, 14, 10, 0, tzinfo=UTC))
    assert "U0GRACE" in {m.recipient_address for m in later.queued}


def test_unanswered_chasers_escalate_to_the_agency_manager_then_the_board(engine: Engine, settings) -> None:
    seed(engine, settings)
    kinds_by_day = {}
    day = WEDNESDAY
    for _ in range(40):
        report = sweep(engine, settings, day)
        kinds_by_day[day.date()] = sorted((m.kind, m.level, m.recipient_address) for m in report.queued)
        day += timedelta(days=1)
    sent = [entry for entries in kinds_by_day.values() for entry in entries]
    # The police manager hears of Priya's unanswered actions; housing's override needs 3 chasers.
    assert ("escalation", 2, "U0DANA") in sent
    assert ("escalation", 2, "neil.carter@riverside.example.gov.uk") in sent
    assert ("escalation", 3, "board@riverside.example.gov.uk") in sent
    first_police_escalation = min(d for d, e in kinds_by_day.items() if ("escalation", 2, "U0DANA") in e)
    first_housing_escalation = min(
        d for d, e in kinds_by_day.items() if ("escalation", 2, "neil.carter@riverside.example.gov.uk") in e
    )
    assert first_housing_escalation > first_police_escalation


def test_no_escalation_while_the_lead_is_away(engine: Engine, settings) -> None:
    seed(engine, settings)
    day = WEDNESDAY
    while day.date() <= date(2026, 12, 8):  # two unanswered chasers, 2 and 7 December: escalation due on the 9th
        sweep(engine, settings, day)
        day += timedelta(days=1)
    with session_scope(engine) as session:
        priya = session.exec(select(Contact).where(Contact.name == "Priya Shah")).one()
        priya.away_until = date(2027, 1, 11)
        session.add(priya)
    escalated = []
    while day.date() < date(2027, 1, 11):
        escalated += [m for m in sweep(engine, settings, day).queued if m.recipient_address == "U0DANA"]
        day += timedelta(days=1)
    assert escalated == []
    # Back on Monday 11 January she is chased again, and has that chaser's five working days to
    # answer; still silent after them, her manager hears of it.
    escalated_on = []
    while day.date() <= date(2027, 1, 20):
        escalated_on += [m.not_before.date() for m in sweep(engine, settings, day).queued  # type: ignore[union-attr]
                         if (m.kind, m.level, m.recipient_address) == ("escalation", 2, "U0DANA")]
        day += timedelta(days=1)
    assert escalated_on == [date(2027, 1, 18)]


def test_an_answer_from_someone_not_allowed_does_not_stop_the_chasing(engine: Engine, settings) -> None:
    refs = seed(engine, settings)
    sweep(engine, settings, WEDNESDAY)
    with session_scope(engine) as session:
        session.add(ProgressUpdate(action_id=refs["RIV3-2-1"], at=WEDNESDAY + timedelta(days=6), source="mail_reply",
                                   raw_text="Done", status="complete", confirmed=False, refused=True))
    report = sweep(engine, settings, datetime(2026, 12, 9, 10, 0, tzinfo=UTC))
    assert "U0GRACE" in {m.recipient_address for m in report.queued}


def test_an_undeliverable_chaser_still_moves_the_ladder_on(engine: Engine, settings) -> None:
    seed(engine, settings)
    sweep(engine, settings, WEDNESDAY)
    with session_scope(engine) as session:
        for message in session.exec(select(Message)).all():
            message.state, message.last_error = "dead", "users_not_found"
            session.add(message)
    day, queued = WEDNESDAY, []
    for _ in range(14):
        day += timedelta(days=1)
        queued += [(m.kind, m.recipient_address) for m in sweep(engine, settings, day).queued]
    assert ("chaser", "U0PRIYA") in queued  # the next repeat comes round
    assert ("escalation", "U0DANA") in queued  # and her manager hears of it


def test_the_board_gets_one_escalation_per_sweep_however_many_agencies(engine: Engine, settings) -> None:
    with session_scope(engine) as session:
        small_plan(session, settings, [
            ("1-1", "Riverside Police", date(2026, 11, 2), "in_progress"),
            ("2-1", "Riverside Hospitals NHS Trust", date(2026, 11, 2), "in_progress"),
        ])
    day, board_messages = WEDNESDAY, []
    for _ in range(40):
        board_messages += [m for m in sweep(engine, settings, day).queued if m.level == 3]
        day += timedelta(days=1)
    assert len(board_messages) == 1
    [message] = board_messages
    assert len(message.action_ids) == 2
    assert "Riverside Police and Riverside Hospitals NHS Trust" in message.rendering().text


def test_coordinators_are_told_once_about_messages_that_could_not_be_delivered(engine: Engine, settings) -> None:
    seed(engine, settings)
    sweep(engine, settings, WEDNESDAY)
    with session_scope(engine) as session:
        grace = session.exec(select(Message).where(Message.recipient_address == "U0GRACE")).one()
        grace.state, grace.last_error = "dead", "users_not_found"
        session.add(grace)
        dead_id = grace.id
    report = sweep(engine, settings, WEDNESDAY + timedelta(hours=1))
    [notice] = [m for m in report.queued if m.kind == "undeliverable"]
    assert notice.recipient_address == "U0MORGAN"
    text = notice.rendering().text
    assert f"ids: {dead_id}" in text and "users_not_found" in text
    assert "Grace Lin" in text and "RIV3-2-1" in text
    again = sweep(engine, settings, WEDNESDAY + timedelta(hours=2))
    assert [m for m in again.queued if m.kind == "undeliverable"] == []


def test_a_sweep_started_while_another_runs_leaves_it_the_work(engine: Engine, settings, monkeypatch) -> None:
    """Two replicas starting their quarter-hourly sweep at once: one decides, the other returns."""
    import bot.sweep as sweeping

    seed(engine, settings)
    first_is_deciding, second_has_returned = threading.Event(), threading.Event()
    load_facts = sweeping.load_facts

    def first_waits_for_second(session, partnership):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "first":
            first_is_deciding.set()
            assert second_has_returned.wait(60)
        return load_facts(session, partnership)

    monkeypatch.setattr(sweeping, "load_facts", first_waits_for_second)
    reports = {}

    def run() -> None:
        reports[threading.current_thread().name] = sweep(engine, settings, WEDNESDAY)

    first = threading.Thread(target=run, name="first")
    first.start()
    assert first_is_deciding.wait(60)
    second = threading.Thread(target=run, name="second")
    second.start()
    second.join(60)
    second_has_returned.set()
    first.join(60)
    assert reports["second"].left_to_another and reports["second"].queued == []
    assert not reports["first"].left_to_another and len(reports["first"].queued) == 2
    assert len(messages(engine)) == 2
    assert not sweep(engine, settings, WEDNESDAY + timedelta(hours=1)).left_to_another  # the lease was let go


def test_a_sweep_lease_left_by_a_dead_process_runs_out(engine: Engine, settings) -> None:
    from bot import lease
    from bot.sweep import SWEEP_LEASE_FOR, sweep_lease_name

    seed(engine, settings)
    wall_clock = datetime.now(UTC)
    assert lease.acquire(engine, sweep_lease_name(settings), "dead-replica", wall_clock, SWEEP_LEASE_FOR)
    assert sweep(engine, settings, WEDNESDAY).left_to_another
    lease.acquire(engine, sweep_lease_name(settings), "dead-replica", wall_clock - SWEEP_LEASE_FOR - timedelta(minutes=1),
                  SWEEP_LEASE_FOR)  # as if it had stopped renewing eleven minutes ago
    assert len(sweep(engine, settings, WEDNESDAY).queued) == 2


def test_a_sweep_that_gets_the_lease_only_after_another_ended_leaves_it_the_work(
    engine: Engine, settings, monkeypatch
) -> None:
    """SQLite: the second replica's lease write waits on the first sweep's write lock, and gets
    the lease just after the first let it go. The first did the work the second was started for."""
    import bot.sweep as sweeping

    seed(engine, settings)
    first_is_deciding, second_is_waiting, first_has_ended = threading.Event(), threading.Event(), threading.Event()
    load_facts, acquire = sweeping.load_facts, sweeping.lease.acquire

    def first_waits_for_second(session, partnership):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "first":
            first_is_deciding.set()
            assert second_is_waiting.wait(60)
        return load_facts(session, partnership)

    def second_waits_for_the_lock(*args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "second":
            second_is_waiting.set()
            assert first_has_ended.wait(60)
        return acquire(*args, **kwargs)

    monkeypatch.setattr(sweeping, "load_facts", first_waits_for_second)
    monkeypatch.setattr(sweeping.lease, "acquire", second_waits_for_the_lock)
    reports = {}

    def run() -> None:
        reports[threading.current_thread().name] = sweep(engine, settings, WEDNESDAY)
        if threading.current_thread().name == "first":
            first_has_ended.set()

    first = threading.Thread(target=run, name="first")
    first.start()
    assert first_is_deciding.wait(60)
    second = threading.Thread(target=run, name="second")
    second.start()
    first.join(60)
    second.join(60)
    assert len(reports["first"].queued) == 2
    assert reports["second"].left_to_another and reports["second"].queued == []
