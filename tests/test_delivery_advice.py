"""A coordinator told that a message could not be delivered is told what would fix it."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.channels.base import DeliveryError, Envelope
from bot.channels.slack import SlackChannel
from bot.delivery_advice import advice_for
from tests.fakes.fixtures import fake_slack, slack_client  # noqa: F401
from tests.fakes.slack_api import FakeSlackApi


def test_a_board_post_refused_as_not_in_channel_says_to_invite_the_bot() -> None:
    advice = advice_for("not_in_channel", "slack", "C0BOARD")
    assert advice.startswith("not_in_channel") and "/invite @dhr-chaser" in advice and "C0BOARD" in advice


def test_other_errors_are_shown_as_they_are() -> None:
    assert advice_for("users_not_found", "slack", "U0GRACE") == "users_not_found"
    assert advice_for("unclear:http_503", "email", "a@b.example") == "http_503"
    assert advice_for(None, "email", None) == "unknown error"


def test_posting_to_a_channel_the_bot_was_not_invited_to_is_a_permanent_not_in_channel(
    fake_slack: FakeSlackApi, slack_client: WebClient
) -> None:
    fake_slack.exclude_bot_from("C0BOARD")
    board_post = Envelope(message_id=7, kind="digest", to_address="C0BOARD", to_name=None, cc=(), subject="Digest",
                          text="Board digest", html=None, blocks=None, ref_token="DHR-0b0a0d00")
    with pytest.raises(DeliveryError) as refused:
        SlackChannel(slack_client).send(board_post)
    assert refused.value.permanent and refused.value.code == "not_in_channel"
