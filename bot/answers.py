"""The one reply flow, whatever the transport (Slack thread, button, modal, `/dhr update`, mail, demo).

    read -> permit -> record -> confirmation request

The transport finds the message an answer belongs to and who wrote it (an `Author`). This module
strips quoted history once (`handle_answer`), reads the text per action, asks
bot.rules.permissions whether the author may change each action, and records one ProgressUpdate
per action through bot.updates.record_update (`permit_and_record`; a modal or a command that
already knows what it proposes starts here). A refused update is marked refused before any audit
event is written. A reading the bot is unsure of is recorded unconfirmed, and `queue_confirmation`
puts "I read this as X: correct?" in the outbox for the author, by mail or in the Slack thread.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.blocks import confirm_value
from bot.contacts import person_for
from bot.db import ensure_partnership
from bot.models import Action, Contact, Event, Message, MessageAction, ProgressUpdate
from bot.outbox import enqueue
from bot.policy import local_today
from bot.reading.replies import Reading, read_reply, readings_per_action
from bot.reroute import open_reroute_task
from bot.routing import Route, rendered_message
from bot.rules import permissions
from bot.rules.caps import beyond_limit, capped_away
from bot.rules.permissions import Person
from bot.rules.statuses import MessageKind, ReadStatus, UpdateSource
from bot.settings import Settings
from bot.updates import Proposed, actor_name, record_update, set_away


@dataclass(frozen=True)
class Author:
    """Who answered: their contact (None when unknown), what the permission rules need, and the
    name the transport knows them by ("slack:U0PRIYA", a mail address)."""

    contact: Contact | None
    person: Person
    name: str

    @property
    def actor(self) -> str:
        return actor_name(self.contact, self.name)


def author_for(settings: Settings, contact: Contact | None, name: str, slack_user_id: str | None = None) -> Author:
    return Author(contact, person_for(contact, settings, slack_user_id), name)


@dataclass(frozen=True)
class SlackThread:
    """Where a Slack answer was written, so the question about it goes in the same thread."""

    channel: str
    thread_ts: str


@dataclass
class AnswerOutcome:
    recorded: list[tuple[Action, ProgressUpdate, Reading]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # refs the author may not change
    away_until: date | None = None  # set when this was an out-of-office reply
    automatic: bool = False  # an automatic reply: nothing recorded
    rerouted: list[Action] = field(default_factory=list)  # "not ours / new lead": a coordinator task each

    @property
    def applied(self) -> list[tuple[Action, ProgressUpdate, Reading]]:
        return [entry for entry in self.recorded if entry[1].confirmed]

    @property
    def unsure(self) -> list[tuple[Action, ProgressUpdate, Reading]]:
        """Readings to ask the author about: unconfirmed, theirs to change, and saying something.

        A redirect is not asked about: it is the coordinator's task to settle, not the author's."""
        return [
            entry for entry in self.recorded
            if not entry[1].confirmed and not entry[1].refused
            and entry[2].status not in (ReadStatus.NO_RESPONSE, ReadStatus.REDIRECT)
        ]

    @property
    def ignored(self) -> bool:
        return not self.recorded and not self.refused and self.away_until is None


def covered_actions(session: Session, message: Message) -> list[Action]:
    return list(session.exec(
        select(Action)
        .join(MessageAction, col(MessageAction.action_id) == col(Action.id))
        .where(MessageAction.message_id == message.id)
        .order_by(col(Action.ref))
    ).all())


def may_change(author: Author, action: Action) -> bool:
    return permissions.may_change(
        author.person, action_agency_id=action.lead_agency_id, action_lead_contact_id=action.lead_contact_id
    )


def permit_and_record(
    session: Session,
    action: Action,
    proposed: Proposed,
    *,
    settings: Settings,
    author: Author,
    source: UpdateSource,
    now: datetime,
    keep_refused: bool,
    confirmed: bool | None = None,
    in_reply_to_message_id: int | None = None,
    source_message_id: str | None = None,
    refuse: bool = False,
) -> ProgressUpdate | None:
    """Record `proposed` for `action` if `author` may change it (and the caller did not `refuse` it).

    When they may not, a reply (`keep_refused`) is kept on record as refused, never applied; an
    interactive request (button, modal, command) records nothing and returns None, since the
    person is told at once. A redirect ("not ours, that's the CCG") is never applied: it is kept
    unconfirmed and opens a coordinator task (bot.reroute), whatever the transport.
    """
    allowed = may_change(author, action) and not refuse
    if not allowed and not keep_refused:
        return None
    redirect = proposed.status is ReadStatus.REDIRECT
    update = record_update(
        session, action, proposed, source=source, author_contact=author.contact, author=author.name, now=now,
        confirmed=(False if redirect else confirmed) if allowed else False, refused=not allowed,
        in_reply_to_message_id=in_reply_to_message_id, source_message_id=source_message_id,
    )
    if redirect and allowed:
        open_reroute_task(session, settings, action, update, proposed.redirect_to, now=now)
    return update


def record_answer(
    session: Session,
    settings: Settings,
    *,
    actions: Sequence[Action],
    body: str,
    author: Author,
    source: UpdateSource,
    now: datetime,
    in_reply_to: Message | None = None,
    evidence_names: Sequence[str] = (),
    source_message_id: str | None = None,
    whole: Reading | None = None,
    hold: bool = False,
) -> AnswerOutcome:
    """Read `body` about `actions`; one update per action it speaks of.

    `whole`, when given, is the reading of the entire reply (handle_answer has it already): the body is then
    not stripped or read a second time. `hold` keeps every reading unconfirmed for a coordinator (an edit of
    a reply already applied).
    """
    outcome = AnswerOutcome()
    by_ref = {a.ref: a for a in actions}
    today = local_today(settings, now)
    if whole is None:
        whole = read_reply(body, today=today, known_refs=list(by_ref))
    readings = readings_per_action(whole, today=today, known_refs=list(by_ref))
    for ref, reading in readings.items():
        action = by_ref.get(ref)
        if action is None:
            continue
        update = permit_and_record(
            session, action, _proposed(reading, body, evidence_names), settings=settings, author=author,
            source=source, now=now,
            keep_refused=True, refuse=_new_date_too_far(settings, reading, author, now),
            # "No update yet" says nothing to apply or to ask about; it is kept as it was said.
            confirmed=False if hold or reading.status is ReadStatus.NO_RESPONSE else None,
            in_reply_to_message_id=in_reply_to.id if in_reply_to else None, source_message_id=source_message_id,
        )
        assert update is not None
        if update.refused:
            outcome.refused.append(ref)
        elif reading.status is ReadStatus.REDIRECT:
            outcome.rerouted.append(action)
        outcome.recorded.append((action, update, reading))
    session.flush()
    return outcome


def handle_answer(
    session: Session,
    settings: Settings,
    *,
    message: Message,
    text: str,
    sender: Contact | None,
    author: str,
    source: UpdateSource,
    now: datetime,
    subject: str | None = None,
    headers: Mapping[str, str] | None = None,
    slack_user_id: str | None = None,
    evidence_names: Sequence[str] = (),
    source_message_id: str | None = None,
    hold: bool = False,
) -> AnswerOutcome:
    """An answer to `message`: an out-of-office holds the author's chasers, anything else is recorded."""
    who = author_for(settings, sender, author, slack_user_id)
    actions = covered_actions(session, message)
    # Read once: quoted history is stripped here and the parts per action come from the cleaned text.
    whole = read_reply(text, today=local_today(settings, now), known_refs=[a.ref for a in actions],
                       headers=headers, subject=subject)
    if whole.automatic:
        outcome = AnswerOutcome(automatic=True)
        said = whole.out_of_office_until
        back_on = capped_away(said, local_today(settings, now), settings.safety.max_away_days) if said else None
        if back_on is not None and sender is not None:
            set_away(session, sender, back_on, actor=who.actor, now=now)
            outcome.away_until = back_on
            if back_on != said and said is not None:
                # For the coordinator: the reply said later than the bot will wait.
                session.add(Event(at=now, actor=actor_name(sender, author), kind="contact.away_capped",
                                  entity="contact", entity_id=sender.id,
                                  data={"said": said.isoformat(), "until": back_on.isoformat()}))
        if whole.status is ReadStatus.REDIRECT:
            # "X has left, please contact Y": still no answer about the work, but it names the new owner, so
            # the coordinator gets the same re-route task a person's redirect opens (never a status change).
            handed_on = record_answer(
                session, settings, actions=actions, body=whole.text, author=who, source=source, now=now,
                in_reply_to=message, source_message_id=source_message_id, whole=whole,
            )
            outcome.recorded, outcome.refused, outcome.rerouted = (handed_on.recorded, handed_on.refused,
                                                                   handed_on.rerouted)
        return outcome
    return record_answer(
        session, settings, actions=actions, body=whole.text, author=who, source=source, now=now,
        in_reply_to=message, evidence_names=evidence_names, source_message_id=source_message_id, whole=whole,
        hold=hold,
    )


def _new_date_too_far(settings: Settings, reading: Reading, author: Author, now: datetime) -> bool:
    """A lead's new date beyond `safety.max_snooze_days` is kept for a coordinator, not applied."""
    if reading.new_due is None or permissions.is_coordinator(author.person):
        return False
    return beyond_limit(reading.new_due, local_today(settings, now), settings.safety.max_snooze_days)


def _proposed(reading: Reading, text: str, evidence_names: Sequence[str]) -> Proposed:
    evidence = reading.evidence
    if evidence_names:
        evidence = "; ".join(filter(None, [evidence, "attached: " + ", ".join(evidence_names)]))
    return Proposed(reading.status, reading.new_due, evidence, reading.confidence, reading.text or text,
                    automatic=reading.automatic, date_problem=reading.date_problem, redirect_to=reading.redirect_to)


def confirmation_context(
    session: Session, settings: Settings, recipient_name: str, unsure: Sequence[tuple[Action, ProgressUpdate]]
) -> dict[str, Any]:
    """What the `confirmation` message says: each unsure reading, and the buttons' value."""
    partnership = ensure_partnership(session, settings)
    return {
        "recipient_name": recipient_name,
        "partnership_name": partnership.name,
        "confirm_value": confirm_value([update.id for _, update in unsure if update.id is not None]),
        "readings": [{"ref": action.ref, "status": ReadStatus(update.status) if update.status else ReadStatus.UNCLEAR,
                      "new_due": update.new_due, "evidence": update.evidence} for action, update in unsure],
    }


def queue_confirmation(
    session: Session,
    settings: Settings,
    *,
    key: str,
    recipient_name: str,
    contact_id: int | None,
    route: Route,
    unsure: Sequence[tuple[Action, ProgressUpdate, Reading]],
    now: datetime,
    thread: SlackThread | None = None,
    reply_to_graph_message_id: str | None = None,
) -> Message | None:
    """Queue "I read your reply as X, new date Y: correct?" for the unsure readings; once per key.

    On Slack the question goes in `thread`, under the message that was answered; by mail it goes
    as a reply to `reply_to_graph_message_id`, the received mail. Returns the new
    Message, or None when one with this key was already queued.
    """
    pairs = [(action, update) for action, update, _ in unsure]
    context = confirmation_context(session, settings, recipient_name, pairs)
    new = rendered_message(MessageKind.CONFIRMATION.value, key, route, context, contact_id=contact_id,
                           action_ids=[action.id for action, _, _ in unsure if action.id is not None])
    if thread is not None:
        new = replace(new, slack_channel=thread.channel, slack_thread_ts=thread.thread_ts)
    if reply_to_graph_message_id is not None:
        new = replace(new, reply_to_graph_message_id=reply_to_graph_message_id)
    return enqueue(session, new, now=now, actor="answers")
