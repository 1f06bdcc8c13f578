"""The plain rows the board digest is built from, and the queries that load them.

Kept apart from bot.digest.content so the digest rules stay pure: they see these small dataclasses, never
a session. Every datetime here is aware (UTC from the database).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.history_queries import delivered_at, in_history, in_plan, is_answer
from bot.models import (
    Action,
    Agency,
    BoardMeeting,
    Contact,
    Event,
    Message,
    MessageAction,
    ProgressUpdate,
    Recommendation,
    Review,
)
from bot.rules.chasing import not_chased_reason
from bot.rules.statuses import Role

NO_AGENCY = "No lead agency"


@dataclass(frozen=True)
class ActionRow:
    action_id: int
    ref: str
    review: str  # review code, e.g. RIV3
    agency: str
    due: date | None
    status: str  # ActionStatus value
    summary: str = ""  # the action's text, cut short where it is shown
    not_chased: str | None = None  # chasing.not_chased_reason: why nobody is asked about it
    snoozed_until: date | None = None  # chasing and escalation wait until then (`/dhr snooze`)


@dataclass(frozen=True)
class ChaseMessage:
    """A heads-up, chaser, update request or escalation about `action_ids` that was delivered, dated when it went."""

    kind: str  # MessageKind value
    level: int
    at: datetime
    action_ids: tuple[int, ...]
    recipient_role: str | None = None  # Role value of the contact it went to; None for the board or unknown


@dataclass(frozen=True)
class Answer:
    action_id: int
    at: datetime


@dataclass(frozen=True)
class Change:
    """One recorded change to an action (an `action.changed` audit event)."""

    action_id: int
    at: datetime
    old_status: str | None
    new_status: str | None
    old_due: date | None
    new_due: date | None


def load_actions(session: Session, partnership_id: int) -> list[ActionRow]:
    """Every action the plan still has, open or closed: the digest counts completed ones too."""
    lead = aliased(Contact)
    rows = session.execute(
        sa.select(
            col(Action.id), col(Action.ref), col(Review.code), col(Agency.name), col(Action.lead_agency_text),
            col(Action.due), col(Action.status), col(Action.description), col(Action.lead_agency_id),
            col(Action.lead_contact_id), col(lead.active), col(Action.snoozed_until),
        )
        .join(Recommendation, col(Recommendation.id) == col(Action.recommendation_id))
        .join(Review, col(Review.id) == col(Recommendation.review_id))
        .outerjoin(Agency, col(Agency.id) == col(Action.lead_agency_id))
        .outerjoin(lead, col(lead.id) == col(Action.lead_contact_id))
        .where(col(Review.partnership_id) == partnership_id, in_plan())
    ).all()
    # As the sweep finds a lead (PlanFacts.lead_of): the action's own contact, else its agency's lead.
    agencies_with_a_lead = set(session.exec(
        select(col(Contact.agency_id)).where(Contact.active == True, Contact.role == Role.LEAD.value)  # noqa: E712
    ).all())
    made = []
    for (action_id, ref, code, agency, agency_text, due, status, description, agency_id,
         contact_id, contact_active, snoozed_until) in rows:
        if action_id is None:
            continue
        has_contact = bool(contact_active) if contact_id is not None else agency_id in agencies_with_a_lead
        made.append(ActionRow(action_id, ref, code, agency or agency_text or NO_AGENCY, due, status,
                              description or "", not_chased_reason(status, agency_id is not None, has_contact),
                              snoozed_until))
    return made


def previous_meeting(session: Session, partnership_id: int, meeting_date: date) -> date | None:
    """The latest board meeting before `meeting_date`: the digest reports changes since then."""
    return session.exec(
        select(sa.func.max(BoardMeeting.date)).where(
            BoardMeeting.partnership_id == partnership_id, BoardMeeting.date < meeting_date
        )
    ).first()


def meeting_dates(session: Session, partnership_id: int) -> list[date]:
    """Every board meeting on record: a board update request asks for an answer before the next one."""
    meetings = session.exec(select(col(BoardMeeting.date)).where(BoardMeeting.partnership_id == partnership_id))
    return sorted(meetings.all())


def load_chase_messages(session: Session, action_ids: set[int]) -> list[ChaseMessage]:
    """Every chasing message about these actions that was delivered (`history.delivered_at`): one
    still queued (say behind a channel paused by an outage) or dead asked nobody anything."""
    covered: dict[int, list[int]] = defaultdict(list)
    found: dict[int, tuple[Message, str | None]] = {}
    for message, action_id, role in session.execute(
        sa.select(Message, col(MessageAction.action_id), col(Contact.role))
        .join(MessageAction, col(MessageAction.message_id) == col(Message.id))
        .outerjoin(Contact, col(Contact.id) == col(Message.recipient_contact_id))
        .where(in_history(), delivered_at().is_not(None))
    ).all():
        if action_id in action_ids and message.id is not None:
            found[message.id] = (message, role)
            covered[message.id].append(action_id)
    return [
        ChaseMessage(m.kind, m.level, m.sent_at or m.created_at, tuple(sorted(covered[i])), role)
        for i, (m, role) in found.items()
    ]


def load_answers(session: Session, action_ids: set[int]) -> list[Answer]:
    """The updates that answer the chasing (`history.is_answer`)."""
    return [
        Answer(action_id, at)
        for action_id, at in session.execute(
            sa.select(col(ProgressUpdate.action_id), col(ProgressUpdate.at)).where(is_answer())
        ).all()
        if action_id in action_ids
    ]


def load_changes(session: Session, action_ids: set[int]) -> list[Change]:
    """Status and target date changes, from the audit log that bot.updates writes."""
    changes = []
    for event in session.exec(select(Event).where(Event.kind == "action.changed", Event.entity == "action")).all():
        if event.entity_id is None or event.entity_id not in action_ids:
            continue
        before, after = event.data.get("before") or {}, event.data.get("after") or {}
        changes.append(
            Change(event.entity_id, event.at, before.get("status"), after.get("status"),
                   _day(before.get("due")), _day(after.get("due")))
        )
    return changes


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None
