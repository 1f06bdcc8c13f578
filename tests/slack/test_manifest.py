"""The app manifest is one Slack accepts, and asks for only what the bot uses."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.app import EVENTS_PATH
from tests.slack.manifest_schema import SLACK_MANIFEST_SCHEMA

MANIFEST: dict[str, Any] = yaml.safe_load((Path(__file__).parents[2] / "slack" / "manifest.yml").read_text())

#: Each scope and the calls that need it (docs.slack.dev/reference/scopes).
NEEDED_SCOPES = {
    "chat:write": "chat.postMessage, chat.update, chat.postEphemeral",
    "im:write": "conversations.open for a lead's DM",
    "im:history": "message.im events; conversations.history of a DM after a crash",
    "channels:history": "conversations.history of a public board channel after a crash",
    "groups:history": "the same for a private board channel",
    "commands": "/dhr",
    "users:read": "users.info",
    "users:read.email": "users.lookupByEmail",
}
#: The events a listener in bot/handlers handles.
HANDLED_EVENTS = {"app_home_opened", "message.im"}


def test_the_manifest_is_valid_against_slacks_schema() -> None:
    jsonschema.Draft7Validator.check_schema(SLACK_MANIFEST_SCHEMA)
    jsonschema.validate(MANIFEST, SLACK_MANIFEST_SCHEMA)


@pytest.mark.parametrize("breakage", [
    lambda m: m["display_information"].update(name="DHR Chaser for the Riverside Community Safety Partnership"),
    lambda m: m["features"]["slash_commands"][0].update(command="dhr"),
    lambda m: m["settings"]["interactivity"].pop("is_enabled"),
    lambda m: m["settings"]["event_subscriptions"].update(bot_events=["message.im", "message.im"]),
    lambda m: m["oauth_config"].update(scope={"bot": ["chat:write"]}),
])
def test_the_schema_refuses_what_slack_refuses(breakage: Any) -> None:
    broken = copy.deepcopy(MANIFEST)
    breakage(broken)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SLACK_MANIFEST_SCHEMA)


def test_only_the_events_the_listeners_handle_are_subscribed() -> None:
    assert set(MANIFEST["settings"]["event_subscriptions"]["bot_events"]) == HANDLED_EVENTS
    assert "user_events" not in MANIFEST["settings"]["event_subscriptions"]


def test_only_the_scopes_the_bot_uses_are_asked_for() -> None:
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == set(NEEDED_SCOPES)
    assert "user" not in MANIFEST["oauth_config"]["scopes"]


def test_every_request_url_is_the_events_endpoint() -> None:
    urls = [
        MANIFEST["settings"]["event_subscriptions"]["request_url"],
        MANIFEST["settings"]["interactivity"]["request_url"],
        *(command["url"] for command in MANIFEST["features"]["slash_commands"]),
    ]
    assert {url.removeprefix("https://example.org") for url in urls} == {EVENTS_PATH}
