"""The overdue query behind `dhr overdue` and `/dhr overdue`: filtered, counted and paged in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.history_queries import as_utc, is_chase, live_action, per_action, reached_message
from bot.models import Action, Agency, Contact, Message, MessageAction, Recommendation, Review
from bot.render import OVERDUE_PAGE_SIZE, Page, page_of
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


#: Rows built per statement when the whole list is asked for (one IN list of ids each).
_BATCH = 500


def overdue_page(
    session: Session, partnership_id: int, as_of: date, tz: str, where: OverdueFilter = OverdueFilter(),
    *, page: int = 1, per_page: int = OVERDUE_PAGE_SIZE,
) -> Page[OverdueRow]:
    """One page of `overdue_actions`, counted and cut in SQL: the count, the page's ids, then those rows."""
    chosen = _overdue_ids(session, partnership_id, as_of, where)
    total = int(session.execute(_count_query(chosen)).scalar_one())
    number, page_count = page_of(total, page, per_page)
    ids = list(session.execute(chosen.limit(per_page).offset((number - 1) * per_page)).scalars())
    return Page(_overdue_rows(session, ids, as_of, tz), number, page_count, total)


def overdue_actions(
    session: Session, partnership_id: int, as_of: date, tz: str, where: OverdueFilter = OverdueFilter()
) -> list[OverdueRow]:
    """Live actions whose target date is before `as_of`, most overdue first."""
    ids = list(session.execute(_overdue_ids(session, partnership_id, as_of, where)).scalars())
    if len(ids) <= _BATCH:
        return _overdue_rows(session, ids, as_of, tz)
    # A long list: per-row lookups would cost three statements' worth per row, so the history of every
    # action is aggregated once (an aggregate on its own, joined to nothing) and matched up here.
    history = {action_id: (last, count) for action_id, last, count in session.execute(_chase_totals())}
    return [row for start in range(0, len(ids), _BATCH)
            for row in _overdue_rows(session, ids[start : start + _BATCH], as_of, tz, history)]


def _overdue_ids(session: Session, partnership_id: int, as_of: date, where: OverdueFilter) -> Any:
    """The overdue actions' ids, most overdue first.

    Shaped so that the plan does not depend on planner statistics (a freshly loaded PostgreSQL has none):
    it walks ix_action_live_due_ref in its order and stops at the page's end, with no aggregate to join. (Where
    the database holds several partnerships, or a review is asked for, the joins that say so come back,
    and with them a plan that statistics decide.)
    """
    query = (
        sa.select(col(Action.id))
        .where(col(Action.due) < as_of, live_action())
        .order_by(col(Action.due), col(Action.ref))
    )
    if where.review or _holds_other_partnerships(session, partnership_id):
        # Joined only when it narrows something: without statistics PostgreSQL drives the plan from the
        # small review table and reads every action of the partnership by recommendation, then sorts.
        query = (
            query.join(Recommendation, col(Recommendation.id) == col(Action.recommendation_id))
            .join(Review, col(Review.id) == col(Recommendation.review_id))
            .where(col(Review.partnership_id) == partnership_id)
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
    return query


def _overdue_rows(
    session: Session, ids: list[int], as_of: date, tz: str,
    history: dict[int, tuple[datetime | None, int]] | None = None,
) -> list[OverdueRow]:
    """The rows of `ids`, in that order, each with its chase history: from `history` (action id -> last
    chase, count) when given, else looked up per row (see _rows_query) rather than joined from a
    per-action aggregate, which PostgreSQL without statistics ran as a nested loop over the whole aggregate.
    """
    if not ids:
        return []
    zone = ZoneInfo(tz)
    found = {}
    for action_id, ref, review, agency, agency_text, description, due, status, last_chased, count in (
        session.execute(_rows_query(ids, with_history=history is None))
    ):
        if history is not None:
            last_chased, count = history.get(action_id, (None, 0))
        found[action_id] = OverdueRow(
            ref=ref,
            review=review,
            agency=agency or agency_text or "No lead agency",
            summary=description,
            due=due,
            days_overdue=(as_of - due).days,
            status=status,
            last_chased=_local_date(as_utc(last_chased), zone),
            chase_count=count or 0,
        )
    return [found[i] for i in ids if i in found]


def _count_query(chosen: Any) -> Any:
    return sa.select(sa.func.count()).select_from(chosen.order_by(None).subquery())


def _holds_other_partnerships(session: Session, partnership_id: int) -> bool:
    """Whether the database keeps reviews of another partnership (a deployment serves one, from its settings)."""
    others = sa.select(col(Review.id)).where(col(Review.partnership_id) != partnership_id).exists()
    return bool(session.execute(sa.select(others)).scalar())


def _chase_totals() -> Any:
    """Per action: its last chase that reached someone, and how many there were."""
    return (
        sa.select(col(MessageAction.action_id), sa.func.max(col(Message.created_at)), sa.func.count())
        .join(Message, col(Message.id) == col(MessageAction.message_id))
        .where(col(Message.state) != MessageState.DEAD.value, is_chase())
        .group_by(col(MessageAction.action_id))
    )


def _rows_query(ids: list[int], *, with_history: bool = True) -> Any:
    """Each of `ids` with its review code and chase history, all looked up per row by key.

    Per-row subqueries by key rather than joins, so that no estimate can turn one into a scan: PostgreSQL
    without statistics takes a filtered table for a few rows and hashes all of it (a message is looked up by
    its primary key for each of the action's message_action rows instead).
    """
    review_code = (
        sa.select(col(Review.code))
        .select_from(Recommendation)
        .join(Review, col(Review.id) == col(Recommendation.review_id))
        .where(col(Recommendation.id) == col(Action.recommendation_id))
        .correlate(Action)
        .scalar_subquery()
    )
    return (
        sa.select(
            col(Action.id), col(Action.ref), review_code, col(Agency.name), col(Action.lead_agency_text),
            col(Action.description), col(Action.due), col(Action.status),
            *((per_action(sa.func.max(reached_message(col(Message.created_at), is_chase()))),
               per_action(sa.func.count(reached_message(sa.literal(1), is_chase()))))
              if with_history else (sa.null(), sa.null())),
        )
        .outerjoin(Agency, col(Agency.id) == col(Action.lead_agency_id))
        .where(col(Action.id).in_(ids))
    )


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
    return None if moment is None else moment.astimezone(zone).date()
