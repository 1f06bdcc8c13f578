"""How far ahead a person's word may hold chasing. Pure.

A forged or mistaken "back on 1 January 2099" once stopped all chasing and escalation of a lead;
an auto-reply's away date therefore holds chasers for at most `max_away_days`, after which the
ladder carries on as if the person were back (a real long absence is for a coordinator to set).
"""

from __future__ import annotations

from datetime import date, timedelta


def capped_away(back_on: date, today: date, max_days: int) -> date:
    """The day chasing resumes after an out-of-office saying `back_on`: never more than `max_days` ahead."""
    return min(back_on, today + timedelta(days=max_days))


def beyond_limit(wanted: date, today: date, max_days: int) -> bool:
    """A snooze or new date further ahead than a lead may set by themselves."""
    return wanted > today + timedelta(days=max_days)
