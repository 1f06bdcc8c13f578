"""`dhr meetings`: the board meetings the bot will use, from the settings and the calendar."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape

from bot.commands.common import console, err_console, fail, settings_or_exit
from bot.meetings import SYNC_AHEAD, Meeting, MeetingsFileError, configured_meetings, read_ics_file


def register(app: typer.Typer) -> None:
    app.command("meetings")(meetings_command)


def meetings_command(
    ics: Path | None = typer.Option(None, "--ics", help="Read only this .ics calendar (not the settings)."),
    from_day: str | None = typer.Option(None, "--from", help="YYYY-MM-DD, first day to list; default: today."),
    to_day: str | None = typer.Option(None, "--to", help="YYYY-MM-DD, last day to list; default: three years on."),
    as_json: bool = typer.Option(False, "--json", help='Print a JSON list of {"date": "YYYY-MM-DD", "title"}.'),
) -> None:
    """List the board meetings, dated in the partnership's time zone; cancelled ones are left out."""
    settings = settings_or_exit()
    timezone = settings.partnership.timezone
    start = _day(from_day, "--from") or datetime.now(ZoneInfo(timezone)).date()
    end = _day(to_day, "--to") or start + SYNC_AHEAD
    if end < start:
        raise fail(f"--to {end.isoformat()} is before --from {start.isoformat()}")
    try:
        if ics is not None:
            reading = read_ics_file(ics, timezone=timezone, start=start, end=end)
            for warning in reading.warnings:
                err_console.print(f"[yellow]warning:[/yellow] {escape(warning)}", highlight=False, soft_wrap=True)
            found = reading.meetings
        else:
            found = configured_meetings(settings, start, end)
    except MeetingsFileError as exc:
        raise fail(str(exc)) from None
    listed = [Meeting(m.date, m.title or settings.partnership.board_name) for m in found]
    if as_json:
        typer.echo(json.dumps([{"date": m.date.isoformat(), "title": m.title} for m in listed], ensure_ascii=False))
        return
    if not listed:
        console.print(f"No board meetings from {start:%d %b %Y} to {end:%d %b %Y}.", highlight=False)
    for meeting in listed:
        console.print(f"{meeting.date:%a %d %b %Y}  {escape(meeting.title)}", highlight=False)


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not a date like 2027-03-11") from None
