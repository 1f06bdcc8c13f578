"""Other libraries' loggers stay at WARNING even when the bot logs at DEBUG, unless asked for."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.logsetup import THIRD_PARTY_LOGGERS, configure_logging
from bot.settings import load_settings


@pytest.fixture(autouse=True)
def _restore_levels() -> Iterator[None]:
    names = ["", *THIRD_PARTY_LOGGERS]
    before = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in before.items():
        logging.getLogger(name).setLevel(level)


def test_debug_for_the_bot_keeps_slack_sdk_from_logging_message_bodies() -> None:
    configure_logging(load_settings(log_level="DEBUG"))

    assert logging.getLogger("bot.inbox.poll").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("slack_sdk.web.base_client").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("urllib3.connectionpool").isEnabledFor(logging.INFO)


def test_third_party_debug_only_when_asked_for() -> None:
    configure_logging(load_settings(log_level="DEBUG", safety={"third_party_log_level": "DEBUG"}))

    assert logging.getLogger("slack_sdk.web.base_client").isEnabledFor(logging.DEBUG)
