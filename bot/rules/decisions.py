"""When the rules next need to look at an action: pure, no database, no clock.

A national instance holds about 100k open actions, and a sweep every quarter hour that re-decided
all of them would cost what exists, not what is due. Instead each action carries the first send day
on which any rule could take a step for it (`ActionDecision.decide_on`), computed here from the very facts
the rules read, and the sweep loads only the actions whose day has come. The day is a lower bound:
never later than the rules' own (a day too early only costs reading one row again), which
tests/rules/test_decisions.py checks against the rules themselves, day by day.

The stored day is only as good as the facts it was computed from: bot/decisions.py resets it
whenever an action, its replies, its messages or its lead change, and `decision_basis` names
everything else the day depends on, so that a change of settings, meetings or an agency's policy
makes the sweep decide everything again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from importlib.metadata import version
from typing import Any

from bot.rules.chasing import ActionState, Policy, next_chase_day
from bot.rules.escalation import EscalationPolicy, LadderState, ReplyPolicy, next_rung_day

#: Bump when a rule changes what it decides from the same facts: every stored day is then recomputed.
RULES_VERSION = 1


def next_decision_day(
    chase: ActionState,
    ladder: LadderState,
    chasing: Policy,
    escalation: EscalationPolicy,
    today: date,
    board_meetings: Sequence[date] = (),
) -> date | None:
    """The first send day from `today` on which chasing or escalation could take a step for this
    action, or None when neither can until its facts change. `ladder` is the same action's ladder,
    its lead the one `chase` names (whose absence, `deferred_until`, pauses both)."""
    days = [
        day for day in (
            next_chase_day(chase, chasing, today, board_meetings),
            next_rung_day(ladder, escalation, chasing.send_window, chase.snoozed_until, chase.deferred_until),
        ) if day is not None
    ]
    return min(days, default=None)


def decision_basis(
    chasing: Policy,
    replies: ReplyPolicy,
    escalation: EscalationPolicy,
    agency_overrides: Mapping[int, Mapping[str, Any] | None],
    board_meetings: Sequence[date],
) -> str:
    """A fingerprint of everything a stored day depends on besides the action's own facts: the
    policies, each agency's overrides, the board meetings, the rules and the bank-holiday calendar."""
    parts = [
        f"rules={RULES_VERSION}", f"holidays={version('holidays')}", repr(chasing), repr(replies), repr(escalation),
        *(f"agency {agency}={sorted((overrides or {}).items())!r}" for agency, overrides in sorted(agency_overrides.items())),
        *(f"meeting {meeting.isoformat()}" for meeting in sorted(set(board_meetings))),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()
