"""The board digest: what the board should know before a meeting, built from plain rows.

`compose_digest` is pure: it takes the plan's actions, the chasing messages, the answers and the
recorded changes as small dataclasses and returns a `Digest`. `build_digest` is the thin part that
loads those rows for one partnership. Nothing here sends anything (see bot.digest.sending).

Least data: refs, review codes, agency names, dates, statuses and counts, and each listed
action's text cut short (so a board member knows which action a ref is). No progress narrative, no
names of people.

RAG, for each action, as of the digest date:

- not chased: open, and nobody is asked about it: no lead agency or no lead contact
  (`chasing.not_chased_reason`). Never green, whatever its date: no one is working on it as far as
  the bot knows;
- red: open and overdue (target date passed), or open and still unanswered after an escalation
  (a level 2 or 3 message with no reply since);
- amber: open, not red, and either due within `amber_working_days` working days or its target
  date was revised since the last meeting;
- green: everything else: open and on track (or undated), complete, or not applicable.

Snoozed actions are listed apart, with the day their snooze ends: a snooze stops chasing and the
escalation ladder, so the board's digest is where a snoozed action still reaches the board, at every
meeting until the snooze ends (a lead may snooze for at most `safety.max_snooze_days`).

"Since the last meeting" means on or after the date of the latest board meeting before this one;
with no earlier meeting, since the plan began.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.digest.rows import (
    ActionRow,
    Answer,
    Change,
    ChaseMessage,
    load_actions,
    load_answers,
    load_changes,
    load_chase_messages,
    meeting_dates,
    previous_meeting,
)
from bot.models import Partnership
from bot.rules.chasing import natural_ref_key
from bot.rules.escalation import LEAD_LEVEL, ReplyPolicy, reply_by
from bot.rules.history import LoggedAsk, chase_log, is_open
from bot.rules.statuses import ActionStatus, MessageKind
from bot.rules.workdays import add_working_days, working_days_between

__all__ = [
    "ActionRow",
    "Answer",
    "Change",
    "ChaseMessage",
    "Digest",
    "Period",
    "build_digest",
    "compose_digest",
    "digest_context",
]

AMBER_WORKING_DAYS = 10
#: The chasing defaults: a chaser asks for an answer within five working days.
DEFAULT_REPLIES = ReplyPolicy()
NOT_CHASED = "Not chased"
RAG_LABELS = ("Red", "Amber", "Green", NOT_CHASED)


@dataclass(frozen=True)
class Period:
    """The reporting period: up to `as_of`, from the day of the last meeting (`since`) if there was one."""

    as_of: datetime  # aware
    since: date | None
    tz: str

    def local(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.tz)).date()

    @property
    def today(self) -> date:
        return self.local(self.as_of)

    def contains(self, moment: datetime) -> bool:
        return moment <= self.as_of and (self.since is None or self.local(moment) >= self.since)


# The digest ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupRow:
    name: str
    total: int
    open: int
    overdue: int
    complete: int
    red: int
    amber: int
    green: int
    not_chased: int  # open with no lead agency or no lead contact: nobody is asked about them


@dataclass(frozen=True)
class OverdueItem:
    ref: str
    agency: str
    due: date
    days_overdue: int
    status: str
    summary: str


@dataclass(frozen=True)
class NoResponseItem:
    ref: str
    agency: str
    due: date | None
    status: str
    chase_count: int  # chasers since the last answer
    last_chased: date
    escalation_level: int  # 1 not escalated, 2 agency manager, 3 board
    history: str  # the chase log of the run: "Chaser sent 2 Dec 2026 asking for an update by ..."
    summary: str


@dataclass(frozen=True)
class RevisedItem:
    ref: str
    agency: str
    old_due: date | None
    new_due: date | None
    revised_on: date
    summary: str


@dataclass(frozen=True)
class CompletedItem:
    ref: str
    agency: str
    completed_on: date
    summary: str


@dataclass(frozen=True)
class NotChasedItem:
    ref: str
    agency: str
    due: date | None
    reason: str  # chasing.NO_LEAD_AGENCY or NO_LEAD_CONTACT
    summary: str


@dataclass(frozen=True)
class SnoozedItem:
    ref: str
    agency: str
    due: date | None
    snoozed_until: date
    status: str
    summary: str


@dataclass(frozen=True)
class ResponseRow:
    agency: str
    chasers_sent: int
    answered: int
    median_days_to_answer: float | None
    #: The same waits counted in working days (bot.rules.workdays): the console's board page shows these.
    median_working_days_to_answer: float | None = None

    @property
    def answered_share(self) -> float:
        return self.answered / self.chasers_sent if self.chasers_sent else 0.0

    @property
    def chasers_per_answer(self) -> float | None:
        return self.chasers_sent / self.answered if self.answered else None


@dataclass(frozen=True)
class Digest:
    partnership_name: str
    board_name: str
    meeting_date: date
    as_of: date
    since: date | None
    rag: dict[str, int]
    totals: dict[str, int]
    by_review: list[GroupRow] = field(default_factory=list)
    by_agency: list[GroupRow] = field(default_factory=list)
    overdue: list[OverdueItem] = field(default_factory=list)
    no_response: list[NoResponseItem] = field(default_factory=list)
    revised_dates: list[RevisedItem] = field(default_factory=list)
    completed: list[CompletedItem] = field(default_factory=list)
    not_chased: list[NotChasedItem] = field(default_factory=list)
    snoozed: list[SnoozedItem] = field(default_factory=list)
    response_by_agency: list[ResponseRow] = field(default_factory=list)


def compose_digest(
    *,
    partnership_name: str,
    board_name: str,
    meeting_date: date,
    as_of: datetime,
    since: date | None,
    tz: str,
    actions: Sequence[ActionRow],
    messages: Sequence[ChaseMessage],
    answers: Sequence[Answer],
    changes: Sequence[Change],
    amber_working_days: int = AMBER_WORKING_DAYS,
    replies: ReplyPolicy = DEFAULT_REPLIES,
    meetings: Sequence[date] = (),
) -> Digest:
    """The digest as of `as_of` from plain rows (pure: no database, no clock).

    An action counts as "no response" only once a chaser's or escalation's reply-by day
    (`escalation.reply_by`, as the chaser itself says) has passed unanswered. `meetings` are the
    board meetings on record, which date the reply-by day of a board update request.
    """
    period = Period(as_of, since, tz)
    today = period.today
    actions = sorted(actions, key=lambda a: (natural_ref_key(a.ref), a.action_id))
    by_id = {a.action_id: a for a in actions}
    answers_of: dict[int, list[datetime]] = defaultdict(list)
    for answer in answers:
        if answer.at <= as_of:
            answers_of[answer.action_id].append(answer.at)
    messages_of: dict[int, list[ChaseMessage]] = defaultdict(list)
    for message in sorted(messages, key=lambda m: m.at):
        if message.at <= as_of:
            for action_id in message.action_ids:
                messages_of[action_id].append(message)

    revised = _revised(changes, by_id, period)
    completed = _completed(changes, by_id, period)
    no_response = [
        item for a in actions
        if (item := _no_response(a, messages_of[a.action_id], answers_of[a.action_id], period, replies, meetings))
    ]
    escalated_unanswered = {
        a.action_id for a in actions
        if _unanswered_escalation(messages_of[a.action_id], answers_of[a.action_id])
    }
    amber_until = add_working_days(today, amber_working_days)
    revised_refs = {r.ref for r in revised}

    def rag_of(a: ActionRow) -> str:
        if not is_open(a.status):
            return "Green"
        if a.not_chased:
            return NOT_CHASED
        if (a.due is not None and a.due < today) or a.action_id in escalated_unanswered:
            return "Red"
        if (a.due is not None and a.due <= amber_until) or a.ref in revised_refs:
            return "Amber"
        return "Green"

    rags = {a.action_id: rag_of(a) for a in actions}
    overdue = sorted(
        (
            OverdueItem(a.ref, a.agency, a.due, (today - a.due).days, a.status, a.summary)
            for a in actions
            if a.due is not None and a.due < today and is_open(a.status)
        ),
        key=lambda o: (o.due, natural_ref_key(o.ref)),
    )
    return Digest(
        partnership_name=partnership_name,
        board_name=board_name,
        meeting_date=meeting_date,
        as_of=today,
        since=since,
        rag={label: sum(1 for r in rags.values() if r == label) for label in RAG_LABELS},
        totals={
            "actions": len(actions),
            "open": sum(1 for a in actions if is_open(a.status)),
            "overdue": len(overdue),
            "complete": sum(1 for a in actions if a.status == ActionStatus.COMPLETE),
            "no_response": len(no_response),
            "revised": len(revised),
            "completed_since": len(completed),
            "not_chased": sum(1 for a in actions if is_open(a.status) and a.not_chased),
            "snoozed": sum(1 for a in actions if is_open(a.status) and a.snoozed_until and a.snoozed_until > today),
        },
        by_review=_groups(actions, rags, today, key=lambda a: a.review),
        by_agency=_groups(actions, rags, today, key=lambda a: a.agency),
        overdue=overdue,
        no_response=no_response,
        revised_dates=revised,
        completed=completed,
        not_chased=[NotChasedItem(a.ref, a.agency, a.due, a.not_chased, a.summary)
                    for a in actions if is_open(a.status) and a.not_chased],
        snoozed=sorted((SnoozedItem(a.ref, a.agency, a.due, a.snoozed_until, a.status, a.summary)
                        for a in actions if is_open(a.status) and a.snoozed_until and a.snoozed_until > today),
                       key=lambda s: (s.snoozed_until, natural_ref_key(s.ref))),
        response_by_agency=_response_by_agency(messages, answers, by_id, period),
    )


def _groups(
    actions: Sequence[ActionRow], rags: dict[int, str], today: date, key: Callable[[ActionRow], str]
) -> list[GroupRow]:
    members: dict[str, list[ActionRow]] = defaultdict(list)
    for a in actions:
        members[key(a)].append(a)
    rows = []
    for name in sorted(members, key=str.casefold):
        group = members[name]
        still_open = [a for a in group if is_open(a.status)]
        rows.append(
            GroupRow(
                name=name,
                total=len(group),
                open=len(still_open),
                overdue=sum(1 for a in still_open if a.due is not None and a.due < today),
                complete=sum(1 for a in group if a.status == ActionStatus.COMPLETE),
                red=sum(1 for a in group if rags[a.action_id] == "Red"),
                amber=sum(1 for a in group if rags[a.action_id] == "Amber"),
                green=sum(1 for a in group if rags[a.action_id] == "Green"),
                not_chased=sum(1 for a in group if rags[a.action_id] == NOT_CHASED),
            )
        )
    return rows


def _revised(changes: Sequence[Change], by_id: dict[int, ActionRow], period: Period) -> list[RevisedItem]:
    """Target dates changed in the period: the date before the first change -> after the last."""
    first: dict[int, Change] = {}
    last: dict[int, Change] = {}
    for change in sorted(changes, key=lambda c: c.at):
        if change.action_id not in by_id or not period.contains(change.at) or change.old_due == change.new_due:
            continue
        first.setdefault(change.action_id, change)
        last[change.action_id] = change
    items = [
        RevisedItem(by_id[i].ref, by_id[i].agency, first[i].old_due, last[i].new_due, period.local(last[i].at),
                    by_id[i].summary)
        for i in first
        if first[i].old_due != last[i].new_due
    ]
    return sorted(items, key=lambda r: natural_ref_key(r.ref))


def _completed(changes: Sequence[Change], by_id: dict[int, ActionRow], period: Period) -> list[CompletedItem]:
    """Actions marked complete in the period and still complete now."""
    done: dict[int, date] = {}
    for change in sorted(changes, key=lambda c: c.at):
        action = by_id.get(change.action_id)
        if action is None or not period.contains(change.at):
            continue
        if change.new_status == ActionStatus.COMPLETE and change.old_status != ActionStatus.COMPLETE:
            done[change.action_id] = period.local(change.at)
    items = [
        CompletedItem(by_id[i].ref, by_id[i].agency, on, by_id[i].summary)
        for i, on in done.items()
        if by_id[i].status == ActionStatus.COMPLETE
    ]
    return sorted(items, key=lambda c: (c.completed_on, natural_ref_key(c.ref)))


def _unanswered_escalation(messages: Sequence[ChaseMessage], answers: Sequence[datetime]) -> bool:
    escalations = [m.at for m in messages if m.kind == MessageKind.ESCALATION]
    if not escalations:
        return False
    return not any(answer > max(escalations) for answer in answers)


def _no_response(
    a: ActionRow,
    messages: Sequence[ChaseMessage],
    answers: Sequence[datetime],
    period: Period,
    replies: ReplyPolicy,
    meetings: Sequence[date],
) -> NoResponseItem | None:
    """The action's unanswered run of chasers and escalations, if one of them is past its reply-by day."""
    if not is_open(a.status):
        return None
    last_answer = max(answers) if answers else None
    run = [m for m in messages if last_answer is None or m.at > last_answer]
    asks = [LoggedAsk(m.kind, m.level, m.at, reply_by(m.kind, period.local(m.at), replies, meetings), m.recipient_role)
            for m in run]
    overdue_asks = [
        ask for ask in asks
        if ask.kind in (MessageKind.CHASER, MessageKind.ESCALATION) and ask.reply_by is not None
        and ask.reply_by < period.today
    ]
    if not overdue_asks:
        return None
    return NoResponseItem(
        ref=a.ref,
        agency=a.agency,
        due=a.due,
        status=a.status,
        chase_count=sum(1 for m in run if m.kind == MessageKind.CHASER),
        last_chased=period.local(run[-1].at),
        escalation_level=max((m.level for m in run if m.kind == MessageKind.ESCALATION), default=LEAD_LEVEL),
        history=chase_log(asks, [last_answer] if last_answer else [], period.local, today=period.today),
        summary=a.summary,
    )


def _response_by_agency(
    messages: Sequence[ChaseMessage], answers: Sequence[Answer], by_id: dict[int, ActionRow], period: Period
) -> list[ResponseRow]:
    """Chasers sent in the period per agency, how many were answered, and the median days to answer."""
    answer_times: dict[int, list[datetime]] = defaultdict(list)
    for answer in answers:
        answer_times[answer.action_id].append(answer.at)
    sent: dict[str, int] = defaultdict(int)
    waits: dict[str, list[int]] = defaultdict(list)
    working_waits: dict[str, list[int]] = defaultdict(list)
    for message in messages:
        if message.kind != MessageKind.CHASER or not period.contains(message.at):
            continue
        covered = [by_id[i] for i in message.action_ids if i in by_id]
        for agency in sorted({a.agency for a in covered}):
            sent[agency] += 1
            later = [t for a in covered if a.agency == agency for t in answer_times[a.action_id] if t > message.at]
            if later:
                asked, answered = period.local(message.at), period.local(min(later))
                waits[agency].append((answered - asked).days)
                working_waits[agency].append(working_days_between(asked, answered))
    return [
        ResponseRow(agency, sent[agency], len(waits[agency]),
                    float(statistics.median(waits[agency])) if waits[agency] else None,
                    float(statistics.median(working_waits[agency])) if working_waits[agency] else None)
        for agency in sorted(sent, key=str.casefold)
    ]


def build_digest(
    session: Session,
    partnership: Partnership,
    meeting_date: date,
    as_of: datetime,
    *,
    amber_working_days: int = AMBER_WORKING_DAYS,
    replies: ReplyPolicy = DEFAULT_REPLIES,
) -> Digest:
    """Load the partnership's plan and its chasing history, then compose the digest."""
    assert partnership.id is not None
    actions = load_actions(session, partnership.id)
    ids = {a.action_id for a in actions}
    return compose_digest(
        partnership_name=partnership.name,
        board_name=partnership.board_name,
        meeting_date=meeting_date,
        as_of=as_of,
        since=previous_meeting(session, partnership.id, meeting_date),
        tz=partnership.timezone,
        actions=actions,
        messages=load_chase_messages(session, ids),
        answers=load_answers(session, ids),
        changes=load_changes(session, ids),
        amber_working_days=amber_working_days,
        replies=replies,
        meetings=meeting_dates(session, partnership.id),
    )


# For the templates --------------------------------------------------------------------------


def digest_context(digest: Digest) -> dict[str, object]:
    """The context for `render("digest", channel, ...)` (keys as listed in bot/render.py)."""
    return {
        "partnership_name": digest.partnership_name,
        "board_name": digest.board_name,
        "meeting_date": digest.meeting_date,
        "as_of": digest.as_of,
        "since": digest.since,
        "rag": [{"label": label, "count": digest.rag[label]} for label in RAG_LABELS],
        "by_agency": [asdict(row) for row in digest.by_agency],
        "by_review": [asdict(row) for row in digest.by_review],
        "overdue": [asdict(row) for row in digest.overdue],
        "no_response": [asdict(row) for row in digest.no_response],
        "revised_dates": [asdict(row) for row in digest.revised_dates],
        "completed": [asdict(row) for row in digest.completed],
        "not_chased": [asdict(row) for row in digest.not_chased],
        "snoozed": [asdict(row) for row in digest.snoozed],
    }
