"""The fakes themselves: what the end-to-end tests will lean on beyond plain sending."""

from __future__ import annotations

import ssl

import httpx
import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.channels.graph import GraphClient
from tests.fakes.microsoft import FakeMicrosoft
from tests.fakes.slack_api import FakeSlackApi


def test_bolt_app_verifies_its_token_against_the_fake(fake_slack: FakeSlackApi, slack_client: WebClient) -> None:
    App(client=slack_client, signing_secret="riverside-signing-secret")

    assert [c.method for c in fake_slack.calls()] == ["auth.test"]


def test_response_url_posts_are_recorded(fake_slack: FakeSlackApi) -> None:
    WebhookClient(fake_slack.webhook_url()).send(text="Recorded: RIV3-4-1 complete.", replace_original=False)

    (call,) = fake_slack.calls("webhook")
    assert call.body["text"] == "Recorded: RIV3-4-1 complete."


def test_ephemeral_views_and_user_info_answer_in_slack_shape(
    fake_slack: FakeSlackApi, slack_client: WebClient
) -> None:
    ephemeral = slack_client.chat_postEphemeral(channel="C0BOARD", user="U0MORGAN", text="3 actions overdue")
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Update"}, "blocks": []}
    opened = slack_client.views_open(trigger_id="1.2.3", view=modal)
    published = slack_client.views_publish(user_id="U0MORGAN", view={"type": "home", "blocks": []})
    info = slack_client.users_info(user="U0TOM")

    assert ephemeral["message_ts"]
    assert opened["view"]["id"] != published["view"]["id"]
    assert info["user"]["profile"]["email"] == "tom.okafor@rht.example.org"
    assert fake_slack.messages("C0BOARD")[0].user == "U0MORGAN"


def test_fake_slack_fails_a_method_the_number_of_times_asked(
    fake_slack: FakeSlackApi, slack_client: WebClient
) -> None:
    fake_slack.fail_next("chat.postMessage", status=500, times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError):
            slack_client.chat_postMessage(channel="C0BOARD", text="hello")
    slack_client.chat_postMessage(channel="C0BOARD", text="hello")

    assert [c.status for c in fake_slack.calls("chat.postMessage")] == [500, 500, 200]


def test_fake_graph_refuses_calls_without_a_token(fake_microsoft: FakeMicrosoft) -> None:
    response = httpx.get(
        f"{fake_microsoft.graph_url}/users/{fake_microsoft.mailbox}/mailFolders",
        verify=ssl.create_default_context(cafile=fake_microsoft.ca_path),
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "InvalidAuthenticationToken"


def test_reply_quotes_the_original_in_body_but_not_in_unique_body(
    fake_microsoft: FakeMicrosoft, graph_client: GraphClient
) -> None:
    fake_microsoft.deliver_mail("morgan.blake@riverside.example.gov.uk", "RIV3 update", "Please update RIV3-1-1.")
    original = fake_microsoft.folder_messages("inbox")[0]
    reply = fake_microsoft.deliver_reply(original, "tom.okafor@rht.example.org", "Started in March.")

    read = graph_client.get_message(reply["id"], select=("subject", "body", "uniqueBody"))

    assert read["subject"] == "RE: RIV3 update"
    assert "Please update RIV3-1-1." in read["body"]["content"]
    assert read["uniqueBody"]["content"] == "Started in March."
