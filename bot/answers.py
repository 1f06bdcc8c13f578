"""What happens when someone answers a chaser, whatever the transport (Slack thread, mail reply, demo).

The transport finds the chaser the answer belongs to and the person who wrote it; this module reads
the text, checks that person may change each action, and records one ProgressUpdate per action.
Unsure readings are recorded unconfirmed, so the caller can ask "I read this as X: correct?".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.contacts import may_change_action
from bot.models import Action, Contact, Event, Message, MessageAction, ProgressUpdate
from bot.replies import Reading, is_automatic_reply, read_replies
from bot.settings import Settings
from bot.statuses import ReadStatus, UpdateSource
from bot.updates import Proposed, actor_name, record_update, set_away


@dataclass
class AnswerOutcome:
    recorded: list[tuple[Action, ProgressUpdate, Reading]] = field(default_factory=list)
    refused_refs: list[str] = field(default_factory=list)
    away_until: date | None = None  # set when this was an out-of-office reply
    ignored: bool = False  # automatic reply with no return date, or nothing to record

    @property
    def unsure(self) -> list[tuple[Action, ProgressUpdate, Reading]]:
        return [entry for entry in self.recorded if not entry[1].confirmed]


def covered_actions(session: Session, message: Message) -> list[Action]:
    rows = session.exec(
        select(Action)
        .join(MessageAction, MessageAction.action_id == Action.id)  # type: ignore[arg-type]
        .where(MessageAction.message_id == message.id)
        .order_by(Action.ref)
    ).all()
    return list(rows)


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
    headers: dict[str, str] | None = None,
    evidence_names: tuple[str, ...] = (),
    slack_user_id: str | None = None,
) -> AnswerOutcome:
    """Read an answer to `message` and record it against the actions the message covered."""
    outcome = AnswerOutcome()
    today = now.astimezone(ZoneInfo(settings.partnership.timezone)).date()
    actions = covered_actions(session, message)
    by_ref = {a.ref: a for a in actions}
    readings = read_replies(text, today=today, known_refs=list(by_ref))
    if is_automatic_reply(text, subject, headers):
        back = next((r.out_of_office_until for r in readings.values() if r.out_of_office_until), None)
        if back is not None and sender is not None:
            set_away(session, sender, back, actor=actor_name(sender, author), now=now)
            outcome.away_until = back
        else:
            outcome.ignored = True
        return outcome
    for ref, reading in readings.items():
        action = by_ref.get(ref)
        if action is None:
            continue
        allowed = may_change_action(
            session, settings, contact=sender, slack_user_id=slack_user_id,
            action_agency_id=action.lead_agency_id, action_lead_contact_id=action.lead_contact_id,
        )
        if not allowed:
            outcome.refused_refs.append(ref)
            session.add(Event(at=now, actor=actor_name(sender, author), kind="update.refused", entity="action",
                              entity_id=action.id, data={"source": source.value}))
            continue
        evidence = reading.evidence
        if evidence_names:
            evidence = "; ".join(filter(None, [evidence, "attached: " + ", ".join(evidence_names)]))
        update = record_update(
            session, action,
            Proposed(reading.status, reading.new_due, evidence, reading.confidence, reading.text or text),
            source=source, author_contact=sender, author=author, now=now, in_reply_to_message_id=message.id,
            confirmed=None if reading.status is not ReadStatus.NO_RESPONSE else False,
        )
        outcome.recorded.append((action, update, reading))
    if not outcome.recorded and not outcome.refused_refs:
        outcome.ignored = True
    session.flush()
    return outcome
