"""bot.rules.history said in SQL: the filters every query about actions and their history shares.

Kept beside the pure module rather than in it, so that bot/rules/ imports no SQLAlchemy. Each
clause here means exactly what its namesake predicate in bot.rules.history means for plain values.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col

from bot.models import Action, Message, ProgressUpdate
from bot.rules.history import ANSWER_SOURCES, CHASE_KINDS, HISTORY_KINDS
from bot.rules.statuses import CLOSED_STATUSES


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


def is_chase() -> sa.ColumnElement[bool]:
    """Messages that are steps of chasing (`history.CHASE_KINDS`)."""
    return col(Message.kind).in_(sorted(k.value for k in CHASE_KINDS))


def in_history() -> sa.ColumnElement[bool]:
    """Messages of an action's chase history (`history.HISTORY_KINDS`)."""
    return col(Message.kind).in_(sorted(k.value for k in HISTORY_KINDS))
