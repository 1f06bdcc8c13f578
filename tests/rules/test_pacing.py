"""The pacing rules: when the next send to a conversation or mailbox may start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.rules.pacing import Pace, may_start, next_after_refusal, next_after_start, pace_key, send_at

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
SLACK = Pace(1, timedelta(seconds=1), margin=0.05)
MAIL = Pace(30, timedelta(minutes=1), concurrent=3, margin=0.05)


def test_sends_are_spaced_evenly_a_margin_below_the_limit() -> None:
    assert SLACK.spacing == timedelta(seconds=1.05)
    assert MAIL.spacing == timedelta(seconds=2.1)
    assert next_after_start(MAIL, NOW) == NOW + timedelta(seconds=2.1)
    assert MAIL.ceiling_per_second == 0.5


def test_a_scaled_down_window_keeps_the_same_spacing_rule() -> None:
    bench = Pace(30, timedelta(seconds=6), concurrent=3, margin=0.0)
    assert bench.spacing == timedelta(seconds=0.2) and bench.ceiling_per_second == 5


def test_a_key_may_start_once_its_spacing_has_passed() -> None:
    assert may_start(None, 0, SLACK, NOW)
    assert not may_start(NOW + timedelta(milliseconds=1), 0, SLACK, NOW)
    assert may_start(NOW, 0, SLACK, NOW)
    assert may_start(NOW - timedelta(seconds=5), 0, SLACK, NOW)


def test_a_worker_that_can_wait_claims_just_ahead_of_the_turn_and_sends_on_it() -> None:
    turn = NOW + timedelta(milliseconds=80)
    assert not may_start(turn, 0, SLACK, NOW)
    assert may_start(turn, 0, SLACK, NOW, ahead=timedelta(milliseconds=100))
    assert send_at(turn, NOW) == turn
    assert send_at(NOW - timedelta(seconds=3), NOW) == NOW  # a turn long past: now, not a catch-up burst
    assert send_at(None, NOW) == NOW
    # The next turn counts from this one, so a late wake-up does not push every later send back.
    assert next_after_start(SLACK, send_at(turn, NOW)) == turn + SLACK.spacing


def test_a_mailbox_with_its_concurrent_sends_under_way_waits() -> None:
    assert may_start(None, 2, MAIL, NOW)
    assert not may_start(None, 3, MAIL, NOW)
    assert may_start(None, 50, SLACK, NOW)  # Slack sets no cap on sends at once


def test_a_refusal_holds_the_key_until_retry_after_and_never_shortens_a_hold() -> None:
    assert next_after_refusal(None, NOW + timedelta(seconds=1.5)) == NOW + timedelta(seconds=1.5)
    assert next_after_refusal(NOW + timedelta(seconds=9), NOW + timedelta(seconds=1)) == NOW + timedelta(seconds=9)
    assert next_after_refusal(NOW, NOW + timedelta(seconds=0.25)) == NOW + timedelta(seconds=0.25)


def test_mail_shares_one_key_per_mailbox_and_slack_one_per_conversation() -> None:
    assert pace_key("email", "priya.shah@police.example.org") == pace_key("email", "tom@rht.example.org") == "email"
    assert pace_key("slack", "C0BOARD") == "slack:C0BOARD"
    assert pace_key("slack", "U0PRIYA") != pace_key("slack", "U0TOM")
    assert pace_key("outbox", None) == "outbox:"


@pytest.mark.parametrize("bad", [
    {"sends": 0, "per": timedelta(seconds=1)},
    {"sends": 1, "per": timedelta(0)},
    {"sends": 1, "per": timedelta(seconds=1), "concurrent": 0},
    {"sends": 1, "per": timedelta(seconds=1), "margin": 1.0},
])
def test_a_pace_that_could_never_send_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Pace(**bad)  # type: ignore[arg-type]
