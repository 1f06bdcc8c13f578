"""The part of Slack's app manifest schema that our manifest uses, as a JSON Schema (draft 7).

Written from Slack's published schema, github.com/slackapi/manifest-schema
(schemas/manifest.schema.1.0.0.json, the version used when `_metadata.major_version` is absent or
1) and docs.slack.dev/reference/app-manifest: the same required fields, lengths, patterns and
`additionalProperties: false` at every level, so a misspelt key or an over-long text fails here
as it would when the manifest is pasted into Slack. Sections we do not use (functions, workflows,
shortcuts, datastores, app_directory) are left out and therefore refused.
"""

from __future__ import annotations

from typing import Any


def _text(low: int, high: int) -> dict[str, Any]:
    return {"type": "string", "minLength": low, "maxLength": high}


def _url(high: int) -> dict[str, Any]:
    return {"type": "string", "pattern": r"^https?:\/\/", "maxLength": high}


def _closed(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": list(required), "properties": properties}


def _names(high_items: int) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string", "maxLength": 50}, "maxItems": high_items, "uniqueItems": True}


SLACK_MANIFEST_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    **_closed({
        "_metadata": _closed({k: {"type": "integer"} for k in ("major_version", "minor_version")}),
        "display_information": _closed({
            "name": _text(1, 35),
            "description": _text(1, 140),
            "background_color": {"type": "string", "pattern": r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$"},
            "long_description": _text(175, 4000),
        }, required=("name",)),
        "features": _closed({
            "app_home": _closed({k: {"type": "boolean"} for k in (
                "home_tab_enabled", "messages_tab_enabled", "messages_tab_read_only_enabled")}),
            "bot_user": _closed({"display_name": _text(1, 80), "always_online": {"type": "boolean"}},
                                required=("display_name",)),
            "slash_commands": {"type": "array", "minItems": 1, "maxItems": 50, "items": _closed({
                "command": {"type": "string", "minLength": 2, "maxLength": 32, "pattern": r"^\/"},
                "url": _url(3000),
                "description": _text(1, 2000),
                "usage_hint": _text(1, 1000),
                "should_escape": {"type": "boolean"},
            }, required=("command", "description"))},
        }),
        "oauth_config": _closed({
            "redirect_urls": {"type": "array", "items": {"type": "string", "maxLength": 2500}},
            "scopes": _closed({"bot": _names(255), "user": _names(255)}),
        }),
        "settings": _closed({
            "event_subscriptions": _closed({
                "request_url": _url(3500), "bot_events": _names(100), "user_events": _names(100),
            }),
            "interactivity": _closed({"is_enabled": {"type": "boolean"}, "request_url": _url(3500),
                                      "message_menu_options_url": _url(3500)}, required=("is_enabled",)),
            "org_deploy_enabled": {"type": "boolean"},
            "socket_mode_enabled": {"type": "boolean"},
            "token_rotation_enabled": {"type": "boolean"},
        }),
    }, required=("display_information",)),
}
