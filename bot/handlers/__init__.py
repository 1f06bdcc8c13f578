"""Slack listeners (slack-bolt). Each module has `register(app, runtime, clock=utc_now)`; no global app."""

from __future__ import annotations

from slack_bolt import App

from bot.handlers import buttons, commands, events, reroute
from bot.handlers.common import Clock, utc_now
from bot.runtime import Runtime


def register_all(app: App, runtime: Runtime, clock: Clock = utc_now) -> None:
    for module in (commands, buttons, events, reroute):
        module.register(app, runtime, clock)
