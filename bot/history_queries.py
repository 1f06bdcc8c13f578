"""bot.rules.history said in SQL: the filters every query about actions and their history shares.

Kept beside the pure module rather than in it, so that bot/rules/ imports no SQLAlchemy. Each
clause here means exactly what its namesake predicate in bot.rules.history means for plain values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from bot.models import Action, Message, MessageAction, ProgressUpdate
from bot.rules.history import ANSWER_SOURCES, CHASE_KINDS, HISTORY_KINDS
from bot.rules.statuses import CLOSED_STATUSES, MessageState


def in_plan() -> sa.ColumnElement[bool]:
    """Actions the plan still has (`history.is_in_plan`)."""
    return col(Action.removed_from_plan_at).is_(None)


#: Written into the SQL rather than bound, so that PostgreSQL matches live_action() to the predicate of
#: ix_action_live_due_ref even in the generic plan of a prepared statement (bound values could be anything).
CLOSED_STATUS_VALUES = tuple(sorted(s.value for s in CLOSED_STATUSES))


def open_action() -> sa.ColumnElement[bool]:
    """Actions not complete or not applicable (`history.is_open`)."""
    return col(Action.status).not_in([sa.literal(value, literal_execute=True) for value in CLOSED_STATUS_VALUES])


def live_action() -> sa.ColumnElement[bool]:
    """Open and still in the plan (`history.is_live`): what is chased, shown as open and counted overdue."""
    return sa.and_(open_action(), in_plan())


def is_answer() -> sa.ColumnElement[bool]:
    """Updates that answer the chasing (`history.is_answer`): not an import, not refused."""
    return sa.and_(
        col(ProgressUpdate.source).in_(sorted(s.value for s in ANSWER_SOURCES)),
        sa.not_(col(ProgressUpdate.refused)),
    )


def delivered_at() -> sa.ColumnElement[datetime | None]:
    """When the message reached its reader, else NULL (`history.delivered_at`)."""
    return sa.case((col(Message.state) == MessageState.SENT.value, col(Message.sent_at)), else_=sa.null())


def is_chase() -> sa.ColumnElement[bool]:
    """Messages that are steps of chasing (`history.CHASE_KINDS`)."""
    return col(Message.kind).in_(sorted(k.value for k in CHASE_KINDS))


def in_history() -> sa.ColumnElement[bool]:
    """Messages of an action's chase history (`history.HISTORY_KINDS`)."""
    return col(Message.kind).in_(sorted(k.value for k in HISTORY_KINDS))


def reached_message(column: Any, which: sa.ColumnElement[bool]) -> Any:
    """`column` of the message behind the current message_action row when it is one of `which` and reached
    someone (not dead); NULL otherwise. Looked up by primary key: inside `per_action`, one lookup per link."""
    return (
        sa.select(column)
        .where(col(Message.id) == col(MessageAction.message_id), col(Message.state) != MessageState.DEAD.value, which)
        .correlate(MessageAction)
        .scalar_subquery()
    )


def per_action(aggregate: Any) -> Any:
    """`aggregate` over the current action's message_action rows (index ix_messageaction_action_id), e.g.
    `per_action(sa.func.max(reached_message(Message.created_at, is_chase())))`.

    For a page of actions: a join to a per-action aggregate instead is what PostgreSQL without statistics
    ran as a nested loop over the aggregate of every action.
    """
    return (
        sa.select(aggregate)
        .select_from(MessageAction)
        .where(col(MessageAction.action_id) == col(Action.id))
        .correlate(Action)
        .scalar_subquery()
    )


def as_utc(moment: datetime | str | None) -> datetime | None:
    """A value of `per_action` over a UTCDateTime column: it may come back naive, or on SQLite as text."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment
