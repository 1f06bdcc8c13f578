"""A small fictional plan with six weeks of chasing history, written through the real functions:
bot.sweep.sweep and bot.outbox.deliver_due once a day, bot.updates.record_update for the replies."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.db import session_scope
from bot.models import Action, Contact
from bot.rules.statuses import ReadStatus, UpdateSource
from bot.settings import Settings
from bot.updates import Proposed, record_update
from tests.factories import small_plan, sweep_and_deliver

LAST_MEETING = date(2026, 11, 26)
MEETING = date(2027, 1, 14)
FIRST_SWEEP = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # Wednesday
AS_OF = datetime(2027, 1, 7, 10, 0, tzinfo=UTC)  # five working days before the meeting
NEW_HOUSING_DATE = date(2027, 2, 26)

PLAN = [
    ("1-1", "Riverside Police", date(2026, 11, 20), "in_progress"),  # never answered: escalated
    ("2-1", "Riverside Council Housing", date(2026, 11, 2), "not_started"),  # asks for more time
    ("3-1", "Riverside Hospitals NHS Trust", date(2026, 11, 25), "in_progress"),  # completes it
    ("4-1", "Probation Service", date(2027, 6, 30), "in_progress"),  # on track
    ("5-1", "Riverside GP Federation", date(2026, 10, 1), "complete"),  # done before the last meeting
]


def reply(engine: Engine, ref: str, who: str, proposed: Proposed, at: datetime) -> None:
    with session_scope(engine) as session:
        action = session.exec(select(Action).where(Action.ref == ref)).one()
        contact = session.exec(select(Contact).where(Contact.name == who)).one()
        record_update(session, action, proposed, source=UpdateSource.SLACK_REPLY, author_contact=contact,
                      author=contact.slack_user_id or "", now=at)


def seed_plan(engine: Engine, settings: Settings) -> dict[str, int]:
    with session_scope(engine) as session:
        return small_plan(session, settings, PLAN).actions


def live_through(engine: Engine, settings: Settings, until: datetime = AS_OF) -> None:
    """Sweep every day from 2 December; Grace and Tom answer their first chasers."""
    replies = {
        date(2026, 12, 4): ("RIV3-2-1", "Grace Lin", Proposed(
            ReadStatus.EXTENSION_REQUESTED, new_due=NEW_HOUSING_DATE, confidence=0.9,
            raw_text="Need until the end of February")),
        date(2026, 12, 7): ("RIV3-3-1", "Tom Okafor", Proposed(
            ReadStatus.COMPLETE, confidence=0.95, raw_text="Done, training delivered")),
    }
    day = FIRST_SWEEP
    while day <= until:
        sweep_and_deliver(engine, settings, day)
        if day.date() in replies:
            ref, who, proposed = replies[day.date()]
            reply(engine, ref, who, proposed, day + timedelta(hours=3))
        day += timedelta(days=1)
