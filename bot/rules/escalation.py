"""The escalation ladder: pure rules, no database, no Slack, no clock.

Level 1 is the lead, chased by `chasing.py`. When the lead leaves `escalate_after_chasers`
chasers unanswered (and has had `grace_working_days` to answer the last one), level 2 tells the
agency's manager, with the lead in copy. Still unanswered `board_after_working_days` working days
after level 2, level 3 tells the board. Any reply after an escalation stops the ladder and resets
it: the next run starts again from level 2, counted from chasers sent after that reply.

Step keys (one per action per rung, per run of the ladder):

- `{id}:manager:{reply}`  `reply` is the UTC instant of the reply that started this run, or `start`;
- `{id}:board:{level 2}`  the UTC instant of the level-2 escalation it follows.

As in chasing, moments are dated by their send day (`workdays.send_day`).

The whole ladder lives here: the levels, which chasers count towards it, the grace the lead has
(until the chaser's reply-by day), the pause while an action is snoozed or its lead is away (and
for a few working days after they are back), who hears at level 2 (the agency's managers, else
the coordinators) and who is copied in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.rules.chasing import natural_ref_key, stable_key
from bot.rules.statuses import CLOSED_STATUSES, ChannelKind, MessageKind
from bot.rules.workdays import SendWindow, add_working_days, next_send_time, send_day

LEAD_LEVEL = 1
MANAGER_LEVEL = 2
BOARD_LEVEL = 3
#: Working days a lead back from leave has to catch up before anyone is told of their silence.
RETURN_GRACE_WORKING_DAYS = 2


@dataclass(frozen=True)
class ReplyPolicy:
    """How long a chase gives its reader to answer."""

    #: A chaser or escalation asks for an answer within this many working days, its send day included.
    reply_within_working_days: int = 5
    #: A board update request asks for an answer this many working days before the meeting (the digest day).
    board_working_days_before: int = 5

    def __post_init__(self) -> None:
        for name in ("reply_within_working_days", "board_working_days_before"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"reply policy {name}: expected a whole number >= 0, got {value!r}")


def reply_by(kind: str, sent_on: date, replies: ReplyPolicy, meetings: Sequence[date] = ()) -> date | None:
    """The day a message of `kind` going out on `sent_on` asks for an answer by, or None if it asks none.

    A chaser (or escalation) sent on Monday with five working days asks for an answer by Friday;
    a board update request asks for one by the digest day of the next meeting. Never earlier than
    the next working day after `sent_on`: a request that arrives on (or after) the day it names
    would ask for the impossible, so a late board request asks for the next working day instead.
    """
    if kind in (MessageKind.CHASER, MessageKind.ESCALATION):
        wanted = add_working_days(sent_on, replies.reply_within_working_days - 1)
    elif kind == MessageKind.BOARD_UPDATE_REQUEST:
        meeting = next((m for m in sorted(meetings) if m >= sent_on), None)
        if meeting is None:
            return None
        wanted = add_working_days(meeting, -replies.board_working_days_before)
    else:
        return None
    return max(wanted, add_working_days(sent_on, 1))


def counts_towards_escalation(kind: str, delivered_on: date | None, due: date | None) -> bool:
    """Only chasers delivered once the action was due: a heads-up, or an upcoming action riding in
    someone's chaser, is not an unanswered request about an overdue action; and a chaser never
    delivered (`delivered_on` None: still queued, say behind a channel paused by an outage, or given
    up on) asked nobody anything, so no manager may be told "we have asked N times" about it."""
    return kind == MessageKind.CHASER and due is not None and delivered_on is not None and delivered_on >= due


def unanswered(chasers: Iterable[datetime], last_reply_at: datetime | None) -> list[datetime]:
    """The chasers sent since the last answer (all of them when there was none)."""
    return [at for at in chasers if last_reply_at is None or at > last_reply_at]


def ladder_paused(snoozed_until: date | None, lead_away_until: date | None, today: date) -> bool:
    """No escalation for a silence the pause explains: a snoozed action, or a lead who is away
    or back for fewer than RETURN_GRACE_WORKING_DAYS working days."""
    if snoozed_until is not None and snoozed_until > today:
        return True
    return lead_away_until is not None and today < add_working_days(lead_away_until, RETURN_GRACE_WORKING_DAYS)


def manager_recipients(managers: Sequence[int], coordinators: Sequence[int]) -> tuple[list[int], bool]:
    """Who hears at level 2, and whether they are the coordinators, asked because the agency has
    no manager on record (the message then tells them why)."""
    return (list(managers), False) if managers else (list(coordinators), True)


def copies_lead(level: int, channel: str) -> bool:
    """The lead is copied into a mail escalation to their manager (and into the outbox's rendering of
    one); Slack has no copy, and the board is never sent the lead's address."""
    return level != BOARD_LEVEL and channel in (ChannelKind.EMAIL.value, ChannelKind.OUTBOX.value)


@dataclass(frozen=True)
class EscalationPolicy:
    escalate_after_chasers: int = 2
    board_after_working_days: int = 5
    #: Working days the lead has to answer the last chaser (its reply-by window) before the manager
    #: is told, so a manager never hears of a chaser the lead received that same morning.
    grace_working_days: int = 2

    def __post_init__(self) -> None:
        minimums = {"escalate_after_chasers": 1, "board_after_working_days": 1, "grace_working_days": 0}
        for name, minimum in minimums.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise ValueError(f"escalation policy {name}: expected a whole number >= {minimum}, got {value!r}")

    def with_overrides(self, overrides: Mapping[str, Any]) -> EscalationPolicy:
        """This policy with an agency's overrides applied, e.g. {"escalate_after_chasers": 3}."""
        known = {f.name for f in fields(self)}
        for key in overrides:
            if key not in known:
                raise ValueError(
                    f"escalation policy override {key!r} is not a setting; known settings: {', '.join(sorted(known))}"
                )
        return replace(self, **dict(overrides))  # __post_init__ checks the values


@dataclass(frozen=True, slots=True)  # one per open action: 100k in a national first sweep
class LadderState:
    """One action's place on the ladder; every datetime aware."""

    action_id: int
    ref: str
    agency_id: int | None
    contact_id: int | None  # the lead, copied into level 2
    status: str  # ActionStatus
    chases_since_reply: int  # chaser Messages created after last_reply_at (all of them if no reply)
    last_chase_at: datetime | None  # latest chaser Message created, pending or sent
    last_reply_at: datetime | None  # latest ProgressUpdate from the lead, reply or button
    manager_escalated_at: datetime | None  # latest level-2 escalation Message created for it
    board_escalated_at: datetime | None  # latest level-3 escalation Message created for it

    def __post_init__(self) -> None:
        for name in ("last_chase_at", "last_reply_at", "manager_escalated_at", "board_escalated_at"):
            moment = getattr(self, name)
            if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
                raise ValueError(f"action {self.ref} (id {self.action_id}): {name} must be timezone-aware")


@dataclass(frozen=True)
class EscalationIntent:
    """One escalation message about one agency's actions; `step_keys[i]` is the step of `action_ids[i]`.

    Level 2 goes to the agency's manager with `lead_contact_ids` in copy; level 3 goes to the board.
    `agency_id` None (no lead agency recorded) is for the caller to route to the coordinators.
    """

    level: int
    agency_id: int | None
    action_ids: tuple[int, ...]
    step_keys: tuple[str, ...]
    idempotency_key: str
    not_before: datetime
    lead_contact_ids: tuple[int, ...] = ()


def plan_escalations(
    states: Iterable[LadderState],
    policy_for_agency: Callable[[int | None], EscalationPolicy],
    now: datetime,
    window: SendWindow,
) -> list[EscalationIntent]:
    """The escalations due at `now`: at most one intent per agency per level."""
    not_before = next_send_time(now, window)
    today = window.local_date(not_before)
    policies: dict[int | None, EscalationPolicy] = {}
    groups: dict[tuple[int, int | None], list[tuple[LadderState, str]]] = defaultdict(list)
    for state in states:
        if state.agency_id not in policies:
            policies[state.agency_id] = policy_for_agency(state.agency_id)
        rung = next_rung(state, policies[state.agency_id], today, window)
        if rung is not None:
            level, step_key = rung
            groups[(level, state.agency_id)].append((state, step_key))

    intents = []
    for level, agency_id in sorted(groups, key=lambda group: (group[0], group[1] is None, group[1] or 0)):
        members = sorted(groups[(level, agency_id)], key=lambda m: (natural_ref_key(m[0].ref), m[0].action_id))
        step_keys = tuple(step_key for _, step_key in members)
        intents.append(
            EscalationIntent(
                level=level,
                agency_id=agency_id,
                action_ids=tuple(state.action_id for state, _ in members),
                step_keys=step_keys,
                idempotency_key=stable_key("escalate", f"L{level}:{agency_id}", step_keys),
                not_before=not_before,
                lead_contact_ids=tuple(sorted({s.contact_id for s, _ in members if s.contact_id is not None})),
            )
        )
    return intents


def next_rung(state: LadderState, policy: EscalationPolicy, today: date, window: SendWindow) -> tuple[int, str] | None:
    """(level, step key) of the escalation `state` is due on send day `today`, or None."""
    rung = _next_rung(state, policy, window)
    return (rung.level, rung.step_key) if rung is not None and today >= rung.from_day else None


def next_rung_day(
    state: LadderState, policy: EscalationPolicy, window: SendWindow,
    snoozed_until: date | None = None, lead_away_until: date | None = None,
) -> date | None:
    """The first day `next_rung` could give `state` a rung, with the ladder paused as `ladder_paused`
    pauses it, or None when no rung can come until its facts change (a chaser delivered, a reply,
    an escalation). The sweep stores it (see chasing.next_chase_day).
    """
    rung = _next_rung(state, policy, window)
    if rung is None:
        return None
    first = rung.from_day
    if snoozed_until is not None:
        first = max(first, snoozed_until)
    if lead_away_until is not None:
        first = max(first, add_working_days(lead_away_until, RETURN_GRACE_WORKING_DAYS))
    return first


@dataclass(frozen=True)
class _Rung:
    level: int
    from_day: date  # the first send day it is due
    step_key: str


def _next_rung(state: LadderState, policy: EscalationPolicy, window: SendWindow) -> _Rung | None:
    """The next rung of `state`'s ladder and the day it falls due, or None while none can come."""
    if state.status in CLOSED_STATUSES:
        return None
    manager_at = _still_unanswered(state.manager_escalated_at, state.last_reply_at)
    if manager_at is None:
        if state.last_chase_at is None or state.chases_since_reply < policy.escalate_after_chasers:
            return None
        grace = ReplyPolicy(reply_within_working_days=policy.grace_working_days)
        run = _instant(state.last_reply_at) if state.last_reply_at is not None else "start"
        # The day after the lead's grace for the last chaser ends.
        return _Rung(MANAGER_LEVEL, _reply_by_day(send_day(state.last_chase_at, window), grace) + timedelta(days=1),
                     f"{state.action_id}:manager:{run}")
    if _still_unanswered(state.board_escalated_at, state.last_reply_at) is not None:
        return None  # top of the ladder: nothing more until a reply resets it
    return _Rung(BOARD_LEVEL, add_working_days(send_day(manager_at, window), policy.board_after_working_days),
                 f"{state.action_id}:board:{_instant(manager_at)}")


def _reply_by_day(sent_on: date, replies: ReplyPolicy) -> date:
    # The ladder's grace, not the day the chaser named: a grace of 0 or 1 working days is a policy
    # choice, so it is not clamped to the next working day as reply_by is.
    return add_working_days(sent_on, replies.reply_within_working_days - 1)


def _still_unanswered(escalated_at: datetime | None, last_reply_at: datetime | None) -> datetime | None:
    """The escalation, unless a reply has come in since (which resets the ladder)."""
    if escalated_at is None or (last_reply_at is not None and last_reply_at > escalated_at):
        return None
    return escalated_at


def _instant(moment: datetime) -> str:
    # Whole seconds: a key must come out the same after the value has been through any database.
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
