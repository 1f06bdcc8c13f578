"""A Slack reply edited or deleted after the bot read it.

The readings of one reply share its `source_message_id` (`slack_source`). What happens to them:

- not applied yet (waiting for the writer's confirmation, or refused): withdrawn (set aside, audited
  `update.withdrawn`, any "not ours" task with them) so the edited text is read afresh, or nothing
  stays of a deleted reply;
- already applied: never reverted silently. An edit's new reading is recorded and held for a
  coordinator (unconfirmed, so the Review queue offers it), and the coordinators are told once, through
  the outbox, that an applied reply changed or went.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.db import ensure_partnership
from bot.models import Action, Agency, Event, ProgressUpdate
from bot.outbox import enqueue
from bot.render import reading_phrase
from bot.reroute import coordinators, withdraw_reroutes
from bot.routing import choose_route, rendered_message
from bot.rules.statuses import MessageKind, ReadStatus
from bot.settings import Settings


def slack_source(channel: str, ts: str) -> str:
    """The `source_message_id` of the readings of one Slack message (its channel and ts are its identity)."""
    return f"slack:{channel}:{ts}"


@dataclass(frozen=True)
class EarlierReadings:
    applied: list[ProgressUpdate]
    unapplied: list[ProgressUpdate]  # unconfirmed or refused: nothing of them is in the plan


def earlier_readings(session: Session, source: str) -> EarlierReadings:
    """The readings a reply still stands for (those set aside or withdrawn before do not count)."""
    found = session.exec(select(ProgressUpdate).where(ProgressUpdate.source_message_id == source,
                                                      col(ProgressUpdate.rejected).is_(False))
                         .order_by(col(ProgressUpdate.id))).all()
    return EarlierReadings([u for u in found if u.confirmed], [u for u in found if not u.confirmed])


def withdraw(session: Session, updates: Sequence[ProgressUpdate], *, actor: str, now: datetime, why: str) -> None:
    """Set aside readings that were never applied: the reply they came from was edited or deleted."""
    for update in updates:
        assert not update.confirmed, "an applied reading is never withdrawn: the coordinator decides"
        update.rejected = True
        session.add(update)
        session.add(Event(at=now, actor=actor, kind="update.withdrawn", entity="action", entity_id=update.action_id,
                          data={"update": update.id, "why": why}))
    session.flush()
    withdraw_reroutes(session, [u.id for u in updates if u.id is not None], actor=actor, now=now, why=why)


def tell_coordinators(
    session: Session, settings: Settings, *, key: str, author: str, change: str,
    applied: Sequence[ProgressUpdate], new: Sequence[ProgressUpdate] = (), now: datetime,
) -> int:
    """One message to each coordinator (once per `key`) that an applied reply was `change`d ("edited",
    "deleted"); `new` are the edited reply's readings, held for them. Returns how many were queued."""
    refs = {a.id: a.ref for a in session.exec(select(Action).where(
        col(Action.id).in_([u.action_id for u in [*applied, *new]]))).all()}
    now_read = {u.action_id: _phrase(u) for u in new}
    changes = [{"ref": refs.get(u.action_id, "?"), "applied": _phrase(u), "now": now_read.get(u.action_id)}
               for u in applied]
    partnership = ensure_partnership(session, settings)
    queued = 0
    for person in coordinators(session, settings):
        agency = session.get(Agency, person.agency_id) if person.agency_id else None
        route = choose_route(person, agency, settings)
        if route is None:
            continue
        context = {"recipient_name": person.name, "partnership_name": partnership.name, "author": author,
                   "change": change, "changes": changes}
        message = rendered_message(MessageKind.REPLY_CHANGED.value, f"{key}:{person.id}", route, context,
                                   contact_id=person.id)
        queued += enqueue(session, message, now=now, actor="answers") is not None
    return queued


def _phrase(update: ProgressUpdate) -> str:
    if update.status:
        return reading_phrase(ReadStatus(update.status), update.new_due)
    return "a note"
