"""Sweeps over a small plan in the database: who gets what, once."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.db import session_scope
from bot.models import Action, Agency, Contact, Message, MessageAction, ProgressUpdate
from bot.outbox import message_rendering
from bot.settings import load_settings
from bot.sweep import sweep
from tests.factories import small_plan, sweep_and_deliver

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
        report = sweep_and_deliver(engine, settings, day)
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
        sweep_and_deliver(engine, settings, day)
        day += timedelta(days=1)
    with session_scope(engine) as session:
        priya = session.exec(select(Contact).where(Contact.name == "Priya Shah")).one()
        priya.away_until = date(2027, 1, 11)
        session.add(priya)
    escalated = []
    while day.date() < date(2027, 1, 11):
        escalated += [m for m in sweep_and_deliver(engine, settings, day).queued if m.recipient_address == "U0DANA"]
        day += timedelta(days=1)
    assert escalated == []
    # Back on Monday 11 January she is chased again, and has that chaser's five working days to
    # answer; still silent after them, her manager hears of it.
    escalated_on = []
    while day.date() <= date(2027, 1, 20):
        escalated_on += [m.not_before.date() for m in sweep_and_deliver(engine, settings, day).queued  # type: ignore[union-attr]
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


def test_an_undeliverable_chaser_is_reported_never_held_against_the_lead(engine: Engine, settings) -> None:
    """A chaser nobody received asked nothing: the coordinators hear it could not be delivered, and
    no manager is told the lead left it unanswered (issue 15: "we have asked Grace Lin 2 times")."""
    seed(engine, settings)
    sweep(engine, settings, WEDNESDAY)
    with session_scope(engine) as session:
        for message in session.exec(select(Message)).all():
            message.state, message.last_error = "dead", "user_not_found"
            session.add(message)
    day, queued = WEDNESDAY, []
    for _ in range(14):
        day += timedelta(days=1)
        queued += [(m.kind, m.recipient_address) for m in sweep(engine, settings, day).queued]
    assert ("undeliverable", "U0MORGAN") in queued  # the coordinators are told
    assert ("chaser", "U0PRIYA") in queued  # the next repeat comes round
    assert ("escalation", "U0DANA") not in queued  # but nothing undelivered is held against Priya


def test_the_board_gets_one_escalation_per_sweep_however_many_agencies(engine: Engine, settings) -> None:
    with session_scope(engine) as session:
        small_plan(session, settings, [
            ("1-1", "Riverside Police", date(2026, 11, 2), "in_progress"),
            ("2-1", "Riverside Hospitals NHS Trust", date(2026, 11, 2), "in_progress"),
        ])
    day, board_messages = WEDNESDAY, []
    for _ in range(40):
        board_messages += [m for m in sweep_and_deliver(engine, settings, day).queued if m.level == 3]
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


# What the messages say is what happened ------------------------------------------------------


def deliver_all(engine: Engine, *, but_escalations: bool = False) -> None:
    """Mark every queued message sent when it was due, as the outbox would have (escalations left
    waiting with `but_escalations`)."""
    with session_scope(engine) as session:
        for message in session.exec(select(Message).where(Message.state == "pending")).all():
            if but_escalations and message.kind == "escalation":
                continue
            message.state, message.sent_at = "sent", message.not_before or message.created_at
            session.add(message)


def board_escalation_after_daily_sweeps(engine: Engine, settings, *, delivered: bool) -> Message:
    """The board's escalation after daily sweeps; the chasers are delivered (only they move the
    ladder), and the level-2 messages too when `delivered`."""
    day = WEDNESDAY
    for _ in range(40):
        sweep(engine, settings, day)
        deliver_all(engine, but_escalations=not delivered)
        day += timedelta(days=1)
    with session_scope(engine) as session:
        [board] = session.exec(select(Message).where(Message.level == 3)).all()
        session.expunge(board)
        return board


def first_escalations(engine: Engine, settings, wanted) -> list:  # type: ignore[no-untyped-def]
    """Sweep day by day, delivering what each sweep queues (only delivered chasers count towards
    escalation), until a sweep queues a message `wanted` picks; at most 60 days."""
    day = WEDNESDAY
    for _ in range(60):
        found = [m for m in sweep(engine, settings, day).queued if wanted(m)]
        if found:
            return found
        deliver_all(engine)
        day += timedelta(days=1)
    raise AssertionError("no such escalation in 60 days")


def test_the_board_is_told_who_was_asked_at_level_two_how_and_when(engine: Engine, settings) -> None:
    with session_scope(engine) as session:
        small_plan(session, settings, [
            ("1-1", "Riverside Police", date(2026, 11, 2), "in_progress"),  # a manager on record (Slack)
            ("2-1", "Riverside Hospitals NHS Trust", date(2026, 11, 2), "in_progress"),  # no manager
        ])
    board = board_escalation_after_daily_sweeps(engine, settings, delivered=True)
    with session_scope(engine) as session:
        level_two = {m.recipient_address: m for m in session.exec(select(Message).where(Message.level == 2)).all()}
    dana_day = level_two["U0DANA"].sent_at.strftime("%-d %b %Y")  # type: ignore[union-attr]
    morgan_day = level_two["U0MORGAN"].sent_at.strftime("%-d %b %Y")  # type: ignore[union-attr]

    text = " ".join(message_rendering(board).text.split())
    # Without credentials every message is written to the outbox folder, and the board is told so.
    assert "Riverside Police and Riverside Hospitals NHS Trust have not answered" in text
    assert (f"The manager of Riverside Police had a message written in the outbox folder on {dana_day} (the bot "
            "sends nothing from there).") in text
    assert (f"Riverside Hospitals NHS Trust has no manager on record, so the coordinator had a message written in "
            f"the outbox folder on {morgan_day}") in text
    assert "The agency's manager has also been asked" not in text


def test_the_board_is_not_told_a_manager_was_asked_while_the_message_still_waits(engine: Engine, settings) -> None:
    with session_scope(engine) as session:
        small_plan(session, settings, [("2-1", "Riverside Hospitals NHS Trust", date(2026, 11, 2), "in_progress")])
    board = board_escalation_after_daily_sweeps(engine, settings, delivered=False)
    text = " ".join(message_rendering(board).text.split())

    assert "so the coordinator has a message waiting to go out in the outbox folder (queued " in text
    assert "was asked" not in text


def test_an_escalation_to_the_coordinator_says_the_agency_has_no_manager(engine: Engine, settings) -> None:
    with session_scope(engine) as session:
        small_plan(session, settings, [("2-1", "Riverside Hospitals NHS Trust", date(2026, 11, 2), "in_progress")])
    escalations = first_escalations(engine, settings, lambda m: m.kind == "escalation")
    [escalation] = escalations
    text = " ".join(escalation.rendering().text.split())  # type: ignore[union-attr]

    assert escalation.recipient_address == "U0MORGAN" and escalation.channel == "outbox"
    assert ("This comes to you as coordinator because Riverside Hospitals NHS Trust has no manager contact on "
            "record") in text
    assert "add a manager for Riverside Hospitals NHS Trust to the contacts file" in text
    assert "As the manager contact" not in text
    # The outbox keeps the mail (Tom in copy, as it says) and the Slack rendering, which copies no one.
    assert escalation.cc_addresses == ("tom.okafor@rht.example.org",) and "Tom Okafor is copied in." in text
    assert "copied in" not in json.dumps(escalation.rendering().blocks)
    assert "No update has been given on this action." in text
    assert "action plan of review RIV3" in text


def test_an_escalation_quotes_the_last_update_the_lead_gave(engine: Engine, settings) -> None:
    refs = seed(engine, settings)
    with session_scope(engine) as session:
        priya = session.exec(select(Contact).where(Contact.name == "Priya Shah")).one()
        session.add(ProgressUpdate(action_id=refs["RIV3-1-1"], at=datetime(2026, 11, 25, 15, tzinfo=UTC),
                                   source="slack_reply", author_contact_id=priya.id, status="in_progress",
                                   raw_text="Draft policy agreed, training booked for March", confirmed=True))
    escalations = first_escalations(engine, settings, lambda m: m.recipient_address == "U0DANA")
    text = " ".join(escalations[0].rendering().text.split())  # type: ignore[union-attr]

    assert ('Last update 25 Nov 2026, in progress: \u201cDraft policy agreed, training booked for March\u201d.'
            in text)
    # Priya's other action has had no answer at all.
    assert "RIV3-1-2" not in text or "No update has been given on this action." in text


def test_a_board_update_request_sent_on_its_reply_by_day_asks_for_the_next_working_day(
    engine: Engine, settings
) -> None:
    seed(engine, settings)
    # The plan arrives late: the first sweep is on Thursday 4 March 2027, five working days before
    # the 11 March meeting, the day a request would have asked for an answer by.
    report = sweep(engine, settings, datetime(2027, 3, 4, 10, 0, tzinfo=UTC))
    [request] = [m for m in report.queued if m.kind == "board_update_request"]
    text = " ".join(request.rendering().text.split())

    assert "by 5 Mar 2027" in request.rendering().subject  # type: ignore[operator]
    assert "Please reply by 5 Mar 2027" in text and "4 Mar 2027" not in text


def seed_with_unowned(engine: Engine, settings) -> dict[str, int]:
    refs = seed(engine, settings)
    with session_scope(engine) as session:
        session.add(Agency(name="Riverside Ambulance Service"))  # an agency with no lead in the contacts
        session.flush()
        ambulance = session.exec(select(Agency).where(Agency.name == "Riverside Ambulance Service")).one()
        for ref, agency_id in (("RIV3-1-1", None), ("RIV3-2-1", ambulance.id)):
            action = session.get(Action, refs[ref])
            assert action is not None
            action.lead_agency_id = agency_id
            session.add(action)
    return refs


def unowned(report) -> list:  # type: ignore[no-untyped-def]
    return [m for m in report.queued if m.kind == "unowned"]


def test_coordinators_hear_which_actions_nobody_is_chased_about_once_per_list(engine: Engine, settings) -> None:
    refs = seed_with_unowned(engine, settings)
    [notice] = unowned(sweep(engine, settings, WEDNESDAY))
    text = " ".join(notice.rendering().text.split())

    assert notice.recipient_address == "U0MORGAN"
    assert "RIV3: 2 DHR actions not being chased" in notice.rendering().subject
    assert "RIV3-1-1 Fictional action 1-1 for the Riverside Police: no lead agency." in text
    assert "To fix: dhr action set RIV3-1-1 --lead AGENCY" in text
    assert "RIV3-2-1 Fictional action 2-1 for the Riverside Council Housing: no lead contact." in text
    assert "add a lead for Riverside Ambulance Service to the contacts file, or dhr action set RIV3-2-1 --contact" \
        in text
    # The same list is never sent twice, however often the sweep runs.
    assert unowned(sweep(engine, settings, WEDNESDAY + timedelta(hours=1))) == []
    assert unowned(sweep(engine, settings, WEDNESDAY + timedelta(days=1))) == []

    with session_scope(engine) as session:
        action = session.get(Action, refs["RIV3-1-1"])
        assert action is not None
        action.lead_agency_id = session.exec(select(Agency).where(Agency.name == "Riverside Police")).one().id
        session.add(action)
    [changed] = unowned(sweep(engine, settings, WEDNESDAY + timedelta(days=2)))
    assert "RIV3-2-1" in changed.rendering().text and "RIV3-1-1" not in changed.rendering().text

    with session_scope(engine) as session:
        action = session.get(Action, refs["RIV3-2-1"])
        assert action is not None
        action.lead_contact_id = session.exec(select(Contact).where(Contact.name == "Grace Lin")).one().id
        session.add(action)
    [cleared] = unowned(sweep(engine, settings, WEDNESDAY + timedelta(days=3)))
    assert "now have a lead" in cleared.rendering().subject
    assert unowned(sweep(engine, settings, WEDNESDAY + timedelta(days=4))) == []


def test_a_plan_where_everyone_has_a_lead_sends_the_coordinators_nothing(engine: Engine, settings) -> None:
    seed(engine, settings)
    assert unowned(sweep(engine, settings, WEDNESDAY)) == []


def test_a_dry_run_lists_the_unowned_notice_and_remembers_nothing(engine: Engine, settings) -> None:
    seed_with_unowned(engine, settings)
    assert len(unowned(sweep(engine, settings, WEDNESDAY, dry_run=True))) == 1
    assert len(unowned(sweep(engine, settings, WEDNESDAY))) == 1


def test_a_sweep_started_while_another_runs_leaves_it_the_work(engine: Engine, settings, monkeypatch) -> None:
    """Two replicas starting their quarter-hourly sweep at once: one decides, the other returns."""
    import bot.sweep as sweeping

    seed(engine, settings)
    first_is_deciding, second_has_returned = threading.Event(), threading.Event()
    load_facts = sweeping.load_facts

    def first_waits_for_second(session, partnership, chosen):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "first":
            first_is_deciding.set()
            assert second_has_returned.wait(60)
        return load_facts(session, partnership, chosen)

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

    def first_waits_for_second(session, partnership, chosen):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "first":
            first_is_deciding.set()
            assert second_is_waiting.wait(60)
        return load_facts(session, partnership, chosen)

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


@pytest.mark.parametrize("enabled_before", [True, False], ids=["collector on", "collector off"])
def test_the_garbage_collector_is_paused_while_deciding_and_left_as_it_was_even_after_a_failure(
    engine: Engine, settings, monkeypatch, enabled_before: bool
) -> None:
    import gc

    import bot.sweep as sweeping

    seed(engine, settings)
    seen_while_deciding = []

    def fails_while_deciding(session, partnership, chosen):  # type: ignore[no-untyped-def]
        seen_while_deciding.append(gc.isenabled())
        raise RuntimeError("the database went away")

    monkeypatch.setattr(sweeping, "load_facts", fails_while_deciding)
    was = gc.isenabled()
    try:
        (gc.enable if enabled_before else gc.disable)()
        with pytest.raises(RuntimeError, match="went away"):
            sweep(engine, settings, WEDNESDAY)
        assert seen_while_deciding == [False]
        assert gc.isenabled() is enabled_before
    finally:
        (gc.enable if was else gc.disable)()
