"""`dhr parse-reply TEXT|- [--json] [--today YYYY-MM-DD]`: how the bot reads a reply, without a database."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated, Any

import typer

from bot.commands.common import console, fail
from bot.reading.replies import CONFIDENT, Reading, read_reply


def register(app: typer.Typer) -> None:
    app.command("parse-reply")(parse_reply)


def parse_reply(
    text: Annotated[str, typer.Argument(help="The reply text, or - to read one reply per line from stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per reply.")] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="Read relative dates from this day (YYYY-MM-DD); default today.")
    ] = None,
) -> None:
    """Show the status, new due date, evidence and confidence the bot reads from a reply."""
    reference_day = _reference_day(today)
    texts = [line.rstrip("\n") for line in sys.stdin] if text == "-" else [text]
    for line in texts:
        # Literal "\n" lets a whole quoted mail travel on one stdin line.
        reading = read_reply(line.replace("\\n", "\n"), today=reference_day)
        if as_json:
            typer.echo(json.dumps(reading_as_json(reading), ensure_ascii=False))
        else:
            _print_reading(reading)


def reading_as_json(reading: Reading) -> dict[str, Any]:
    """The reading as `dhr parse-reply --json` prints it."""
    shown: dict[str, Any] = {
        "status": reading.status.value,
        "new_due": reading.new_due.isoformat() if reading.new_due else None,
        "evidence": reading.evidence,
        "confidence": round(reading.confidence, 2),
    }
    if reading.out_of_office_until is not None:
        shown["out_of_office_until"] = reading.out_of_office_until.isoformat()
    return shown


def _reference_day(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"--today: {value!r} is not a date like 2027-03-01") from None


def _print_reading(reading: Reading) -> None:
    confirm = "" if reading.confidence >= CONFIDENT else " (would ask the sender to confirm)"
    console.print(f"status: [bold]{reading.status.value}[/bold]  confidence: {reading.confidence:.2f}{confirm}", highlight=False)
    if reading.new_due:
        console.print(f"new due date: {reading.new_due.isoformat()}", highlight=False)
    if reading.out_of_office_until:
        console.print(f"out of office until: {reading.out_of_office_until.isoformat()}", highlight=False)
    if reading.evidence:
        console.print(f"evidence: {reading.evidence}", highlight=False, markup=False)
