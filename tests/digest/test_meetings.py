"""Board meetings from the settings and from an .ics calendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.db import ensure_partnership, session_scope
from bot.meetings import MeetingsFileError, load_ics_meetings, sync_meetings
from bot.models import BoardMeeting
from bot.settings import load_settings


def calendar(path: Path, *events: tuple[str, str]) -> Path:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Riverside CSP//Fictional//EN"]
    for number, (summary, start) in enumerate(events):
        lines += ["BEGIN:VEVENT", f"UID:meeting-{number}@riverside.example.gov.uk", "DTSTAMP:20261101T090000Z",
                  f"SUMMARY:{summary}", f"DTSTART{start}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    path.write_text("\r\n".join(lines) + "\r\n")
    return path


def test_board_events_are_read_and_others_ignored(tmp_path: Path) -> None:
    path = calendar(
        tmp_path / "board.ics",
        ("Riverside Safer Communities Board", ";VALUE=DATE:20270311"),
        ("Agency leads catch-up", ":20270301T100000Z"),
        ("Safer Communities BOARD (extraordinary)", ";TZID=Europe/London:20270122T140000"),
        ("Riverside Safer Communities Board", ";VALUE=DATE:20270311"),
    )
    assert load_ics_meetings(path) == [date(2027, 1, 22), date(2027, 3, 11)]


def test_a_calendar_that_never_says_board_is_all_meetings(tmp_path: Path) -> None:
    path = calendar(tmp_path / "meetings.ics", ("Quarterly meeting", ":20270610T100000Z"), ("Quarterly meeting", ":20270909T100000Z"))
    assert load_ics_meetings(path) == [date(2027, 6, 10), date(2027, 9, 9)]


def test_a_bad_calendar_names_the_file_and_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "board.ics"
    path.write_text("this is not a calendar\n")
    with pytest.raises(MeetingsFileError, match=r"board\.ics: not a valid iCalendar file"):
        load_ics_meetings(path)


def test_an_event_without_a_start_is_named(tmp_path: Path) -> None:
    path = tmp_path / "board.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:Board\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    with pytest.raises(MeetingsFileError, match=r"board\.ics: event 1 \(Board\) has no DTSTART"):
        load_ics_meetings(path)


def test_a_missing_calendar_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(MeetingsFileError, match=r"nowhere\.ics: cannot read it"):
        load_ics_meetings(tmp_path / "nowhere.ics")


def test_meetings_from_settings_and_calendar_are_stored_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ics = calendar(tmp_path / "board.ics", ("Board", ";VALUE=DATE:20270311"), ("Board", ";VALUE=DATE:20270610"))
    monkeypatch.setenv("DHR_BOARD__MEETINGS", '["2027-03-11", "2026-12-10"]')
    monkeypatch.setenv("DHR_BOARD__ICS", str(ics))
    settings = load_settings()
    with session_scope(engine) as session:
        partnership = ensure_partnership(session, settings)
        first = sync_meetings(session, partnership, settings)
        again = sync_meetings(session, partnership, settings)
        stored = sorted(m.date for m in session.exec(select(BoardMeeting)).all())
    assert first == again == stored == [date(2026, 12, 10), date(2027, 3, 11), date(2027, 6, 10)]
