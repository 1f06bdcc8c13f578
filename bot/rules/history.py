"""The vocabulary of an action's history: pure, no database, no clock.

Which messages chase, what counts as an answer, which actions are live, and the chase log that
coordinators used to type by hand ("Chaser sent 20 Jan 2016 asking for an update by 26 Jan 2016.
No response received. Follow-up sent 16 Feb 2016."). The sweep, the digest, the export and the
Slack views all ask here; bot.history_queries says the same things in SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.rules.escalation import BOARD_LEVEL
from bot.rules.statuses import CLOSED_STATUSES, MessageKind, MessageState, Role, UpdateSource

#: Messages that move an action's chase clock: each one is a step of chasing.
CHASE_KINDS = frozenset({MessageKind.HEADS_UP, MessageKind.CHASER, MessageKind.BOARD_UPDATE_REQUEST})
#: Messages that ask for an answer, so silence after them is "no response". A heads-up asks nothing
#: ("no reply is needed if it is on track").
ASKING_KINDS = frozenset({MessageKind.CHASER, MessageKind.BOARD_UPDATE_REQUEST, MessageKind.ESCALATION})
#: Everything that belongs to an action's chase history.
HISTORY_KINDS = CHASE_KINDS | ASKING_KINDS
#: Updates that show someone answered; an import only restates the plan.
ANSWER_SOURCES = frozenset(s for s in UpdateSource if s is not UpdateSource.IMPORT)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def is_chase(kind: str) -> bool:
    return kind in CHASE_KINDS


def delivered_at(state: str, sent_at: datetime | None) -> datetime | None:
    """When a message reached its reader, or None if it has not: only a sent message told anyone
    anything. One still queued (perhaps behind a channel paused by an outage) or given up on (dead)
    is no chase to hold against anyone, in the ladder, the digest or the chase log."""
    return sent_at if state == MessageState.SENT else None


def is_answer(source: str, *, refused: bool) -> bool:
    """Whether an update answers the chasing. Someone not allowed to change the action did not answer."""
    return source in ANSWER_SOURCES and not refused


def is_open(status: str) -> bool:
    return status not in CLOSED_STATUSES


def is_in_plan(removed_from_plan_at: datetime | None) -> bool:
    """A re-import that no longer finds an action keeps it for the record, outside the plan."""
    return removed_from_plan_at is None


def is_live(status: str, removed_from_plan_at: datetime | None) -> bool:
    """Open and still in the plan: the actions that are chased, shown as open and counted as overdue."""
    return is_open(status) and is_in_plan(removed_from_plan_at)


@dataclass(frozen=True)
class LoggedAsk:
    """One message of an action's history as the log tells it."""

    kind: str  # MessageKind value
    level: int  # escalation level of an escalation
    at: datetime  # aware: when it went (or goes) out
    reply_by: date | None  # the day it asked for an answer by, if it asked for one by a day
    recipient_role: str | None = None  # Role value of who it went to, when known


def chase_log(
    asks: Sequence[LoggedAsk],
    answers: Sequence[datetime],
    local: Callable[[datetime], date],
    *,
    today: date | None = None,
) -> str:
    """The sentences of the chase log, from the asking messages and the answers (aware datetimes).

    Messages that ask nothing (a heads-up) are left out. The latest answer before the first ask
    opens the log ("Last response ..."); each ask is followed by the first answer that came before the next ask,
    or by "No response received." once the next ask went out (or, given `today`, once its
    reply-by day has passed).
    """
    ordered = sorted((a for a in asks if a.kind in ASKING_KINDS), key=lambda a: a.at)
    replies = sorted(answers)
    if not ordered:
        return f"Update received {_day(local(replies[-1]))}." if replies else ""
    sentences = []
    earlier = [at for at in replies if at < ordered[0].at]
    if earlier:
        sentences.append(f"Last response {_day(local(earlier[-1]))}.")
    chasing = False  # a chaser is a follow-up while the one before it is still unanswered
    for index, ask in enumerate(ordered):
        sentences.append(_sentence(ask, local, follow_up=chasing))
        chasing = ask.kind == MessageKind.CHASER or (chasing and ask.kind != MessageKind.ESCALATION)
        until = ordered[index + 1].at if index + 1 < len(ordered) else None
        answered = [at for at in replies if at >= ask.at and (until is None or at < until)]
        if answered:
            sentences.append(f"Reply received {_day(local(answered[0]))}.")
            chasing = False
        elif until is not None or (today is not None and ask.reply_by is not None and ask.reply_by < today):
            sentences.append("No response received.")
    return " ".join(sentences)


def _sentence(ask: LoggedAsk, local: Callable[[datetime], date], *, follow_up: bool) -> str:
    day = _day(local(ask.at))
    if ask.kind == MessageKind.ESCALATION:
        sentence = f"Escalated{_escalated_to(ask)} {day}"
    elif ask.kind == MessageKind.BOARD_UPDATE_REQUEST:
        sentence = f"Update for the board requested {day}"
    else:
        sentence = f"Follow-up sent {day}" if follow_up else f"Chaser sent {day}"
    # An escalation asks for an answer without naming a day, so the log names none either.
    if ask.reply_by is not None and ask.kind != MessageKind.ESCALATION:
        return f"{sentence} asking for an update by {_day(ask.reply_by)}."
    return f"{sentence}."


def _escalated_to(ask: LoggedAsk) -> str:
    """Who an escalation went to, as the message's recipient says: a level-2 escalation goes to the
    coordinator when the agency has no manager on record, so the level alone does not tell."""
    if ask.level >= BOARD_LEVEL:
        return " to the board"
    if ask.recipient_role == Role.MANAGER:
        return " to the agency manager"
    if ask.recipient_role == Role.COORDINATOR:
        return " to the coordinator (no agency manager on record)"
    return ""


def _day(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
