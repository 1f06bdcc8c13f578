"""Keeping `ActionDecision.decide_on` true: any change to what the rules read about an action resets it.

The sweep loads only the actions whose stored decision day has come (bot/rules/decisions.py). A day
computed from facts that have changed since could be too late, so every flush that adds, changes or
removes what the chasing and escalation rules read sets the affected actions' day back to DECIDE_NOW
(and counts the reset in `decide_gen`, so a sweep that decided on the older facts does not store its
day over the reset):

- an action's own columns (status, due date, snooze, lead...): that action;
- a progress update (a reply, a button, a command, a withdrawn or refused reading): its action;
- a message linked to an action, removed, or changed in what the rules read of it (a chaser delivered counts
  towards escalation from then): the actions it covers;
- a contact added, changed (away, back, made inactive, moved agency) or removed: the actions it
  leads, and those of its agencies that have no lead contact of their own.

One listener on every ORM session, so no handler has to remember. Writes that bypass the ORM must
reset the day themselves (`reset_decisions`); today that is the sweep, which stores the days it
computes. A new action gets its row, at DECIDE_NOW, from a database trigger (migration 0002).
What the day depends on beyond one action (settings, meetings, agency policies) is the sweep's
`decision_basis` check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, UOWTransaction
from sqlmodel import col

from bot.history_queries import live_action
from bot.models import DECIDE_NOW, Action, ActionDecision, Contact, Message, MessageAction, ProgressUpdate

#: Action columns the rules never read: changing them leaves the stored day as it was.
_NOT_DECIDING = frozenset({"updated_at", "created_at",
                           # the console's copies (bot/action_copies.py): the rules read their sources
                           "review_id", "recommendation_position", "agency_name"})
_PENDING = "dhr.decisions.pending"
#: What the rules read of a message (history_queries): its kind and level, when it was written, and
#: whether and when it was delivered.
_MESSAGE_FACTS = ("state", "sent_at", "kind", "level", "created_at")


@dataclass
class _Pending:
    action_ids: set[int] = field(default_factory=set)
    message_ids: set[int] = field(default_factory=set)
    contact_ids: set[int] = field(default_factory=set)
    agency_ids: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.action_ids or self.message_ids or self.contact_ids or self.agency_ids)


def reset_decisions(where: sa.ColumnElement[bool]) -> sa.Update:
    """The UPDATE that sets the decision day of the actions `where` selects back to DECIDE_NOW, or to None
    for those no longer live (closed, or gone from the plan), which so leave the sweep's index."""
    decision = ActionDecision.__table__  # type: ignore[attr-defined]
    live = sa.exists().where(col(Action.id) == decision.c.action_id, live_action())
    return (
        sa.update(decision)
        .where(decision.c.action_id.in_(sa.select(col(Action.id)).where(where)))
        .values(decide_on=sa.case((live, DECIDE_NOW), else_=None), decide_gen=decision.c.decide_gen + 1)
    )


def attribute_changed(instance: Any, names: Iterable[str]) -> bool:
    state = sa.inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in names)


def attribute_values(instance: Any, name: str) -> set[Any]:
    """The attribute's value now and before this flush. Loaded if need be: a rollback or an expiring
    commit unloads a row's columns, and `history` alone would then name no value at all."""
    history = sa.inspect(instance).attrs[name].load_history()
    return {v for v in (*history.added, *history.unchanged, *history.deleted) if v is not None}


def _collect(session: Session, _context: UOWTransaction, _instances: object) -> None:
    pending: _Pending = session.info.setdefault(_PENDING, _Pending())
    action_columns = [c.key for c in sa.inspect(Action).column_attrs if c.key not in _NOT_DECIDING]
    contact_columns = [c.key for c in sa.inspect(Contact).column_attrs]
    # Each of session.new and .deleted builds a fresh set: read once, not per instance (a flush of the 62,500
    # contacts of a national list took minutes when every instance asked again).
    added, deleted = session.new, session.deleted
    for instance in (*added, *session.dirty, *deleted):
        new = instance in added
        if isinstance(instance, Action):
            if not new and instance.id is not None and attribute_changed(instance, action_columns):
                pending.action_ids.add(instance.id)  # a new action starts at DECIDE_NOW
        elif isinstance(instance, ProgressUpdate | MessageAction):
            pending.action_ids.update(attribute_values(instance, "action_id"))
        elif isinstance(instance, Message) and not new and instance.id is not None:
            if instance in deleted:  # its links may be gone by the time the flush has run
                pending.action_ids.update(session.connection().execute(
                    sa.select(col(MessageAction.action_id)).where(col(MessageAction.message_id) == instance.id)
                ).scalars())
            elif attribute_changed(instance, _MESSAGE_FACTS):
                pending.message_ids.add(instance.id)
        elif isinstance(instance, Contact) and (new or instance in deleted or attribute_changed(instance, contact_columns)):
            if instance.id is not None:
                pending.contact_ids.add(instance.id)
            pending.agency_ids.update(attribute_values(instance, "agency_id"))


def _reset(session: Session, _context: UOWTransaction) -> None:
    pending: _Pending | None = session.info.pop(_PENDING, None)
    if not pending:
        return
    connection = session.connection()
    if pending.action_ids:
        connection.execute(reset_decisions(col(Action.id).in_(sorted(pending.action_ids))))
    if pending.message_ids:
        covered = sa.select(col(MessageAction.action_id)).where(col(MessageAction.message_id).in_(sorted(pending.message_ids)))
        connection.execute(reset_decisions(col(Action.id).in_(covered)))
    if pending.contact_ids or pending.agency_ids:
        connection.execute(reset_decisions(sa.or_(
            col(Action.lead_contact_id).in_(sorted(pending.contact_ids)),
            sa.and_(col(Action.lead_agency_id).in_(sorted(pending.agency_ids)), col(Action.lead_contact_id).is_(None)),
        )))


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(_PENDING, None)


def _keep_old_value(_target: object, value: object, _old: object, _initiator: object) -> object:
    return value


# A column the reset is aimed by keeps its old value when set, even on an expired row (a rollback, an
# expiring commit), so that `attribute_values` names what it was as well: the agency a lead left, the action
# an answer was moved from.
for _aimed_by in (Contact.agency_id, ProgressUpdate.action_id, MessageAction.action_id):
    sa.event.listen(_aimed_by, "set", _keep_old_value, active_history=True, retval=True)

sa.event.listen(Session, "before_flush", _collect)
sa.event.listen(Session, "after_flush", _reset)
sa.event.listen(Session, "after_rollback", _forget)
