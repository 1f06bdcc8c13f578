"""Board meetings: the dates in the settings plus, optionally, an .ics calendar file.

Both end up as BoardMeeting rows (one per partnership and date), which is what the digest job and
the board-update requests read. Meetings are only ever added here, never removed: a row carries
`digest_sent_at`, the record that the digest for that meeting went out.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, select

from bot.models import BoardMeeting, Partnership
from bot.settings import Settings

#: Calendar entries whose summary mentions one of these are taken as board meetings.
BOARD_WORDS = ("board",)


class MeetingsFileError(ValueError):
    """The board meetings calendar cannot be read; the message names the file and the problem."""


def load_ics_meetings(path: Path | str) -> list[date]:
    """The dates of the board meetings in an .ics file, sorted, without repeats.

    Events whose summary mentions the board are taken; a calendar where none does is taken to be
    a calendar of board meetings only, so all its events count. Recurring events are read as
    their first date only (board calendars list each meeting).
    """
    from icalendar import Calendar  # imported here: only partnerships with a calendar file need it

    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MeetingsFileError(f"board meetings calendar {path}: cannot read it ({exc.strerror or exc})") from exc
    try:
        calendar = Calendar.from_ical(raw)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise MeetingsFileError(f"board meetings calendar {path}: not a valid iCalendar file ({exc})") from exc
    if not isinstance(calendar, Calendar):  # from_ical gives a list when the file holds several calendars
        raise MeetingsFileError(f"board meetings calendar {path}: expected one VCALENDAR, found several")
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise MeetingsFileError(f"board meetings calendar {path}: no events (VEVENT) in it")
    dated: list[tuple[str, date]] = []
    for number, event in enumerate(events, start=1):
        summary = str(event.get("SUMMARY", ""))
        start = event.get("DTSTART")
        if start is None:
            raise MeetingsFileError(f"board meetings calendar {path}: event {number} ({summary or 'no summary'}) has no DTSTART")
        moment = start.dt
        dated.append((summary, moment.date() if isinstance(moment, datetime) else moment))
    board = [day for summary, day in dated if any(word in summary.casefold() for word in BOARD_WORDS)]
    return sorted(set(board or [day for _, day in dated]))


def configured_meetings(settings: Settings) -> list[date]:
    """Every meeting the settings name: `board.meetings` and the `board.ics` calendar, if any."""
    days = set(settings.board.meetings)
    if settings.board.ics is not None:
        days.update(load_ics_meetings(settings.board.ics))
    return sorted(days)


def sync_meetings(session: Session, partnership: Partnership, settings: Settings) -> list[date]:
    """Add a BoardMeeting row for every configured meeting not yet stored; returns all stored dates."""
    assert partnership.id is not None
    stored = {
        m.date for m in session.exec(select(BoardMeeting).where(BoardMeeting.partnership_id == partnership.id)).all()
    }
    for day in configured_meetings(settings):
        if day not in stored:
            session.add(BoardMeeting(partnership_id=partnership.id, date=day))
            stored.add(day)
    session.flush()
    return sorted(stored)
