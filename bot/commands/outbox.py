"""`dhr outbox`: what the bot has queued, sent and given up on, and sending a dead letter again."""

from __future__ import annotations

import json

import typer
from rich.markup import escape
from rich.table import Table
from sqlmodel import select

from bot.commands.common import console, fail, partnership_session, reading_session, settings_or_exit
from bot.models import Event, Message
from bot.rules.statuses import MessageState

outbox_app = typer.Typer(help="Queued, sent and undeliverable messages.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(outbox_app, name="outbox")


@outbox_app.command("list")
def list_messages(
    state: MessageState | None = typer.Option(None, "--state", help="Only messages in this state (dead = given up)."),
    limit: int = typer.Option(50, min=1, max=10_000, help="Newest first, at most this many."),
    as_json: bool = typer.Option(False, "--json", help="One JSON document instead of a table."),
) -> None:
    """List messages: kind, recipient, state, attempts and the last error code (never their text)."""
    settings = settings_or_exit()
    with reading_session(settings) as session:
        query = select(Message).order_by(Message.id.desc()).limit(limit)  # type: ignore[union-attr]
        if state is not None:
            query = query.where(Message.state == state.value)
        rows = session.exec(query).all()
    if as_json:
        print(json.dumps([
            {"id": m.id, "kind": m.kind, "level": m.level, "to": m.recipient_address, "channel": m.channel,
             "state": m.state, "attempts": m.attempts, "last_error": m.last_error,
             "created_at": m.created_at.isoformat(), "sent_at": m.sent_at.isoformat() if m.sent_at else None}
            for m in rows
        ]))
        return
    table = Table("id", "kind", "to", "channel", "state", "attempts", "last error", "created (UTC)", "sent (UTC)")
    for m in rows:
        table.add_row(str(m.id), m.kind + (f" L{m.level}" if m.kind == "escalation" else ""), escape(m.recipient_address or ""),
                      m.channel, m.state, str(m.attempts), escape(m.last_error or ""), f"{m.created_at:%d %b %Y %H:%M}",
                      f"{m.sent_at:%d %b %Y %H:%M}" if m.sent_at else "")
    console.print(table)


@outbox_app.command("retry")
def retry(message_id: int = typer.Argument(..., help="The id of a dead message (see `dhr outbox list --state dead`).")) -> None:
    """Send a dead message again, e.g. after fixing the person's Slack id or mail address."""
    settings = settings_or_exit()
    with partnership_session(settings) as (session, _):
        message = session.get(Message, message_id)
        if message is None:
            raise fail(f"no message with id {message_id}")
        if message.state != MessageState.DEAD.value:
            raise fail(f"message {message_id} is {message.state}, not dead; only dead messages are retried")
        message.state = MessageState.PENDING.value
        message.attempts = 0
        message.not_before = None
        session.add(message)
        session.add(Event(actor="cli", kind="message.retry_requested", entity="message", entity_id=message.id))
    console.print(f"Message {message_id} will be sent again by the next delivery run (`dhr deliver` or `dhr run`).")
