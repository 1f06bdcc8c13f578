"""The overdue query behind `dhr overdue` and `/dhr overdue`: one SQL statement, filtered in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.history_queries import is_chase, live_action
from bot.models import Action, Agency, Contact, Message, MessageAction, Recommendation, Review
from bot.rules.statuses import MessageState


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
    """Live actions whose target date is before `as_of`, most overdue first."""
    chased = (
        sa.select(
            col(MessageAction.action_id).label("action_id"),
            sa.func.max(col(Message.created_at)).label("last_chased"),
            sa.func.count().label("chase_count"),
        )
        .join(Message, col(Message.id) == col(MessageAction.message_id))
        .where(col(Message.state) != MessageState.DEAD.value, is_chase())
        .group_by(col(MessageAction.action_id))
        .subquery()
    )
    query = (
        sa.select(
            col(Action.ref), col(Review.code), col(Agency.name), col(Action.lead_agency_text),
            col(Action.description), col(Action.due), col(Action.status), chased.c.last_chased, chased.c.chase_count,
        )
        .join(Recommendation, col(Recommendation.id) == col(Action.recommendation_id))
        .join(Review, col(Review.id) == col(Recommendation.review_id))
        .outerjoin(Agency, col(Agency.id) == col(Action.lead_agency_id))
        .outerjoin(chased, chased.c.action_id == col(Action.id))
        .where(col(Review.partnership_id) == partnership_id, col(Action.due) < as_of, live_action())
        .order_by(col(Action.due), col(Action.ref))
    )
    if where.review:
        query = query.where(sa.func.lower(Review.code) == where.review.lower())
    if where.agency:
        agency_ids = matching_agency_ids(session, where.agency)
        query = query.where(col(Action.lead_agency_id).in_(agency_ids))
    if where.lead_contact_id is not None:
        contact = session.get(Contact, where.lead_contact_id)
        mine = sa.or_(col(Action.lead_contact_id) == where.lead_contact_id)
        if contact is not None and contact.agency_id is not None:
            agencys = sa.and_(col(Action.lead_contact_id).is_(None), col(Action.lead_agency_id) == contact.agency_id)
            mine = sa.or_(mine, agencys)
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
