"""The escalation ladder end to end: daily sweeps, with a reply arriving between level 2 and level 3."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.engine import Engine

from bot.db import ensure_partnership, session_scope
from bot.digest.content import build_digest
from bot.rules.statuses import ReadStatus
from bot.rules.workdays import add_working_days
from bot.settings import Settings
from bot.updates import Proposed
from tests.digest.history import FIRST_SWEEP, reply, seed_plan
from tests.factories import sweep_and_deliver

# The lead has until each chaser's reply-by day (5 working days); the manager hears the day after,
# the board five working days later.
PRIYA_REPLIES = date(2026, 12, 18)  # Friday, after the manager was told on 16 Dec, before the board


def police_escalations(engine: Engine, settings: Settings, days: int, replies: bool) -> list[tuple[date, int]]:
    police_action = seed_plan(engine, settings)["RIV3-1-1"]
    seen = []
    day = FIRST_SWEEP
    for _ in range(days):
        for message in sweep_and_deliver(engine, settings, day).queued:
            if message.kind == "escalation" and police_action in message.action_ids:
                assert message.not_before is not None
                seen.append((message.not_before.date(), message.level))
        if replies and day.date() == PRIYA_REPLIES:
            reply(engine, "RIV3-1-1", "Priya Shah",
                  Proposed(ReadStatus.IN_PROGRESS, confidence=0.9, raw_text="Still working on it"), day + timedelta(hours=2))
        day += timedelta(days=1)
    return seen


def test_unanswered_ladder_climbs_from_manager_to_board(engine: Engine, settings: Settings) -> None:
    assert police_escalations(engine, settings, 25, replies=False)[:2] == [(date(2026, 12, 16), 2), (date(2026, 12, 23), 3)]


def test_a_reply_between_levels_stops_the_board_escalation_and_restarts_the_ladder(
    engine: Engine, settings: Settings
) -> None:
    seen = police_escalations(engine, settings, 70, replies=True)
    assert seen[0] == (date(2026, 12, 16), 2)
    # Nothing reaches the board on 23 Dec: Priya answered on the 18th.
    assert (date(2026, 12, 23), 3) not in seen
    # Unanswered again, the ladder starts over at the manager before it may reach the board.
    after = [entry for entry in seen if entry[0] > PRIYA_REPLIES]
    assert [level for _, level in after] == [2, 3]
    (manager_day, _), (board_day, _) = after
    assert board_day == add_working_days(manager_day, settings.policy.board_after_working_days)


def test_digest_history_starts_from_the_last_reply(engine: Engine, settings: Settings) -> None:
    police_escalations(engine, settings, 55, replies=True)
    with session_scope(engine) as session:
        digest = build_digest(session, ensure_partnership(session, settings), date(2027, 1, 28),
                              datetime(2027, 1, 21, 10, 0, tzinfo=UTC))
    [item] = [n for n in digest.no_response if n.ref == "RIV3-1-1"]
    assert item.history.startswith("Last response 18 Dec 2026. Chaser sent ")
    assert "16 Dec 2026" not in item.history  # the first run of the ladder ended with the reply
    assert item.escalation_level == 3 and item.history.endswith("Escalated to the board 20 Jan 2027.")
