"""Reading the bot's Outlook Inbox: replies to chasers become progress updates.

One poll: ask Graph for what is new in the Inbox since the stored delta link, and for each mail
find the message of ours it answers (bot.inbox.rules), then record it in its own transaction:

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
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.answers import (
    AnswerOutcome,
    author_for,
    covered_actions,
    handle_answer,
    may_change,
    queue_confirmation,
    record_answer,
)
from bot.channels.base import DeliveryError
from bot.channels.graph import HANDLED_FOLDER, GraphClient
from bot.contacts import contact_for_email
from bot.db import session_scope
from bot.inbox.quarantine import hold_unauthenticated, quarantine_mail
from bot.inbox.rules import (
    Answer,
    IncomingMail,
    choose_message,
    incoming_mail,
    read_confirmation_reply,
    referenced_message_ids,
    subject_tokens,
    token_to_match,
)
from bot.inbox.trust import sender_verdict
from bot.models import Action, Contact, Cursor, Event, Message, ProgressUpdate
from bot.reading.replies import Reading, is_automatic_reply, strip_quoted
from bot.routing import Route
from bot.rules.statuses import ChannelKind, MessageKind, UpdateSource
from bot.settings import Settings
from bot.updates import actor_name, confirm_update, reject_update

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
    rerouted: list[str] = field(default_factory=list)  # "not ours / new lead": a coordinator task each
    confirmed: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    out_of_office: int = 0
    confirmations_queued: int = 0
    unmatched: int = 0  # left unread in the Inbox for a person
    already_handled: int = 0  # seen again after a crash or a delta resync: filed, nothing recorded
    gone: int = 0  # moved or deleted by someone between the delta and our read
    unauthenticated: int = 0  # From not vouched for by our receiving server: read as from an unknown sender
    quarantined: int = 0  # failed to process: recorded for a coordinator, left in the Inbox, never retried in a loop


def poll_inbox(engine: Engine, graph: GraphClient, settings: Settings, now: datetime) -> InboxReport:
    """Read and record everything new in the Inbox; see the module docstring."""
    report = InboxReport()
    with session_scope(engine) as session:
        cursor = session.get(Cursor, INBOX_CURSOR)
        link = cursor.value if cursor is not None and cursor.value else None
        first_sent = session.exec(select(sa.func.min(Message.created_at))).one()
    # Mail older than our first message cannot answer it: a full sync skips it instead of
    # reading each old message one request at a time.
    items, next_link = graph.inbox_delta(link, received_since=first_sent or now)
    for item in items:
        report.seen += 1
        mail = _fetch(graph, str(item["id"]), report)
        if mail is None:
            continue
        try:
            with session_scope(engine) as session:
                handled = record_mail(session, settings, mail, now, report)
        except Exception as error:
            quarantine_mail(engine, mail.key, error, now)
            report.quarantined += 1
            continue
        if handled:
            graph.mark_read(mail.graph_id)
            moved = graph.move_to(mail.graph_id, HANDLED_FOLDER)
            with session_scope(engine) as session:
                follow_moved_mail(session, mail.graph_id, str(moved.get("id") or mail.graph_id))
    with session_scope(engine) as session:
        session.merge(Cursor(name=INBOX_CURSOR, value=next_link, updated_at=now))
    log.info("inbox: %d seen, %d handled, %d unmatched, %d unauthenticated",
             report.seen, report.handled, report.unmatched, report.unauthenticated)
    return report


def follow_moved_mail(session: Session, old_graph_id: str, new_graph_id: str) -> None:
    """Replies still queued to a mail we just filed answer its moved copy: Exchange gives it a new id."""
    if old_graph_id == new_graph_id:
        return
    waiting = session.exec(select(Message).where(
        Message.reply_to_graph_message_id == old_graph_id, Message.sent_at == None,  # noqa: E711
    )).all()
    for message in waiting:
        message.reply_to_graph_message_id = new_graph_id
        session.add(message)


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
    verdict = sender_verdict(mail.header_list, mail.sender, authserv_id=settings.safety.mail_authserv_id)
    if not verdict.authenticated:
        # Anyone can write a lead's address in From: unless our own receiving server vouched for it,
        # we cannot say who wrote this, so it changes nothing and its "back on ..." sets nobody away.
        sender = None
        report.unauthenticated += 1
        hold_unauthenticated(session, mail.key, answered.id, verdict, now)
    actor = actor_name(sender, mail.sender or "mail:unknown")
    automatic = is_automatic_reply(mail.text, mail.subject, mail.headers)
    if answered.kind == MessageKind.CONFIRMATION.value and not automatic:
        _answer_confirmation(session, settings, answered, mail, sender, now, report)
    else:
        outcome = handle_answer(
            session, settings, message=answered, text=mail.text, sender=sender, author=mail.sender or "mail:unknown",
            source=UpdateSource.MAIL_REPLY, now=now, subject=mail.subject, headers=mail.headers,
            evidence_names=mail.attachment_names, source_message_id=mail.key,
        )
        _count(outcome, report)
        if outcome.unsure and mail.sender:
            _ask_to_confirm(session, settings, mail, sender, outcome.unsure, now, report)
    session.add(Event(at=now, actor=actor, kind=HANDLED_EVENT, entity="message", entity_id=answered.id,
                      data={"mail": mail.key}))
    session.flush()
    report.handled += 1
    return True


def already_recorded(session: Session, mail_key: str) -> bool:
    if session.exec(select(ProgressUpdate.id).where(ProgressUpdate.source_message_id == mail_key)).first():
        return True
    handled = select(Event.id).where(
        Event.kind == HANDLED_EVENT, col(Event.data)["mail"].as_string() == mail_key
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
    token = token_to_match(tokens)
    by_token = None
    if token is not None:
        by_token = session.exec(select(Message.id).where(Message.ref_token == token)).first()
    by_conversation: list[int] = []
    if mail.conversation_id:
        by_conversation = [m for m in session.exec(
            select(Message.id).where(Message.conversation_id == mail.conversation_id)
        ).all() if m is not None]
    chosen = choose_message(by_headers, by_token, has_unknown_token=bool(tokens) and by_token is None,
                            by_conversation=by_conversation)
    return session.get(Message, chosen) if chosen is not None else None


def _count(outcome: AnswerOutcome, report: InboxReport) -> None:
    if outcome.automatic:
        report.out_of_office += 1
    report.refused.extend(outcome.refused)
    report.rerouted.extend(action.ref for action in outcome.rerouted)
    report.applied.extend(action.ref for action, _, _ in outcome.applied)
    report.awaiting_confirmation.extend(action.ref for action, _, _ in outcome.unsure)


def _ask_to_confirm(
    session: Session, settings: Settings, mail: IncomingMail, sender: Contact | None,
    unsure: list[tuple[Action, ProgressUpdate, Reading]], now: datetime, report: InboxReport,
) -> None:
    """Queue "Did we read your reply right?" to the sender, by mail. Keyed by their mail, so it goes once.

    It goes as a reply to their mail (createReply), so it threads under it in Outlook; the answer
    is matched by its In-Reply-To and the `[DHR-...]` token in the subject.
    """
    assert mail.sender
    if queue_confirmation(
        session, settings, key=CONFIRMATION_KEY_PREFIX + mail.key,
        recipient_name=sender.name if sender else (mail.sender_name or mail.sender),
        contact_id=sender.id if sender else None,
        route=Route(ChannelKind.EMAIL.value, mail.sender, ChannelKind.EMAIL), unsure=unsure, now=now,
        reply_to_graph_message_id=mail.graph_id,
    ):
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
        ProgressUpdate.rejected == False,  # noqa: E712  a "no" settled it; a later "yes" must not revive it
        col(ProgressUpdate.action_id).in_([a.id for a in actions]),
    ).order_by(col(ProgressUpdate.id))).all()
    author = author_for(settings, sender, mail.sender or "mail:unknown")
    allowed = {a.id: a for a in actions if may_change(author, a)}
    answer = read_confirmation_reply(strip_quoted(mail.text))  # the one strip: the correction is read as is
    actor = author.actor
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
        outcome = record_answer(
            session, settings, actions=list(allowed.values()), body=answer.rest, author=author,
            source=UpdateSource.MAIL_REPLY, now=now, in_reply_to=confirmation,
            evidence_names=mail.attachment_names, source_message_id=mail.key,
        )
        _count(outcome, report)
        if outcome.unsure and mail.sender:
            _ask_to_confirm(session, settings, mail, sender, outcome.unsure, now, report)
