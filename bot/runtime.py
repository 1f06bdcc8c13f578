"""The long-lived pieces of a running bot, built once from the settings: engine and transports."""

from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from sqlalchemy.engine import Engine

from bot.channels.base import Channel
from bot.channels.outbox_folder import OutboxFolderChannel
from bot.db import get_engine, migrate
from bot.rules.statuses import ChannelKind
from bot.settings import Settings, load_settings


def build_channels(settings: Settings) -> dict[str, Channel]:
    """Every transport the settings allow; the outbox folder is always there."""
    channels: dict[str, Channel] = {ChannelKind.OUTBOX.value: OutboxFolderChannel(settings.outbox_dir)}
    if settings.slack_enabled:
        from bot.channels.slack import SlackChannel, make_slack_client

        assert settings.slack_bot_token
        channels[ChannelKind.SLACK.value] = SlackChannel(
            make_slack_client(settings.slack_bot_token, settings.slack_api_url)
        )
    if settings.outlook_enabled:
        from bot.channels.outlook import OutlookChannel

        channels[ChannelKind.EMAIL.value] = OutlookChannel(
            graph_client(settings), sent_copy_hold=timedelta(seconds=settings.policy.sent_items_hold_seconds)
        )
    return channels


def graph_client(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.channels.graph import GraphClient

    assert settings.ms_tenant_id and settings.ms_client_id and settings.ms_client_secret and settings.mailbox
    return GraphClient(
        settings.ms_tenant_id,
        settings.ms_client_id,
        settings.ms_client_secret,
        settings.ms_authority_url,
        settings.graph_api_url,
        settings.mailbox,
        verify=os.environ.get("REQUESTS_CA_BUNDLE") or True,
    )


def worker_id(role: str) -> str:
    """Unique to this process: the outbox tells its own claims from another process's by it."""
    return f"{role}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    channels: dict[str, Channel]
    worker_id: str = field(default_factory=lambda: worker_id("bot"))


def build_runtime(settings: Settings) -> Runtime:
    engine = get_engine(settings.database_url)
    migrate(engine)
    return Runtime(settings, engine, build_channels(settings))


@cache
def current() -> Runtime:
    """The process's runtime, for scheduler jobs (which APScheduler stores by name, without arguments)."""
    return build_runtime(load_settings())
