"""An action a re-import no longer finds is kept for the record, but nobody chases it or lists it as open."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.db import session_scope
from bot.handlers.commands import run_command
from bot.handlers.common import caller
from bot.handlers.views import home_view
from bot.models import Action, Message
from bot.runtime import Runtime
from bot.settings import Settings
from tests.factories import small_plan

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
REMOVED_AT = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _plan_with_a_removed_action(engine: Engine, settings: Settings) -> None:
    with session_scope(engine) as session:
        plan = small_plan(session, settings, [
            ("1-1", "Riverside Police", date(2026, 9, 30), "not_started"),
            ("1-2", "Riverside Police", date(2026, 10, 31), "in_progress"),
        ])
        removed = session.get(Action, plan.actions["RIV3-1-2"])
        assert removed is not None
        removed.removed_from_plan_at = REMOVED_AT
        session.add(removed)


def test_chase_of_an_action_removed_from_the_plan_queues_nothing(engine: Engine, slack_settings: Settings) -> None:
    _plan_with_a_removed_action(engine, slack_settings)

    text, _ = run_command(Runtime(slack_settings, engine, {}), "U0MORGAN", "chase RIV3-1-2", NOW)

    assert "Chaser queued" not in text and "nobody to chase" in text
    with session_scope(engine) as session:
        assert session.exec(select(Message)).all() == []


def test_chase_of_an_agency_leaves_out_its_removed_actions(engine: Engine, slack_settings: Settings) -> None:
    _plan_with_a_removed_action(engine, slack_settings)

    text, _ = run_command(Runtime(slack_settings, engine, {}), "U0MORGAN", "chase police", NOW)

    assert "Chaser queued for Priya Shah (1 action)" in text


def test_app_home_does_not_list_a_removed_action_as_open_or_overdue(engine: Engine, slack_settings: Settings) -> None:
    _plan_with_a_removed_action(engine, slack_settings)
    runtime = Runtime(slack_settings, engine, {})

    with session_scope(engine) as session:
        lead_home = json.dumps(home_view(session, runtime, caller(session, runtime, "U0PRIYA"), NOW.date()))
        overview = json.dumps(home_view(session, runtime, caller(session, runtime, "U0MORGAN"), NOW.date()))

    assert "RIV3-1-1" in lead_home and "RIV3-1-2" not in lead_home and "1 open as of" in lead_home
    assert "*1* overdue" in overview and "Riverside Police*: 1 open of 1, 1 overdue" in overview
