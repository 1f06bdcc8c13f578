"""What happens when someone answers a chaser, whatever the transport (Slack thread, mail reply, demo).

The transport finds the message the answer belongs to and the person who wrote it; this module
reads the text, checks that person may change each action, and records one ProgressUpdate per
action. A reading the bot is unsure of is recorded unconfirmed, so the transport can ask "I read
this as X: correct?". An answer from someone not allowed to change the action is recorded as
refused: kept for the record, never applied, and no answer as far as chasing is concerned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.blocks import confirm_value
from bot.contacts import is_coordinator, may_change_action
from bot.db import ensure_partnership
from bot.models import Action, Contact, Event, Message, MessageAction, ProgressUpdate
from bot.outbox import enqueue
from bot.reading.replies import Reading, is_automatic_reply, out_of_office_until, read_replies, strip_quoted
from bot.routing import Route, rendered_message
from bot.rules.caps import beyond_limit, capped_away
from bot.rules.statuses import MessageKind, ReadStatus, UpdateSource
from bot.settings import Settings
from bot.updates import Proposed, actor_name, record_update, set_away


@dataclass
class AnswerOutcome:
    recorded: list[tuple[Action, ProgressUpdate, Reading]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # refs the author may not change
    away_until: date | None = None  # set when this was an out-of-office reply
    automatic: bool = False  # an automatic reply: nothing recorded

    @property
    def applied(self) -> list[tuple[Action, ProgressUpdate, Reading]]:
        return [entry for entry in self.recorded if entry[1].confirmed]

    @property
    def unsure(self) -> list[tuple[Action, ProgressUpdate, Reading]]:
        """Readings to ask the author about: unconfirmed, theirs to change, and saying something."""
        return [
            entry for entry in self.recorded
            if not entry[1].confirmed and not entry[1].refused and entry[2].status is not ReadStatus.NO_RESPONSE
        ]

    @property
    def ignored(self) -> bool:
        return not self.recorded and not self.refused and self.away_until is None


def covered_actions(session: Session, message: Message) -> list[Action]:
    return list(session.exec(
        select(Action)
        .join(MessageAction, MessageAction.action_id == Action.id)  # type: ignore[arg-type]
        .where(MessageAction.message_id == message.id)
        .order_by(Action.ref)
    ).all())


def local_today(settings: Settings, now: datetime) -> date:
    return now.astimezone(ZoneInfo(settings.partnership.timezone)).date()


def record_answer(
    session: Session,
    settings: Settings,
    *,
    actions: Sequence[Action],
    text: str,
    sender: Contact | None,
    author: str,
    source: UpdateSource,
    now: datetime,
    in_reply_to: Message | None = None,
    slack_user_id: str | None = None,
    evidence_names: Sequence[str] = (),
    source_message_id: str | None = None,
) -> AnswerOutcome:
    """Read `text` about `actions` and record one update per action it speaks of."""
    outcome = AnswerOutcome()
    by_ref = {a.ref: a for a in actions}
    readings = read_replies(text, today=local_today(settings, now), known_refs=list(by_ref))
    for ref, reading in readings.items():
        action = by_ref.get(ref)
        if action is None:
            continue
        allowed = may_change_action(
            session, settings, contact=sender, slack_user_id=slack_user_id,
            action_agency_id=action.lead_agency_id, action_lead_contact_id=action.lead_contact_id,
        ) and not _new_date_too_far(session, settings, reading, sender, slack_user_id, now)
        update = record_update(
            session, action, _proposed(reading, text, evidence_names), source=source,
            author_contact=sender, author=author, now=now,
            in_reply_to_message_id=in_reply_to.id if in_reply_to else None,
            # "No update yet" says nothing to apply or to ask about; it is kept as it was said.
            confirmed=None if allowed and reading.status is not ReadStatus.NO_RESPONSE else False,
        )
        update.source_message_id = source_message_id
        update.refused = not allowed
        session.add(update)
        if not allowed:
            outcome.refused.append(ref)
            session.add(Event(at=now, actor=actor_name(sender, author), kind="update.refused", entity="action",
                              entity_id=action.id, data={"update": update.id, "source": source.value}))
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
) -> AnswerOutcome:
    """An answer to `message`: an out-of-office holds the author's chasers, anything else is recorded."""
    if is_automatic_reply(text, subject, headers):
        outcome = AnswerOutcome(automatic=True)
        said = out_of_office_until(strip_quoted(text), today=local_today(settings, now))
        back_on = capped_away(said, local_today(settings, now), settings.safety.max_away_days) if said else None
        if back_on is not None and sender is not None:
            set_away(session, sender, back_on, actor=actor_name(sender, author), now=now)
            outcome.away_until = back_on
            if back_on != said and said is not None:
                # For the coordinator: the reply said later than the bot will wait.
                session.add(Event(at=now, actor=actor_name(sender, author), kind="contact.away_capped",
                                  entity="contact", entity_id=sender.id,
                                  data={"said": said.isoformat(), "until": back_on.isoformat()}))
        return outcome
    return record_answer(
        session, settings, actions=covered_actions(session, message), text=strip_quoted(text), sender=sender,
        author=author, source=source, now=now, in_reply_to=message, slack_user_id=slack_user_id,
        evidence_names=evidence_names, source_message_id=source_message_id,
    )


def _new_date_too_far(
    session: Session, settings: Settings, reading: Reading, sender: Contact | None, slack_user_id: str | None,
    now: datetime,
) -> bool:
    """A lead's new date beyond `safety.max_snooze_days` is kept for a coordinator, not applied."""
    if reading.new_due is None or is_coordinator(session, settings, sender, slack_user_id):
        return False
    return beyond_limit(reading.new_due, local_today(settings, now), settings.safety.max_snooze_days)


def _proposed(reading: Reading, text: str, evidence_names: Sequence[str]) -> Proposed:
    evidence = reading.evidence
    if evidence_names:
        evidence = "; ".join(filter(None, [evidence, "attached: " + ", ".join(evidence_names)]))
    return Proposed(reading.status, reading.new_due, evidence, reading.confidence, reading.text or text)


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
) -> bool:
    """Queue "I read your reply as X, new date Y: correct?" for the unsure readings; once per key."""
    partnership = ensure_partnership(session, settings)
    context = {
        "recipient_name": recipient_name,
        "partnership_name": partnership.name,
        "confirm_value": confirm_value([update.id for _, update, _ in unsure if update.id is not None]),
        "readings": [{"ref": action.ref, "status": reading.status, "new_due": reading.new_due,
                      "evidence": update.evidence} for action, update, reading in unsure],
    }
    new = rendered_message(MessageKind.CONFIRMATION.value, key, route, context, contact_id=contact_id,
                           action_ids=[action.id for action, _, _ in unsure if action.id is not None])
    queued = enqueue(session, new, now=now, actor="answers")
    return queued is not None
