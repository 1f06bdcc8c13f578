"""The copies on Action and ActionActivity (bot/action_copies.py, and the triggers of migration 0003) never disagree
with the rows they copy, whatever happens, made the way the bot makes it: replies, refusals and withdrawals (ORM),
sweeps (Core inserts), single messages, deliveries and give-ups, unlinks and removals, imports (Core inserts),
re-imports that reorder or drop actions, moves, renames and merges, status changes and removals (ORM and Core)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.db import session_scope
from bot.models import Action, ActionActivity, Agency, Message, MessageAction, ProgressUpdate, Recommendation, Review
from bot.outbox import NewMessage, enqueue, enqueue_many
from bot.plans.corrections import merge_agencies, rename_agency
from bot.plans.model import ParsedAction, ParsedPlan, ParsedRecommendation
from bot.plans.store import import_plan
from bot.rules.history import HISTORY_KINDS
from bot.rules.statuses import ActionStatus, MessageState, UpdateSource
from bot.settings import load_settings
from bot.sweep import sweep
from tests.test_decision_days import seed

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
KINDS = ("chaser", "escalation", "heads_up", "digest", "confirmation")


def expected_copies(session: Session) -> dict[int, tuple[Any, ...]]:
    """Each action's copies worked out here from the rows themselves, in Python (not with the module's SQL): its
    place, last chase and last answer, and the review, status and removal its activity row repeats."""
    recommendations = {r.id: r for r in session.exec(select(Recommendation))}
    agencies = {a.id: a.name for a in session.exec(select(Agency))}
    messages = {m.id: m for m in session.exec(select(Message))}
    chased: dict[int, datetime] = {}
    for link in session.exec(select(MessageAction)):
        message = messages[link.message_id]
        if message.state != MessageState.DEAD and message.kind in HISTORY_KINDS:
            chased[link.action_id] = max(chased.get(link.action_id, message.created_at), message.created_at)
    answered: dict[int, datetime] = {}
    for update in session.exec(select(ProgressUpdate)):
        if update.source != UpdateSource.IMPORT and not update.refused and not update.rejected:
            answered[update.action_id] = max(answered.get(update.action_id, update.at), update.at)
    found = {}
    for action in session.exec(select(Action)):
        assert action.id is not None
        recommendation = recommendations[action.recommendation_id]
        agency = agencies.get(action.lead_agency_id) if action.lead_agency_id is not None else None
        found[action.id] = (recommendation.review_id, recommendation.position, agency or action.lead_agency_text,
                            chased.get(action.id), answered.get(action.id),
                            recommendation.review_id, action.status, action.removed_from_plan_at)
    return found


def stored_copies(session: Session) -> dict[int, tuple[Any, ...]]:
    """The copies as stored: an action without its activity row, or a row without its action, shows as missing."""
    activity = {row.action_id: row for row in session.exec(select(ActionActivity))}
    stored: dict[int, tuple[Any, ...]] = {}
    for a in session.exec(select(Action)):
        assert a.id is not None
        row = activity.pop(a.id, None)
        stored[a.id] = (a.review_id, a.recommendation_position, a.agency_name) + (
            ("no activity row",) if row is None else
            (row.last_chased_at, row.last_answer_at, row.review_id, row.status, row.removed_from_plan_at))
    stored.update(dict.fromkeys(activity, ("activity row without its action",)))
    return stored


def _liveness(session: Session, rng: random.Random, kind: str, action: Action, now: datetime) -> None:
    """A status change or a removal from the plan (or back), through the ORM or as a Core update."""
    status = rng.choice([s.value for s in ActionStatus])
    removed = rng.choice([None, now])
    if kind == "status":
        action.status = status
        session.add(action)
    elif kind == "remove":
        action.removed_from_plan_at = removed
        session.add(action)
    else:  # Core, several columns and several actions at once, some of them unchanged
        ids = [action.id, rng.randrange(1, 40)]
        session.execute(sa.update(Action).where(col(Action.id).in_(ids)).values(status=status, removed_from_plan_at=removed))


def _updates(session: Session, rng: random.Random, kind: str, action: Action, now: datetime) -> None:
    updates = session.exec(select(ProgressUpdate).order_by(ProgressUpdate.id)).all()
    if kind == "reply" or not updates:
        session.add(ProgressUpdate(action_id=action.id, at=now - timedelta(hours=rng.randrange(0, 48)),
                                   source=rng.choice(["slack_reply", "mail_reply", "button", "import"]),
                                   raw_text="Update", refused=rng.random() < 0.2))
        return
    update = rng.choice(updates)
    if kind == "delete update":
        session.delete(update)
        return
    if kind == "refuse":
        update.refused = not update.refused
    elif kind == "reject":
        update.rejected = True
    else:
        update.action_id = action.id  # type: ignore[assignment]
    session.add(update)


def _new_messages(session: Session, rng: random.Random, actions: list[Action], now: datetime) -> None:
    covered = tuple(a.id for a in rng.sample(actions, rng.randrange(1, 4)) if a.id is not None)
    new = NewMessage(idempotency_key=f"test-{now.isoformat()}-{rng.random()}", kind=rng.choice(KINDS),
                     channel="slack", recipient_contact_id=None, recipient_address="U1", subject="s", body_text="b",
                     action_ids=covered)
    written = now - timedelta(minutes=rng.randrange(0, 600))
    if rng.random() < 0.5:
        enqueue(session, new, now=written, actor="test")
    else:
        enqueue_many(session, [new], now=written, actor="test")


def _messages(session: Session, rng: random.Random, kind: str, now: datetime) -> None:
    messages = session.exec(select(Message).order_by(Message.id)).all()
    if not messages:
        return
    message = rng.choice(messages)
    links = session.exec(select(MessageAction).where(MessageAction.message_id == message.id)).all()
    if kind in ("unlink", "delete message"):
        for link in links if kind == "delete message" else links[:1]:
            session.delete(link)
        if kind == "delete message":
            session.flush()
            session.delete(message)
        return
    if kind == "deliver":
        message.state, message.sent_at = MessageState.SENT.value, now
    elif kind in ("give up", "retry"):
        message.state = MessageState.DEAD.value if kind == "give up" else MessageState.PENDING.value
    elif kind == "redate":
        message.created_at = now - timedelta(days=rng.randrange(0, 30))
    else:
        message.kind = rng.choice(KINDS)
    session.add(message)


def _plan(session: Session, rng: random.Random, kind: str, action: Action, now: datetime, step: int) -> None:
    # Within its review, or from the seeded review to another: an import matches refs within its review only.
    recommendation = rng.choice(session.exec(select(Recommendation).where(Recommendation.review_id == (
        action.review_id if kind == "move action" else 1))).all())
    agencies = session.exec(select(Agency)).all()
    if kind == "move action":
        action.recommendation_id = recommendation.id  # type: ignore[assignment]
        session.add(action)
    elif kind == "reorder":
        recommendation.position = rng.randrange(0, 20)
        session.add(recommendation)
    elif kind == "move recommendation":
        recommendation.review_id = rng.choice(session.exec(select(Review)).all()).id  # type: ignore[assignment]
        recommendation.number = f"{recommendation.number}m{recommendation.id}"  # unique in its new review
        session.add(recommendation)
    elif kind == "rename agency":
        agency = rng.choice(agencies)
        rename_agency(session, agency.name, f"{agency.name.split(' #')[0]} #{step}", now=now)
    elif kind == "lead agency":
        action.lead_agency_id = rng.choice([None, *[a.id for a in agencies]])
        action.lead_agency_text = rng.choice([None, "Written in the plan"])
        session.add(action)
    elif kind == "merge" and len(agencies) > 2:
        first, second = rng.sample(list(agencies), 2)
        merge_agencies(session, first.name, second.name, now=now)
    elif kind == "import":
        code = rng.choice(["NEW1", "NEW2"])
        plan = ParsedPlan(code, "Imported", [ParsedRecommendation(str(n), "Rec", actions=[
            ParsedAction(f"Action {n}-{k}", lead_agency=rng.choice(["Riverside Police", "A new agency", None]))
            for k in range(rng.randrange(1, 3))]) for n in rng.sample(range(1, 6), rng.randrange(1, 5))])
        import_plan(session, plan, partnership_id=1, source_file=f"{code}.csv", actor="test", now=now)


def something_happens(engine: Engine, rng: random.Random, now: datetime, step: int) -> str:
    kind = rng.choice(["reply", "reply", "refuse", "reject", "delete update", "move update", "sweep", "enqueue",
                       "enqueue", "deliver", "give up", "retry", "unlink", "delete message", "redate", "rekind",
                       "move action", "reorder", "move recommendation", "rename agency", "lead agency", "merge",
                       "import", "status", "remove", "core status"])
    if kind == "sweep":
        sweep(engine, load_settings(), now)
        return kind
    with session_scope(engine) as session:
        actions = list(session.exec(select(Action).order_by(Action.id)).all())
        action = rng.choice(actions)
        if kind in ("reply", "refuse", "reject", "delete update", "move update"):
            _updates(session, rng, kind, action, now)
        elif kind == "enqueue":
            _new_messages(session, rng, actions, now)
        elif kind in ("deliver", "give up", "retry", "redate", "rekind", "delete message", "unlink"):
            _messages(session, rng, kind, now)
        elif kind in ("status", "remove", "core status"):
            _liveness(session, rng, kind, action, now)
        else:
            _plan(session, rng, kind, action, now, step)
    return kind


@pytest.mark.parametrize("seed_value", [1, 2, 3, 4])
def test_the_copies_agree_with_what_they_copy_after_anything(engine: Engine, seed_value: int) -> None:
    rng = random.Random(seed_value)
    seed(engine, load_settings(), rng)
    now = MONDAY
    happened, seen = set(), set()
    for step in range(70):
        happened.add(something_happens(engine, rng, now, step))
        with Session(engine) as session:
            copies = stored_copies(session)
            assert copies == expected_copies(session), (step, sorted(happened))
        seen |= {name for c in copies.values()
                 for name, value in (("chased", c[3]), ("answered", c[4]), ("removed", c[7])) if value}
        now += timedelta(hours=rng.choice([1, 5, 24]))
    # Not a test that cannot fail: the histories it checked were not empty, and most kinds of change happened.
    assert seen == {"chased", "answered", "removed"} and len(happened) > 15


def test_a_review_deleted_takes_its_actions_and_leaves_the_others_copies_as_they_were(engine: Engine) -> None:
    from bot.plans.corrections import delete_review

    seed(engine, load_settings(), random.Random(5))
    sweep(engine, load_settings(), MONDAY)
    with session_scope(engine) as session:
        import_plan(session, ParsedPlan("NEW1", "Imported", [ParsedRecommendation("1", "Rec", actions=[
            ParsedAction("An action", lead_agency="Riverside Police")])]), partnership_id=1, source_file="n.csv",
            actor="test", now=MONDAY)
    with session_scope(engine) as session:
        delete_review(session, "NEW1", now=MONDAY)
    with Session(engine) as session:
        assert stored_copies(session) == expected_copies(session)
        assert {a.review_id for a in session.exec(select(Action))} == {1}


def test_a_new_action_starts_with_its_place_and_no_history(engine: Engine) -> None:
    seed(engine, load_settings(), random.Random(6))
    with session_scope(engine) as session:
        recommendation = session.exec(select(Recommendation).order_by(Recommendation.id)).first()
        assert recommendation is not None
        session.add(Action(recommendation_id=recommendation.id, ref="RIV3-9-9", lead_agency_text="Somebody",
                           due=date(2027, 1, 1)))
    with Session(engine) as session:
        added = session.exec(select(Action).where(Action.ref == "RIV3-9-9")).one()
        activity = session.get(ActionActivity, added.id)
        assert activity is not None
        assert (added.review_id, added.recommendation_position, added.agency_name) == (
            recommendation.review_id, recommendation.position, "Somebody")
        assert (activity.review_id, activity.status, activity.last_chased_at, activity.last_answer_at) == (
            recommendation.review_id, "not_started", None, None)


@pytest.mark.parametrize("generic", [False, True], ids=["custom plan", "generic plan"])
def test_postgresql_refreshes_the_copies_by_key_without_statistics(engine: Engine, generic: bool) -> None:
    """A flush refreshes a few actions' copies: each looked up by key, never a scan of every message, also
    by a PostgreSQL that has no statistics yet (a freshly loaded database) and plans a prepared statement."""
    import re

    from sqlmodel import col

    from bot.action_copies import refresh_activity
    from tests.test_overdue_queries import _explain, postgresql_without_statistics

    with postgresql_without_statistics(engine) as (connection, _, _):
        plan = _explain(connection, refresh_activity(col(ActionActivity.action_id).in_([1, 2, 3])), generic=generic)

    assert "ix_messageaction_action_id" in plan and "message_pkey" in plan, plan
    assert "action_activity_pkey" in plan, plan
    assert not re.search(r"Seq Scan on (action|action_activity|message|messageaction|progressupdate)\b", plan), plan
    assert "Hash" not in plan, plan


@pytest.mark.parametrize("generic", [False, True], ids=["custom plan", "generic plan"])
def test_postgresql_moves_a_sweeps_last_chase_on_by_key_without_statistics(engine: Engine, generic: bool) -> None:
    """A batch of chased actions (all ids in one array) is updated through the primary key, also
    without statistics and as a generic plan: never a scan of every action."""
    import re
    from datetime import UTC, datetime

    from bot.action_copies import chased_update
    from tests.test_overdue_queries import _explain, postgresql_without_statistics

    with postgresql_without_statistics(engine) as (connection, _, _):
        update = chased_update(range(1, 11), datetime(2026, 12, 2, 10, tzinfo=UTC), "postgresql")
        plan = _explain(connection, update, generic=generic)

    assert "action_activity_pkey" in plan, plan
    assert "Seq Scan on action_activity" not in plan and not re.search(r"\baction_pkey\b", plan), plan
