""""Not ours / new lead": the coordinator's task, from the reply that opens it to the click that settles it.

A redirect reading ("not ours, that's the CCG", "copying in Jane who now leads on this") never changes
the action. `open_reroute_task` keeps a RerouteTask beside the reading, with the known agency and/or
contact the named owner matched (bot.rules.reroute), and tells each coordinator once through the
outbox (Slack with a "Re-route to X" button, or mail, by their route). The console's Review queue
lists open tasks. `accept_reroute` (coordinators only) sets the lead agency and/or lead contact
through the audited correction (bot.plans.corrections.set_action) and confirms the reading;
`reject_reroute` sets the reading aside. Both name who decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from bot.db import ensure_partnership
from bot.models import Action, Agency, Contact, Event, ProgressUpdate, RerouteTask
from bot.outbox import enqueue
from bot.plans.corrections import CorrectionError, set_action
from bot.routing import choose_route, rendered_message
from bot.rules import permissions
from bot.rules.permissions import Person
from bot.rules.reroute import KnownAgency, KnownContact, suggest_new_owner
from bot.rules.statuses import MessageKind, Role, TaskState
from bot.settings import Settings
from bot.text import truncate_words
from bot.updates import UpdateRefused, confirm_update, reject_update

#: What the coordinator's message quotes of the reply: enough to judge, short enough to keep detail out.
SAID_WORDS = 30


@dataclass(frozen=True)
class TaskView:
    """A task as people read it: in the coordinators' message and on the Review queue."""

    task_id: int
    action_id: int
    ref: str
    said: str
    named: str | None
    author: str
    current_agency: str | None
    agency: str | None  # the suggested new lead agency (None: keep, or nothing suggested)
    contact: str | None  # the suggested new lead contact
    at: datetime
    names_current_lead: bool = False

    @property
    def suggested(self) -> bool:
        return self.agency is not None or self.contact is not None

    @property
    def target(self) -> str:
        """What the one-click button does, in two or three words: "Re-route to <target>"."""
        return self.contact or self.agency or ""

    @property
    def summary(self) -> str:
        """One sentence, true whatever was or was not named."""
        return task_summary(self.named, self.agency, self.contact, self.current_agency,
                            names_current_lead=self.names_current_lead)


def task_summary(
    named: str | None, agency: str | None, contact: str | None, current_agency: str | None, *,
    names_current_lead: bool = False,
) -> str:
    if not named:
        return "The lead says this is not theirs but named nobody: choose the new lead agency or contact."
    if names_current_lead:
        return (f"The lead says {named} now leads on this, but that is already its lead: check with them, "
                "or keep it as it is.")
    if agency is None and contact is None:
        return (f"The lead says {named} now leads on this, but that matches no agency or contact the bot "
                "knows: add them to the contacts, or choose the new lead on the action.")
    if contact is not None and (agency is None or agency == current_agency):
        return f"The lead says {named} now leads on this: make {contact} the lead contact?"
    who = f"{agency} ({contact})" if contact else agency
    return f"The lead says {named} now leads on this: re-route it to {who}?"


def open_reroute_task(
    session: Session, settings: Settings, action: Action, update: ProgressUpdate, named: str | None, *, now: datetime
) -> RerouteTask:
    """Keep the task for a redirect reading (once per reading) and queue one message to each coordinator."""
    assert action.id is not None and update.id is not None
    existing = session.exec(select(RerouteTask).where(RerouteTask.update_id == update.id)).first()
    if existing is not None:
        return existing
    agencies = [KnownAgency(a.id, a.name, tuple(a.aliases)) for a in session.exec(select(Agency)).all()
                if a.id is not None]
    people = [KnownContact(c.id, c.name, c.agency_id, c.slack_user_id, c.email)
              for c in session.exec(select(Contact).where(col(Contact.active))).all() if c.id is not None]
    suggestion = suggest_new_owner(named, agencies, people)
    agency_id = suggestion.agency_id if suggestion.agency_id != action.lead_agency_id else None
    if suggestion.contact_id is not None and suggestion.contact_id == action.lead_contact_id:
        agency_id = None  # the lead named the lead: nothing to suggest
    contact_id = suggestion.contact_id if suggestion.contact_id != action.lead_contact_id else None
    task = RerouteTask(action_id=action.id, update_id=update.id, named=named, agency_id=agency_id,
                       contact_id=contact_id, state=TaskState.OPEN.value, created_at=now,
                       names_current_lead=not suggestion.empty and agency_id is None and contact_id is None)
    session.add(task)
    session.flush()
    session.add(Event(at=now, actor=update.author or "answers", kind="reroute.opened", entity="action",
                      entity_id=action.id, data={"task": task.id, "update": update.id, "named": named,
                                                 "agency_id": agency_id, "contact_id": contact_id}))
    _tell_coordinators(session, settings, task_view(session, task), now)
    return task


def coordinators(session: Session, settings: Settings) -> list[Contact]:
    """Active coordinators: by role, or by their Slack id listed in the settings."""
    found = session.exec(select(Contact).where(col(Contact.active)).order_by(col(Contact.id))).all()
    return [c for c in found if c.role == Role.COORDINATOR.value
            or (c.slack_user_id is not None and c.slack_user_id in settings.coordinators)]


def _tell_coordinators(session: Session, settings: Settings, view: TaskView, now: datetime) -> None:
    partnership = ensure_partnership(session, settings)
    for person in coordinators(session, settings):
        agency = session.get(Agency, person.agency_id) if person.agency_id else None
        route = choose_route(person, agency, settings)
        if route is None:
            continue  # the Review queue still lists the task
        context = {"recipient_name": person.name, "partnership_name": partnership.name, "task": view}
        # No action_ids: a coordinator's reply to this message is not a progress report on the action.
        message = rendered_message(MessageKind.REROUTE.value, f"reroute:{view.task_id}:{person.id}", route, context,
                                   contact_id=person.id)
        enqueue(session, message, now=now, actor="answers")


def task_view(session: Session, task: RerouteTask) -> TaskView:
    assert task.id is not None
    [view] = task_views(session, [task.id])
    return view


def task_views(session: Session, task_ids: Sequence[int]) -> list[TaskView]:
    """The tasks as people read them, in the order of `task_ids`, in one statement."""
    if not task_ids:
        return []
    author, suggested = aliased(Contact), aliased(Contact)
    current, new_agency = aliased(Agency), aliased(Agency)
    rows = session.execute(
        sa.select(RerouteTask, col(Action.ref), col(ProgressUpdate.raw_text), col(ProgressUpdate.author),
                  col(author.name), col(current.name), col(new_agency.name), col(suggested.name))
        .join(Action, col(Action.id) == col(RerouteTask.action_id))
        .join(ProgressUpdate, col(ProgressUpdate.id) == col(RerouteTask.update_id))
        .outerjoin(author, col(author.id) == col(ProgressUpdate.author_contact_id))
        .outerjoin(current, col(current.id) == col(Action.lead_agency_id))
        .outerjoin(new_agency, col(new_agency.id) == col(RerouteTask.agency_id))
        .outerjoin(suggested, col(suggested.id) == col(RerouteTask.contact_id))
        .where(col(RerouteTask.id).in_(list(task_ids)))
    ).all()
    views = {
        task.id: TaskView(task.id, task.action_id, ref, truncate_words(said or "", SAID_WORDS), task.named,
                          author_name or written_by or "someone", current_name, agency_name, contact_name,
                          task.created_at, task.names_current_lead)
        for task, ref, said, written_by, author_name, current_name, agency_name, contact_name in rows
    }
    return [views[i] for i in task_ids if i in views]


def _open_task(session: Session, task_id: int, person: Person) -> tuple[RerouteTask, Action]:
    if not permissions.is_coordinator(person):
        raise UpdateRefused("Only a partnership coordinator can re-route an action.")
    task = session.get(RerouteTask, task_id)
    if task is None:
        raise UpdateRefused("That task no longer exists.")
    if task.state != TaskState.OPEN.value:
        raise UpdateRefused(f"That task was already {task.state} ({task.decided_by or 'by the bot'}).")
    action = session.get(Action, task.action_id)
    assert action is not None
    return task, action


def accept_reroute(
    session: Session, task_id: int, *, person: Person, actor: str, now: datetime,
    agency_id: int | None = None, contact_id: int | None = None,
) -> Action:
    """Set the suggested (or the given) lead agency and/or contact on the action, audited as `actor`."""
    task, action = _open_task(session, task_id, person)
    agency = session.get(Agency, agency_id or task.agency_id) if (agency_id or task.agency_id) else None
    contact = session.get(Contact, contact_id or task.contact_id) if (contact_id or task.contact_id) else None
    if agency is None and contact is None:
        raise UpdateRefused("Nothing was suggested: choose the new lead agency or contact.")
    if contact is not None and agency is not None and contact.agency_id != agency.id:
        raise UpdateRefused(f"{contact.name} is not at {agency.name}.")
    if agency is None and contact is not None and contact.agency_id not in (None, action.lead_agency_id):
        agency = session.get(Agency, contact.agency_id)
    try:
        changes = set_action(
            session, action, now=now, actor=actor,
            lead=agency.name if agency is not None and agency.id != action.lead_agency_id else None,
            contact=(contact.email or contact.name) if contact is not None else None,
        )
    except CorrectionError as problem:
        raise UpdateRefused(str(problem)) from problem
    update = session.get(ProgressUpdate, task.update_id)
    if update is not None and update.id is not None and not update.rejected:
        confirm_update(session, update.id, actor=actor, now=now)  # the reading was right; nothing else changes
    _decide(session, task, TaskState.ACCEPTED, actor, now,
            {"changes": [{"field": c.field, "before": c.before, "after": c.after} for c in changes]})
    return action


def reject_reroute(session: Session, task_id: int, *, person: Person, actor: str, now: datetime) -> Action:
    """The action stays where it is; the redirect reading is set aside."""
    task, action = _open_task(session, task_id, person)
    update = session.get(ProgressUpdate, task.update_id)
    if update is not None and update.id is not None and not update.confirmed and not update.rejected:
        reject_update(session, update.id, actor=actor, now=now)
    _decide(session, task, TaskState.REJECTED, actor, now, {})
    return action


def withdraw_reroutes(session: Session, update_ids: list[int], *, actor: str, now: datetime, why: str) -> int:
    """Open tasks of readings that were withdrawn (the Slack reply was edited or deleted): how many."""
    if not update_ids:
        return 0
    tasks = session.exec(select(RerouteTask).where(col(RerouteTask.update_id).in_(update_ids),
                                                   RerouteTask.state == TaskState.OPEN.value)).all()
    for task in tasks:
        _decide(session, task, TaskState.WITHDRAWN, actor, now, {"why": why})
    return len(tasks)


def _decide(session: Session, task: RerouteTask, state: TaskState, actor: str, now: datetime,
            data: dict[str, object]) -> None:
    task.state, task.decided_at, task.decided_by = state.value, now, actor
    session.add(task)
    session.add(Event(at=now, actor=actor, kind=f"reroute.{state.value}", entity="action", entity_id=task.action_id,
                      data={"task": task.id, **data}))
    session.flush()
