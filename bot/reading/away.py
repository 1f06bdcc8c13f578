"""When an automatic reply says its sender is back ("back on 3 March", "returning Monday 5th",
"on leave until 12 March"). Pure: `today` is passed in."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.reading.status import plain_text
from bot.rules.dates import find_date_in_text
from bot.rules.statuses import Precision

__all__ = ["out_of_office_until"]

# Strongest cue first: "on leave from 1 March, back on 9 March" must give 9 March.
_RETURN_CUES = (
    re.compile(
        r"\b(?:back|return(?:ing)?|returns|in the office)\b(?:\s+(?:to (?:the |my )?(?:office|work|desk)))?", re.I
    ),
    re.compile(r"\b(?:until|till)\b", re.I),
)
_WEEKDAY_AND_DAY = re.compile(
    r"\b(?:(mon|tues|wednes|thurs|fri|satur|sun)day\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:jan"
    r"|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
    re.I,
)
_WEEKDAYS = ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")


def out_of_office_until(text: str, *, today: date) -> date | None:
    """The day an automatic reply says its sender is back ("back on 3 March", "returning Monday 5th").

    "On leave until 12 March" means back the day after; a month alone ("back in April") means its first day.
    """
    plain = plain_text(text)
    for cues in _RETURN_CUES:
        for cue in cues.finditer(plain):
            window = plain[cue.end() : cue.end() + 60]
            day = _day_of_month_only(window, today) or _date_in(window, today)
            if day is not None:
                return day + timedelta(days=1) if cue.group(0).lower() in {"until", "till"} else day
    return None


def _date_in(window: str, today: date) -> date | None:
    parsed = find_date_in_text(window, today=today)
    if parsed is None or parsed.due is None or parsed.due < today:
        return None
    if parsed.precision is Precision.DAY:
        return parsed.due
    return parsed.due.replace(day=1) if parsed.precision is Precision.MONTH else None


def _day_of_month_only(window: str, today: date) -> date | None:
    """ "Monday 5th" with no month: the next such day on or after today, on that weekday if named."""
    match = _WEEKDAY_AND_DAY.search(window[:30])
    if match is None:
        return None
    day_number = int(match.group(2))
    weekday = _WEEKDAYS.index(match.group(1).lower()) if match.group(1) else None
    year, month = today.year, today.month
    for _ in range(14):
        try:
            candidate = date(year, month, day_number)
        except ValueError:
            candidate = None
        if candidate and candidate >= today and (weekday is None or candidate.weekday() == weekday):
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


