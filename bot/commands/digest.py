"""`dhr digest`: preview the board digest, write it as .docx or .html, or queue it for the board."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table
from sqlmodel import Session

from bot.commands.common import console, fail, parse_as_of, partnership_session, settings_or_exit
from bot.digest.content import RAG_LABELS, Digest, build_digest
from bot.digest.reports import write_digest_docx, write_digest_html
from bot.meetings import MeetingsFileError, sync_meetings
from bot.models import Partnership
from bot.policy import local_today, reply_policy
from bot.render import ukdate
from bot.settings import Settings


def register(app: typer.Typer) -> None:
    app.command("digest")(digest_command)


def digest_command(
    meeting: str | None = typer.Option(
        None, "--meeting", help="Board meeting date (YYYY-MM-DD); default the next one."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="Judge as of this date (YYYY-MM-DD); default now."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write the digest to FILE (.docx or .html)."),
    send: bool = typer.Option(False, "--send", help="Queue the digest for the board now (once per meeting)."),
) -> None:
    """Preview the board digest for a meeting; with --send, queue it to the board's channel and mailbox."""
    settings = settings_or_exit()
    if output is not None and output.suffix.lower() not in (".docx", ".html"):
        raise fail(f"-o {output}: the file name must end in .docx or .html")
    moment = parse_as_of(as_of, settings)
    today = local_today(settings, moment)
    with partnership_session(settings) as (session, partnership):
        meeting_date = _meeting(session, partnership, settings, meeting, today)
        if send:
            from bot.digest.sending import send_digest

            sent = send_digest(session, partnership, settings, meeting_date, moment)
            if sent is None:
                console.print(f"The digest for the meeting on {ukdate(meeting_date)} was sent already; nothing queued.")
            else:
                console.print(f"Queued {len(sent.message_keys)} digest message(s); "
                              f"report written to {sent.report_path}.")
        digest = build_digest(session, partnership, meeting_date, moment,
                              replies=reply_policy(settings))
    show(digest)
    if output is not None:
        writer = write_digest_docx if output.suffix.lower() == ".docx" else write_digest_html
        console.print(f"Written to {writer(digest, output)}.")


def _meeting(session: Session, partnership: Partnership, settings: Settings, wanted: str | None, today: date) -> date:
    try:
        meetings = sync_meetings(session, partnership, settings)
    except MeetingsFileError as exc:
        raise fail(str(exc)) from None
    if wanted is not None:
        try:
            return date.fromisoformat(wanted)
        except ValueError:
            raise fail(f"--meeting: {wanted!r} is not a date like 2026-12-10") from None
    upcoming = [m for m in meetings if m >= today]
    if not upcoming:
        raise fail("no board meeting after today: give --meeting DATE, or add dates to board.meetings or board.ics")
    return upcoming[0]


def show(digest: Digest) -> None:
    console.print(f"[bold]{digest.board_name}[/bold]: DHR action digest", highlight=False)
    since = f"; changes since {ukdate(digest.since)}" if digest.since else ""
    console.print(f"Meeting {ukdate(digest.meeting_date)}; as of {ukdate(digest.as_of)}{since}", highlight=False)
    console.print("  ".join(f"{label} {digest.rag[label]}" for label in RAG_LABELS), highlight=False)
    table = Table(title="By agency (R/A/G: red, amber, green)")
    table.add_column("agency", no_wrap=True, overflow="ellipsis", max_width=32)
    for header in ("open", "overdue", "R", "A", "G", "chasers", "answered"):
        table.add_column(header, justify="right")
    response = {r.agency: r for r in digest.response_by_agency}
    for row in digest.by_agency:
        r = response.get(row.name)
        table.add_row(escape(row.name), str(row.open), str(row.overdue), str(row.red), str(row.amber), str(row.green),
                      str(r.chasers_sent if r else 0), str(r.answered if r else 0))
    console.print(table)
    counts = digest.totals
    console.print(
        f"{counts['overdue']} overdue, {counts['no_response']} with no response to chasers, "
        f"{counts['revised']} target dates revised and {counts['completed_since']} completed since the last meeting.",
        highlight=False,
    )
    for item in digest.no_response:
        console.print(f"  {item.ref} ({item.agency}): {item.history}", highlight=False, markup=False)
