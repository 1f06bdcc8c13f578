"""`dhr reviews`, `dhr action show|set`, `dhr agency rename|merge`, `dhr review delete`: corrections without Slack."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape
from rich.table import Table

from bot.commands.common import console, fail, partnership_session, reading_session, settings_or_exit
from bot.plans.corrections import (
    CorrectionError,
    action_details,
    delete_review,
    find_action,
    merge_agencies,
    rename_agency,
    review_summaries,
    set_action,
)

action_app = typer.Typer(help="See and correct one action.", no_args_is_help=True)
agency_app = typer.Typer(help="Correct agency names.", no_args_is_help=True)
review_app = typer.Typer(help="Remove a review imported by mistake.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("reviews")(reviews_command)
    app.add_typer(action_app, name="action")
    app.add_typer(agency_app, name="agency")
    app.add_typer(review_app, name="review")


def reviews_command() -> None:
    """List the reviews with their counts of recommendations and actions."""
    with reading_session(settings_or_exit()) as session:
        summaries = review_summaries(session)
    if not summaries:
        console.print("No reviews yet: dhr import FILE --review CODE")
        return
    table = Table("Review", "Title", "Recs", "Actions", "Open", "Removed from plan")
    for summary in summaries:
        table.add_row(escape(summary.code), escape(summary.title[:60]), str(summary.recommendations),
                      str(summary.actions), str(summary.open_actions), str(summary.removed_from_plan))
    console.print(table)


@action_app.command("show")
def show_action(ref: str = typer.Argument(..., help="The action's ref, e.g. RIV3-4-1.")) -> None:
    """Everything the bot holds for one action."""
    with reading_session(settings_or_exit()) as session:
        try:
            details = action_details(session, find_action(session, ref))
        except CorrectionError as exc:
            raise fail(str(exc)) from None
    for label, value in details:
        console.print(f"[bold]{escape(label)}:[/bold] {escape(value)}", highlight=False)


@action_app.command("set")
def set_action_command(
    ref: str = typer.Argument(..., help="The action's ref, e.g. RIV3-4-1."),
    status: str | None = typer.Option(
        None, "--status", help="not_started, in_progress, complete, blocked, not_applicable."
    ),
    due: str | None = typer.Option(None, "--due", help="New due date: 31/03/2027 or 2027-03-31."),
    lead: str | None = typer.Option(None, "--lead", help="Lead agency's name (a new name creates the agency)."),
    contact: str | None = typer.Option(None, "--contact", help="Lead contact's name or mail address."),
    note: str | None = typer.Option(None, "--note", help="A progress note to add."),
) -> None:
    """Correct an action; prints what changed."""
    settings = settings_or_exit()
    now = datetime.now(UTC)
    today = now.astimezone(ZoneInfo(settings.partnership.timezone)).date()
    with partnership_session(settings) as (session, _partnership):
        try:
            action = find_action(session, ref)
            changes = set_action(session, action, now=now, status=status, due=due, lead=lead, contact=contact,
                                 note=note, today=today)
        except CorrectionError as exc:
            raise fail(str(exc)) from None
        ref = action.ref
    if not changes:
        console.print(f"{escape(ref)}: nothing to change.")
    for change in changes:
        console.print(f"{escape(ref)}: {escape(change.field)} {escape(change.before or '(none)')} -> "
                      f"{escape(change.after)}", highlight=False)


@agency_app.command("rename")
def rename_agency_command(old: str = typer.Argument(...), new: str = typer.Argument(...)) -> None:
    """Rename an agency; the old name stays an alias for future imports."""
    with partnership_session(settings_or_exit()) as (session, _partnership):
        try:
            change = rename_agency(session, old, new, now=datetime.now(UTC))
        except CorrectionError as exc:
            raise fail(str(exc)) from None
    console.print(f"Renamed {escape(change.before)!r} to {escape(change.after)!r}.", highlight=False)


@agency_app.command("merge")
def merge_agency_command(
    source: str = typer.Argument(..., help="The agency to merge away."),
    into: str = typer.Argument(..., metavar="INTO"),
    target: str = typer.Argument(..., help="The agency that stays."),
) -> None:
    """dhr agency merge A INTO B: A's actions and contacts move to B; A's names become B's aliases."""
    if into.casefold() != "into":
        raise fail("write it as: dhr agency merge A INTO B")
    with partnership_session(settings_or_exit()) as (session, _partnership):
        try:
            counts = merge_agencies(session, source, target, now=datetime.now(UTC))
        except CorrectionError as exc:
            raise fail(str(exc)) from None
    console.print(f"Merged {escape(source)!r} into {escape(target)!r}: {counts['actions']} actions and "
                  f"{counts['contacts']} contacts moved.", highlight=False)


@review_app.command("delete")
def delete_review_command(
    code: str = typer.Argument(..., help="The review's code."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation (for scripts)."),
) -> None:
    """Delete a review, its recommendations and actions (the audit log keeps that it happened)."""
    if not yes and not typer.confirm(f"Delete review {code} with all its actions, replies and chase history?"):
        raise fail("nothing deleted", code=1)
    with partnership_session(settings_or_exit()) as (session, _partnership):
        try:
            counts = delete_review(session, code, now=datetime.now(UTC))
        except CorrectionError as exc:
            raise fail(str(exc)) from None
    console.print(f"Deleted review {escape(code)}: {counts['recommendations']} recommendations and "
                  f"{counts['actions']} actions.")
