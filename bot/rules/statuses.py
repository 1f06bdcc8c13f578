"""The vocabularies shared by import, chasing, replies and digests.

An action's stored status is one of ActionStatus. Reading a piece of text (a progress column, a
reply) gives a ReadStatus, which is richer: it can say "they asked for more time" or "this says
nothing", which are readings, not states an action can be in.
"""

from __future__ import annotations

from enum import StrEnum


class ActionStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    BLOCKED = "blocked"
    NOT_APPLICABLE = "not_applicable"


#: Statuses that end chasing for an action.
CLOSED_STATUSES = frozenset({ActionStatus.COMPLETE, ActionStatus.NOT_APPLICABLE})


class ReadStatus(StrEnum):
    COMPLETE = "complete"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    BLOCKED = "blocked"
    EXTENSION_REQUESTED = "extension_requested"
    NOT_APPLICABLE = "not_applicable"
    NO_RESPONSE = "no_response"
    UNCLEAR = "unclear"
    REDIRECT = "redirect"  # "not ours, that's the CCG": a task for the coordinator, never a change of status


def action_status_for(reading: ReadStatus) -> ActionStatus | None:
    """The action status a reading implies, or None when it leaves the status as it was.

    An extension request means work is going on with a new date; "no response" and "unclear"
    say nothing about the work, so they never change a status.
    """
    return _READING_TO_STATUS.get(reading)


_READING_TO_STATUS: dict[ReadStatus, ActionStatus] = {
    ReadStatus.COMPLETE: ActionStatus.COMPLETE,
    ReadStatus.IN_PROGRESS: ActionStatus.IN_PROGRESS,
    ReadStatus.NOT_STARTED: ActionStatus.NOT_STARTED,
    ReadStatus.BLOCKED: ActionStatus.BLOCKED,
    ReadStatus.EXTENSION_REQUESTED: ActionStatus.IN_PROGRESS,
    ReadStatus.NOT_APPLICABLE: ActionStatus.NOT_APPLICABLE,
}


class Precision(StrEnum):
    """How exactly a target date was written; `due` is always the last day meant."""

    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    SEASON = "season"
    HALF = "half"
    YEAR = "year"
    NONE = "none"  # "tbc", "Ongoing", "Complete": no date, kept as text


class Role(StrEnum):
    LEAD = "lead"
    MANAGER = "manager"
    COORDINATOR = "coordinator"
    BOARD = "board"


class ChannelKind(StrEnum):
    SLACK = "slack"
    EMAIL = "email"
    OUTBOX = "outbox"


class MessageKind(StrEnum):
    HEADS_UP = "heads_up"
    CHASER = "chaser"
    BOARD_UPDATE_REQUEST = "board_update_request"
    ESCALATION = "escalation"
    DIGEST = "digest"
    CONFIRMATION = "confirmation"
    UNDELIVERABLE = "undeliverable"  # tells coordinators which messages were given up on
    OUTAGE = "outage"  # tells coordinators a channel is paused (its credentials refused), or resumed
    UNOWNED = "unowned"  # tells coordinators which open actions nobody is chased about (no lead / no contact)
    REROUTE = "reroute"  # tells coordinators a lead says an action is not theirs (a RerouteTask)
    REPLY_CHANGED = "reply_changed"  # tells coordinators an applied Slack reply was edited or deleted


class TaskState(StrEnum):
    """A coordinator task (RerouteTask): open until a coordinator decides, or the reply it came from goes."""

    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # the Slack reply was edited or deleted before anyone decided


class MessageState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"  # will be retried
    DEAD = "dead"  # gave up; reported to coordinators


class UpdateSource(StrEnum):
    SLACK_REPLY = "slack_reply"
    BUTTON = "button"
    MAIL_REPLY = "mail_reply"
    COMMAND = "command"
    IMPORT = "import"
    COORDINATOR = "coordinator"
