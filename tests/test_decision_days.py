"""Stored decision days in the database: a sweep that reads only the actions whose day has come
queues exactly what a sweep deciding every open action queues, whatever happened in between
(replies, deliveries, snoozes, absences, a new lead, new dates, a new board meeting)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.db import session_scope
from bot.models import DECIDE_NOW, Action, ActionDecision, Agency, BoardMeeting, Contact, Message, MessageAction, ProgressUpdate
from bot.settings import load_settings
from bot.sweep import SweepReport, sweep
from tests.factories import small_plan

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
AGENCIES = ["Riverside Police", "Riverside Council Housing", "Riverside Hospitals NHS Trust", "Probation Service"]


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DHR_BOARD__MEETINGS", '["2027-01-14"]')
    monkeypatch.setenv("DHR_PARTNERSHIP__BOARD_EMAIL", "board@riverside.example.gov.uk")
    return load_settings()


def seed(engine: Engine, settings, rng: random.Random, count: int = 24) -> list[int]:
    plan_rows = []
    for n in range(count):
        due = None if rng.random() < 0.2 else date(2026, 11, 2) + timedelta(days=rng.randrange(0, 60))
        plan_rows.append((f"{n // 3 + 1}-{n % 3 + 1}", AGENCIES[n % len(AGENCIES)], due,
                          rng.choice(["not_started", "in_progress", "in_progress", "blocked"])))
    with session_scope(engine) as session:
        plan = small_plan(session, settings, plan_rows)
        # A short grace, so a delivered chaser makes the manager due before the next chaser is.
        police = session.get(Agency, plan.agencies["Riverside Police"])
        assert police is not None
        police.policy_overrides = {"grace_working_days": 1}
        session.add(police)
        return list(plan.actions.values())


def something_happens(engine: Engine, rng: random.Random, action_ids: list[int], now: datetime) -> str:
    """One change of the kinds that move decision days, made the way the bot makes them (ORM)."""
    kind = rng.choice(["reply", "reply", "snooze", "away", "back", "due", "lead",
                       "close", "refuse", "nothing"])
    with session_scope(engine) as session:
        action = session.get(Action, rng.choice(action_ids))
        assert action is not None
        if kind == "reply":
            session.add(ProgressUpdate(action_id=action.id, at=now - timedelta(hours=rng.randrange(1, 20)),
                                       source=rng.choice(["slack_reply", "mail_reply", "slack_button"]),
                                       raw_text="Update", status="in_progress"))
        elif kind == "refuse":
            update = session.exec(select(ProgressUpdate).where(ProgressUpdate.action_id == action.id)).first()
            if update is not None:
                update.refused = True
                session.add(update)
        elif kind == "snooze":
            action.snoozed_until = now.date() + timedelta(days=rng.randrange(-3, 15))
        elif kind in ("away", "back"):
            contact = session.exec(select(Contact).where(Contact.role == "lead")).all()[rng.randrange(3)]
            contact.away_until = now.date() + timedelta(days=rng.randrange(1, 12)) if kind == "away" else None
            session.add(contact)
        elif kind == "due":
            action.due = now.date() + timedelta(days=rng.randrange(-20, 20))
            action.precision = "day"
        elif kind == "lead":
            leads = session.exec(select(Contact).where(Contact.role == "lead")).all()
            action.lead_contact_id = rng.choice([None, *[c.id for c in leads]])
        elif kind == "close":
            action.status = rng.choice(["complete", "in_progress", "not_started"])
        session.add(action)
    return kind


def deliver(engine: Engine, rng: random.Random, now: datetime) -> None:
    """Most of what is waiting goes out (as the outbox marks it, through the ORM); some waits longer."""
    with session_scope(engine) as session:
        for message in session.exec(select(Message).where(Message.state == "pending")).all():
            if rng.random() < 0.8:
                message.state, message.sent_at = "sent", max(message.not_before or now, now)
                session.add(message)


def sweeps_of_everything_and_of_what_is_due(engine: Engine, settings, now: datetime) -> tuple[SweepReport, SweepReport]:  # type: ignore[no-untyped-def]
    """A dry run deciding every open action, then the real sweep reading only what its stored days pick."""
    return sweep(engine, settings, now, dry_run=True, everything=True), sweep(engine, settings, now)


def keys(report) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(m.idempotency_key for m in report.queued)


@pytest.mark.parametrize("seed_value", [1, 2, 3])
def test_reading_only_due_actions_queues_what_deciding_all_of_them_queues(engine: Engine, settings,
                                                                          seed_value: int) -> None:
    rng = random.Random(seed_value)
    action_ids = seed(engine, settings, rng)
    now = MONDAY
    decided = []
    for step in range(45):
        for _ in range(rng.randrange(0, 3)):
            something_happens(engine, rng, action_ids, now)
        if step == 20:
            with session_scope(engine) as session:
                session.add(BoardMeeting(partnership_id=1, date=date(2027, 1, 6)))
        everything, report = sweeps_of_everything_and_of_what_is_due(engine, settings, now)
        assert keys(report) == keys(everything), (step, now)
        decided.append(report.decided)
        # The days it stored are of the facts it left: at once again, it reads only what has no one to chase.
        again = sweep(engine, settings, now)
        assert again.queued == [] and again.decided == len(again.unassigned_refs), (step, now)
        deliver(engine, rng, now + timedelta(hours=1))
        now += timedelta(hours=rng.choice([3, 8, 24, 24, 24, 48]))
    # Not a test that cannot fail the other way: most sweeps read few of the 24 actions.
    assert sum(decided) < 45 * 24 / 2


def test_a_second_sweep_reads_nothing_and_a_reply_makes_it_read_one_action(engine: Engine, settings) -> None:
    action_ids = seed(engine, settings, random.Random(7))
    first = sweep(engine, settings, MONDAY)
    assert first.decided_all and first.decided == len(action_ids)
    assert sweep(engine, settings, MONDAY + timedelta(minutes=15)).decided == 0
    with session_scope(engine) as session:
        session.add(ProgressUpdate(action_id=action_ids[4], at=MONDAY, source="slack_reply", raw_text="On it",
                                   status="in_progress"))
    after_reply = sweep(engine, settings, MONDAY + timedelta(minutes=30))
    assert after_reply.decided == 1 and not after_reply.decided_all


def test_a_lead_going_away_resets_the_days_of_the_actions_they_lead(engine: Engine, settings) -> None:
    action_ids = seed(engine, settings, random.Random(8))
    sweep(engine, settings, MONDAY)
    with session_scope(engine) as session:
        priya = session.exec(select(Contact).where(Contact.name == "Priya Shah")).one()
        priya.away_until = date(2026, 12, 14)
        session.add(priya)
    with session_scope(engine) as session:
        reset = set(session.exec(select(ActionDecision.action_id).where(ActionDecision.decide_on == DECIDE_NOW)).all())
        police = {a.id for a in session.exec(select(Action).where(Action.lead_agency_id == priya.agency_id)).all()}
    assert reset and reset <= set(action_ids)
    assert {a for a in police if a in reset} == reset  # only hers (no lead contact of their own: her agency's)


def test_a_new_board_meeting_or_policy_makes_the_sweep_decide_everything(engine: Engine, settings,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    seed(engine, settings, random.Random(9))
    sweep(engine, settings, MONDAY)
    assert not sweep(engine, settings, MONDAY + timedelta(minutes=15)).decided_all
    with session_scope(engine) as session:
        session.add(BoardMeeting(partnership_id=1, date=date(2027, 2, 3)))
    assert sweep(engine, settings, MONDAY + timedelta(minutes=30)).decided_all
    monkeypatch.setenv("DHR_POLICY__REPEAT_EVERY_WORKING_DAYS", "3")
    assert sweep(engine, load_settings(), MONDAY + timedelta(minutes=45)).decided_all


def test_a_sweep_as_of_a_later_date_leaves_the_days_for_the_real_one(engine: Engine, settings) -> None:
    """`dhr sweep --as-of` a month ahead: days decided as of then would hide what is due before it."""
    action_ids = seed(engine, settings, random.Random(10))
    sweep(engine, settings, MONDAY + timedelta(days=30), store_days=False)
    with session_scope(engine) as session:
        assert set(session.exec(select(ActionDecision.decide_on)).all()) == {DECIDE_NOW}
    assert sweep(engine, settings, MONDAY).decided == len(action_ids)


@pytest.mark.parametrize("generic", [False, True], ids=["custom plan", "generic plan"])
def test_a_sweep_reads_the_due_actions_through_their_index_without_statistics(engine: Engine, generic: bool) -> None:
    """At 100k open actions a steady sweep must cost what is due: the ids whose day has come are read from
    ix_action_decision_decide_on, and their actions by their key, never a scan of the partnership's every
    (live) action, also by a PostgreSQL that has no statistics yet and plans a prepared statement generically."""
    import sqlalchemy as sa
    from sqlmodel import Session

    from bot.sweep import Chosen, chosen_actions_query, due_action_ids
    from tests.test_overdue_queries import ACTIONS, _explain, _fill, forget_statistics, sqlite_plan

    with engine.connect() as connection:
        with Session(bind=connection) as session:
            partnership_id = _fill(session, ACTIONS)
            session.execute(sa.update(ActionDecision).values(decide_on=date(2027, 3, 1)))
            some = list(session.exec(select(ActionDecision.action_id).limit(7)).all())
            session.execute(sa.update(ActionDecision).where(ActionDecision.action_id.in_(some))  # type: ignore[attr-defined]
                            .values(decide_on=date(2026, 11, 30)))
            session.flush()
            assert sorted(due_action_ids(connection, date(2026, 12, 2))) == sorted(some)
            due = sa.select(ActionDecision.action_id).where(ActionDecision.decide_on <= date(2026, 12, 2))  # type: ignore[arg-type,operator]
            load = chosen_actions_query(partnership_id, Chosen(date(2026, 12, 2)).where(some, engine.dialect.name))
            if engine.dialect.name == "postgresql":
                forget_statistics(connection)
                due_plan, load_plan = (_explain(connection, query, generic=generic) for query in (due, load))
                assert "ix_action_decision_decide_on" in due_plan, due_plan
                assert "Seq Scan" not in load_plan and "action_pkey" in load_plan, load_plan
            else:
                if generic:
                    pytest.skip("SQLite prepares no generic plans")
                due_plan, load_plan = sqlite_plan(connection, due), sqlite_plan(connection, load)
                assert "ix_action_decision_decide_on" in due_plan, due_plan
                assert "SCAN action" not in load_plan and "INTEGER PRIMARY KEY" in load_plan, load_plan
        connection.rollback()


@pytest.mark.parametrize("how", ["refused", "deleted"])
def test_an_answer_taken_back_on_an_expired_row_resets_its_action(engine: Engine, settings, how: str) -> None:
    """A rollback (or a commit that expires) unloads a row's columns; an answer refused or removed
    after that still names its action to the reset, or its chaser never comes: the reply had put it off."""
    with session_scope(engine) as session:
        chased = small_plan(session, settings, [("1-1", "Riverside Police", date(2026, 11, 2), "in_progress")]
                            ).actions["RIV3-1-1"]
    assert [m.kind for m in sweep(engine, settings, MONDAY).queued] == ["chaser"]
    wednesday = MONDAY + timedelta(days=2)
    with session_scope(engine) as session:
        session.add(ProgressUpdate(action_id=chased, at=wednesday, source="mail_reply", raw_text="Working on it",
                                   status="in_progress"))
    sweep(engine, settings, wednesday)  # stores a day a repeat after the reply
    with session_scope(engine) as session:
        answer = session.exec(select(ProgressUpdate).where(ProgressUpdate.action_id == chased)).one()
        session.rollback()  # every loaded row is expired, the answer's action_id with it
        if how == "refused":
            answer.refused = True
            session.add(answer)
        else:
            session.delete(answer)
    a_repeat_after_the_chaser = MONDAY + timedelta(days=7)
    everything, report = sweeps_of_everything_and_of_what_is_due(engine, settings, a_repeat_after_the_chaser)
    assert [m.kind for m in everything.queued] == ["chaser"]
    assert keys(report) == keys(everything)


def test_a_lead_moved_to_another_agency_on_an_expired_row_resets_the_agency_she_left(engine: Engine, settings) -> None:
    """Her old agency's unassigned actions fall to its next lead: the reset needs the agency she had,
    which an expired row no longer holds when the new one is set."""
    from bot.contacts import ContactRow, store_contacts
    from bot.rules.statuses import Role

    with session_scope(engine) as session:
        plan = small_plan(session, settings, [("1-1", "Riverside Police", date(2026, 11, 2), "in_progress")])
        store_contacts(session, [ContactRow(1, "Riverside Police", "Kim Ward", Role.LEAD, "kim.ward@police.example.org",
                                            None, None)], actor="test")
        priya = session.exec(select(Contact).where(Contact.name == "Priya Shah")).one()
        priya.away_until = date(2027, 2, 1)
        session.add(priya)
    assert sweep(engine, settings, MONDAY).queued == []  # Priya is the Police's lead, and away
    with session_scope(engine) as session:
        priya = session.exec(select(Contact).where(Contact.name == "Priya Shah")).one()
        session.rollback()
        priya.agency_id = plan.agencies["Probation Service"]
        session.add(priya)
    tuesday = MONDAY + timedelta(days=1)
    everything, report = sweeps_of_everything_and_of_what_is_due(engine, settings, tuesday)
    assert [m.kind for m in everything.queued] == ["chaser"]
    assert keys(report) == keys(everything)


def test_a_message_removed_or_redated_resets_the_actions_it_covered(engine: Engine, settings) -> None:
    action_ids = seed(engine, settings, random.Random(12))
    sweep(engine, settings, MONDAY)
    with session_scope(engine) as session:
        first, second = session.exec(select(Message).where(Message.kind == "chaser").order_by(Message.id)).all()[:2]
        covered = {link.action_id for link in session.exec(select(MessageAction)
                                                          .where(MessageAction.message_id.in_([first.id, second.id])))}  # type: ignore[union-attr]
        first.sent_at = MONDAY  # delivered time corrected without a change of state
        session.add(first)
        for link in session.exec(select(MessageAction).where(MessageAction.message_id == second.id)).all():
            session.delete(link)
        session.flush()
        session.delete(second)
    with session_scope(engine) as session:
        reset = set(session.exec(select(ActionDecision.action_id).where(ActionDecision.decide_on == DECIDE_NOW)).all())
    assert covered and covered <= reset and reset <= set(action_ids)


def _decisions(engine: Engine) -> dict[int, tuple[date | None, int]]:
    with session_scope(engine) as session:
        return {row.action_id: (row.decide_on, row.decide_gen) for row in session.exec(select(ActionDecision)).all()}


@pytest.mark.parametrize("how", ["orm", "core", "bulk"])
def test_every_new_action_gets_its_decision_row_however_it_is_inserted(engine: Engine, settings, how: str) -> None:
    """Migration 0002's trigger: an action without its row would never be swept, and nothing would say so."""
    import sqlalchemy as sa

    from bot.bulk import insert_rows

    action_ids = seed(engine, settings, random.Random(13), count=3)
    with session_scope(engine) as session:
        model = session.get(Action, action_ids[0])
        assert model is not None
        row = {name: getattr(model, name) for name in ("recommendation_id", "review_id", "lead_agency_id",
                                                         "description", "status", "position")}
        new_rows = [{**row, "ref": f"NEW-{n}", "created_at": MONDAY, "updated_at": MONDAY} for n in range(3)]
        table = Action.__table__  # type: ignore[attr-defined]
        if how == "orm":
            session.add_all([Action(**new) for new in new_rows])
        elif how == "core":
            session.execute(sa.insert(table), new_rows)
        else:
            insert_rows(session, table, new_rows)  # COPY on PostgreSQL
    with session_scope(engine) as session:
        new_ids = set(session.exec(select(Action.id).where(Action.ref.like("NEW-%"))).all())  # type: ignore[attr-defined]
    decisions = _decisions(engine)
    assert len(new_ids) == 3 and set(decisions) == set(action_ids) | new_ids
    assert {decisions[i] for i in new_ids} == {(DECIDE_NOW, 0)}
    assert sweep(engine, settings, MONDAY).decided == len(action_ids) + 3


def test_a_closed_action_leaves_the_sweep_and_a_reopened_one_comes_back(engine: Engine, settings) -> None:
    action_ids = seed(engine, settings, random.Random(14), count=6)
    sweep(engine, settings, MONDAY)
    with session_scope(engine) as session:
        action = session.get(Action, action_ids[0])
        assert action is not None
        action.status = "complete"
        session.add(action)
    assert _decisions(engine)[action_ids[0]][0] is None  # out of ix_action_decision_decide_on for good
    assert sweep(engine, settings, MONDAY + timedelta(days=60)).decided < len(action_ids)
    with session_scope(engine) as session:
        action = session.get(Action, action_ids[0])
        assert action is not None
        action.status = "in_progress"
        session.add(action)
    assert _decisions(engine)[action_ids[0]][0] == DECIDE_NOW


def test_a_deleted_action_takes_its_decision_row_with_it(engine: Engine, settings) -> None:
    import sqlalchemy as sa

    action_ids = seed(engine, settings, random.Random(15), count=3)
    with session_scope(engine) as session:
        session.execute(sa.delete(Action).where(Action.id == action_ids[0]))  # type: ignore[arg-type]
    assert set(_decisions(engine)) == set(action_ids[1:])


def test_an_action_inserted_closed_has_no_day_and_one_closed_unseen_is_read_once_then_left_out(
        engine: Engine, settings) -> None:
    """An imported plan's finished actions never enter the sweep's index; an action closed by a write the
    reset does not see (a Core UPDATE) is read by the next sweep once, and then left out for good."""
    import sqlalchemy as sa

    action_ids = seed(engine, settings, random.Random(16), count=3)
    sweep(engine, settings, MONDAY)
    with session_scope(engine) as session:
        model = session.get(Action, action_ids[0])
        assert model is not None
        session.execute(sa.insert(Action.__table__), [{  # type: ignore[attr-defined]
            "recommendation_id": model.recommendation_id, "review_id": model.review_id, "ref": "DONE-1",
            "status": "complete", "created_at": MONDAY, "updated_at": MONDAY}])
        closed_id = session.exec(select(Action.id).where(Action.ref == "DONE-1")).one()
        session.execute(sa.update(Action).where(Action.id == action_ids[1]).values(status="complete"))  # type: ignore[arg-type]
        session.execute(sa.update(ActionDecision).where(ActionDecision.action_id == action_ids[1])  # type: ignore[arg-type]
                        .values(decide_on=DECIDE_NOW))
    assert _decisions(engine)[closed_id] == (None, 0)
    assert sweep(engine, settings, MONDAY + timedelta(minutes=15)).decided == 0
    assert _decisions(engine)[action_ids[1]][0] is None
