"""Reading the bot's Outlook Inbox: replies to chasers become progress updates.

One poll: ask Graph for what is new in the Inbox since the stored delta link, and for each mail
find the message of ours it answers (bot.inbox_rules), then record it in its own transaction:

- an automatic reply (out of office) records no update; "back on 3 March" holds the next chase;
- a reply to a chaser is read per action; a reading the bot is unsure of, or one from someone not
  allowed to change the action, is kept unconfirmed and never applied by itself. The sender is
  asked to confirm the unsure ones by a `confirmation` mail;
- a reply to a confirmation mail confirms ("yes") or rejects ("no, ...") what was pending, and a
  correction is read as a fresh reply.

Handled mail is marked read and filed in "DHR handled"; mail that answers nothing of ours stays
unread in the Inbox for a person. A mail is known by its internetMessageId (ProgressUpdate.
source_message_id, or a `mail.handled` Event), so polling it twice records nothing twice. The
delta link is saved only after the whole batch is recorded: a crash mid-batch means the next poll
sees the same mail again, finds it already recorded, and only files it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.channels.base import DeliveryError
from bot.channels.graph import HANDLED_FOLDER, GraphClient
from bot.contacts import contact_for_email, may_change_action
from bot.db import ensure_partnership, session_scope
from bot.inbox_rules import Answer, IncomingMail, choose_message, incoming_mail, read_confirmation_reply
from bot.inbox_rules import referenced_message_ids, subject_tokens
from bot.models import Action, Contact, Cursor, Event, Message, MessageAction, ProgressUpdate
from bot.outbox import NewMessage, enqueue, ref_token_for
from bot.render import render
from bot.replies import Reading, is_automatic_reply, out_of_office_until, read_replies, strip_quoted
from bot.settings import Settings
from bot.statuses import ChannelKind, MessageKind, ReadStatus, UpdateSource
from bot.updates import Proposed, actor_name, confirm_update, record_update, reject_update, set_away

log = logging.getLogger(__name__)

INBOX_CURSOR = "graph_inbox_delta"
CONFIRMATION_KEY_PREFIX = "confirm-mail:"
HANDLED_EVENT = "mail.handled"


@dataclass
class InboxReport:
    seen: int = 0
    handled: int = 0
    applied: list[str] = field(default_factory=list)  # refs changed by a confident, allowed reply
    awaiting_confirmation: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # refs the sender may not change (kept unconfirmed)
    confirmed: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    out_of_office: int = 0
    confirmations_queued: int = 0
    unmatched: int = 0  # left unread in the Inbox for a person
    already_handled: int = 0  # seen again after a crash or a delta resync: filed, nothing recorded
    gone: int = 0  # moved or deleted by someone between the delta and our read


def poll_inbox(engine: Engine, graph: GraphClient, settings: Settings, now: datetime) -> InboxReport:
    """Read and record everything new in the Inbox; see the module docstring."""
    report = InboxReport()
    with session_scope(engine) as session:
        cursor = session.get(Cursor, INBOX_CURSOR)
        link = cursor.value if cursor is not None and cursor.value else None
    items, next_link = graph.inbox_delta(link)
    for item in items:
        report.seen += 1
        mail = _fetch(graph, str(item["id"]), report)
        if mail is None:
            continue
        with session_scope(engine) as session:
            handled = record_mail(session, settings, mail, now, report)
        if handled:
            graph.mark_read(mail.graph_id)
            graph.move_to(mail.graph_id, HANDLED_FOLDER)
    with session_scope(engine) as session:
        session.merge(Cursor(name=INBOX_CURSOR, value=next_link, updated_at=now))
    log.info("inbox: %d seen, %d handled, %d unmatched", report.seen, report.handled, report.unmatched)
    return report


def _fetch(graph: GraphClient, graph_id: str, report: InboxReport) -> IncomingMail | None:
    try:
        message = graph.get_message(graph_id)
        names = graph.list_attachments(graph_id) if message.get("hasAttachments") else []
    except DeliveryError as error:
        if error.code == "ErrorItemNotFound":
            report.gone += 1
            return None
        raise
    return incoming_mail(message, names)


def record_mail(session: Session, settings: Settings, mail: IncomingMail, now: datetime, report: InboxReport) -> bool:
    """Record one mail; True when it was ours to handle (file it), False to leave it in the Inbox."""
    if already_recorded(session, mail.key):
        report.already_handled += 1
        return True
    answered = match_message(session, mail)
    if answered is None or (answered.kind != MessageKind.CONFIRMATION.value and not covered_actions(session, answered)):
        report.unmatched += 1
        return False
    sender = contact_for_email(session, mail.sender) if mail.sender else None
    actor = actor_name(sender, mail.sender or "mail:unknown")
    if is_automatic_reply(mail.text, mail.subject, mail.headers):
        _out_of_office(session, sender, mail, now, actor, settings, report)
    elif answered.kind == MessageKind.CONFIRMATION.value:
        _answer_confirmation(session, settings, answered, mail, sender, now, report)
    else:
        _record_reply(session, settings, answered, mail, strip_quoted(mail.text), sender, now, report)
    session.add(Event(at=now, actor=actor, kind=HANDLED_EVENT, entity="message", entity_id=answered.id,
                      data={"mail": mail.key}))
    session.flush()
    report.handled += 1
    return True


def already_recorded(session: Session, mail_key: str) -> bool:
    if session.exec(select(ProgressUpdate.id).where(ProgressUpdate.source_message_id == mail_key)).first():
        return True
    handled = select(Event.id).where(
        Event.kind == HANDLED_EVENT, Event.data["mail"].as_string() == mail_key  # type: ignore[index]
    )
    return session.exec(handled).first() is not None


def match_message(session: Session, mail: IncomingMail) -> Message | None:
    """Our message this mail answers (see inbox_rules.choose_message), or None."""
    referenced = referenced_message_ids(mail.headers)
    by_headers = None
    if referenced:
        found = {m.internet_message_id: m.id for m in session.exec(
            select(Message).where(Message.internet_message_id.in_(referenced))  # type: ignore[union-attr]
        ).all()}
        by_headers = next((found[r] for r in referenced if r in found), None)
    tokens = subject_tokens(mail.subject)
    by_token = None
    if tokens:
        found = {m.ref_token: m.id for m in session.exec(
            select(Message).where(Message.ref_token.in_(tokens))  # type: ignore[union-attr]
        ).all()}
        by_token = next((found[t] for t in tokens if t in found), None)
    by_conversation: list[int] = []
    if mail.conversation_id:
        by_conversation = [m for m in session.exec(
            select(Message.id).where(Message.conversation_id == mail.conversation_id)
        ).all() if m is not None]
    chosen = choose_message(by_headers, by_token, has_unknown_token=bool(tokens) and by_token is None,
                            by_conversation=by_conversation)
    return session.get(Message, chosen) if chosen is not None else None


def covered_actions(session: Session, message: Message) -> list[Action]:
    return list(session.exec(
        select(Action)
        .join(MessageAction, MessageAction.action_id == Action.id)  # type: ignore[arg-type]
        .where(MessageAction.message_id == message.id)
        .order_by(Action.ref)
    ).all())


def _local_today(settings: Settings, now: datetime) -> date:
    return now.astimezone(ZoneInfo(settings.partnership.timezone)).date()


def _out_of_office(
    session: Session, sender: Contact | None, mail: IncomingMail, now: datetime, actor: str,
    settings: Settings, report: InboxReport,
) -> None:
    report.out_of_office += 1
    back_on = out_of_office_until(strip_quoted(mail.text), today=_local_today(settings, now))
    if sender is not None and back_on is not None:
        set_away(session, sender, back_on, actor=actor, now=now)


def _record_reply(
    session: Session, settings: Settings, answered: Message, mail: IncomingMail, text: str,
    sender: Contact | None, now: datetime, report: InboxReport, actions: Sequence[Action] | None = None,
) -> None:
    """Record what `text` says about the actions `answered` covered; ask about the unsure readings."""
    by_ref = {a.ref: a for a in (actions if actions is not None else covered_actions(session, answered))}
    readings = read_replies(text, today=_local_today(settings, now), known_refs=list(by_ref))
    author = mail.sender or "mail:unknown"
    unsure: list[tuple[Action, ProgressUpdate, Reading]] = []
    for ref, reading in readings.items():
        action = by_ref.get(ref)
        if action is None:
            continue
        allowed = may_change_action(
            session, settings, contact=sender, slack_user_id=None,
            action_agency_id=action.lead_agency_id, action_lead_contact_id=action.lead_contact_id,
        )
        update = record_update(
            session, action, _proposed(reading, mail, text), source=UpdateSource.MAIL_REPLY,
            author_contact=sender, author=author, now=now, in_reply_to_message_id=answered.id,
            # "No update yet" says nothing to apply or to ask about; it is kept, as in bot.answers.
            confirmed=None if allowed and reading.status is not ReadStatus.NO_RESPONSE else False,
        )
        update.source_message_id = mail.key
        session.add(update)
        if not allowed:
            report.refused.append(ref)
            session.add(Event(at=now, actor=actor_name(sender, author), kind="update.refused", entity="action",
                              entity_id=action.id, data={"update": update.id, "source": UpdateSource.MAIL_REPLY.value}))
        elif update.confirmed:
            report.applied.append(ref)
        elif reading.status is not ReadStatus.NO_RESPONSE:
            report.awaiting_confirmation.append(ref)
            unsure.append((action, update, reading))
    session.flush()
    if unsure and mail.sender:
        _ask_to_confirm(session, settings, mail, sender, unsure, now, report)


def _proposed(reading: Reading, mail: IncomingMail, text: str) -> Proposed:
    evidence = reading.evidence
    if mail.attachment_names:
        evidence = "; ".join(filter(None, [evidence, "attached: " + ", ".join(mail.attachment_names)]))
    return Proposed(reading.status, reading.new_due, evidence, reading.confidence, reading.text or text)


def _ask_to_confirm(
    session: Session, settings: Settings, mail: IncomingMail, sender: Contact | None,
    unsure: list[tuple[Action, ProgressUpdate, Reading]], now: datetime, report: InboxReport,
) -> None:
    """Queue "Did we read your reply right?" to the sender. Keyed by their mail, so it goes once.

    Our Graph client starts a new conversation for every message (no createReply), so the answer
    is matched by the `[DHR-...]` token in the subject and the In-Reply-To of the answer.
    """
    key = CONFIRMATION_KEY_PREFIX + mail.key
    ref_token = ref_token_for(key)
    partnership = ensure_partnership(session, settings)
    context = {
        "recipient_name": sender.name if sender else (mail.sender_name or mail.sender),
        "partnership_name": partnership.name,
        "ref_token": ref_token,
        "confirm_value": ",".join(str(update.id) for _, update, _ in unsure),
        "readings": [{"ref": action.ref, "status": reading.status, "new_due": reading.new_due,
                      "evidence": update.evidence} for action, update, reading in unsure],
    }
    rendered = render(MessageKind.CONFIRMATION.value, ChannelKind.EMAIL, context)
    queued = enqueue(session, NewMessage(
        idempotency_key=key,
        kind=MessageKind.CONFIRMATION.value,
        channel=ChannelKind.EMAIL.value,
        recipient_contact_id=sender.id if sender else None,
        recipient_address=mail.sender,
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
        action_ids=[action.id for action, _, _ in unsure if action.id is not None],
    ), now=now, actor="inbox")
    if queued is not None:
        report.confirmations_queued += 1


def _answer_confirmation(
    session: Session, settings: Settings, confirmation: Message, mail: IncomingMail, sender: Contact | None,
    now: datetime, report: InboxReport,
) -> None:
    """A reply to our confirmation mail settles the updates it asked about."""
    actions = covered_actions(session, confirmation)
    source_key = confirmation.idempotency_key.removeprefix(CONFIRMATION_KEY_PREFIX)
    pending = session.exec(select(ProgressUpdate).where(
        ProgressUpdate.source_message_id == source_key,
        ProgressUpdate.confirmed == False,  # noqa: E712
        ProgressUpdate.action_id.in_([a.id for a in actions]),  # type: ignore[attr-defined]
    ).order_by(ProgressUpdate.id)).all()
    allowed = {a.id: a for a in actions if may_change_action(
        session, settings, contact=sender, slack_user_id=None,
        action_agency_id=a.lead_agency_id, action_lead_contact_id=a.lead_contact_id,
    )}
    answer = read_confirmation_reply(strip_quoted(mail.text))
    actor = actor_name(sender, mail.sender or "mail:unknown")
    for update in pending:
        action = allowed.get(update.action_id)
        if action is None:
            report.refused.append(next(a.ref for a in actions if a.id == update.action_id))
            session.add(Event(at=now, actor=actor, kind="update.refused", entity="action", entity_id=update.action_id,
                              data={"update": update.id, "source": UpdateSource.MAIL_REPLY.value}))
            continue
        assert update.id is not None
        if answer.answer is Answer.YES:
            confirm_update(session, update.id, actor=actor, now=now)
            report.confirmed.append(action.ref)
        else:
            reject_update(session, update.id, actor=actor, now=now)
            report.rejected.append(action.ref)
    if answer.answer is not Answer.YES and answer.rest and allowed:
        # "No, RIV3-4-1 is still in progress": the correction is itself a reply about those actions.
        _record_reply(session, settings, confirmation, mail, answer.rest, sender, now, report, list(allowed.values()))
