"""`dhr parse-reply TEXT|- [--json] [--today YYYY-MM-DD]` and `dhr parse-reply --mail FILE`: how the bot
reads a reply, without a database."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.commands.common import console, fail
from bot.reading.mail import parse_mail
from bot.reading.replies import Reading, read_reply


def register(app: typer.Typer) -> None:
    app.command("parse-reply")(parse_reply)


def parse_reply(
    text: Annotated[
        str | None, typer.Argument(help="The reply text, or - to read one reply per line from stdin.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per reply.")] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="Read relative dates from this day (YYYY-MM-DD); default today.")
    ] = None,
    mail: Annotated[
        Path | None,
        typer.Option(
            "--mail", help="Read one whole message file as the inbox would: .eml with headers, or a .txt body."
        ),
    ] = None,
) -> None:
    """Show the status, new due date, evidence and confidence the bot reads from a reply, and whether it
    would ask before applying it."""
    reference_day = _reference_day(today)
    if mail is not None:
        if text is not None:
            raise fail("give either a reply TEXT or --mail FILE, not both")
        readings = [_read_mail_file(mail, reference_day)]
    elif text is None:
        raise fail("give the reply TEXT, - to read replies from stdin, or --mail FILE")
    else:
        texts = [line.rstrip("\n") for line in sys.stdin] if text == "-" else [text]
        # Literal "\n" lets a whole quoted mail travel on one stdin line.
        readings = [read_reply(line.replace("\\n", "\n"), today=reference_day) for line in texts]
    for reading in readings:
        if as_json:
            typer.echo(json.dumps(reading_as_json(reading), ensure_ascii=False))
        else:
            _print_reading(reading)


def _read_mail_file(path: Path, today: date) -> Reading:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(f"--mail {path}: cannot read the file ({exc.strerror or exc})") from None
    message = parse_mail(raw, has_headers=path.suffix.lower() != ".txt")
    return read_reply(message.body, today=today, headers=message.headers, subject=message.subject)


def reading_as_json(reading: Reading) -> dict[str, Any]:
    """The reading as `dhr parse-reply --json` prints it."""
    shown: dict[str, Any] = {
        "status": reading.status.value,
        "new_due": reading.new_due.isoformat() if reading.new_due else None,
        "evidence": reading.evidence,
        "confidence": round(reading.confidence, 2),
        "text": reading.text,
        "automatic": reading.automatic,
        "confirm": reading.needs_confirmation,
    }
    if reading.out_of_office_until is not None:
        shown["out_of_office_until"] = reading.out_of_office_until.isoformat()
    if reading.redirect_to is not None:
        shown["redirect_to"] = reading.redirect_to
    if reading.date_problem is not None:
        shown["date_problem"] = reading.date_problem
    if reading.opinion is not None:
        # The status model's second opinion (bot.reading.second_opinion), and what the rules read alone.
        shown["model_status"] = reading.opinion.model_status.value
        shown["model_confidence"] = round(reading.opinion.model_confidence, 2)
        shown["rules_status"] = reading.opinion.rules_status.value
    return shown


def _reference_day(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"--today: {value!r} is not a date like 2027-03-01") from None


def _print_reading(reading: Reading) -> None:
    confirm = " (would ask before applying: confirm)" if reading.needs_confirmation else " (would apply at once)"
    console.print(
        f"status: [bold]{reading.status.value}[/bold]  confidence: {reading.confidence:.2f}{confirm}", highlight=False
    )
    if reading.automatic:
        console.print("automatic reply: never an answer", highlight=False)
    if reading.redirect_to:
        console.print(f"new owner named: {reading.redirect_to}", highlight=False, markup=False)
    if reading.new_due:
        console.print(f"new due date: {reading.new_due.isoformat()}", highlight=False)
    if reading.date_problem:
        console.print(f"date not read: {reading.date_problem}", highlight=False, markup=False)
    if reading.out_of_office_until:
        console.print(f"out of office until: {reading.out_of_office_until.isoformat()}", highlight=False)
    if reading.evidence:
        console.print(f"evidence: {reading.evidence}", highlight=False, markup=False)
    if reading.opinion is not None:
        opinion = reading.opinion
        console.print(f"status model: {opinion.model_status.value} ({opinion.model_confidence:.2f}); "
                      f"rules alone: {opinion.rules_status.value} ({opinion.rules_confidence:.2f})", highlight=False)
