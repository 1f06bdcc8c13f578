"""Recording progress: the one place where a reply, a button or a command changes an action.

Every change goes through `record_update`, which masks personal data in what was said
(bot/reading/pii.py), keeps the ProgressUpdate, applies it to the action
only when it is confirmed, and writes an audit Event. A reading the bot is unsure of is kept
unconfirmed; `confirm_update` / `reject_update` settle it when the person answers the question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.contacts import known_addresses
from bot.models import Action, Contact, Event, Partnership, ProgressUpdate
from bot.reading.confirm import needs_confirmation
from bot.reading.pii import mask_personal_data
from bot.rules.caps import beyond_limit
from bot.rules.statuses import CLOSED_STATUSES, ActionStatus, Precision, ReadStatus, UpdateSource, action_status_for


class UpdateRefused(Exception):
    """The change is not allowed or does not make sense; the message is safe to show the user."""


@dataclass(frozen=True)
class Proposed:
    status: ReadStatus | None
    new_due: date | None = None
    evidence: str | None = None
    confidence: float = 1.0
    raw_text: str | None = None
    automatic: bool = False
    date_problem: str | None = None  # a date the reply gives that could not be read: ask, never guess
    redirect_to: str | None = None  # "not ours, that's the CCG": the new owner named, for the coordinator's task


def local_date(session: Session, now: datetime) -> date:
    """Today in the partnership's timezone: between midnight and 01:00 in summer, UTC says yesterday."""
    zone = session.exec(select(Partnership.timezone)).first() or "Europe/London"
    return now.astimezone(ZoneInfo(zone)).date()


def actor_name(contact: Contact | None, author: str) -> str:
    return f"contact:{contact.id}" if contact is not None and contact.id is not None else author


def record_update(
    session: Session,
    action: Action,
    proposed: Proposed,
    *,
    source: UpdateSource,
    author_contact: Contact | None,
    author: str,
    now: datetime,
    confirmed: bool | None = None,
    in_reply_to_message_id: int | None = None,
    refused: bool = False,
    source_message_id: str | None = None,
) -> ProgressUpdate:
    """Keep what was said; apply it to the action unless it needs confirming first.

    `confirmed` None means: applied at once only when bot.reading.confirm.needs_confirmation says so
    (an unambiguous statement that the work is finished); an explicit choice (a button) passes True. A `refused` update
    (from someone who may not change the action) is kept for the record, never applied, and
    audited as `update.refused` only: it awaits no one's confirmation.
    """
    assert action.id is not None
    is_confirmed = not refused and (not needs_confirmation(proposed) if confirmed is None else confirmed)
    # The author's own address and the partnership's contacts are not third parties.
    known = [*known_addresses(session), author, author_contact.email if author_contact else None]
    raw_text = mask_personal_data(proposed.raw_text, known) if proposed.raw_text else None
    evidence = mask_personal_data(proposed.evidence, known) if proposed.evidence else None
    masked = sorted({kind for found in (raw_text, evidence) if found for kind in found.kinds})
    update = ProgressUpdate(
        action_id=action.id,
        at=now,
        source=source.value,
        author_contact_id=author_contact.id if author_contact else None,
        author=author,
        raw_text=raw_text.text if raw_text else None,
        unmasked_text=(proposed.raw_text or proposed.evidence) if masked and _keeps_unmasked(session) else None,
        status=proposed.status.value if proposed.status else None,
        new_due=proposed.new_due,
        evidence=evidence.text if evidence else None,
        confidence=proposed.confidence,
        confirmed=is_confirmed,
        refused=refused,
        in_reply_to_message_id=in_reply_to_message_id,
        source_message_id=source_message_id,
    )
    session.add(update)
    session.flush()
    data: dict[str, object] = {"update": update.id, "source": source.value}
    if masked:
        data["masked"] = masked  # the kinds only, never the values
    if not refused:
        data |= {"status": update.status, "new_due": proposed.new_due.isoformat() if proposed.new_due else None}
    session.add(
        Event(at=now, actor=actor_name(author_contact, author), kind=_recorded_event(refused, is_confirmed),
              entity="action", entity_id=action.id, data=data)
    )
    if is_confirmed:
        apply_update(session, action, update, actor=actor_name(author_contact, author), now=now)
    return update


def _keeps_unmasked(session: Session) -> bool:
    return bool(session.exec(select(Partnership.keep_unmasked_replies)).first())


def _recorded_event(refused: bool, confirmed: bool) -> str:
    if refused:
        return "update.refused"
    return "update.recorded" if confirmed else "update.awaiting_confirmation"


def apply_update(session: Session, action: Action, update: ProgressUpdate, *, actor: str, now: datetime) -> None:
    before = {"status": action.status, "due": action.due.isoformat() if action.due else None}
    reading = ReadStatus(update.status) if update.status else None
    new_status = action_status_for(reading) if reading else None
    if new_status is not None:
        action.status = new_status.value
    if update.new_due is not None:
        action.due = update.new_due
        action.precision = Precision.DAY.value
        if action.status == ActionStatus.NOT_STARTED.value and reading is ReadStatus.EXTENSION_REQUESTED:
            action.status = ActionStatus.IN_PROGRESS.value
    if update.evidence or update.raw_text:
        note = f"{local_date(session, now):%d %b %Y}: {update.evidence or update.raw_text}"
        action.progress = f"{action.progress}\n{note}" if action.progress else note
    action.updated_at = now
    session.add(action)
    after = {"status": action.status, "due": action.due.isoformat() if action.due else None}
    if after != before:
        session.add(
            Event(at=now, actor=actor, kind="action.changed", entity="action", entity_id=action.id,
                  data={"before": before, "after": after, "update": update.id})
        )
    session.flush()


def pending_confirmation(session: Session, update_id: int) -> tuple[ProgressUpdate, Action]:
    update = session.get(ProgressUpdate, update_id)
    if update is None:
        raise UpdateRefused("That update no longer exists.")
    action = session.get(Action, update.action_id)
    assert action is not None
    return update, action


def confirm_update(session: Session, update_id: int, *, actor: str, now: datetime) -> Action:
    update, action = pending_confirmation(session, update_id)
    if update.confirmed:
        return action  # a second click changes nothing
    if update.rejected:
        raise UpdateRefused("That reading was set aside (said to be wrong, or its reply was edited or deleted); "
                            "send a new update instead.")
    update.confirmed = True
    session.add(update)
    session.add(Event(at=now, actor=actor, kind="update.confirmed", entity="action", entity_id=action.id,
                      data={"update": update.id}))
    apply_update(session, action, update, actor=actor, now=now)
    return action


def reject_update(session: Session, update_id: int, *, actor: str, now: datetime) -> Action:
    """The person said the bot misread them: the update stays on record, unapplied."""
    update, action = pending_confirmation(session, update_id)
    if update.confirmed:
        raise UpdateRefused("That update was already applied; send a new update to change it.")
    update.rejected = True
    session.add(update)
    session.add(Event(at=now, actor=actor, kind="update.rejected", entity="action", entity_id=action.id,
                      data={"update": update.id}))
    session.flush()
    return action


def snooze(
    session: Session, action: Action, until: date, *, actor: str, now: datetime, max_days: int | None = None
) -> None:
    """Hold chasing of `action` until `until`; `max_days` (None for coordinators) caps how far ahead."""
    today = local_date(session, now)
    if until <= today:
        raise UpdateRefused("Snooze until a date in the future.")
    if max_days is not None and beyond_limit(until, today, max_days):
        raise UpdateRefused(f"You can snooze an action for up to {max_days} days; "
                            "a coordinator can set a longer snooze.")
    if action.status in {s.value for s in CLOSED_STATUSES}:
        raise UpdateRefused(f"{action.ref} is {action.status.replace('_', ' ')}; it is not being chased.")
    action.snoozed_until = until
    session.add(action)
    session.add(Event(at=now, actor=actor, kind="action.snoozed", entity="action", entity_id=action.id,
                      data={"until": until.isoformat()}))
    session.flush()


def set_away(session: Session, contact: Contact, back_on: date, *, actor: str, now: datetime) -> None:
    """An out-of-office reply: no chasing of this person before they are back."""
    if contact.away_until is None or contact.away_until < back_on:
        contact.away_until = back_on
        session.add(contact)
        session.add(Event(at=now, actor=actor, kind="contact.away", entity="contact", entity_id=contact.id,
                          data={"until": back_on.isoformat()}))
        session.flush()


def action_by_ref(session: Session, ref: str) -> Action | None:
    wanted = ref.strip()
    found = session.exec(select(Action).where(Action.ref == wanted)).first()
    if found is None:
        found = session.exec(select(Action).where(Action.ref == wanted.upper())).first()
    return found
