"""What the kind tests read from a reply: by the rules alone (no status model), as of the day each test file sets."""

from __future__ import annotations

from datetime import date

from bot.reading.replies import read_reply
from bot.rules.statuses import ReadStatus


def rules_status(text: str, today: date) -> ReadStatus:
    """The status the rules alone give `text`, sent on `today`."""
    return read_reply(text, today=today, model=None).status


def redirected_to(text: str, today: date) -> str | None:
    """The new owner a redirect names (None: it names none); fails the test when `text` is not read as a redirect."""
    reading = read_reply(text, today=today, model=None)
    assert reading.status is ReadStatus.REDIRECT, reading
    return reading.redirect_to
