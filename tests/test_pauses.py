"""The small decisions of a channel outage (bot.pauses, bot.channels.base): pure, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.channels.base import DeliveryError, is_credential_outage
from bot.delivery_advice import outage_advice
from bot.pauses import PauseView, alert_channel, notice_channel, probe_due, unreported
from bot.rules.history import delivered_at

NOON = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("code", [
    "invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired",
    "invalid_client", "AADSTS7000215", "AADSTS7000222", "InvalidAuthenticationToken", "ErrorAccessDenied",
])
def test_refused_credentials_are_an_outage(code: str) -> None:
    assert is_credential_outage(code)
    assert DeliveryError("refused", permanent=True, code=code).outage
    assert outage_advice(code) != outage_advice("something_else")  # each has its own fix


@pytest.mark.parametrize("code", [
    None, "channel_not_found", "user_not_found", "user_disabled", "not_in_channel", "ratelimited",
    "ErrorInvalidRecipients", "http_503", "connection_error", "login_unavailable",
])
def test_a_problem_with_one_message_or_a_passing_fault_is_no_outage(code: str | None) -> None:
    assert not is_credential_outage(code)


def test_the_probe_waits_its_interval_from_the_pause_then_from_the_last_try() -> None:
    every = timedelta(minutes=5)
    assert not probe_due(NOON, None, NOON + timedelta(minutes=4), every)
    assert probe_due(NOON, None, NOON + every, every)
    assert not probe_due(NOON, NOON + every, NOON + timedelta(minutes=9), every)
    assert probe_due(NOON, NOON + every, NOON + timedelta(minutes=10), every)


def test_the_alert_goes_by_the_other_channel_that_reaches_people_and_works() -> None:
    assert alert_channel("slack", ["outbox", "slack", "email"], ["slack"]) == "email"
    assert alert_channel("email", ["outbox", "slack", "email"], ["email"]) == "slack"
    assert alert_channel("slack", ["outbox", "slack"], ["slack"]) is None  # a folder tells nobody
    assert alert_channel("slack", ["slack", "email"], ["slack", "email"]) is None


def test_the_resumed_notice_goes_where_the_alert_went_while_that_still_works() -> None:
    assert notice_channel("slack", "email", ["slack", "email"], []) == "email"
    assert notice_channel("slack", "email", ["slack", "email"], ["email"]) == "slack"
    assert notice_channel("slack", None, ["slack"], []) == "slack"


def test_a_pause_nobody_could_be_told_of_is_unreported() -> None:
    told = PauseView("slack", NOON, "invalid_auth", "email")
    silent = PauseView("slack", NOON, "invalid_auth", None)
    alert_stuck = PauseView("email", NOON, "AADSTS7000222", "slack")
    assert unreported([told]) == []
    assert unreported([silent]) == [silent]
    both_down = [PauseView("slack", NOON, "invalid_auth", "email"), alert_stuck]
    assert unreported(both_down) == both_down  # each alert waits behind the other's pause


def test_only_a_sent_message_was_delivered() -> None:
    assert delivered_at("sent", NOON) == NOON
    for state in ("pending", "sending", "failed", "dead"):
        assert delivered_at(state, NOON if state == "dead" else None) is None
