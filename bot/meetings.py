"""Board meetings: the dates in the settings plus, optionally, an .ics calendar file.

Calendars are read as Outlook shows them: recurring series are expanded by recurring-ical-events
(RFC 5545 RRULE, RDATE, EXDATE, occurrences moved with RECURRENCE-ID), cancelled meetings
(STATUS:CANCELLED, on a whole event or one occurrence) are left out, Exchange's Windows zone
names ("GMT Standard Time") are understood, and each meeting's date is the date in the
partnership's time zone, whatever zone the organiser's calendar used. A series whose RRULE cannot
be read keeps its first date, with a warning.

`sync_meetings` makes the BoardMeeting rows match: a new meeting is added, and a meeting that has
gone from the calendar and the settings (removed or cancelled) is removed at the next sync unless
its digest was already sent, which stays as the record that it went out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from bot.models import BoardMeeting, Partnership
from bot.settings import Settings

log = logging.getLogger(__name__)

#: Calendar entries whose summary mentions one of these are taken as board meetings.
BOARD_WORDS = ("board",)
#: How far around today a sync looks: series without an end are expanded only this far.
SYNC_PAST = timedelta(days=2 * 366)
SYNC_AHEAD = timedelta(days=3 * 366)
#: Windows zone names Exchange writes as TZID, for calendars that leave out their VTIMEZONE.
WINDOWS_ZONES = {
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "UTC": "UTC",
}


class MeetingsFileError(ValueError):
    """The board meetings calendar cannot be read; the message names the file and the problem."""


@dataclass(frozen=True, order=True)
class Meeting:
    date: date
    title: str = ""


@dataclass
class CalendarReading:
    meetings: list[Meeting]
    warnings: list[str] = field(default_factory=list)


def read_calendar(raw: bytes, *, source: str, timezone: str, start: date, end: date) -> CalendarReading:
    """The board meetings from `start` to `end` (inclusive) in one iCalendar text, dated in `timezone`."""
    from icalendar import Calendar

    try:
        calendar = Calendar.from_ical(raw.decode("utf-8-sig", errors="replace"))
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise MeetingsFileError(f"board meetings calendar {source}: not a valid iCalendar file ({exc})") from exc
    if not isinstance(calendar, Calendar):  # from_ical gives a list when the file holds several calendars
        raise MeetingsFileError(f"board meetings calendar {source}: expected one VCALENDAR, found several")
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise MeetingsFileError(f"board meetings calendar {source}: no events (VEVENT) in it")
    for number, event in enumerate(events, start=1):
        if event.get("DTSTART") is None:
            summary = str(event.get("SUMMARY", "")) or "no summary"
            raise MeetingsFileError(f"board meetings calendar {source}: event {number} ({summary}) has no DTSTART")
    zone = ZoneInfo(timezone)
    warnings: list[str] = []
    occurrences = _occurrences(calendar, events, start, end, source, warnings)
    dated = [
        Meeting(_local_date(o.get("DTSTART").dt, zone), str(o.get("SUMMARY", "")).strip())
        for o in occurrences
        if str(o.get("STATUS", "")).upper() != "CANCELLED"
    ]
    dated = [m for m in dated if start <= m.date <= end]
    board = [m for m in dated if any(word in m.title.casefold() for word in BOARD_WORDS)]
    # A calendar where no entry mentions the board is taken to be a calendar of board meetings only.
    chosen = board if board or any(_mentions_board(e) for e in events) else dated
    return CalendarReading(_one_per_date(chosen), warnings)


def load_ics_meetings(
    path: Path | str, *, timezone: str = "Europe/London", start: date | None = None, end: date | None = None
) -> list[date]:
    """The dates of the board meetings in an .ics file, sorted, without repeats (see read_ics_file)."""
    return [m.date for m in read_ics_file(path, timezone=timezone, start=start, end=end).meetings]


def read_ics_file(
    path: Path | str, *, timezone: str = "Europe/London", start: date | None = None, end: date | None = None
) -> CalendarReading:
    """Board meetings in an .ics file; without `start`/`end`, those within the sync window around today."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MeetingsFileError(f"board meetings calendar {path}: cannot read it ({exc.strerror or exc})") from exc
    default_start, default_end = sync_window(datetime.now(ZoneInfo(timezone)).date())
    return read_calendar(raw, source=str(path), timezone=timezone, start=start or default_start, end=end or default_end)


def sync_window(today: date) -> tuple[date, date]:
    return today - SYNC_PAST, today + SYNC_AHEAD


def configured_meetings(settings: Settings, start: date | None = None, end: date | None = None) -> list[Meeting]:
    """Every meeting the settings name: `board.meetings` and the `board.ics` calendar, if any."""
    timezone = settings.partnership.timezone
    meetings = {Meeting(day, "") for day in settings.board.meetings if _within(day, start, end)}
    if settings.board.ics is not None:
        reading = read_ics_file(settings.board.ics, timezone=timezone, start=start, end=end)
        for warning in reading.warnings:
            log.warning("%s", warning)
        meetings.update(reading.meetings)
    return _one_per_date(meetings)


def sync_meetings(
    session: Session, partnership: Partnership, settings: Settings, today: date | None = None
) -> list[date]:
    """Make the BoardMeeting rows match the configured meetings; returns all stored dates.

    Within the sync window, a row whose meeting is no longer configured (removed or cancelled)
    is deleted, unless its digest went out. Rows outside the window are left as they are.
    """
    assert partnership.id is not None
    today = today or datetime.now(ZoneInfo(settings.partnership.timezone)).date()
    start, end = sync_window(today)
    wanted = {m.date for m in configured_meetings(settings, start, end)}
    rows = session.exec(select(BoardMeeting).where(BoardMeeting.partnership_id == partnership.id)).all()
    stored = {row.date for row in rows}
    gone = [
        row.id for row in rows
        if start <= row.date <= end and row.date not in wanted and row.digest_sent_at is None
    ]
    if gone:
        session.execute(sa.delete(BoardMeeting).where(BoardMeeting.id.in_(gone)))  # type: ignore[union-attr]
        stored -= {row.date for row in rows if row.id in gone}
    for day in sorted(wanted - stored):
        session.add(BoardMeeting(partnership_id=partnership.id, date=day))
        stored.add(day)
    session.flush()
    return sorted(stored)


def _occurrences(
    calendar: Any, events: list[Any], start: date, end: date, source: str, warnings: list[str]
) -> list[Any]:
    """Every occurrence from `start` to `end`; a series the library cannot expand gives its first date."""
    import recurring_ical_events

    # A day either side: an occurrence's date in the partnership's zone may differ from its own.
    window = (start - timedelta(days=1), end + timedelta(days=2))
    _name_windows_zones(calendar)
    try:
        return list(recurring_ical_events.of(calendar).between(*window))
    except Exception:  # the library raises many kinds on bad input: find the bad series below
        pass
    occurrences: list[Any] = []
    for event in events:
        single = _calendar_of(calendar, [e for e in events if e.get("UID") == event.get("UID")])
        try:
            expanded = recurring_ical_events.of(single).between(*window)
            occurrences += [o for o in expanded if o.get("UID") == event.get("UID")]
        except Exception as exc:
            summary = str(event.get("SUMMARY", "")) or "no summary"
            warnings.append(f"board meetings calendar {source}: cannot read the repeat rule of {summary!r} "
                            f"({type(exc).__name__}); only its first date is used")
            occurrences.append(event)
    return _dedupe_occurrences(occurrences)


def _calendar_of(calendar: Any, events: Iterable[Any]) -> Any:
    from icalendar import Calendar

    single = Calendar()
    for name in ("VERSION", "PRODID"):
        if name in calendar:
            single.add(name, calendar[name])
    for timezone in calendar.walk("VTIMEZONE"):
        single.add_component(timezone)
    for event in events:
        single.add_component(event)
    return single


def _dedupe_occurrences(occurrences: list[Any]) -> list[Any]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for occurrence in occurrences:
        key = (str(occurrence.get("UID", "")), str(occurrence.get("DTSTART").dt))
        if key not in seen:
            seen.add(key)
            unique.append(occurrence)
    return unique


def _name_windows_zones(calendar: Any) -> None:
    """A TZID Exchange wrote as a Windows name, with no VTIMEZONE to define it, gets its IANA zone."""
    defined = {str(tz.get("TZID")) for tz in calendar.walk("VTIMEZONE")}
    for event in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            prop = event.get(name)
            moment = getattr(prop, "dt", None)
            tzid = getattr(prop, "params", {}).get("TZID")
            if isinstance(moment, datetime) and tzid in WINDOWS_ZONES and tzid not in defined and moment.tzinfo is None:
                prop.dt = moment.replace(tzinfo=ZoneInfo(WINDOWS_ZONES[tzid]))


def _local_date(moment: date | datetime, zone: ZoneInfo) -> date:
    if not isinstance(moment, datetime):
        return moment  # an all-day meeting is on its date wherever one is
    if moment.tzinfo is None:
        return moment.date()  # floating time: the local date as written
    return moment.astimezone(zone).date()


def _mentions_board(event: Any) -> bool:
    return any(word in str(event.get("SUMMARY", "")).casefold() for word in BOARD_WORDS)


def _one_per_date(meetings: Iterable[Meeting]) -> list[Meeting]:
    by_date: dict[date, Meeting] = {}
    for meeting in sorted(meetings, key=lambda m: (m.date, not m.title, m.title)):
        by_date.setdefault(meeting.date, meeting)
    return [by_date[day] for day in sorted(by_date)]


def _within(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)
