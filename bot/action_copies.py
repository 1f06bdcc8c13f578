"""Keeping the copies on Action and ActionActivity true: what the console's plan page filters, sorts and counts on.

The plan page of a 500,000-action review answers from indexes on the action and its activity row alone
(bot/console/queries.py), so what it needs from other rows is copied onto them. The copies and their sources:

- on Action, its place: `review_id`, `recommendation_position`, the review and the plan position of the action's
  recommendation; `agency_name`, the lead agency's name, else the agency as the plan wrote it (`lead_agency_text`);
- on ActionActivity, its activity: `last_chased_at`, when the latest message of the action's chase history
  (`history_queries.in_history`) that has not been given up on (dead) was written; `last_answer_at`, when the
  latest progress update that answers (`history_queries.is_answer`, and not set aside as misread) was given.
  They have a table of their own because the sweep moves the last chase of thousands of actions, and a write of
  the action is a write in each of its many indexes (models.ActionActivity). The row itself, and the action's
  review and liveness on it, are the database's to keep (triggers, migration 0003), not this module's.

The rule: nothing else writes them, and every write of a source recomputes the copies it feeds from the sources
(`refresh_place`, `refresh_activity`), never adds to them. One listener on every ORM session does it for whatever a flush adds,
changes or removes: an action created, moved to another recommendation or agency; a recommendation moved or
renumbered; an agency renamed; a progress update; a message linked, unlinked, removed, or changed in kind,
time or in whether it is dead. Writes that bypass the ORM keep them themselves, through this module:
- new actions inserted in bulk (the import) take their copies from `with_copies`;
- messages queued in bulk (the sweep, `outbox.enqueue_many`) move their actions' last chase on (`chased`);
- imported progress updates (Core) are never answers, and a review deleted with Core deletes its actions too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, UOWTransaction
from sqlmodel import col

from bot.bulk import with_ids
from bot.decisions import attribute_changed, attribute_values
from bot.history_queries import in_history, is_answer, reached_message
from bot.models import Action, ActionActivity, Agency, Message, MessageAction, ProgressUpdate, Recommendation
from bot.rules.history import HISTORY_KINDS
from bot.rules.statuses import MessageState

_PENDING = "dhr.action_copies.pending"
#: Action columns the copies are taken from: changing one retakes them.
_PLACE_SOURCES = ("recommendation_id", "lead_agency_id", "lead_agency_text")
#: Batch of ids per statement (SQLite's limit on bound values, with room to spare).
_BATCH = 500


def last_chased_at(action_id: Any) -> Any:
    """When the action's latest chase-history message that is not dead was written (NULL: never chased). Each of
    its links looks its message up by key (history_queries.reached_message): joined instead, PostgreSQL without
    statistics hashed every message again for each action refreshed."""
    return (
        sa.select(sa.func.max(reached_message(col(Message.created_at), in_history())))
        .where(col(MessageAction.action_id) == action_id)
        .scalar_subquery()
    )


def last_answer_at(action_id: Any) -> Any:
    """When the action's latest answer was given (NULL: never answered)."""
    return (
        sa.select(sa.func.max(col(ProgressUpdate.at)))
        .where(col(ProgressUpdate.action_id) == action_id, is_answer(), sa.not_(col(ProgressUpdate.rejected)))
        .scalar_subquery()
    )


def _place(recommendation_id: Any, lead_agency_id: Any, lead_agency_text: Any) -> dict[str, Any]:
    def of_recommendation(column: Any) -> Any:
        return sa.select(column).where(col(Recommendation.id) == recommendation_id).scalar_subquery()

    agency = sa.select(col(Agency.name)).where(col(Agency.id) == lead_agency_id).scalar_subquery()
    return {
        "review_id": of_recommendation(col(Recommendation.review_id)),
        "recommendation_position": of_recommendation(col(Recommendation.position)),
        "agency_name": sa.func.coalesce(agency, lead_agency_text),
    }


def refresh_place(where: sa.ColumnElement[bool]) -> sa.Update:
    """The UPDATE that retakes the place copies of the actions `where` (on Action) selects from their sources."""
    return (
        sa.update(Action)
        .where(where)
        .values(**_place(col(Action.recommendation_id), col(Action.lead_agency_id), col(Action.lead_agency_text)))
        .execution_options(synchronize_session=False)
    )


def refresh_activity(where: sa.ColumnElement[bool] | None) -> sa.Update:
    """The UPDATE that retakes the last chase and last answer of the activity rows `where` (on ActionActivity)
    selects (None: every row) from their sources."""
    action_id = col(ActionActivity.action_id)
    update = sa.update(ActionActivity) if where is None else sa.update(ActionActivity).where(where)
    return (
        update.values(last_chased_at=last_chased_at(action_id), last_answer_at=last_answer_at(action_id))
        .execution_options(synchronize_session=False)
    )


def with_copies(session: Session, rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """New action rows for a Core insert, with the copies their recommendation and agency give (a new action
    has no history yet: its activity row, which the database adds, starts without a chase or an answer). Looked
    up in two statements, however many rows."""
    recommendations = _lookup(session, Recommendation, {row["recommendation_id"] for row in rows},
                              col(Recommendation.review_id), col(Recommendation.position))
    agencies = _lookup(session, Agency, {row.get("lead_agency_id") for row in rows} - {None}, col(Agency.name))
    copied = []
    for row in rows:
        review_id, position = recommendations[row["recommendation_id"]]
        agency = agencies.get(row.get("lead_agency_id"))
        copied.append({**row, "review_id": review_id, "recommendation_position": position,
                       "agency_name": agency[0] if agency is not None else row.get("lead_agency_text")})
    return copied


def _lookup(session: Session, model: Any, ids: set[Any], *columns: Any) -> dict[Any, tuple[Any, ...]]:
    found: dict[Any, tuple[Any, ...]] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), _BATCH):
        query = sa.select(col(model.id), *columns).where(col(model.id).in_(wanted[start:start + _BATCH]))
        found.update({row[0]: tuple(row[1:]) for row in session.execute(query)})
    return found


def chased(session: Session, action_ids: Iterable[int], at: datetime) -> None:
    """Actions newly linked to a chase-history message written `at` that is not dead: their last chase is the
    later of the one they had and `at` (what `refresh_activity` would find)."""
    wanted = set(action_ids)
    if wanted:
        session.execute(chased_update(wanted, at, session.connection().dialect.name))


def chased_update(action_ids: Collection[int], at: datetime, dialect: str) -> sa.Update:
    """`chased` as one UPDATE by key, whatever the number of actions (`bulk.with_ids`: a sweep's batch holds
    thousands, which as 500-id IN lists cost 89 statements and their parameter handling at 100k actions).
    It writes the activity rows alone: a narrow row and its three indexes for each action, not the action and every
    index the console gave it."""
    last_chase = col(ActionActivity.last_chased_at)
    return (
        sa.update(ActionActivity)
        .where(with_ids(col(ActionActivity.action_id), action_ids, dialect), sa.or_(last_chase.is_(None), last_chase < at))
        .values(last_chased_at=at)
        .execution_options(synchronize_session=False)
    )


def is_history_kind(kind: str) -> bool:
    """Whether a message of this kind belongs to the chase history `last_chased_at` is taken from."""
    return kind in HISTORY_KINDS


@dataclass
class _Pending:
    action_ids: set[int] = field(default_factory=set)  # their activity to retake
    message_ids: set[int] = field(default_factory=set)
    recommendation_ids: set[int] = field(default_factory=set)
    agency_ids: set[int] = field(default_factory=set)


def _collect(session: Session, _context: UOWTransaction, _instances: object) -> None:
    pending: _Pending = session.info.setdefault(_PENDING, _Pending())
    added, deleted = session.new, session.deleted  # each builds a fresh set: read once (see bot/decisions.py)
    with session.no_autoflush:
        for instance in (*added, *session.dirty, *deleted):
            if isinstance(instance, Action) and instance not in deleted:
                if instance in added or attribute_changed(instance, _PLACE_SOURCES):
                    _take_place(session, instance)
            elif isinstance(instance, ProgressUpdate | MessageAction):
                pending.action_ids.update(attribute_values(instance, "action_id"))
            elif isinstance(instance, Message) and instance not in added and instance.id is not None:
                if instance in deleted:  # its links may be gone by the time the flush has run
                    pending.action_ids.update(session.connection().execute(
                        sa.select(col(MessageAction.action_id)).where(col(MessageAction.message_id) == instance.id)
                    ).scalars())
                elif attribute_changed(instance, ("kind", "created_at")) or _dead_changed(instance):
                    pending.message_ids.add(instance.id)
            elif isinstance(instance, Recommendation) and _stored_and_changed(added, instance, "review_id", "position"):
                pending.recommendation_ids.add(instance.id)  # type: ignore[arg-type]
            elif isinstance(instance, Agency) and _stored_and_changed(added, instance, "name"):
                pending.agency_ids.add(instance.id)  # type: ignore[arg-type]


def _stored_and_changed(added: Any, instance: Recommendation | Agency, *names: str) -> bool:
    return instance.id is not None and instance not in added and attribute_changed(instance, names)


def _take_place(session: Session, action: Action) -> None:
    """An action added or moved in this flush takes its recommendation's and agency's copies before it is written
    (the review is NOT NULL): the same values `refresh_place` gives, read from the session."""
    recommendation = session.get(Recommendation, action.recommendation_id)
    if recommendation is None:
        return  # the foreign key refuses the row
    agency = session.get(Agency, action.lead_agency_id) if action.lead_agency_id is not None else None
    action.review_id = recommendation.review_id
    action.recommendation_position = recommendation.position
    action.agency_name = agency.name if agency is not None else action.lead_agency_text


def _dead_changed(message: Message) -> bool:
    """Whether the message became dead or stopped being dead (an old value not known counts as either)."""
    history = sa.inspect(message).attrs["state"].load_history()
    dead = MessageState.DEAD.value
    return bool(history.added) and (dead in history.added or dead in history.deleted or not history.deleted)


def _refresh(session: Session, _context: UOWTransaction) -> None:
    pending: _Pending | None = session.info.pop(_PENDING, None)
    if pending is None:
        return
    connection = session.connection()
    activity_of = col(ActionActivity.action_id)
    ids = sorted(pending.action_ids)
    for start in range(0, len(ids), _BATCH):
        connection.execute(refresh_activity(activity_of.in_(ids[start:start + _BATCH])))
    if pending.message_ids:
        covered = sa.select(col(MessageAction.action_id)).where(col(MessageAction.message_id).in_(sorted(pending.message_ids)))
        connection.execute(refresh_activity(activity_of.in_(covered)))
    if pending.recommendation_ids:
        connection.execute(refresh_place(col(Action.recommendation_id).in_(sorted(pending.recommendation_ids))))
    if pending.agency_ids:
        connection.execute(refresh_place(col(Action.lead_agency_id).in_(sorted(pending.agency_ids))))


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(_PENDING, None)


sa.event.listen(Session, "before_flush", _collect)
sa.event.listen(Session, "after_flush", _refresh)
sa.event.listen(Session, "after_rollback", _forget)
