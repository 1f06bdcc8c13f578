"""`dhr inbox poll [--json]`: read replies from the Outlook Inbox once (the scheduler does it every 5 min)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.channels.base import DeliveryError
from bot.commands.common import console, fail, ready_engine, settings_or_exit
from bot.inbox.poll import InboxReport, poll_inbox
from bot.runtime import graph_client

inbox_app = typer.Typer(help="The bot's Outlook mailbox.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(inbox_app, name="inbox")


@inbox_app.command("poll")
def poll(
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Record replies to chasers that arrived since the last poll; leave unknown mail unread."""
    settings = settings_or_exit()
    if not settings.outlook_enabled:
        raise fail("Outlook is not configured: set MS_TENANT_ID, MS_CLIENT_ID, MS_CLIENT_SECRET and DHR_MAILBOX.")
    graph = graph_client(settings)
    try:
        report = poll_inbox(ready_engine(settings), graph, settings, datetime.now(UTC))
    except DeliveryError as error:
        raise fail(f"reading the mailbox failed: {error}", code=1) from None
    finally:
        graph.close()
    if as_json:
        typer.echo(json.dumps(asdict(report)))
        return
    _print(report)


def _print(report: InboxReport) -> None:
    console.print(f"{report.seen} new mail(s): {report.handled} handled, {report.unmatched} left unread in the Inbox.")
    lines = [
        ("Updated", report.applied),
        ("Awaiting the sender's confirmation", report.awaiting_confirmation),
        ("Confirmed", report.confirmed),
        ("Rejected", report.rejected),
        ("Not allowed to change (kept unconfirmed)", report.refused),
    ]
    for label, refs in lines:
        if refs:
            console.print(f"{label}: {', '.join(refs)}")
    if report.out_of_office:
        console.print(f"{report.out_of_office} out-of-office repl(ies): no chasing until they are back.")
    if report.already_handled:
        console.print(f"{report.already_handled} already recorded earlier; filed.")
    if report.unauthenticated:
        console.print(f"{report.unauthenticated} mail(s) whose sender our mail server did not vouch for: "
                      "held for a coordinator, nothing applied.")
    if report.quarantined:
        console.print(f"[yellow]{report.quarantined} mail(s) could not be processed:[/yellow] left unread in the "
                      "Inbox for a person (mail.quarantined events).")
