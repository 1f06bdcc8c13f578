"""`dhr demo`: weeks of chasing on the fictional Riverside plan, in a minute, on the embedded defaults.

Every step goes through the real code: import, sweeps, the outbox (folder channel), reading and
recording the scripted replies in examples/, escalation, the board digest and the export. Only the
clock is simulated: each working day at 10:00 the demo sweeps, delivers and feeds that day's replies.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.answers import handle_answer, queue_confirmation
from bot.contacts import read_contacts_csv, store_contacts, sync_agencies
from bot.db import ensure_partnership, session_scope
from bot.digest.content import build_digest
from bot.digest.reports import write_digest_docx, write_digest_html
from bot.digest.sending import send_due_digests
from bot.models import Agency, Contact, Message
from bot.outbox import deliver_due
from bot.overdue import overdue_actions
from bot.plans import read_plan
from bot.plans.export import export_plan
from bot.plans.store import import_plan
from bot.policy import reply_policy
from bot.routing import choose_route
from bot.rules.statuses import ChannelKind, MessageKind, UpdateSource
from bot.rules.workdays import is_working_day
from bot.runtime import build_channels
from bot.settings import Settings
from bot.sweep import sweep

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXAMPLE_CONFIG = EXAMPLES.parent / "config" / "dhr.example.toml"
PLAN = EXAMPLES / "riverside-dhr3-plan.csv"
REPLIES = EXAMPLES / "riverside-replies.csv"


@dataclass(frozen=True)
class ScriptedReply:
    day: date
    sender: str
    text: str


def load_replies(path: Path) -> list[ScriptedReply]:
    with path.open(encoding="utf-8") as handle:
        return [ScriptedReply(date.fromisoformat(r["day"]), r["from"], r["text"]) for r in csv.DictReader(handle)]


def set_up(engine: Engine, settings: Settings, console: Console, today: date) -> None:
    with session_scope(engine) as session:
        partnership = ensure_partnership(session, settings)
        sync_agencies(session, settings.agencies)
        if settings.contacts_file:
            store_contacts(session, read_contacts_csv(settings.contacts_file), actor="demo")
        plan = read_plan(PLAN, review_code="RIV3", today=today)
        assert partnership.id is not None
        report = import_plan(session, plan, partnership_id=partnership.id, source_file=PLAN.name, actor="demo")
        people = len(session.exec(select(Contact)).all())
    actions = sum(len(r.actions) for r in plan.recommendations)
    console.print(
        f"Imported [bold]{PLAN.name}[/bold]: {len(plan.recommendations)} recommendations, {actions} actions "
        f"({len(plan.warnings)} warnings); {people} contacts. {report_summary(report)}"
    )


def report_summary(report: object) -> str:
    summary = getattr(report, "summary", None)
    return summary() if callable(summary) else ""


def stopped_clock(moment: datetime) -> Callable[[], datetime]:
    """A clock that reads `moment`: the simulated day's delivery happens at 10:00 that day."""
    return lambda: moment


def simulate(
    engine: Engine,
    settings: Settings,
    console: Console,
    *,
    start: date,
    days: int,
    on_day: Callable[[datetime], None] | None = None,
) -> None:
    zone = ZoneInfo(settings.partnership.timezone)
    channels = build_channels(settings)
    replies = load_replies(REPLIES)
    unassigned_told: set[str] = set()
    for offset in range(days):
        day = start + timedelta(days=offset)
        if not is_working_day(day):
            continue
        now = datetime.combine(day, time(10, 0), tzinfo=zone)
        report = sweep(engine, settings, now)
        for digest in send_due_digests(engine, settings, now):
            where = f", Word report {digest.report_path}" if digest.report_path else ""
            console.print(f"{day:%a %d %b %Y}  [magenta]board digest[/magenta] for the {digest.meeting_date:%d %b %Y} "
                          f"meeting: {len(digest.message_keys)} message(s){where}", highlight=False)
        delivered = deliver_due(engine, channels, stopped_clock(now), worker="demo")
        for new in report.queued:
            label = ("not-chased notice" if new.kind == MessageKind.UNOWNED.value else new.kind.replace("_", " ")) + (
                f" (level {new.level})" if new.kind == "escalation" else "")
            covers = f"{len(new.action_ids)} action(s) - " if new.action_ids else ""
            console.print(f"{day:%a %d %b %Y}  [cyan]{label}[/cyan] to {new.recipient_address}: "
                          f"{covers}{new.rendering().subject}", highlight=False)
        new_unassigned = sorted(set(report.unassigned_refs) - unassigned_told)
        told_coordinators = any(new.kind == MessageKind.UNOWNED.value for new in report.queued)
        if new_unassigned and told_coordinators:
            unassigned_told.update(new_unassigned)  # the notice above lists them, with how to fix each
        elif new_unassigned:
            unassigned_told.update(new_unassigned)
            refs = ", ".join(new_unassigned)
            console.print(f"{day:%a %d %b %Y}  [yellow]no lead contact to chase for {refs}[/yellow]"
                          " (add one to the contacts file)")
        if delivered.dead:
            console.print(f"{day:%a %d %b}  [red]{len(delivered.dead)} message(s) could not be delivered[/red]")
        for reply in (r for r in replies if r.day == day):
            answer(engine, settings, console, reply, now + timedelta(hours=3))
        if on_day is not None:
            on_day(now)


def answer(engine: Engine, settings: Settings, console: Console, reply: ScriptedReply, now: datetime) -> None:
    with session_scope(engine) as session:
        sender = session.exec(select(Contact).where(Contact.name == reply.sender)).one()
        message = session.exec(
            select(Message)
            .where(Message.recipient_contact_id == sender.id, Message.state == "sent")
            .order_by(col(Message.created_at).desc())
        ).first()
        if message is None:
            console.print(f"  {reply.sender} wrote, but had not been chased yet")
            return
        outcome = handle_answer(
            session, settings, message=message, text=reply.text, sender=sender,
            author=sender.email or sender.slack_user_id or sender.name,
            source=UpdateSource.MAIL_REPLY if message.channel == ChannelKind.EMAIL.value else UpdateSource.SLACK_REPLY,
            now=now, subject=reply.text.splitlines()[0],
        )
        if outcome.unsure:
            agency = session.get(Agency, sender.agency_id) if sender.agency_id else None
            route = choose_route(sender, agency, settings)
            if route is not None:
                queue_confirmation(session, settings, key=f"confirm-demo:{message.id}:{now:%Y%m%d}",
                                   recipient_name=sender.name, contact_id=sender.id, route=route,
                                   unsure=outcome.unsure, now=now)
        if outcome.away_until:
            console.print(f"  [yellow]{reply.sender} is away until {outcome.away_until:%d %b}[/yellow]: "
                          "no chasing until then")
        for action, update, reading in outcome.recorded:
            due = f", new date {reading.new_due:%d %b %Y}" if reading.new_due else ""
            state = "recorded" if update.confirmed else "[yellow]unsure: asked to confirm[/yellow]"
            console.print(f"  {reply.sender} answered {action.ref}: {reading.status.value}{due} ({state})",
                          highlight=False)
        if outcome.ignored:
            console.print(f"  {reply.sender}'s message did not say anything the bot could record")


def show_overdue(engine: Engine, settings: Settings, console: Console, day: date) -> None:
    with session_scope(engine) as session:
        partnership = ensure_partnership(session, settings)
        assert partnership.id is not None
        rows = overdue_actions(session, partnership.id, day, settings.partnership.timezone)
    console.print(f"\n[bold]Overdue as of {day:%d %b %Y}[/bold] (the same list as `dhr overdue` and /dhr overdue):")
    for row in rows:
        chased = f"last chased {row.last_chased:%d %b}" if row.last_chased else "not chased yet"
        console.print(f"  {row.ref:<10} {row.agency:<32} due {row.due:%d %b %Y}  {row.days_overdue:>4} days  {chased}",
                      highlight=False)


def export(engine: Engine, settings: Settings, console: Console, folder: Path, today: date | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with session_scope(engine) as session:
        for fmt in ("xlsx", "docx"):
            out = folder / f"riverside-dhr3-plan-updated.{fmt}"
            export_plan(session, "RIV3", fmt, out, timezone=settings.partnership.timezone,
                        replies=reply_policy(settings), today=today)
            console.print(f"Updated plan with the chase log: [bold]{out}[/bold]")


def board_preview(engine: Engine, settings: Settings, console: Console, folder: Path, now: datetime) -> None:
    """Where the story ends: what the board would read about RIV3 before its next meeting."""
    with session_scope(engine) as session:
        partnership = ensure_partnership(session, settings)
        upcoming = [m for m in settings.board.meetings if m > now.date()]
        if not upcoming:
            return
        digest = build_digest(session, partnership, upcoming[0], now,
                              replies=reply_policy(settings))
    html = write_digest_html(digest, folder / "board-digest-preview.html")
    docx = write_digest_docx(digest, folder / "board-digest-preview.docx")
    rag = ", ".join(f"{label} {count}" for label, count in digest.rag.items())
    console.print(f"\n[bold]Board digest preview[/bold] for the {upcoming[0]:%d %b %Y} meeting ({rag}): {html}, {docx}")
