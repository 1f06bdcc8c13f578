"""One sweep: load what the rules need, ask chasing.py and escalation.py, queue the messages.

The only module that knows both the tables and the rules. It reads the open actions whose decision
day has come (`ActionDecision.decide_on`, see bot/rules/decisions.py) in a few queries, hands plain
dataclasses to the pure rules, writes one Message per intent through the outbox, whose idempotency
keys make a second sweep at the same moment a no-op, and stores each action's next decision day. A
sweep therefore costs what is due, not what exists; when the settings, the meetings or an agency's
policy change (`decision_basis`), every open action is decided again.
"""

from __future__ import annotations

import gc
import logging
import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import lease
from bot.bulk import with_ids
from bot.db import ensure_partnership, session_scope
from bot.delivery_advice import advice_for
from bot.history_queries import delivered_at, is_answer, live_action
from bot.models import (
    Action,
    ActionDecision,
    Agency,
    BoardMeeting,
    Contact,
    Cursor,
    Event,
    Message,
    MessageAction,
    Partnership,
    ProgressUpdate,
    Recommendation,
    Review,
)
from bot.outbox import NewMessage, enqueue_many
from bot.policy import chasing_policy, escalation_policy, reply_policy, send_window
from bot.routing import Route, board_route, choose_route, queued_message
from bot.rules.chasing import (
    ActionState,
    ChaseIntent,
    ChasePlan,
    natural_ref_key,
    not_chased_reason,
    plan_chases,
    stable_key,
)
from bot.rules.decisions import decision_basis, next_decision_day
from bot.rules.escalation import (
    BOARD_LEVEL,
    MANAGER_LEVEL,
    EscalationIntent,
    EscalationPolicy,
    LadderState,
    copies_lead,
    counts_towards_escalation,
    ladder_paused,
    manager_recipients,
    plan_escalations,
    reply_by,
    unanswered,
)
from bot.rules.history import is_chase
from bot.rules.statuses import MessageKind, MessageState, Role
from bot.rules.workdays import SendWindow, next_send_time
from bot.settings import Settings
from bot.wording import and_list

log = logging.getLogger(__name__)

#: Audit event marking a dead message as reported to the coordinators.
REPORTED_DEAD = "message.dead_reported"


class OpenAction(NamedTuple):
    """The columns of an open action the rules and the messages use (loaded by column, not as ORM rows)."""

    id: int
    ref: str
    description: str
    due: date | None
    target_text: str | None
    precision: str
    status: str
    snoozed_until: date | None
    lead_agency_id: int | None
    lead_contact_id: int | None
    decide_on: date | None
    decide_gen: int


class ActiveContact(NamedTuple):
    """The columns of an active contact that routing and the messages use."""

    id: int
    name: str
    email: str | None
    slack_user_id: str | None
    slack_gone: str | None
    preferred_channel: str | None
    agency_id: int | None
    role: str
    away_until: date | None


@dataclass
class PlanFacts:
    """Everything a sweep needs, loaded once."""

    partnership: Partnership
    actions: dict[int, OpenAction]
    contacts: dict[int, ActiveContact]
    agencies: dict[int, Agency]
    default_lead: dict[int, int]  # agency id -> contact id of its first active lead
    managers: dict[int, list[int]]  # agency id -> manager contact ids
    coordinators: list[int]
    last_reply: dict[int, datetime]
    chases: dict[int, list[datetime]]  # action id -> created_at of heads-up/chaser/request messages
    chasers: dict[int, list[datetime]]  # action id -> created_at of chaser messages only
    escalated: dict[tuple[int, int], datetime]  # (action id, level) -> latest escalation
    meetings: list[date]
    #: Actions whose day had come but are no longer live (closed, or gone from the plan by a write the reset
    #: did not see, or inserted closed), as (id, decide_gen): the sweep takes them out of its index for good.
    not_live: list[tuple[int, int]] = field(default_factory=list)

    def lead_of(self, action: OpenAction) -> int | None:
        if action.lead_contact_id is not None:
            return action.lead_contact_id
        return self.default_lead.get(action.lead_agency_id) if action.lead_agency_id is not None else None


def open_actions_query(partnership_id: int, *columns: Any) -> sa.Select[Any]:
    """The partnership's open actions, as the columns of OpenAction (or the `columns` given)."""
    return sa.select(*(columns or _open_action_columns())).where(live_action(), _partnership_of_action() == partnership_id)


def _partnership_of_action() -> Any:
    """The action's partnership, looked up per action by a correlated scalar subquery rather than a join (or an
    EXISTS, which PostgreSQL turns into one), so that a condition on the action itself drives the query
    through its own index, with or without planner statistics, instead of the partnership's every action
    being read first."""
    return (
        sa.select(col(Review.partnership_id))
        .join(Recommendation, col(Review.id) == col(Recommendation.review_id))
        .where(col(Recommendation.id) == col(Action.recommendation_id))
        .scalar_subquery()
    )


def _open_action_columns() -> list[Any]:
    """OpenAction's columns: the action's own, and its decision row's, each looked up by its key (a scalar
    subquery: a join lets a planner without statistics read every decision row)."""
    decision = ActionDecision.__table__  # type: ignore[attr-defined]

    def decided(column: sa.Column[Any]) -> Any:
        return sa.select(column).where(decision.c.action_id == col(Action.id)).scalar_subquery().label(column.name)

    return [decided(decision.c[name]) if name in _DECISION_FIELDS else getattr(Action, name)
            for name in OpenAction._fields]


_DECISION_FIELDS = frozenset({"decide_on", "decide_gen"})


def due_action_ids(connection: sa.Connection, today: date) -> list[int]:
    """The actions whose decision day has come by `today` (read through ix_action_decision_decide_on)."""
    decision = ActionDecision.__table__  # type: ignore[attr-defined]
    return list(connection.execute(sa.select(decision.c.action_id).where(decision.c.decide_on <= today)).scalars())


def chosen_actions_query(partnership_id: int, where: sa.ColumnElement[bool]) -> sa.Select[Any]:
    """The partnership's actions `where` picks, as OpenAction's columns and then whether the action is live.

    Liveness is selected, for the caller to test, not a condition: given it, a PostgreSQL without statistics
    takes the live actions' partial indexes for a handful of rows and reads every live action, where the
    ids in `where` would have led it straight to the few rows wanted.
    """
    return sa.select(*_open_action_columns(), live_action().label("live")).where(
        where, _partnership_of_action() == partnership_id)


@dataclass(frozen=True)
class Chosen:
    """Which open actions a sweep reads: those whose decision day has come by `today` (all of them
    when None), and every action led by `leads` (a person being chased, whose other overdue
    actions may ride along in the chaser), directly or as the default lead of `lead_agencies`."""

    today: date | None = None
    leads: frozenset[int] = frozenset()
    lead_agencies: frozenset[int] = frozenset()

    def where(self, due_ids: Collection[int], dialect: str) -> sa.ColumnElement[bool]:
        """The condition on `action`, given the ids whose day has come (`due_action_ids`)."""
        due = with_ids(col(Action.id), due_ids, dialect)
        if not self.leads and not self.lead_agencies:
            return due
        return sa.or_(
            due,
            col(Action.lead_contact_id).in_(sorted(self.leads)),
            sa.and_(col(Action.lead_contact_id).is_(None), col(Action.lead_agency_id).in_(sorted(self.lead_agencies))),
        )


def load_facts(session: Session, partnership: Partnership, chosen: Chosen = Chosen()) -> PlanFacts:
    """What the rules need about the open actions `chosen` picks."""
    # Columns on the session's connection, not ORM objects or ORM results: building one Action per
    # open action cost six times the query, and the ORM's result rows cost more than the read.
    assert partnership.id is not None
    connection = session.connection()
    dialect = connection.dialect.name
    if chosen.today is None:
        query = open_actions_query(partnership.id, *_open_action_columns(), sa.true().label("live"))
    else:
        query = chosen_actions_query(partnership.id, chosen.where(due_action_ids(connection, chosen.today), dialect))
    # Streamed: a buffered result of 66k rows is held twice, by the driver and as OpenActions.
    actions: dict[int, OpenAction] = {}
    not_live: list[tuple[int, int]] = []
    for row in connection.execute(query, execution_options={"yield_per": 5000}):
        action = OpenAction(*row[:-1])
        if row[-1]:
            actions[action.id] = action
        elif action.decide_on is not None:
            not_live.append((action.id, action.decide_gen))
    contacts = {
        row[0]: ActiveContact(*row)
        for row in connection.execute(
            sa.select(*[getattr(Contact, name) for name in ActiveContact._fields])
            .where(col(Contact.active) == sa.true())
            .order_by(col(Contact.id))
        ).all()  # fetched at once: row by row, psycopg checks its result for every fetch
    }
    agencies = {a.id: a for a in session.exec(select(Agency)).all() if a.id}
    default_lead: dict[int, int] = {}
    managers: dict[int, list[int]] = defaultdict(list)
    coordinators: list[int] = []
    for contact in contacts.values():
        if contact.role == Role.LEAD.value and contact.agency_id is not None:
            default_lead.setdefault(contact.agency_id, contact.id)
        elif contact.role == Role.MANAGER.value and contact.agency_id is not None:
            managers[contact.agency_id].append(contact.id)
        elif contact.role == Role.COORDINATOR.value:
            coordinators.append(contact.id)

    last_reply: dict[int, datetime] = dict(
        session.execute(
            sa.select(col(ProgressUpdate.action_id), sa.func.max(col(ProgressUpdate.at)))
            .where(is_answer(), with_ids(col(ProgressUpdate.action_id), actions, dialect))
            .group_by(col(ProgressUpdate.action_id))
        ).all()
    )
    zone = ZoneInfo(partnership.timezone)
    chases: dict[int, list[datetime]] = defaultdict(list)
    chasers: dict[int, list[datetime]] = defaultdict(list)
    escalated: dict[tuple[int, int], datetime] = {}
    # Queued and dead messages move the chase clock (a step is never planned twice), but only
    # delivered chasers count towards escalation, dated when they were delivered.
    history = session.execute(
        sa.select(col(MessageAction.action_id), col(Message.kind), col(Message.level), col(Message.created_at),
                  delivered_at())
        .join(Message, col(Message.id) == col(MessageAction.message_id))
        .where(with_ids(col(MessageAction.action_id), actions, dialect))
    ).all()
    for action_id, kind, level, created_at, delivered in history:
        if action_id not in actions:
            continue
        if is_chase(kind):
            chases[action_id].append(created_at)
            if counts_towards_escalation(kind, delivered and delivered.astimezone(zone).date(), actions[action_id].due):
                chasers[action_id].append(delivered)
        elif kind == MessageKind.ESCALATION.value:
            key = (action_id, level)
            if key not in escalated or escalated[key] < created_at:
                escalated[key] = created_at
    meetings = sorted(
        m.date for m in session.exec(select(BoardMeeting).where(BoardMeeting.partnership_id == partnership.id)).all()
    )
    return PlanFacts(
        partnership, actions, contacts, agencies, default_lead, dict(managers), coordinators,
        last_reply, dict(chases), dict(chasers), escalated, meetings, not_live,
    )


def chase_states(facts: PlanFacts) -> list[ActionState]:
    """The chasing rules' view of the loaded actions."""
    return [chase_state(facts, action) for action in facts.actions.values()]


def chase_state(facts: PlanFacts, action: OpenAction) -> ActionState:
    contact_id = facts.lead_of(action)
    contact = facts.contacts.get(contact_id) if contact_id is not None else None
    reply = facts.last_reply.get(action.id)
    chased = facts.chases.get(action.id, [])
    return ActionState(
        action_id=action.id,
        ref=action.ref,
        status=action.status,
        due=action.due,
        precision=action.precision,
        snoozed_until=action.snoozed_until,
        contact_id=contact.id if contact else None,
        agency_id=action.lead_agency_id,
        last_reply_at=reply,
        last_chase_at=max(chased) if chased else None,
        chases_since_reply=sum(1 for c in chased if reply is None or c > reply),
        deferred_until=contact.away_until if contact else None,
    )


def ladder_state(facts: PlanFacts, action: OpenAction) -> LadderState:
    chasers = facts.chasers.get(action.id, [])
    return LadderState(
        action_id=action.id,
        ref=action.ref,
        agency_id=action.lead_agency_id,
        contact_id=facts.lead_of(action),
        status=action.status,
        chases_since_reply=len(_unanswered_chasers(facts, action.id)),
        last_chase_at=max(chasers) if chasers else None,
        last_reply_at=facts.last_reply.get(action.id),
        manager_escalated_at=facts.escalated.get((action.id, MANAGER_LEVEL)),
        board_escalated_at=facts.escalated.get((action.id, BOARD_LEVEL)),
    )


def ladder_states(facts: PlanFacts, today: date) -> list[LadderState]:
    """The escalation ladder of every open action whose ladder is not paused (`ladder_paused`)."""
    states = []
    for action in facts.actions.values():
        lead_id = facts.lead_of(action)
        lead = facts.contacts.get(lead_id) if lead_id is not None else None
        if not ladder_paused(action.snoozed_until, lead.away_until if lead else None, today):
            states.append(ladder_state(facts, action))
    return states


@dataclass
class SweepReport:
    queued: list[NewMessage] = field(default_factory=list)
    already_queued: int = 0
    unassigned_refs: list[str] = field(default_factory=list)
    unroutable: list[str] = field(default_factory=list)  # people the bot has no way to reach
    #: Another sweep of the partnership was running (another replica): it does the work.
    left_to_another: bool = False
    #: Open actions whose decision day had come, and so were decided by this sweep.
    decided: int = 0
    #: Asked to, or the settings, meetings or an agency's policy had changed: every open action was decided.
    decided_all: bool = False


#: Messages written per enqueue_many call.
ENQUEUE_SLICE = 500

#: How long a sweep may hold its lease; one whose process died stops every sweep until then.
SWEEP_LEASE_FOR = timedelta(minutes=10)


def sweep_lease_name(settings: Settings) -> str:
    return f"sweep:{settings.partnership.name}"


def sweep(
    engine: Engine, settings: Settings, now: datetime, *, dry_run: bool = False, everything: bool = False,
    store_days: bool = True,
) -> SweepReport:
    """Queue every chaser and escalation due at `now`. With dry_run, queue nothing, report all.
    With everything, decide every open action, not only those whose stored decision day has come.
    Without store_days, leave the stored decision days as they were: a day decided as of a date
    other than the real one (`dhr sweep --as-of`) holds only from that date on.

    One sweep of a partnership at a time: replicas sharing the database each start one every
    quarter hour, and the second to start leaves the work to the first (`left_to_another`) instead
    of loading and deciding everything again only to find it queued. The lease runs on the wall
    clock, not on `now`, which may be a day being simulated.
    """
    with _collector_paused():
        return _leased_sweep(engine, settings, now, dry_run=dry_run, everything=everything, store_days=store_days)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a sweep runs, then back as it was. A first sweep holds hundreds of
    thousands of live objects (facts, states, rows to write) and each full collection walks every one of them: at
    100k actions, 5 to 12 full collections of 70-170 ms each (measured with gc.callbacks), up to a fifth of the
    sweep, to find next to nothing. Reference counting still frees all that is not in a cycle; the few cycles a
    sweep leaves wait for the next automatic collection."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _leased_sweep(
    engine: Engine, settings: Settings, now: datetime, *, dry_run: bool, everything: bool, store_days: bool
) -> SweepReport:
    if dry_run:
        return _sweep(engine, settings, now, dry_run=True, everything=everything)
    started = datetime.now(UTC)
    name, holder = sweep_lease_name(settings), f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    if not lease.acquire(engine, name, holder, started, SWEEP_LEASE_FOR):
        log.info("sweep: another sweep of %s is running; leaving the work to it", settings.partnership.name)
        return SweepReport(left_to_another=True)
    try:
        # On SQLite the lease itself can wait for the other sweep's write lock, and get the lease
        # just after it was let go: a sweep that ended after this one began did this one's work.
        if _last_sweep_ended(engine, name) >= started:
            log.info("sweep: another sweep of %s ended meanwhile; leaving the work to it", settings.partnership.name)
            return SweepReport(left_to_another=True)
        return _sweep(engine, settings, now, dry_run=False, everything=everything, store_days=store_days,
                      lease_name=name)
    finally:
        lease.release(engine, name, holder)


def _last_sweep_ended(engine: Engine, lease_name: str) -> datetime:
    with session_scope(engine) as session:
        ended = session.get(Cursor, f"{lease_name}:ended")
    return ended.updated_at if ended is not None else datetime.min.replace(tzinfo=UTC)


def _sweep(
    engine: Engine, settings: Settings, now: datetime, *, dry_run: bool, everything: bool, store_days: bool = False,
    lease_name: str = "",
) -> SweepReport:
    report = SweepReport()
    window = send_window(settings)
    decision_day = window.local_date(next_send_time(now, window))  # the send day the rules decide for
    with session_scope(engine) as session:
        partnership = ensure_partnership(session, settings)
        new_basis = _changed_decision_basis(session, partnership, settings)
        report.decided_all = everything or new_basis is not None
        chosen = Chosen(None if report.decided_all else decision_day)
        facts = load_facts(session, partnership, chosen)
        states = chase_states(facts)
        plan = plan_chases(states, chasing_policy(settings), now, facts.meetings)
        if chosen.today is not None and (chased := _chased_leads(plan, facts, chosen)) != chosen:
            facts = load_facts(session, partnership, chased)
            states = chase_states(facts)
            plan = plan_chases(states, chasing_policy(settings), now, facts.meetings)
        report.decided = len(facts.actions)
        report.unassigned_refs = sorted(facts.actions[i].ref for i in plan.unassigned_action_ids)

        policies: dict[int | None, EscalationPolicy] = {}

        def policy_for(agency_id: int | None) -> EscalationPolicy:
            if agency_id not in policies:
                agency = facts.agencies.get(agency_id) if agency_id is not None else None
                policies[agency_id] = escalation_policy(settings, agency.policy_overrides if agency else None)
            return policies[agency_id]

        ladders = ladder_states(facts, decision_day)
        escalations = plan_escalations(ladders, policy_for, now, window)
        # Decided now for the actions no message of this sweep can be about, and the rules' states let
        # go before the messages are composed: at 100k actions they are a tenth of the sweep's memory.
        pending = {i for intent in plan.intents for i in intent.action_ids} | {
            i for intent in escalations for i in intent.action_ids}
        days = (_decision_days(facts, states, ladders, pending, settings, policy_for, decision_day)
                if store_days and not dry_run else {})
        del states, ladders
        composed: list[NewMessage] = []
        for intent in plan.intents:
            composed.extend(_compose_chase(intent, facts, settings, report))
        composed.extend(_compose_escalations(session, escalations, facts, settings, report))
        composed.extend(_compose_unowned(session, facts, settings, now))
        composed.extend(_compose_undeliverable(session, facts, settings, now, dry_run=dry_run))
        del plan, escalations  # composed: the intents are let go before the rows are written
        if dry_run:
            report.queued = composed
            session.rollback()
        else:
            # In slices: the statements' parameters for all of a first sweep's messages at once cost more
            # memory than the messages themselves.
            written = {m.idempotency_key for start in range(0, len(composed), ENQUEUE_SLICE)
                       for m in enqueue_many(session, composed[start:start + ENQUEUE_SLICE], now=now, actor="sweep")}
            report.queued = [new for new in composed if new.idempotency_key in written]
            report.already_queued = len(composed) - len(report.queued)
            if store_days:
                _store_decision_days(session, facts, days, pending, report.queued, settings, policy_for, now,
                                     decision_day)
                if new_basis is not None:
                    session.merge(new_basis)
        if lease_name:  # committed with what this sweep queued, on the wall clock (see sweep())
            session.merge(Cursor(name=f"{lease_name}:ended", updated_at=datetime.now(UTC)))
    log.info("sweep: %d queued, %d already queued", len(report.queued), report.already_queued)
    return report


def _chased_leads(plan: ChasePlan, facts: PlanFacts, chosen: Chosen) -> Chosen:
    """`chosen` widened to every action of the people `plan` sends a chaser, whose other overdue
    actions may ride along in it (`plan_chases`) although their own day has not come."""
    leads = frozenset(i.contact_id for i in plan.intents if i.kind is MessageKind.CHASER)
    agencies = frozenset(agency for agency, lead in facts.default_lead.items() if lead in leads)
    return Chosen(chosen.today, chosen.leads | leads, chosen.lead_agencies | agencies)


def _changed_decision_basis(session: Session, partnership: Partnership, settings: Settings) -> Cursor | None:
    """The bookmark to store when what the stored decision days were computed from has changed
    (`decision_basis`), so that this sweep must decide every open action; else None. Stored with
    what the sweep writes, not before: a write would hold SQLite's lock while the sweep decides."""
    assert partnership.id is not None
    overrides = {row.id: row.policy_overrides for row in session.execute(
        sa.select(col(Agency.id), col(Agency.policy_overrides)))}
    meetings = list(session.execute(
        sa.select(col(BoardMeeting.date)).where(col(BoardMeeting.partnership_id) == partnership.id)).scalars())
    basis = decision_basis(chasing_policy(settings), reply_policy(settings), escalation_policy(settings),
                           overrides, meetings)
    name = f"decision-basis:{partnership.name}"
    stored = session.get(Cursor, name)
    if stored is not None and stored.value == basis:
        return None
    return Cursor(name=name, value=basis, updated_at=datetime.now(UTC))


def _decision_days(
    facts: PlanFacts, states: Sequence[ActionState], ladders: Sequence[LadderState], pending: Collection[int],
    settings: Settings, policy_for: Callable[[int | None], EscalationPolicy], today: date,
) -> dict[int, date | None]:
    """The next decision day of each loaded action but those in `pending`, from the states the sweep
    planned from (the ladder of an action whose ladder is paused is not among `ladders`)."""
    chasing = chasing_policy(settings)
    ladder_of = {ladder.action_id: ladder for ladder in ladders}
    days: dict[int, date | None] = {}
    for state in states:
        if state.action_id in pending:
            continue
        action = facts.actions[state.action_id]
        ladder = ladder_of.get(action.id) or ladder_state(facts, action)
        days[action.id] = next_decision_day(state, ladder, chasing, policy_for(action.lead_agency_id), today,
                                            facts.meetings)
    return days


def _store_decision_days(
    session: Session, facts: PlanFacts, days: dict[int, date | None], pending: Collection[int],
    queued: Sequence[NewMessage], settings: Settings, policy_for: Callable[[int | None], EscalationPolicy],
    now: datetime, today: date,
) -> None:
    """Store the next decision day of every action this sweep decided: `days`, and those of the
    `pending` actions (those a message of this sweep may be about), counting what it just queued.

    Only where the action's `decide_gen` is still the one loaded: a reply, a delivery or an edit
    committed meanwhile has reset the day, and the next sweep decides on the newer facts.
    """
    # Memory: a first sweep chases some 36,000 actions that had no chase before, and this is the sweep's peak.
    just_now = [now]  # shared by every action first chased now (chase_state only reads it)
    for new in queued:  # as load_facts would read them back: created now, not yet delivered
        for action_id in new.action_ids:
            if is_chase(new.kind):
                earlier = facts.chases.get(action_id)
                if earlier is None:
                    facts.chases[action_id] = just_now
                elif earlier is just_now:
                    facts.chases[action_id] = [now, now]
                else:
                    earlier.append(now)
            elif new.kind == MessageKind.ESCALATION.value:
                facts.escalated[(action_id, new.level)] = now
    by_day: dict[tuple[date | None, int], list[int]] = defaultdict(list)

    def store(action_id: int, day: date | None) -> None:
        action = facts.actions[action_id]
        if day != action.decide_on:
            by_day[(day, action.decide_gen)].append(action_id)

    for action_id, gen in facts.not_live:
        by_day[(None, gen)].append(action_id)
    for action_id, day in days.items():
        store(action_id, day)
    chasing = chasing_policy(settings)
    for action_id in pending:
        action = facts.actions[action_id]
        store(action_id, next_decision_day(chase_state(facts, action), ladder_state(facts, action), chasing,
                                           policy_for(action.lead_agency_id), today, facts.meetings))
    for (day, gen), ids in by_day.items():
        set_decision_day(session.connection(), ids, day, gen)


def set_decision_day(connection: sa.Connection, ids: Sequence[int], day: date | None, gen: int) -> None:
    """Set the decision day of the actions `ids` whose `decide_gen` is still `gen`, in one statement."""
    table = ActionDecision.__table__  # type: ignore[attr-defined]
    connection.execute(sa.update(table).where(with_ids(table.c.action_id, ids, connection.dialect.name),
                                              table.c.decide_gen == gen).values(decide_on=day))


def _unowned_actions(session: Session, facts: PlanFacts) -> list[OpenAction]:
    """The open actions with no active lead contact of their own (whatever their decision day)."""
    assert facts.partnership.id is not None
    inactive = sa.select(col(Contact.id)).where(col(Contact.active) == sa.false())
    return [
        OpenAction(*row) for row in session.execute(
            open_actions_query(facts.partnership.id)
            .where(sa.or_(col(Action.lead_contact_id).is_(None), col(Action.lead_contact_id).in_(inactive)))
        )
    ]


class ActionFields(Protocol):
    """What a message says about an action: an `Action` row or an `OpenAction`."""

    @property
    def ref(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def due(self) -> date | None: ...
    @property
    def target_text(self) -> str | None: ...
    @property
    def status(self) -> str: ...


def action_context(action: ActionFields, today: date) -> dict[str, object]:
    overdue = (today - action.due).days if action.due and action.due < today else None
    return {
        "ref": action.ref,
        "summary": action.description,
        "due": action.due,
        "target_text": action.target_text or "",
        "days_overdue": overdue,
        "status": action.status,
    }


def _compose_chase(intent: ChaseIntent, facts: PlanFacts, settings: Settings, report: SweepReport) -> list[NewMessage]:
    contact = facts.contacts[intent.contact_id]
    agency = facts.agencies.get(contact.agency_id) if contact.agency_id else None
    route = choose_route(contact, agency, settings)
    if route is None:
        report.unroutable.append(contact.name)
        return []
    window = send_window(settings)
    today = window.local_date(intent.not_before)
    context: dict[str, object] = {
        "recipient_name": contact.name,
        "partnership_name": facts.partnership.name,
        "actions": [action_context(facts.actions[i], today) for i in intent.action_ids],
    }
    asks_by = reply_by(intent.kind, today, reply_policy(settings), facts.meetings)
    if intent.kind is MessageKind.HEADS_UP:
        context["reply_hint"] = "No reply is needed if it is on track; if the date will slip, reply with a new one."
    elif intent.kind is MessageKind.BOARD_UPDATE_REQUEST:
        meeting = next((m for m in facts.meetings if m >= today), None)
        context |= {"board_name": facts.partnership.board_name, "meeting_date": meeting, "reply_by": asks_by}
        context["reply_hint"] = f"Please reply by {_day(asks_by)} so the board sees your update." if asks_by else ""
    else:
        context["reply_hint"] = f"Please reply by {_day(asks_by)}." if asks_by else ""
    return [queued_message(intent.kind.value, intent.idempotency_key, route, context, contact_id=contact.id,
                             action_ids=intent.action_ids, not_before=intent.not_before)]


@dataclass(frozen=True)
class _Recipient:
    contact_id: int | None
    name: str
    route: Route
    is_coordinator: bool  # asked because the agency has no manager on record


def _escalation_recipients(
    intent: EscalationIntent, facts: PlanFacts, settings: Settings, report: SweepReport
) -> list[_Recipient]:
    if intent.level == BOARD_LEVEL:
        route = board_route(facts.partnership, settings)
        if route is None:
            report.unroutable.append(facts.partnership.board_name)
            return []
        return [_Recipient(None, facts.partnership.board_name, route, False)]
    agency = facts.agencies.get(intent.agency_id) if intent.agency_id is not None else None
    contact_ids, are_coordinators = manager_recipients(facts.managers.get(intent.agency_id or -1, []),
                                                       facts.coordinators)
    recipients = []
    for contact_id in contact_ids:
        contact = facts.contacts[contact_id]
        route = choose_route(contact, agency, settings)
        if route is None:
            report.unroutable.append(contact.name)
            continue
        recipients.append(_Recipient(contact_id, contact.name, route, are_coordinators))
    return recipients


def _compose_escalations(
    session: Session, intents: Sequence[EscalationIntent], facts: PlanFacts, settings: Settings,
    report: SweepReport,
) -> list[NewMessage]:
    """One escalation message per recipient per sweep, however many agencies it is about."""
    by_recipient: dict[tuple[int, str, str], tuple[_Recipient, list[EscalationIntent]]] = {}
    for intent in intents:
        for recipient in _escalation_recipients(intent, facts, settings, report):
            slot = (intent.level, recipient.route.channel, recipient.route.address)
            by_recipient.setdefault(slot, (recipient, []))[1].append(intent)
    if not by_recipient:
        return []
    window = send_window(settings)
    action_ids = sorted({a for i in intents for a in i.action_ids})
    last_updates = _last_updates(session, action_ids, window)
    manager_asks = _manager_asks(session, [i for i in intents if i.level == BOARD_LEVEL], facts, window)
    return [
        _escalation_message(recipient, grouped, facts, settings, last_updates, manager_asks)
        for recipient, grouped in by_recipient.values()
    ]


def _last_updates(session: Session, action_ids: Sequence[int], window: SendWindow) -> dict[int, dict[str, object]]:
    """The latest answer on each action (`is_answer`, not one its author said was misread), for
    an escalation to quote: the day, the status when confirmed, and what was said."""
    latest: dict[int, dict[str, object]] = {}
    updates = session.exec(
        select(ProgressUpdate)
        .where(col(ProgressUpdate.action_id).in_(action_ids), is_answer(), ProgressUpdate.rejected == False)  # noqa: E712
        .order_by(col(ProgressUpdate.at), col(ProgressUpdate.id))
    ).all()
    for update in updates:
        latest[update.action_id] = {
            "on": window.local_date(update.at),
            "status": update.status if update.confirmed else None,
            "text": update.evidence or update.raw_text,
        }
    return latest


def _manager_asks(
    session: Session, board_intents: Sequence[EscalationIntent], facts: PlanFacts, window: SendWindow
) -> dict[int | None, list[dict[str, object]]]:
    """What the outbox holds of the level-2 escalation each board escalation follows, by agency id:
    who it went to (manager or coordinator), how, when and whether it went, so the board is told
    what happened rather than what should have."""
    asks: dict[int | None, list[dict[str, object]]] = {}
    for intent in board_intents:
        since = [facts.escalated[(a, MANAGER_LEVEL)] for a in intent.action_ids if (a, MANAGER_LEVEL) in facts.escalated]
        if not since:
            continue
        rows = session.execute(
            sa.select(Message, col(Contact.role))
            .join(MessageAction, col(MessageAction.message_id) == col(Message.id))
            .outerjoin(Contact, col(Contact.id) == col(Message.recipient_contact_id))
            .where(col(MessageAction.action_id).in_(intent.action_ids),
                   col(Message.kind) == MessageKind.ESCALATION.value, col(Message.level) == MANAGER_LEVEL,
                   col(Message.created_at) >= min(since))
            .order_by(col(Message.id))
        ).all()
        agency = facts.agencies.get(intent.agency_id) if intent.agency_id is not None else None
        seen: dict[int, dict[str, object]] = {}
        for message, role in rows:
            if role not in (Role.MANAGER.value, Role.COORDINATOR.value):
                continue  # a recipient no longer on record: the board is told nothing it cannot stand by
            moment = message.sent_at or message.not_before or message.created_at
            seen[message.id or 0] = {
                "agency": agency.name if agency else None,
                "role": role,
                "channel": message.channel, "on": window.local_date(moment), "state": message.state,
            }
        # One sentence per way it went: several managers asked the same way and day read as one.
        asks[intent.agency_id] = list({tuple(sorted(a.items(), key=str)): a for a in seen.values()}.values())
    return asks


def _escalation_message(
    recipient: _Recipient, intents: Sequence[EscalationIntent], facts: PlanFacts, settings: Settings,
    last_updates: dict[int, dict[str, object]], manager_asks: dict[int | None, list[dict[str, object]]],
) -> NewMessage:
    level = intents[0].level
    window = send_window(settings)
    not_before = min(i.not_before for i in intents)
    today = window.local_date(not_before)
    action_ids = [a for i in intents for a in i.action_ids]
    agency_names = [facts.agencies[i.agency_id].name if i.agency_id in facts.agencies else "No lead agency recorded"
                    for i in intents]
    leads = [facts.contacts[c] for c in dict.fromkeys(c for i in intents for c in i.lead_contact_ids)
             if c in facts.contacts]
    chaser_times = [t for a in action_ids for t in _unanswered_chasers(facts, a)]
    cc = tuple(c.email for c in leads if c.email) if copies_lead(level, recipient.route.channel) else ()
    context: dict[str, object] = {
        "level": level,
        "partnership_name": facts.partnership.name,
        "agency_name": _and(agency_names),
        "agency_count": len(set(agency_names)),
        "lead_name": _and([c.name for c in leads]) or "the lead",
        "chase_count": max((len(_unanswered_chasers(facts, a)) for a in action_ids), default=0),
        "first_chased": window.local_date(min(chaser_times)) if chaser_times else None,
        "actions": [
            action_context(facts.actions[a], today) | {"last_chased": _last_chased(facts, facts.actions[a], window),
                                                       "last_update": last_updates.get(a)}
            for a in action_ids
        ],
        "board_name": facts.partnership.board_name,
        "reply_hint": "Please reply with an update, or ask the lead to answer the chaser.",
        "recipient_name": recipient.name,
        "lead_copied": bool(cc),
        "recipient_is_coordinator": recipient.is_coordinator,
        "no_lead_agency": any(i.agency_id not in facts.agencies for i in intents),
        "agencies_without_manager": [facts.agencies[i.agency_id].name for i in intents
                                     if i.agency_id in facts.agencies and not facts.managers.get(i.agency_id)],
        "manager_asks": [ask for i in intents for ask in manager_asks.get(i.agency_id, [])],
    }
    # One intent keeps its key as it was; several make a key of their own, as stable as theirs.
    base = intents[0].idempotency_key if len(intents) == 1 else stable_key(
        "escalate-group", str(level), [i.idempotency_key for i in intents])
    key = f"{base}:{recipient.contact_id or 'board'}"
    return queued_message(MessageKind.ESCALATION.value, key, recipient.route, context,
                            contact_id=recipient.contact_id, action_ids=action_ids, not_before=not_before,
                            level=level, cc=cc)


_and = and_list


def _compose_unowned(session: Session, facts: PlanFacts, settings: Settings, now: datetime) -> list[NewMessage]:
    """Tell the coordinators which open actions nobody is chased about, each time that list changes.

    The list's fingerprint (a hash of its refs and reasons) is in the message's idempotency key,
    with the id of the message before it, so the same list is never sent twice in a row, a list that
    comes back after a change is sent again, and an emptied list sends one short "all have a lead".
    """
    unowned = sorted(
        ((action, reason) for action in _unowned_actions(session, facts)
         if (reason := not_chased_reason(action.status, action.lead_agency_id is not None,
                                         facts.lead_of(action) in facts.contacts))),
        key=lambda pair: natural_ref_key(pair[0].ref),
    )
    fingerprint = stable_key("unowned", "list", [f"{a.ref}={reason}" for a, reason in unowned])
    previous = session.exec(
        select(Message.id, Message.idempotency_key)
        .where(Message.kind == MessageKind.UNOWNED.value).order_by(col(Message.id).desc()).limit(1)
    ).first()
    told = previous[1].split(":")[1] if previous else stable_key("unowned", "list", [])
    if fingerprint == told:
        return []
    rows = [{"ref": a.ref, "summary": a.description, "reason": reason,
             "agency": facts.agencies[a.lead_agency_id].name if a.lead_agency_id in facts.agencies else ""}
            for a, reason in unowned]
    key = f"unowned:{fingerprint}:after-{previous[0] if previous else 0}"
    return _to_each_coordinator(facts, settings, MessageKind.UNOWNED, key, {"actions": rows},
                                next_send_time(now, send_window(settings)))


def _to_each_coordinator(
    facts: PlanFacts, settings: Settings, kind: MessageKind, key: str, context: dict[str, object], not_before: datetime,
) -> list[NewMessage]:
    """One message of `kind` to each coordinator the bot can reach, keyed `{key}:{contact id}`."""
    messages = []
    for contact_id in facts.coordinators:
        contact = facts.contacts[contact_id]
        route = choose_route(contact, facts.agencies.get(contact.agency_id or -1), settings)
        if route is None:
            continue
        addressed = {"recipient_name": contact.name, "partnership_name": facts.partnership.name} | context
        messages.append(queued_message(kind.value, f"{key}:{contact_id}", route, addressed, contact_id=contact_id,
                                         not_before=not_before))
    return messages


def _compose_undeliverable(
    session: Session, facts: PlanFacts, settings: Settings, now: datetime, *, dry_run: bool
) -> list[NewMessage]:
    """Tell the coordinators, once, about every message the outbox gave up on since last time."""
    reported = set(session.exec(select(Event.entity_id).where(Event.kind == REPORTED_DEAD)).all())
    dead = [
        m for m in session.exec(
            select(Message)
            .where(Message.state == MessageState.DEAD.value, Message.kind != MessageKind.UNDELIVERABLE.value)
            .order_by(col(Message.id))
        ).all()
        if m.id not in reported
    ]
    if not dead:
        return []
    covered: dict[int, list[str]] = defaultdict(list)
    for message_id, ref in session.execute(
        sa.select(col(MessageAction.message_id), col(Action.ref))
        .join(Action, col(Action.id) == col(MessageAction.action_id))
        .where(col(MessageAction.message_id).in_([m.id for m in dead]))
    ).all():
        covered[message_id].append(ref)
    problems = [
        {"id": m.id, "kind": m.kind, "channel": m.channel,
         "error": advice_for(m.last_error, m.channel, m.recipient_address),
         "recipient": facts.contacts[m.recipient_contact_id].name if m.recipient_contact_id in facts.contacts
         else (m.recipient_address or "unknown"), "refs": sorted(covered.get(m.id or -1, []))}
        for m in dead
    ]
    key = stable_key("undeliverable", "coordinators", [str(m.id) for m in dead])
    messages = _to_each_coordinator(facts, settings, MessageKind.UNDELIVERABLE, key, {"problems": problems},
                                    next_send_time(now, send_window(settings)))
    if messages and not dry_run:
        for m in dead:
            session.add(Event(at=now, actor="sweep", kind=REPORTED_DEAD, entity="message", entity_id=m.id))
    return messages


def _unanswered_chasers(facts: PlanFacts, action_id: int) -> list[datetime]:
    return unanswered(facts.chasers.get(action_id, []), facts.last_reply.get(action_id))


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _last_chased(facts: PlanFacts, action: OpenAction, window: SendWindow) -> date | None:
    times = facts.chases.get(action.id, [])
    return window.local_date(max(times)) if times else None
