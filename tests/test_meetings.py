"""Board meetings read from calendars as real clients write them, and kept in step with them."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from bot.db import ensure_partnership, session_scope
from bot.meetings import load_ics_meetings, read_ics_file, sync_meetings
from bot.models import BoardMeeting
from bot.settings import load_settings

CALENDARS = Path(__file__).parent / "data" / "calendars"
YEAR_2027 = {"start": date(2027, 1, 1), "end": date(2027, 12, 31)}


def test_an_exchange_2010_quarterly_series_in_gmt_standard_time_is_expanded() -> None:
    days = load_ics_meetings(CALENDARS / "exchange2010_quarterly.ics", **YEAR_2027)
    # Second Thursday of every third month, until the end of 2027.
    assert days == [date(2027, 1, 14), date(2027, 4, 8), date(2027, 7, 8), date(2027, 10, 14)]


def test_gmt_standard_time_is_understood_without_its_vtimezone(tmp_path: Path) -> None:
    text = (CALENDARS / "exchange2010_quarterly.ics").read_bytes().decode()
    start, end = text.index("BEGIN:VTIMEZONE"), text.index("END:VTIMEZONE") + len("END:VTIMEZONE\r\n")
    bare = tmp_path / "no-vtimezone.ics"
    bare.write_text(text[:start] + text[end:], newline="")
    expected = [date(2027, 1, 14), date(2027, 4, 8), date(2027, 7, 8), date(2027, 10, 14)]
    assert load_ics_meetings(bare, **YEAR_2027) == expected


def test_a_google_series_with_a_moved_occurrence_is_on_the_new_day() -> None:
    meetings = read_ics_file(CALENDARS / "google_moved_occurrence.ics", **YEAR_2027).meetings
    board = [(m.date, m.title) for m in meetings if "late call" not in m.title]
    assert board == [
        (date(2027, 1, 13), "Safer Communities Board"),
        (date(2027, 3, 12), "Safer Communities Board (moved to Friday)"),  # not Wednesday 10 March
        (date(2027, 5, 5), "Safer Communities Board"),
        (date(2027, 6, 30), "Safer Communities Board"),
    ]


def test_a_meeting_is_dated_in_the_partnerships_time_zone_not_the_calendars() -> None:
    # 23:30 UTC on 2 June is 00:30 on 3 June in London (summer time).
    meetings = read_ics_file(CALENDARS / "google_moved_occurrence.ics", **YEAR_2027).meetings
    assert [m.date for m in meetings if "late call" in m.title] == [date(2027, 6, 3)]
    in_utc = read_ics_file(CALENDARS / "google_moved_occurrence.ics", timezone="UTC", **YEAR_2027).meetings
    assert [m.date for m in in_utc if "late call" in m.title] == [date(2027, 6, 2)]


def test_a_weekly_series_leaves_out_its_exdates() -> None:
    days = load_ics_meetings(CALENDARS / "weekly_exdates.ics", **YEAR_2027)
    assert days == [date(2027, 3, 1), date(2027, 3, 8), date(2027, 3, 22), date(2027, 4, 5)]


def test_cancelled_occurrences_and_cancelled_meetings_are_left_out() -> None:
    days = load_ics_meetings(CALENDARS / "daily_cancelled.ics", **YEAR_2027)
    assert days == [date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 11), date(2027, 2, 12)]  # not 10 or 19 Feb


def test_a_series_with_a_malformed_rule_keeps_its_first_date_with_a_warning() -> None:
    reading = read_ics_file(CALENDARS / "malformed_rrule.ics", **YEAR_2027)
    assert [m.date for m in reading.meetings] == [date(2027, 3, 4), date(2027, 6, 10)]
    assert len(reading.warnings) == 1
    assert "malformed_rrule.ics" in reading.warnings[0] and "first date" in reading.warnings[0]


def test_an_endless_series_is_expanded_only_within_the_window(tmp_path: Path) -> None:
    path = tmp_path / "monthly.ics"
    path.write_text("\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Riverside CSP//Fictional//EN", "BEGIN:VEVENT", "UID:m@x",
        "SUMMARY:Board", "DTSTART;TZID=Europe/London:20200109T100000", "RRULE:FREQ=MONTHLY;BYDAY=2TH",
        "DTSTAMP:20200101T000000Z", "END:VEVENT", "END:VCALENDAR", ""]), newline="")
    days = load_ics_meetings(path, start=date(2027, 1, 1), end=date(2027, 3, 31))
    assert days == [date(2027, 1, 14), date(2027, 2, 11), date(2027, 3, 11)]


def _settings(monkeypatch: pytest.MonkeyPatch, ics: Path, meetings: str = "[]"):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DHR_BOARD__ICS", str(ics))
    monkeypatch.setenv("DHR_BOARD__MEETINGS", meetings)
    return load_settings()


def test_a_meeting_cancelled_in_the_calendar_disappears_at_the_next_sync_but_a_sent_digest_stays(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calendar = tmp_path / "board.ics"
    calendar.write_bytes((CALENDARS / "weekly_exdates.ics").read_bytes())
    today = date(2027, 2, 1)
    with session_scope(engine) as session:
        partnership = ensure_partnership(session, _settings(monkeypatch, calendar, '["2027-06-01"]'))
        assert sync_meetings(session, partnership, load_settings(), today) == [
            date(2027, 3, 1), date(2027, 3, 8), date(2027, 3, 22), date(2027, 4, 5), date(2027, 6, 1)]
        sent = session.exec(select(BoardMeeting).where(BoardMeeting.date == date(2027, 3, 1))).one()
        sent.digest_sent_at = datetime(2027, 2, 22, 9, 0, tzinfo=UTC)
        session.add(sent)

    # The organiser deletes the series and the coordinator drops June from the settings.
    calendar.write_bytes((CALENDARS / "daily_cancelled.ics").read_bytes())
    with session_scope(engine) as session:
        partnership = ensure_partnership(session, _settings(monkeypatch, calendar))
        stored = sync_meetings(session, partnership, load_settings(), today)
    assert stored == [date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 11), date(2027, 2, 12), date(2027, 3, 1)]


def test_dhr_meetings_lists_the_calendar_as_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DHR_DATABASE_URL", f"sqlite:///{tmp_path / 'dhr.db'}")
    result = CliRunner().invoke(app, ["meetings", "--ics", str(CALENDARS / "daily_cancelled.ics"),
                                      "--from", "2027-02-09", "--to", "2027-02-28", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"date": "2027-02-09", "title": "Board review week"},
        {"date": "2027-02-11", "title": "Board review week"},
        {"date": "2027-02-12", "title": "Board review week"},
    ]


def test_dhr_meetings_without_ics_uses_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DHR_BOARD__MEETINGS", '["2027-09-09"]')
    monkeypatch.setenv("DHR_BOARD__ICS", str(CALENDARS / "weekly_exdates.ics"))
    result = CliRunner().invoke(app, ["meetings", "--from", "2027-03-20", "--to", "2027-12-31", "--json"])
    assert result.exit_code == 0, result.output
    assert [m["date"] for m in json.loads(result.stdout)] == ["2027-03-22", "2027-04-05", "2027-09-09"]


@pytest.mark.parametrize(("arguments", "message"), [
    (["--ics", "nowhere.ics"], "nowhere.ics: cannot read it"),
    (["--from", "next tuesday"], "--from: 'next tuesday' is not a date"),
    (["--from", "2027-05-01", "--to", "2027-04-01"], "is before --from"),
])
def test_dhr_meetings_names_what_is_wrong(arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["meetings", *arguments])
    assert result.exit_code == 2 and message in result.stderr
