from __future__ import annotations

import socket
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.channels.base import DeliveryError, Envelope
from bot.channels.slack import SlackChannel, make_slack_client
from tests.fakes.slack_api import FakeSlackApi

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*RIV3-4-1* is overdue: please give an update."}}]


def chaser(**overrides: Any) -> Envelope:
    values: dict[str, Any] = {
        "message_id": 41,
        "kind": "chaser",
        "to_address": "U0PRIYA",
        "to_name": "Priya Shah",
        "cc": (),
        "subject": "RIV3: 1 action overdue",
        "text": "RIV3-4-1 is overdue: please give an update.",
        "html": None,
        "blocks": BLOCKS,
        "ref_token": "DHR-7f3a",
    }
    return Envelope(**{**values, **overrides})


def test_dm_opens_the_conversation_then_posts_blocks_with_a_text_fallback(
    fake_slack: FakeSlackApi, slack_client: WebClient
) -> None:
    receipt = SlackChannel(slack_client).send(chaser())

    assert [c.method for c in fake_slack.calls()] == ["conversations.open", "chat.postMessage"]
    assert fake_slack.calls("conversations.open")[0].body["users"] == "U0PRIYA"
    posted = fake_slack.calls("chat.postMessage")[0].body
    assert posted["channel"] == "D0PRIYA"
    assert posted["blocks"] == BLOCKS
    assert posted["text"] == "RIV3-4-1 is overdue: please give an update."
    assert receipt.slack_channel == "D0PRIYA"
    assert receipt.slack_ts == fake_slack.messages("D0PRIYA")[0].ts


def test_second_dm_to_the_same_person_reuses_the_conversation(
    fake_slack: FakeSlackApi, slack_client: WebClient
) -> None:
    channel = SlackChannel(slack_client)
    first = channel.send(chaser())
    second = channel.send(chaser(message_id=42))

    assert len(fake_slack.calls("conversations.open")) == 1
    assert first.slack_ts != second.slack_ts


def test_thread_reply_to_a_channel_posts_straight_into_the_thread(
    fake_slack: FakeSlackApi, slack_client: WebClient
) -> None:
    SlackChannel(slack_client).send(chaser(slack_channel="C0BOARD", thread_ts="1700000001.000001", blocks=None))

    assert fake_slack.calls("conversations.open") == []
    posted = fake_slack.calls("chat.postMessage")[0].body
    assert posted["channel"] == "C0BOARD"
    assert posted["thread_ts"] == "1700000001.000001"
    assert "blocks" not in posted


def test_rate_limited_post_is_transient_and_carries_retry_after(
    fake_slack: FakeSlackApi, slack_client: WebClient
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=7)

    with pytest.raises(DeliveryError) as caught:
        SlackChannel(slack_client).send(chaser())

    assert caught.value.permanent is False
    assert caught.value.retry_after == 7
    assert len(fake_slack.calls("chat.postMessage")) == 1  # the client did not sleep and retry by itself


def test_slack_server_error_is_transient(fake_slack: FakeSlackApi, slack_client: WebClient) -> None:
    fake_slack.fail_next("chat.postMessage", status=500)

    with pytest.raises(DeliveryError) as caught:
        SlackChannel(slack_client).send(chaser())

    assert caught.value.permanent is False


def test_channel_not_found_is_permanent(fake_slack: FakeSlackApi, slack_client: WebClient) -> None:
    fake_slack.fail_next("chat.postMessage", error="channel_not_found")

    with pytest.raises(DeliveryError) as caught:
        SlackChannel(slack_client).send(chaser(slack_channel="C0GONE"))

    assert caught.value.permanent is True
    assert caught.value.code == "channel_not_found"


@pytest.mark.parametrize("gone", ["user_not_found", "user_disabled"])
def test_a_person_slack_no_longer_knows_is_a_gone_recipient(
    fake_slack: FakeSlackApi, slack_client: WebClient, gone: str
) -> None:
    fake_slack.fail_next("conversations.open", error=gone)

    with pytest.raises(DeliveryError) as caught:
        SlackChannel(slack_client).send(chaser(to_address="U0LEFT"))

    assert (caught.value.permanent, caught.value.recipient_gone, caught.value.code) == (True, True, gone)


def test_a_refused_token_says_nothing_about_the_recipient(fake_slack: FakeSlackApi) -> None:
    with pytest.raises(DeliveryError) as caught:
        SlackChannel(make_slack_client("not-a-bot-token", fake_slack.url)).send(chaser())

    assert caught.value.permanent is True and caught.value.recipient_gone is False


def test_a_token_slack_refuses_is_permanent(fake_slack: FakeSlackApi) -> None:
    client = make_slack_client("not-a-bot-token", fake_slack.url)

    with pytest.raises(DeliveryError) as caught:
        SlackChannel(client).send(chaser())

    assert caught.value.permanent is True
    assert caught.value.code == "invalid_auth"
    assert caught.value.outage is True


@pytest.mark.parametrize("refused", ["invalid_auth", "token_revoked", "account_inactive", "not_authed", "token_expired"])
def test_a_refused_bot_token_is_an_outage_not_a_gone_recipient(
    fake_slack: FakeSlackApi, slack_client: WebClient, refused: str
) -> None:
    """`account_inactive` is documented as "authentication token is for a deleted user or workspace
    when using a bot token": ours, not the person's (docs.slack.dev/reference/methods/conversations.open)."""
    fake_slack.break_token(refused)

    with pytest.raises(DeliveryError) as caught:
        SlackChannel(slack_client).send(chaser(to_address="U0PRIYA"))

    assert (caught.value.code, caught.value.outage, caught.value.recipient_gone) == (refused, True, False)
    assert [c.error for c in fake_slack.calls("conversations.open")] == [refused]


def test_the_probe_is_auth_test_and_fails_while_the_token_is_broken(
    fake_slack: FakeSlackApi, slack_client: WebClient
) -> None:
    fake_slack.break_token("token_revoked")
    with pytest.raises(DeliveryError) as caught:
        SlackChannel(slack_client).probe()
    fake_slack.fix_token()
    SlackChannel(slack_client).probe()

    assert caught.value.outage is True
    assert [c.error for c in fake_slack.calls("auth.test")] == ["token_revoked", None]


def test_unreachable_slack_is_transient() -> None:
    with socket.socket() as probe:  # a port on 127.0.0.1 that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_slack_client("xoxb-riverside-test", f"http://127.0.0.1:{port}/api/")

    with pytest.raises(DeliveryError) as caught:
        SlackChannel(client).send(chaser(slack_channel="C0BOARD"))

    assert caught.value.permanent is False


def test_lookup_user_id_finds_a_known_address_and_none_for_a_stranger(slack_client: WebClient) -> None:
    channel = SlackChannel(slack_client)

    assert channel.lookup_user_id("grace.lin@riverside.example.gov.uk") == "U0GRACE"
    assert channel.lookup_user_id("sam.boateng@probation.example.org") is None


def test_update_replaces_the_text_and_blocks_of_an_earlier_post(
    fake_slack: FakeSlackApi, slack_client: WebClient
) -> None:
    channel = SlackChannel(slack_client)
    sent = channel.send(chaser())
    assert sent.slack_channel and sent.slack_ts

    channel.update(sent.slack_channel, sent.slack_ts, "Thanks, recorded as complete.", blocks=[])

    message = fake_slack.messages(sent.slack_channel)[0]
    assert message.text == "Thanks, recorded as complete."
    assert message.blocks == []


def test_fake_answers_429_beyond_its_per_channel_rate_limit(slack_client: WebClient) -> None:
    with FakeSlackApi(clock=lambda: 100.0) as fake:  # a frozen clock: every post is in the same second
        fake.limit_rate(1)
        channel = SlackChannel(make_slack_client("xoxb-riverside-test", fake.url))
        channel.send(chaser(slack_channel="C0BOARD"))
        channel.send(chaser(slack_channel="C0OTHER"))

        with pytest.raises(DeliveryError) as caught:
            channel.send(chaser(slack_channel="C0BOARD"))

    assert caught.value.permanent is False
    assert caught.value.retry_after == 1
