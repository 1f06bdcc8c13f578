"""The service's log levels: ours at DHR_LOG_LEVEL, other people's libraries kept quieter.

At DEBUG, slack_sdk logs whole request and response bodies (message text, names), and urllib3,
msal and httpx log URLs and headers; so their loggers stay at `safety.third_party_log_level`
(WARNING) unless that is asked for explicitly, whatever our own level is.
"""

from __future__ import annotations

import logging

from bot.settings import Settings

THIRD_PARTY_LOGGERS = (
    "slack_sdk", "slack_bolt", "urllib3", "requests", "msal", "httpx", "httpcore", "apscheduler", "sqlalchemy",
    "alembic", "openpyxl", "docx", "waitress", "werkzeug",
)


def configure_logging(settings: Settings) -> None:
    logging.getLogger().setLevel(settings.log_level.upper())
    for name in THIRD_PARTY_LOGGERS:
        logging.getLogger(name).setLevel(settings.safety.third_party_log_level.upper())
