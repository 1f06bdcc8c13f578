"""Plain-text helpers every channel's wording uses: dates, counts, clipping, mrkdwn escaping, labels.

Pure; the Jinja templates get them as filters (bot.render) and the Slack block builders
(bot.slack_blocks) and the wording table (bot.wording) call them directly.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.rules.statuses import ReadStatus

SUMMARY_WORDS = 25
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Emphasis markers swapped for lookalikes so text from a plan shows as written in Slack.
_MRKDWN = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "*": "\u2217", "~": "\u223c", "`": "\u2018"}
)


def ukdate(value: date | str | None, missing: str = "no date") -> str:
    """31 Dec 2026. Refuses datetimes: which day one falls on depends on the partnership's zone."""
    if value is None or value == "":
        return missing
    if isinstance(value, datetime):
        raise TypeError(f"ukdate wants a local date, got datetime {value.isoformat()}: convert it first")
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def truncate_words(text: str | None, words: int = SUMMARY_WORDS, max_chars: int = 200) -> str:
    """First `words` words on one line, with an ellipsis when cut; long unbroken text is clipped too."""
    parts = (text or "").split()
    short = " ".join(parts[:words]) + (" \u2026" if len(parts) > words else "")
    return clip(short, max_chars)


def clip(text: str, max_chars: int) -> str:
    text = str(text)
    return text if len(text) <= max_chars else text[: max_chars - 1].rstrip() + "\u2026"


def mrkdwn(text: Any) -> str:
    """Text shown as written inside Slack mrkdwn: & < > escaped as Slack requires (so no <!channel>
    or fake links), and * ~ ` swapped for lookalikes so plan text cannot switch formatting on."""
    return str(text).translate(_MRKDWN)


def status_label(status: Any) -> str:
    return _STATUS_LABELS.get(str(status), str(status).replace("_", " "))


def counted(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def due_phrase(due: date | str | None, target_text: str | None) -> str:
    if due:
        return ukdate(due)
    return clip(" ".join((target_text or "").split()), 40) or "no date"


def reading_phrase(status: Any, new_due: date | str | None) -> str:
    """How a reading of a reply is put back to its author: "complete", "new date 30 Apr 2027"."""
    label = status_label(status)
    if not new_due:
        return label
    if str(status) == ReadStatus.EXTENSION_REQUESTED:
        return f"new date {ukdate(new_due)}"
    return f"{label}, new date {ukdate(new_due)}"


_STATUS_LABELS = {
    "not_started": "not started",
    "in_progress": "in progress",
    "complete": "complete",
    "blocked": "blocked",
    "not_applicable": "not applicable",
    "extension_requested": "more time asked",
    "no_response": "no response",
    "unclear": "not clear",
    "redirect": "not theirs (for the coordinator to re-route)",
}
