"""What the bot set aside for a coordinator to see, on the console's Review queue.

Three kinds, each already an audit Event when it happens:
- held mail (`mail.held`, bot.inbox.quarantine): its sender was not authenticated, so its readings
  were recorded refused. "Accept as genuine" puts them through the normal permit step as from the
  contact the From names (bot.answers.may_change, bot.reading.confirm.needs_confirmation): a reading
  that contact may make and that needs no question is applied, one that does waits among the
  readings to confirm, a redirect opens its task. "Reject" leaves them refused;
- a capped away date (`contact.away_capped`): an automatic reply said later than the bot will wait;
- quarantined mail (`mail.quarantined`): a mail that could not be processed, left in the Inbox.

A notice is settled once, by a coordinator, with a `review.settled` Event naming it (entity "event")
and the decision; settled notices leave the queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.answers import author_for, may_change
from bot.contacts import contact_for_email
from bot.inbox.quarantine import HELD_EVENT, QUARANTINED_EVENT
from bot.models import Action, Contact, Event, ProgressUpdate
from bot.reading.confirm import needs_confirmation
from bot.reading.redirect import find_redirect
from bot.reroute import open_reroute_task
from bot.rules import permissions
from bot.rules.permissions import Person
from bot.rules.statuses import ReadStatus
from bot.settings import Settings
from bot.text import reading_phrase, truncate_words, ukdate
from bot.updates import Proposed, UpdateRefused, confirm_update

AWAY_CAPPED_EVENT = "contact.away_capped"
SETTLED_EVENT = "review.settled"
NOTICE_KINDS = (HELD_EVENT, AWAY_CAPPED_EVENT, QUARANTINED_EVENT)


@dataclass(frozen=True)
class HeldReading:
    ref: str
    action_id: int
    reading: str
    said: str


@dataclass(frozen=True)
class Notice:
    event_id: int
    kind: str  # one of NOTICE_KINDS
    at: datetime
    title: str
    detail: str
    sender: str | None = None  # held mail: the address in its From
    readings: tuple[HeldReading, ...] = ()

    @property
    def held(self) -> bool:
        return self.kind == HELD_EVENT


def open_notices(session: Session, limit: int = 100) -> list[Notice]:
    """Unsettled notices, oldest first."""
    settled = sa.select(col(Event.entity_id)).where(col(Event.kind) == SETTLED_EVENT, col(Event.entity) == "event")
    events = session.exec(
        select(Event).where(col(Event.kind).in_(NOTICE_KINDS), col(Event.id).not_in(settled))
        .order_by(col(Event.at), col(Event.id)).limit(limit)
    ).all()
    return [_notice(session, event) for event in events]


def _notice(session: Session, event: Event) -> Notice:
    assert event.id is not None
    if event.kind == HELD_EVENT:
        updates = _held_updates(session, str(event.data.get("mail", "")))
        refs = {a.id: a.ref for a in session.exec(select(Action).where(
            col(Action.id).in_([u.action_id for u in updates]))).all()}
        readings = tuple(HeldReading(refs.get(u.action_id, "?"), u.action_id, _phrase(u),
                                     truncate_words(u.raw_text or "", 30)) for u in updates)
        sender = updates[0].author if updates else None
        detail = f"Our mail server did not vouch for the sender ({event.data.get('detail') or 'no verdict'})."
        return Notice(event.id, event.kind, event.at, "Mail held: sender not authenticated", detail, sender, readings)
    if event.kind == AWAY_CAPPED_EVENT:
        person = session.get(Contact, event.entity_id) if event.entity_id else None
        name = person.name if person else "A contact"
        detail = (f"{name}'s automatic reply said they are away until {_day(event.data.get('said'))}; the bot waits "
                  f"only until {_day(event.data.get('until'))} and will chase them after that.")
        return Notice(event.id, event.kind, event.at, "Away date capped", detail)
    detail = (f"A mail could not be processed ({event.data.get('reason', 'unknown error')}); it is still unread in "
              "the Inbox for a person to read.")
    return Notice(event.id, event.kind, event.at, "Mail quarantined", detail)


def _held_updates(session: Session, mail_key: str) -> list[ProgressUpdate]:
    return list(session.exec(select(ProgressUpdate).where(ProgressUpdate.source_message_id == mail_key)
                             .order_by(col(ProgressUpdate.id))).all())


def _phrase(update: ProgressUpdate) -> str:
    return reading_phrase(ReadStatus(update.status), update.new_due) if update.status else "a note"


def _day(value: object) -> str:
    try:
        return ukdate(str(value))
    except (TypeError, ValueError):
        return str(value)


def _unsettled(session: Session, event_id: int, person: Person) -> Event:
    if not permissions.is_coordinator(person):
        raise UpdateRefused("Only a partnership coordinator can settle this.")
    event = session.get(Event, event_id)
    if event is None or event.kind not in NOTICE_KINDS:
        raise UpdateRefused("That item no longer exists.")
    done = session.exec(select(Event).where(Event.kind == SETTLED_EVENT, Event.entity == "event",
                                            Event.entity_id == event_id)).first()
    if done is not None:
        raise UpdateRefused(f"That item was already settled ({done.data.get('decision')}).")
    return event


def settle_notice(session: Session, event_id: int, *, person: Person, actor: str, now: datetime, decision: str) -> None:
    """Reject held mail, or dismiss a notice that asks nothing ("seen")."""
    event = _unsettled(session, event_id, person)
    session.add(Event(at=now, actor=actor, kind=SETTLED_EVENT, entity="event", entity_id=event.id,
                      data={"kind": event.kind, "decision": decision}))
    session.flush()


def accept_held_mail(
    session: Session, settings: Settings, event_id: int, *, person: Person, actor: str, now: datetime
) -> list[str]:
    """The coordinator vouches for a held mail's sender: each reading goes through the permit step as
    from the contact the From names. Returns what became of each, for the page to say."""
    event = _unsettled(session, event_id, person)
    if event.kind != HELD_EVENT:
        raise UpdateRefused("Only held mail can be accepted as genuine.")
    outcome: list[str] = []
    for update in _held_updates(session, str(event.data.get("mail", ""))):
        action = session.get(Action, update.action_id)
        assert action is not None and update.id is not None
        address = update.author or ""
        sender = contact_for_email(session, address) if "@" in address else None
        author = author_for(settings, sender, address)
        if not update.refused:
            continue
        if sender is None or not may_change(author, action):
            outcome.append(f"{action.ref}: {address or 'the sender'} may not change it, so it stays refused")
            continue
        update.refused, update.author_contact_id = False, sender.id
        session.add(update)
        session.add(Event(at=now, actor=actor, kind="update.released", entity="action", entity_id=action.id,
                          data={"update": update.id, "held": event.id}))
        session.flush()
        reading = ReadStatus(update.status) if update.status else None
        if reading is ReadStatus.REDIRECT:
            named = find_redirect(update.raw_text or "")
            open_reroute_task(session, settings, action, update, named.to if named else None, now=now)
            outcome.append(f"{action.ref}: a not-ours task was opened")
        elif reading not in (None, ReadStatus.NO_RESPONSE) and not needs_confirmation(
                Proposed(reading, update.new_due, confidence=update.confidence)):
            confirm_update(session, update.id, actor=actor, now=now)
            outcome.append(f"{action.ref}: applied ({_phrase(update)})")
        else:
            outcome.append(f"{action.ref}: waiting among the readings to confirm")
    session.add(Event(at=now, actor=actor, kind=SETTLED_EVENT, entity="event", entity_id=event.id,
                      data={"kind": event.kind, "decision": "accepted as genuine"}))
    session.flush()
    return outcome
