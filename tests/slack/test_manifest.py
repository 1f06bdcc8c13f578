"""The app manifest asks for what the listeners use, and points Slack at /slack/events."""

from __future__ import annotations

from pathlib import Path

MANIFEST = (Path(__file__).parents[2] / "slack" / "manifest.yml").read_text()


def test_manifest_declares_the_command_events_and_interactivity() -> None:
    for needed in ("command: /dhr", "app_home_opened", "message.im", "message.channels", "is_enabled: true"):
        assert needed in MANIFEST, needed


def test_manifest_asks_for_the_scopes_the_bot_uses() -> None:
    for scope in ("chat:write", "im:write", "im:history", "commands", "users:read", "users:read.email", "channels:history"):
        assert f"- {scope} " in MANIFEST or f"- {scope}\n" in MANIFEST, scope


def test_every_request_url_is_the_events_endpoint() -> None:
    urls = [line.split("url:", 1)[1].strip() for line in MANIFEST.splitlines() if "url:" in line and not line.strip().startswith("#")]
    assert urls and set(urls) == {"https://example.org/slack/events"}
