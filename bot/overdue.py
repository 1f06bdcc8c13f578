"""The overdue query behind `dhr overdue` and `/dhr overdue`: one SQL statement, filtered in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session

from bot.models import Action, Agency, Contact, Message, MessageAction, Recommendation, Review
from bot.rules.statuses import CLOSED_STATUSES, MessageState


@dataclass(frozen=True)
class OverdueRow:
    ref: str
    review: str
    agency: str
    summary: str
    due: date
    days_overdue: int
    status: str
    last_chased: date | None
    chase_count: int


@dataclass(frozen=True)
class OverdueFilter:
    agency: str | None = None  # name or alias, case-insensitive
    review: str | None = None  # review code
    lead_contact_id: int | None = None  # "mine"


def overdue_actions(
    session: Session, partnership_id: int, as_of: date, tz: str, where: OverdueFilter = OverdueFilter()
) -> list[OverdueRow]:
    """Open actions whose target date is before `as_of`, most overdue first."""
    chased = (
        sa.select(
            MessageAction.action_id.label("action_id"),  # type: ignore[attr-defined]
            sa.func.max(Message.created_at).label("last_chased"),
            sa.func.count().label("chase_count"),
        )
        .join(Message, Message.id == MessageAction.message_id)  # type: ignore[arg-type]
        .where(Message.state != MessageState.DEAD.value, Message.kind.in_(("heads_up", "chaser", "board_update_request")))  # type: ignore[attr-defined]
        .group_by(MessageAction.action_id)
        .subquery()
    )
    query = (
        sa.select(
            Action.ref, Review.code, Agency.name, Action.lead_agency_text, Action.description, Action.due,
            Action.status, chased.c.last_chased, chased.c.chase_count,
        )
        .join(Recommendation, Recommendation.id == Action.recommendation_id)  # type: ignore[arg-type]
        .join(Review, Review.id == Recommendation.review_id)  # type: ignore[arg-type]
        .outerjoin(Agency, Agency.id == Action.lead_agency_id)  # type: ignore[arg-type]
        .outerjoin(chased, chased.c.action_id == Action.id)
        .where(
            Review.partnership_id == partnership_id,
            Action.due < as_of,  # type: ignore[operator]
            Action.status.not_in([s.value for s in CLOSED_STATUSES]),  # type: ignore[attr-defined]
            Action.removed_from_plan_at.is_(None),  # type: ignore[union-attr]
        )
        .order_by(Action.due, Action.ref)
    )
    if where.review:
        query = query.where(sa.func.lower(Review.code) == where.review.lower())
    if where.agency:
        agency_ids = matching_agency_ids(session, where.agency)
        query = query.where(Action.lead_agency_id.in_(agency_ids))  # type: ignore[union-attr]
    if where.lead_contact_id is not None:
        contact = session.get(Contact, where.lead_contact_id)
        mine = sa.or_(Action.lead_contact_id == where.lead_contact_id)
        if contact is not None and contact.agency_id is not None:
            mine = sa.or_(mine, sa.and_(Action.lead_contact_id.is_(None), Action.lead_agency_id == contact.agency_id))  # type: ignore[union-attr]
        query = query.where(mine)
    zone = ZoneInfo(tz)
    rows = []
    for ref, review, agency, agency_text, description, due, status, last_chased, count in session.execute(query):
        rows.append(
            OverdueRow(
                ref=ref,
                review=review,
                agency=agency or agency_text or "No lead agency",
                summary=description,
                due=due,
                days_overdue=(as_of - due).days,
                status=status,
                last_chased=_local_date(last_chased, zone),
                chase_count=count or 0,
            )
        )
    return rows


def matching_agency_ids(session: Session, name: str) -> list[int]:
    """Agencies whose name or an alias is `name`, or whose name contains it."""
    wanted = name.strip().casefold()
    ids = []
    for agency in session.execute(sa.select(Agency)).scalars():
        names = [agency.name.casefold(), *(a.casefold() for a in agency.aliases)]
        if wanted in names or any(wanted in n for n in names[:1]):
            ids.append(agency.id)
    return ids


def _local_date(moment: datetime | None, zone: ZoneInfo) -> date | None:
    if moment is None:
        return None
    if moment.tzinfo is None:  # raw SQL aggregate on SQLite bypasses the column type
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(zone).date()
