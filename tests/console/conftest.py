"""A small fictional review in the database, and the console over it (Flask's test client, signed in by link)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.console.auth import OneTimeLinks
from bot.console.options import ConsoleOptions
from bot.console.web import create_console
from bot.db import session_scope
from bot.models import Action, Contact, Message, MessageAction, Partnership
from bot.rules.statuses import ReadStatus, UpdateSource
from bot.settings import load_settings
from bot.updates import Proposed, record_update
from tests.factories import Plan, small_plan

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
TODAY = date(2026, 11, 25)
NEW_YEAR = date(2027, 1, 1)

ACTIONS: list[tuple[str, str, date | None, str]] = [
    ("1-1", "Riverside Police", TODAY - timedelta(days=30), "in_progress"),  # overdue, chased, unanswered
    ("1-2", "Riverside Police", TODAY + timedelta(days=60), "not_started"),
    ("2-1", "Riverside Hospitals NHS Trust", TODAY - timedelta(days=5), "not_started"),  # overdue, answered unsure
    ("2-2", "Riverside Hospitals NHS Trust", TODAY - timedelta(days=90), "complete"),
    ("3-1", "Riverside Community Safety Partnership", TODAY + timedelta(days=10), "in_progress"),  # nobody to chase
]


@dataclass
class Desk:
    plan: Plan
    app: Flask
    links: OneTimeLinks
    engine: Engine
    reading_id: int

    def client_for(self, name: str) -> FlaskClient:
        client = self.app.test_client()
        answer = client.get(f"/sign-in/{self.links.issue(self.plan.contacts[name])}")
        assert answer.status_code == 302, answer.get_data(as_text=True)
        return client


def seed(engine: Engine) -> tuple[Plan, int]:
    settings = load_settings()
    with session_scope(engine) as session:
        plan = small_plan(session, settings, ACTIONS)
        chaser = Message(idempotency_key="chaser-1-1", kind="chaser", channel="slack", state="sent",
                         recipient_contact_id=plan.contacts["Priya Shah"], created_at=NOW - timedelta(days=3),
                         sent_at=NOW - timedelta(days=3))
        session.add(chaser)
        session.flush()
        assert chaser.id is not None
        session.add(MessageAction(message_id=chaser.id, action_id=plan.actions["RIV3-1-1"]))
        dead = Message(idempotency_key="chaser-2-1", kind="chaser", channel="email", state="dead",
                       recipient_contact_id=plan.contacts["Tom Okafor"], last_error="ErrorInvalidRecipients",
                       created_at=NOW - timedelta(days=2))
        session.add(dead)
        action = session.get(Action, plan.actions["RIV3-2-1"])
        tom = session.get(Contact, plan.contacts["Tom Okafor"])
        assert action is not None and tom is not None
        update = record_update(session, action, Proposed(status=ReadStatus.EXTENSION_REQUESTED, new_due=NEW_YEAR,
                                                         raw_text="Should be sorted by the new year I think",
                                                         confidence=0.4), source=UpdateSource.MAIL_REPLY, author_contact=tom,
                               author="mail:tom", now=NOW - timedelta(days=1))
        assert update.id is not None
        return plan, update.id


@pytest.fixture
def desk(engine: Engine) -> Desk:
    plan, reading_id = seed(engine)
    links = OneTimeLinks()
    app = create_console(engine, ConsoleOptions(plan_partnership(engine), links=links, clock=lambda: NOW))
    return Desk(plan, app, links, engine, reading_id)


def plan_partnership(engine: Engine) -> int:
    with Session(engine) as session:
        found = session.exec(select(Partnership.id)).one()
    assert found is not None
    return found

