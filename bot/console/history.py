"""An action's whole story, and the review queue: the rows a coordinator checks before anything else."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, select

from bot.console.access import Viewer
from bot.models import (
    Action,
    Agency,
    Contact,
    Event,
    Message,
    MessageAction,
    Partnership,
    ProgressUpdate,
    Recommendation,
    RerouteTask,
    Review,
)
from bot.notices import Notice, open_notices
from bot.reroute import TaskView, task_views
from bot.rules.statuses import CLOSED_STATUSES, MessageState, TaskState

QUEUE_LIMIT = 100
#: Events the timeline already shows as a message or an update row.
_SHOWN_ELSEWHERE = frozenset({"update.recorded", "update.awaiting_confirmation"})


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # "message", "update", "event"
    title: str
    detail: str
    who: str
    raw_text: str | None = None


def _c(attribute: Any) -> Any:
    return attribute


def timeline(session: Session, action: Action) -> list[Entry]:
    """Chasers and escalations sent, replies with their reading, confirmations and edits, oldest first,
    in the partnership's local time."""
    names = {c.id: c.name for c in session.exec(select(Contact)).all()}
    agencies = {a.id: a.name for a in session.exec(select(Agency)).all()}
    zone = ZoneInfo(session.exec(select(Partnership.timezone)).first() or "Europe/London")
    entries: list[Entry] = []
    messages = session.exec(
        select(Message).join(MessageAction, _c(MessageAction.message_id) == _c(Message.id))
        .where(_c(MessageAction.action_id) == action.id)
    ).all()
    for message in messages:
        kind = message.kind.replace("_", " ")
        level = f", level {message.level}" if message.kind == "escalation" else ""
        entries.append(Entry(message.sent_at or message.created_at, "message", f"{kind.capitalize()}{level}",
                             f"{message.state} by {message.channel}", names.get(message.recipient_contact_id, "")))
    updates = session.exec(select(ProgressUpdate).where(ProgressUpdate.action_id == action.id)).all()
    for update in updates:
        reading = (update.status or "no status").replace("_", " ")
        due = f", new date {update.new_due.day} {update.new_due:%B %Y}" if update.new_due else ""
        state = ("refused: not theirs to change" if update.refused else "set aside as misread" if update.rejected
                 else "applied" if update.confirmed else "awaiting confirmation")
        entries.append(Entry(update.at, "update", f"Reply read as {reading}{due}",
                             f"{update.source.replace('_', ' ')}, confidence {update.confidence:.0%}, {state}",
                             names.get(update.author_contact_id, "") or (update.author or ""), update.raw_text))
    events = session.exec(select(Event).where(Event.entity == "action", Event.entity_id == action.id)).all()
    for event in events:
        if event.kind in _SHOWN_ELSEWHERE:
            continue
        entries.append(Entry(event.at, "event", event.kind.replace(".", " ").replace("_", " ").capitalize(),
                             _describe(event.data, names, agencies), _actor(event.actor, names)))
    return sorted((replace(e, at=e.at.astimezone(zone)) for e in entries), key=lambda e: e.at)


def _actor(actor: str, names: dict[int | None, str]) -> str:
    if actor.startswith("contact:") and actor.removeprefix("contact:").isdigit():
        return names.get(int(actor.removeprefix("contact:")), actor)
    return actor


def _describe(data: dict[str, Any], names: dict[int | None, str], agencies: dict[int | None, str]) -> str:
    """What changed, in words: "status Not started → Blocked; lead contact none → Priya Shah"."""
    def shown(key: str, value: Any) -> str:
        if value is None:
            return "none"
        if key == "status":
            return str(value).replace("_", " ").capitalize()
        if key == "lead_agency_id":
            return agencies.get(value, str(value))
        if key == "lead_contact_id":
            return names.get(value, str(value))
        return str(value)

    before, after = data.get("before"), data.get("after")
    parts = []
    if isinstance(before, dict) and isinstance(after, dict):
        parts = [f"{key.removesuffix('_id').replace('_', ' ')} {shown(key, before.get(key))} → {shown(key, after.get(key))}"
                 for key in after if before.get(key) != after.get(key)]
    if data.get("note"):
        parts.append(f"note: {data['note']}")
    return "; ".join(parts)


@dataclass(frozen=True)
class PendingReading:
    update_id: int
    action_id: int
    ref: str
    reading: str
    new_due: str | None
    confidence: float
    raw_text: str
    author: str
    at: datetime


@dataclass(frozen=True)
class DeadMessage:
    message_id: int
    kind: str
    recipient: str
    error: str
    at: datetime


@dataclass(frozen=True)
class Unassigned:
    action_id: int
    ref: str
    review: str
    agency: str


@dataclass(frozen=True)
class Queue:
    readings: list[PendingReading]
    dead: list[DeadMessage]
    unassigned: list[Unassigned]
    reroutes: list[TaskView] = field(default_factory=list)  # "not ours / new lead" tasks
    notices: list[Notice] = field(default_factory=list)  # held mail, capped away dates, quarantined mail


def review_queue(session: Session, partnership_id: int) -> Queue:
    in_partnership = (
        sa.select(_c(Action.id)).join(Recommendation, _c(Recommendation.id) == _c(Action.recommendation_id))
        .join(Review, _c(Review.id) == _c(Recommendation.review_id)).where(_c(Review.partnership_id) == partnership_id)
    )
    readings = session.execute(
        sa.select(ProgressUpdate, _c(Action.ref), _c(Contact.name))
        .join(Action, _c(Action.id) == _c(ProgressUpdate.action_id))
        .outerjoin(Contact, _c(Contact.id) == _c(ProgressUpdate.author_contact_id))
        .where(sa.not_(_c(ProgressUpdate.confirmed)), sa.not_(_c(ProgressUpdate.rejected)),
               sa.not_(_c(ProgressUpdate.refused)), _c(Action.id).in_(in_partnership),
               _c(ProgressUpdate.id).not_in(sa.select(_c(RerouteTask.update_id))))  # those are listed as tasks
        .order_by(_c(ProgressUpdate.at)).limit(QUEUE_LIMIT)
    ).all()
    dead = session.execute(
        sa.select(Message, _c(Contact.name)).outerjoin(Contact, _c(Contact.id) == _c(Message.recipient_contact_id))
        .where(_c(Message.state) == MessageState.DEAD.value).order_by(_c(Message.created_at).desc()).limit(QUEUE_LIMIT)
    ).all()
    unassigned = session.execute(
        sa.select(_c(Action.id), _c(Action.ref), _c(Review.code),
                  sa.func.coalesce(_c(Agency.name), _c(Action.lead_agency_text), ""))
        .join(Recommendation, _c(Recommendation.id) == _c(Action.recommendation_id))
        .join(Review, _c(Review.id) == _c(Recommendation.review_id))
        .outerjoin(Agency, _c(Agency.id) == _c(Action.lead_agency_id))
        .where(_c(Review.partnership_id) == partnership_id, _c(Action.lead_contact_id).is_(None),
               _c(Action.removed_from_plan_at).is_(None),
               _c(Action.status).not_in([s.value for s in CLOSED_STATUSES]))
        .order_by(_c(Review.code), _c(Action.ref)).limit(QUEUE_LIMIT)
    ).all()
    return Queue(
        [PendingReading(u.id, u.action_id, ref, (u.status or "unclear").replace("_", " "),
                        f"{u.new_due.day} {u.new_due:%B %Y}" if u.new_due else None, u.confidence, u.raw_text or "",
                        name or u.author or "", u.at) for u, ref, name in readings if u.id is not None],
        [DeadMessage(m.id, m.kind.replace("_", " "), name or m.recipient_address or "", m.last_error or "", m.created_at)
         for m, name in dead if m.id is not None],
        [Unassigned(*row) for row in unassigned],
        _open_reroutes(session, in_partnership),
        open_notices(session, QUEUE_LIMIT),
    )


def _open_reroutes(session: Session, in_partnership: Any) -> list[TaskView]:
    ids = session.exec(
        select(RerouteTask.id).where(RerouteTask.state == TaskState.OPEN.value,
                                     _c(RerouteTask.action_id).in_(in_partnership))
        .order_by(_c(RerouteTask.created_at), _c(RerouteTask.id)).limit(QUEUE_LIMIT)
    ).all()
    return task_views(session, [i for i in ids if i is not None])


def visible_queue(queue: Queue, viewer: Viewer) -> Queue:
    return queue if viewer.is_coordinator else Queue([], [], [])
