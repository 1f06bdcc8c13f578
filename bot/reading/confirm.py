"""Whether the bot asks before applying what it read: the one home of that decision.

A false "complete" is the costly mistake (chasing stops for work that is not done), so a reading that
would close an action (complete, not applicable) is applied at once only when it is an unambiguous
statement that the work is finished: a hedged or questioned completion, a completion with work left
over, a bare "Yes" read against a quoted question, "not applicable" are put to the writer first.

A reading that keeps the action open (in progress, blocked, more time with a new date) is applied at
once when the reader is sure of it, because leads answer many chasers and a question back after every
plain progress note would teach them to stop answering; it still resets nothing that closes the work.
Asked first, always: anything the reader is unsure of, a redirect ("not ours, that's the CCG": a
coordinator task, never applied by itself), an unclear reply, a date that could not be read, and
anything from a sender who may not change the action. An automatic reply is never applied as an
answer (it only holds the chaser until the sender is back), so there is nothing to ask about.
"""

from __future__ import annotations

from typing import Protocol

from bot.rules.statuses import CLOSED_STATUSES, ReadStatus, action_status_for

__all__ = ["CONFIDENT", "closes_action", "is_unambiguous_completion", "needs_confirmation"]

#: A completion read with less confidence than this is never applied unasked.
CONFIDENT = 0.75


class ReadingLike(Protocol):
    @property
    def status(self) -> ReadStatus | None: ...
    @property
    def confidence(self) -> float: ...
    @property
    def automatic(self) -> bool: ...
    @property
    def date_problem(self) -> str | None: ...


def closes_action(reading: ReadingLike) -> bool:
    """Whether applying the reading would end chasing for the action (complete, not applicable)."""
    status = action_status_for(reading.status) if reading.status is not None else None
    return status is not None and status in CLOSED_STATUSES


def is_unambiguous_completion(reading: ReadingLike) -> bool:
    """A plain statement that the work is finished. The reader keeps the confidence of every completion
    that leaves any doubt (hedged, questioned, work left over, inferred from a bare "Yes", several
    actions read apart) below CONFIDENT, so confidence alone carries that doubt here."""
    return reading.status is ReadStatus.COMPLETE and reading.confidence >= CONFIDENT and not reading.automatic


def needs_confirmation(reading: ReadingLike, *, sender_may_change: bool = True) -> bool:
    """True when the bot asks before applying `reading`; False when it applies it at once.

    `sender_may_change` is False when the sender is not the action's lead, its agency's manager or a
    coordinator (or their mail failed authentication): what they say is kept, never applied unasked.
    """
    if reading.automatic:
        return False
    if not sender_may_change:
        return True
    if closes_action(reading):
        return not is_unambiguous_completion(reading)
    if reading.status in _ALWAYS_ASKED or reading.date_problem:
        return True
    return reading.confidence < CONFIDENT


#: Readings that say nothing the bot could apply by itself.
_ALWAYS_ASKED = frozenset({ReadStatus.REDIRECT, ReadStatus.UNCLEAR, None})
