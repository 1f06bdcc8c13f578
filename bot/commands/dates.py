"""`dhr parse-date`: show how the bot reads a target date, one cell or a stream of them."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime

import typer
from rich.markup import escape

from bot.commands.common import console, fail, settings_or_exit
from bot.policy import local_today
from bot.rules.dates import ParsedDate, parse_target_date


def register(app: typer.Typer) -> None:
    app.command("parse-date")(parse_date)


def parse_date(
    text: str = typer.Argument(
        ..., help='The target date as written, e.g. "Autumn 2013"; "-" reads one per line from stdin.'
    ),
    as_json: bool = typer.Option(False, "--json", help='Print {"text", "due", "precision"} as JSON.'),
    today: str | None = typer.Option(
        None, "--today", help="YYYY-MM-DD used for dates without a year; default: today in the partnership's timezone."
    ),
) -> None:
    """Parse a target date the way `dhr import` does."""
    reference = _reference_day(today)
    lines = sys.stdin.read().splitlines() if text == "-" else [text]
    for line in lines:
        parsed = parse_target_date(line, today=reference)
        if as_json:
            typer.echo(json.dumps(parsed_as_json(parsed), ensure_ascii=False))
        else:
            console.print(_readable(parsed), highlight=False)


def parsed_as_json(parsed: ParsedDate) -> dict[str, str | None]:
    shown = {
        "text": parsed.text,
        "due": parsed.due.isoformat() if parsed.due else None,
        "precision": parsed.precision.value,
    }
    if parsed.problem is not None:
        shown["problem"] = parsed.problem  # why a date it names was not read ("30 Feb 2026 is not a date: ...")
    return shown


def _readable(parsed: ParsedDate) -> str:
    written = escape(repr(parsed.text))
    if parsed.due is None:
        why = f" ({escape(parsed.problem)})" if parsed.problem else ""
        return f"{written} -> [yellow]no date[/yellow]{why}"
    return f"{written} -> [bold]{parsed.due:%a %d %b %Y}[/bold] ({parsed.precision.value})"


def _reference_day(value: str | None) -> date:
    if value is not None:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise fail(f"--today: {value!r} is not a date like 2026-11-25") from None
    # The edge of the program: the one place that reads the clock, in the partnership's zone.
    return local_today(settings_or_exit(), datetime.now(UTC))
