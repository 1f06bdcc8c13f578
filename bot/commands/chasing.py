"""`dhr overdue`, `dhr sweep`, `dhr deliver`, `dhr run`."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import typer
from rich.markup import escape
from rich.table import Table
from sqlmodel import select

from bot.commands.common import (
    console,
    existing_engine,
    fail,
    parse_as_of,
    reading_session,
    ready_engine,
    settings_or_exit,
    stored_partnership,
)
from bot.logsetup import configure_logging
from bot.models import Agency
from bot.outages import deliver_watching_outages
from bot.outbox import DELIVERY_WAIT
from bot.overdue import OverdueFilter, matching_agency_ids, overdue_actions
from bot.policy import delivery_policy, local_today
from bot.runtime import build_channels, worker_id
from bot.sweep import sweep


def register(app: typer.Typer) -> None:
    app.command("overdue")(overdue)
    app.command("sweep")(sweep_command)
    app.command("deliver")(deliver)
    app.command("run")(run)


def overdue(
    agency: str | None = typer.Option(None, "--agency", help="Agency name or alias."),
    review: str | None = typer.Option(None, "--review", help="Review code, e.g. RIV3."),
    as_of: str | None = typer.Option(None, "--as-of", help="Date to judge by (YYYY-MM-DD); default today."),
    as_json: bool = typer.Option(False, "--json", help="One JSON document instead of a table."),
) -> None:
    """List open actions past their target date (the same query as /dhr overdue)."""
    settings = settings_or_exit()
    moment = parse_as_of(as_of, settings)
    day = local_today(settings, moment)
    with reading_session(settings) as session:
        partnership = stored_partnership(session, settings)
        assert partnership.id is not None
        if agency and not matching_agency_ids(session, agency):
            known = ", ".join(sorted(a.name for a in session.exec(select(Agency)).all())) or "none yet"
            raise fail(f"--agency: no agency matches {agency!r}; known agencies: {known}")
        rows = overdue_actions(session, partnership.id, day, settings.partnership.timezone,
                               OverdueFilter(agency=agency, review=review))
    if as_json:
        typer.echo(json.dumps({"as_of": day.isoformat(), "count": len(rows), "actions": [
            {"ref": r.ref, "review": r.review, "agency": r.agency, "due": r.due.isoformat(),
             "days_overdue": r.days_overdue, "status": r.status,
             "last_chased": r.last_chased.isoformat() if r.last_chased else None, "chase_count": r.chase_count}
            for r in rows]}))
        return
    if not rows:
        console.print(f"Nothing overdue as of {day:%d %b %Y}.")
        return
    table = Table("ref", "agency", "due", "days over", "status", "last chased", "chasers",
                  title=f"{len(rows)} overdue as of {day:%d %b %Y}")
    for r in rows:
        # Refs and agency names come from plan text: printed as text, never as rich markup.
        table.add_row(escape(r.ref), escape(r.agency), f"{r.due:%d %b %Y}", str(r.days_overdue), escape(r.status),
                      f"{r.last_chased:%d %b %Y}" if r.last_chased else "never", str(r.chase_count))
    console.print(table)


def sweep_command(
    as_of: str | None = typer.Option(None, "--as-of", help="Decide as if it were this date (noon, local)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show what would be queued; change nothing."),
) -> None:
    """Queue every chaser and escalation that is due (they go out with `dhr deliver` or `dhr run`)."""
    settings = settings_or_exit()
    # A dry run writes only inside the transaction it rolls back, on the database as it is.
    engine = existing_engine(settings, read_only=False) if dry_run else ready_engine(settings)
    # Decision days worked out as of another date would hold only from that date: not stored.
    report = sweep(engine, settings, parse_as_of(as_of, settings), dry_run=dry_run, store_days=as_of is None)
    if report.left_to_another:
        console.print("Another sweep is running (another bot process): it queues what is due.")
        return
    verb = "Would queue" if dry_run else "Queued"
    table = Table("kind", "to", "channel", "actions", "not before", title=f"{verb} {len(report.queued)} message(s)")
    for new in report.queued:
        table.add_row(new.kind + (f" L{new.level}" if new.kind == "escalation" else ""), escape(new.recipient_address),
                      new.channel, str(len(new.action_ids)),
                      f"{new.not_before:%d %b %H:%M} UTC" if new.not_before else "")
    console.print(table)
    if report.already_queued:
        console.print(f"{report.already_queued} already queued earlier.")
    if report.unassigned_refs:
        console.print(f"[yellow]No lead contact for:[/yellow] {escape(', '.join(report.unassigned_refs))}")
    if report.unroutable:
        unroutable = ", ".join(sorted(set(report.unroutable)))
        console.print(f"[yellow]Cannot reach (no usable Slack id or mail address):[/yellow] {escape(unroutable)}")


def deliver(limit: int = typer.Option(500, help="Stop after this many messages.")) -> None:
    """Send the queued messages that are due now, at the pace Slack and Exchange allow (shared
    with any running bot), waiting up to 30 s for a conversation's or the mailbox's next turn."""
    settings = settings_or_exit()
    report = deliver_watching_outages(
        ready_engine(settings), build_channels(settings), lambda: datetime.now(UTC), worker=worker_id("cli"),
        policy=delivery_policy(settings), limit=limit, wait_up_to=DELIVERY_WAIT,
    )
    sent = len(report.sent) + len(report.recovered)
    console.print(f"Sent {sent}, retrying {len(report.retrying)}, dead {len(report.dead)}.")
    if report.paused:
        console.print(f"[yellow]{len(report.paused)} held: a channel's credentials were refused, so it is paused "
                      "until they work (see /healthz and the coordinators' notice).[/yellow]")


def run() -> None:
    """Run the bot: scheduler (sweeps, delivery) and, with Slack credentials, the Slack app."""
    from bot.app import serve

    settings = settings_or_exit()
    # A service's log: counts and ids only (nothing from messages), at DHR_LOG_LEVEL (default INFO).
    configure_logging(settings)
    if settings.slack_enabled is False and settings.outlook_enabled is False:
        console.print("No Slack or Microsoft credentials: messages go to the outbox folder "
                      f"[bold]{settings.outbox_dir}[/bold].")
    try:
        serve(settings)
    except KeyboardInterrupt:
        raise fail("stopped", code=0) from None
