"""Policy from settings: every rule's configuration is built in bot.policy, from Settings alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.policy import chasing_policy, delivery_policy, escalation_policy, local_today, reply_policy, send_window
from bot.settings import load_settings


def test_local_today_is_the_partnerships_date_not_utcs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHR_PARTNERSHIP__TIMEZONE", "Europe/London")
    settings = load_settings()
    # 23:30 UTC on 30 June is 00:30 BST on 1 July.
    assert local_today(settings, datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert local_today(settings, datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2026, 12, 31)  # GMT


def test_policies_follow_the_configured_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHR_POLICY__REPEAT_EVERY_WORKING_DAYS", "7")
    monkeypatch.setenv("DHR_POLICY__DIGEST_WORKING_DAYS_BEFORE", "4")
    monkeypatch.setenv("DHR_POLICY__SEND_WINDOW_START", "08:00")
    monkeypatch.setenv("DHR_POLICY__MAX_DELIVERY_ATTEMPTS", "3")
    settings = load_settings()

    assert send_window(settings).start == time(8, 0) and chasing_policy(settings).send_window == send_window(settings)
    assert chasing_policy(settings).repeat_every_working_days == 7
    assert reply_policy(settings).reply_within_working_days == 7
    assert reply_policy(settings).board_working_days_before == 4
    assert delivery_policy(settings).max_attempts == 3
    assert delivery_policy(settings).claim_for == timedelta(seconds=settings.policy.delivery_claim_seconds)


def test_the_lead_has_until_the_chasers_reply_by_day_before_the_manager_hears(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHR_POLICY__REPEAT_EVERY_WORKING_DAYS", "7")
    settings = load_settings()

    assert escalation_policy(settings).grace_working_days == 7
    assert escalation_policy(settings, {"escalate_after_chasers": 4}).escalate_after_chasers == 4
    with pytest.raises(ValueError, match="escalate_after_chaser"):
        escalation_policy(settings, {"escalate_after_chaser": 4})
