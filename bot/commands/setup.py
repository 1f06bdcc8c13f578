"""`dhr init` and `dhr contacts import`."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlmodel import Session, col, select

from bot.commands.common import console, fail, partnership_session, reading_session, settings_or_exit
from bot.contacts import ContactsError, read_contacts_csv, store_contacts, sync_agencies
from bot.models import Agency, Contact, Event
from bot.settings import Settings

contacts_app = typer.Typer(help="Manage the people the bot chases.", no_args_is_help=True)


def link_slack_ids(session: Session, settings: Settings) -> list[str]:
    """Fill in missing Slack user ids from mail addresses (users.lookupByEmail); returns who was linked."""
    if not settings.slack_enabled:
        return []
    from bot.channels.base import DeliveryError
    from bot.channels.slack import SlackChannel, make_slack_client

    assert settings.slack_bot_token
    slack = SlackChannel(make_slack_client(settings.slack_bot_token, settings.slack_api_url))
    linked = []
    for contact in session.exec(
        select(Contact).where(Contact.slack_user_id.is_(None), Contact.email.is_not(None), Contact.active == True)  # type: ignore[union-attr]  # noqa: E712
    ).all():
        assert contact.email is not None
        try:
            user_id = slack.lookup_user_id(contact.email)
        except DeliveryError as error:
            raise fail(f"Slack lookup failed ({error.code}); contacts were not linked") from None
        if user_id:
            contact.slack_user_id = user_id
            session.add(contact)
            session.add(Event(actor="cli", kind="contact.slack_linked", entity="contact", entity_id=contact.id))
            linked.append(contact.name)
    return linked


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(contacts_app, name="contacts")


def init() -> None:
    """Create or upgrade the database, and load the partnership, agencies and contacts from the settings."""
    settings = settings_or_exit()
    with partnership_session(settings) as (session, partnership):
        added = sync_agencies(session, settings.agencies)
        contacts_note = ""
        if settings.contacts_file:
            try:
                rows = read_contacts_csv(settings.contacts_file)
            except ContactsError as exc:
                raise fail(str(exc)) from None
            report = store_contacts(session, rows, actor="cli:init")
            contacts_note = f", contacts: {len(report.added)} added, {len(report.updated)} updated"
        linked = link_slack_ids(session, settings)
        if linked:
            contacts_note += f", Slack ids found for {len(linked)}"
    console.print(
        f"Database ready. Partnership: [bold]{partnership.name}[/bold]; "
        f"agencies added: {len(added)}{contacts_note}."
    )


@contacts_app.command("import")
def import_contacts(
    file: Path = typer.Argument(..., help="CSV with columns agency,name,email,slack_user_id,role"),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check the file and show it; change nothing."),
) -> None:
    """Add or update contacts from a CSV file."""
    settings = settings_or_exit()
    try:
        rows = read_contacts_csv(file)
    except ContactsError as exc:
        raise fail(str(exc)) from None
    if dry_run:
        table = Table("row", "agency", "name", "role", "email", "slack")
        for row in rows:
            table.add_row(str(row.row), row.agency, row.name, row.role.value, row.email or "", row.slack_user_id or "")
        console.print(table)
        return
    with partnership_session(settings) as (session, _):
        sync_agencies(session, settings.agencies)
        report = store_contacts(session, rows, actor="cli")
    console.print(
        f"Contacts: {len(report.added)} added, {len(report.updated)} updated; "
        f"new agencies: {', '.join(report.agencies_added) or 'none'}."
    )


@contacts_app.command("link-slack")
def link_slack() -> None:
    """Find the Slack user id of every contact who has a mail address but no Slack id."""
    settings = settings_or_exit()
    if not settings.slack_enabled:
        raise fail("SLACK_BOT_TOKEN is not set, so there is no Slack workspace to look people up in")
    with partnership_session(settings) as (session, _):
        linked = link_slack_ids(session, settings)
    console.print(f"Slack ids found for {len(linked)} contact(s): {', '.join(linked) or 'none'}.")


@contacts_app.command("list")
def list_contacts() -> None:
    """Show the contacts by agency."""
    settings = settings_or_exit()
    with reading_session(settings) as session:
        agencies = {a.id: a.name for a in session.exec(select(Agency)).all()}
        table = Table("agency", "name", "role", "email", "slack")
        for contact in session.exec(select(Contact).order_by(col(Contact.agency_id), col(Contact.name))).all():
            table.add_row(
                agencies.get(contact.agency_id, ""),
                contact.name,
                contact.role,
                contact.email or "",
                contact.slack_user_id or "",
            )
    console.print(table)
