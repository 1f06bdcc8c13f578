"""Who is due which chase, now: pure rules, no database, no Slack, no clock.

The caller loads one `ActionState` per open action (the action row joined with its latest
reply and latest chase, one or two queries), calls `plan_chases`, and writes one Message row
per `ChaseIntent`, keyed by its idempotency key.

Every moment is dated by its *send day* (see `workdays.send_day`): the working day on which a
message decided at that moment goes out. Deciding on Friday evening and at 03:00 on Monday
therefore both plan Monday's messages, and cannot send the same step twice.

Each action has at most one step due at a time, named by a deterministic step key:

- `{id}:heads_up:{due}`       N working days before the due date, once;
- `{id}:chaser:{due}:{day}`   on the due date (first working day on/after it), then every N
                              working days after the later of the last chase and the last
                              reply, while the action stays open; `day` is the working day the
                              step fell due, so each repeat has its own key;
- `{id}:board:{meeting}`      undated actions: N working days before each board meeting, once.

A step is done once a chase (or a reply) is dated on or after the day the step began; the
caller reports the latest chase message created for the action, pending or sent, so a step is
never planned twice, even after a crash between planning and sending.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.rules.statuses import CLOSED_STATUSES, MessageKind, Precision
from bot.rules.workdays import (
    SendWindow,
    add_working_days,
    next_send_time,
    next_working_day_on_or_after,
    send_day,
)

#: The most urgent kind first: a person with an overdue action gets a chaser that also lists
#: their upcoming ones, never a heads-up that buries the overdue one.
_URGENCY: dict[MessageKind, int] = {
    MessageKind.CHASER: 0,
    MessageKind.BOARD_UPDATE_REQUEST: 1,
    MessageKind.HEADS_UP: 2,
}


_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True)
class Policy:
    heads_up_working_days: int = 5  # 0 turns heads-ups off
    repeat_every_working_days: int = 5
    #: Undated (tbc / Ongoing) actions get an update request this many working days before each board meeting.
    board_update_working_days: int = 10
    send_window: SendWindow = SendWindow(time(9, 30), time(16, 30))  # noqa: RUF009 (frozen: shared safely)
    max_actions_per_message: int = 20

    def __post_init__(self) -> None:
        minimums = {
            "heads_up_working_days": 0,
            "repeat_every_working_days": 1,
            "board_update_working_days": 1,
            "max_actions_per_message": 1,
        }
        for name, minimum in minimums.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise ValueError(f"chasing policy {name}: expected a whole number >= {minimum}, got {value!r}")
        if not isinstance(self.send_window, SendWindow):
            raise ValueError(f"chasing policy send_window: expected a SendWindow, got {self.send_window!r}")


@dataclass(frozen=True, slots=True)  # one per open action: 100k in a national first sweep
class ActionState:
    """One open action as the rules need it; every datetime aware."""

    action_id: int
    ref: str
    status: str  # ActionStatus
    due: date | None
    precision: str  # Precision
    snoozed_until: date | None
    contact_id: int | None  # who is chased: the action's lead contact
    agency_id: int | None
    last_reply_at: datetime | None  # latest ProgressUpdate from the lead (reply, button, command)
    last_chase_at: datetime | None  # latest heads-up/chaser/request Message created for it, pending or sent
    chases_since_reply: int
    deferred_until: date | None  # out of office: the day they are back

    def __post_init__(self) -> None:
        for name in ("last_reply_at", "last_chase_at"):
            moment = getattr(self, name)
            if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
                raise ValueError(f"action {self.ref} (id {self.action_id}): {name} must be timezone-aware")


@dataclass(frozen=True, slots=True)  # one per open action: 100k in a national first sweep
class ChaseIntent:
    """One message to one person; `step_keys[i]` is the step of `action_ids[i]`, most urgent first."""

    kind: MessageKind
    contact_id: int
    action_ids: tuple[int, ...]
    step_keys: tuple[str, ...]
    idempotency_key: str
    not_before: datetime


@dataclass(frozen=True)
class ChasePlan:
    intents: tuple[ChaseIntent, ...]
    #: Actions due a chase that have no lead contact: tell the coordinators.
    unassigned_action_ids: tuple[int, ...] = ()
    #: Due actions left out because their person's message was full; the next sweep takes them.
    held_back_action_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)  # one per open action: 100k in a national first sweep
class DueStep:
    action_id: int
    kind: MessageKind
    key: str
    due: date | None
    ref: str

    def priority(self) -> tuple[int, date, tuple[str | int, ...], int]:
        return (_URGENCY[self.kind], self.due or date.max, natural_ref_key(self.ref), self.action_id)


#: Why an open action is not being chased (`not_chased_reason`).
NO_LEAD_AGENCY = "no lead agency"
NO_LEAD_CONTACT = "no lead contact"


def not_chased_reason(status: str, has_lead_agency: bool, has_lead_contact: bool) -> str | None:
    """Why nobody is asked about an open action, or None when someone is (or it is closed).

    The lead is the action's own contact, else the first active lead contact of its agency; an
    action with a lead contact is chased even with no agency recorded. These are the actions the
    coordinators are told about and the digest never counts as green.
    """
    if status in CLOSED_STATUSES or has_lead_contact:
        return None
    return NO_LEAD_CONTACT if has_lead_agency else NO_LEAD_AGENCY


def natural_ref_key(ref: str) -> tuple[str | int, ...]:
    """Sorts RIV3-5-2 before RIV3-5-10, as a person reading the list expects."""
    return tuple(int(part) if i % 2 else part for i, part in enumerate(_DIGITS.split(ref)))


def plan_chases(
    actions: Iterable[ActionState],
    policy: Policy,
    now: datetime,
    board_meetings: Sequence[date] = (),
) -> ChasePlan:
    """The chases due at `now`: at most one intent per person, covering all their due actions."""
    window = policy.send_window
    not_before = next_send_time(now, window)
    today = window.local_date(not_before)
    open_requests = board_requests_open(board_meetings, policy, today)

    steps_by_contact: dict[int, list[DueStep]] = defaultdict(list)
    companions: dict[int, list[DueStep]] = defaultdict(list)
    unassigned: list[int] = []
    for action in actions:
        step = due_step(action, policy, today, open_requests)
        if step is None:
            companion = _companion_step(action, policy, today)
            if companion is not None and action.contact_id is not None:
                companions[action.contact_id].append(companion)
            continue
        if action.contact_id is None:
            unassigned.append(action.action_id)
        else:
            steps_by_contact[action.contact_id].append(step)

    intents: list[ChaseIntent] = []
    held_back: list[int] = []
    for contact_id in sorted(steps_by_contact):
        steps = steps_by_contact[contact_id]
        if any(step.kind is MessageKind.CHASER for step in steps):
            steps = steps + companions.get(contact_id, [])
        steps = sorted(steps, key=DueStep.priority)
        kept = steps[: policy.max_actions_per_message]
        held_back.extend(step.action_id for step in steps[policy.max_actions_per_message :])
        step_keys = tuple(step.key for step in kept)
        intents.append(
            ChaseIntent(
                kind=kept[0].kind,
                contact_id=contact_id,
                action_ids=tuple(step.action_id for step in kept),
                step_keys=step_keys,
                idempotency_key=stable_key("chase", str(contact_id), step_keys),
                not_before=not_before,
            )
        )
    return ChasePlan(tuple(intents), tuple(sorted(unassigned)), tuple(sorted(held_back)))


def board_requests_open(board_meetings: Sequence[date], policy: Policy, today: date) -> list[tuple[date, date]]:
    """(meeting, request day) for each upcoming meeting whose update requests have begun, soonest first."""
    open_requests = []
    for meeting in sorted(set(board_meetings)):
        if meeting <= today:
            continue  # on the day itself an update is too late to be read before the meeting
        request_day = add_working_days(meeting, -policy.board_update_working_days)
        if request_day <= today:
            open_requests.append((meeting, request_day))
    return open_requests


def due_step(
    action: ActionState,
    policy: Policy,
    today: date,
    open_requests: Sequence[tuple[date, date]] = (),
) -> DueStep | None:
    """The step `action` is due on send day `today`, or None."""
    if action.status in CLOSED_STATUSES:
        return None
    if _waiting(action.snoozed_until, today) or _waiting(action.deferred_until, today):
        return None
    window = policy.send_window
    last_chase = _day_of(action.last_chase_at, window)
    last_reply = _day_of(action.last_reply_at, window)
    if action.due is None or action.precision == Precision.NONE:
        for meeting, request_day in open_requests:
            if not _done_since(request_day, last_chase, last_reply):
                return _step(action, MessageKind.BOARD_UPDATE_REQUEST, f"board:{meeting}")
        return None
    return _dated_step(action, action.due, policy, today, last_chase, last_reply)


def _dated_step(
    action: ActionState,
    due: date,
    policy: Policy,
    today: date,
    last_chase: date | None,
    last_reply: date | None,
) -> DueStep | None:
    chaser_day = next_working_day_on_or_after(due)
    if today >= chaser_day:
        latest = max((d for d in (last_chase, last_reply) if d is not None), default=None)
        # A reply in the run-up to the due date (from the heads-up on) already answers the
        # due-date chaser: the next one counts from that reply.
        answered_lately = last_reply is not None and last_reply >= _run_up_start(due, policy)
        if (latest is None or latest < chaser_day) and not answered_lately:
            return _step(action, MessageKind.CHASER, f"chaser:{due}:{chaser_day}")
        # A chase or a reply since the due date: the next chaser counts from whichever came last.
        repeat_day = add_working_days(latest, policy.repeat_every_working_days)
        if today >= repeat_day:
            return _step(action, MessageKind.CHASER, f"chaser:{due}:{repeat_day}")
        return None
    if policy.heads_up_working_days == 0:
        return None
    heads_up_day = add_working_days(due, -policy.heads_up_working_days)
    if today >= heads_up_day and not _done_since(heads_up_day, last_chase, last_reply):
        return _step(action, MessageKind.HEADS_UP, f"heads_up:{due}")
    return None


def _companion_step(action: ActionState, policy: Policy, today: date) -> DueStep | None:
    """An overdue action whose next repeat is near, to ride along in a chaser going out anyway.

    A person with several overdue actions would otherwise be chased on a different day for each.
    An action joins another's chaser only when its own repeat is at most half an interval away,
    so it is never chased more than once per half interval, and the clocks soon line up.
    """
    if action.status in CLOSED_STATUSES or action.due is None or action.precision == Precision.NONE:
        return None
    if _waiting(action.snoozed_until, today) or _waiting(action.deferred_until, today):
        return None
    if today < next_working_day_on_or_after(action.due):
        return None
    window = policy.send_window
    latest = max((d for d in (_day_of(action.last_chase_at, window), _day_of(action.last_reply_at, window)) if d),
                 default=None)
    if latest is not None:
        early_by = policy.repeat_every_working_days // 2
        if today < add_working_days(latest, policy.repeat_every_working_days - early_by):
            return None
    return _step(action, MessageKind.CHASER, f"chaser:{action.due}:{today}")


def next_chase_day(
    action: ActionState, policy: Policy, today: date, board_meetings: Sequence[date] = ()
) -> date | None:
    """The first send day from `today` on which `due_step` could give `action` as it stands a step,
    or None when none can come until its facts change.

    The sweep stores this day (`ActionDecision.decide_on`) and reads only the actions whose day has come, so
    it is never later than the rule's (tests/rules/test_decisions.py checks it day by day). An action
    riding along in its lead's chaser (`_companion_step`) is not due by itself: the sweep reads the
    other actions of everyone it chases.
    """
    if action.status in CLOSED_STATUSES:
        return None
    window = policy.send_window
    last_chase = _day_of(action.last_chase_at, window)
    last_reply = _day_of(action.last_reply_at, window)
    waits = [until for until in (action.snoozed_until, action.deferred_until) if until is not None]
    if action.due is None or action.precision == Precision.NONE:
        # Each meeting's request runs from its request day to the day before the meeting.
        for meeting in sorted(set(board_meetings)):
            request_day = add_working_days(meeting, -policy.board_update_working_days)
            first = max([request_day, today, *waits])
            if first < meeting and not _done_since(request_day, last_chase, last_reply):
                return first
        return None
    chaser_day = next_working_day_on_or_after(action.due)
    latest = max((d for d in (last_chase, last_reply) if d is not None), default=None)
    answered_lately = last_reply is not None and last_reply >= _run_up_start(action.due, policy)
    if latest is None or (latest < chaser_day and not answered_lately):
        first = chaser_day
    else:
        first = max(chaser_day, add_working_days(latest, policy.repeat_every_working_days))
    if policy.heads_up_working_days:
        heads_up_day = add_working_days(action.due, -policy.heads_up_working_days)
        if not _done_since(heads_up_day, last_chase, last_reply):
            first = min(first, heads_up_day)
    return max([first, *waits])


def _run_up_start(due: date, policy: Policy) -> date:
    """The first day of the run-up to a due date: the heads-up day, or the due date without heads-ups."""
    return add_working_days(due, -policy.heads_up_working_days) if policy.heads_up_working_days else due


def stable_key(namespace: str, owner: str, step_keys: Iterable[str]) -> str:
    """A key that depends only on who is addressed and which steps are covered, in any order."""
    text = "\n".join([namespace, owner, *sorted(step_keys)])
    return f"{namespace}-{hashlib.sha256(text.encode()).hexdigest()[:32]}"


def _step(action: ActionState, kind: MessageKind, suffix: str) -> DueStep:
    return DueStep(action.action_id, kind, f"{action.action_id}:{suffix}", action.due, action.ref)


def _waiting(until: date | None, today: date) -> bool:
    return until is not None and today < until


def _day_of(moment: datetime | None, window: SendWindow) -> date | None:
    return None if moment is None else send_day(moment, window)


def _done_since(step_day: date, last_chase: date | None, last_reply: date | None) -> bool:
    return any(d is not None and d >= step_day for d in (last_chase, last_reply))
