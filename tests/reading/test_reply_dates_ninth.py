"""Dates found missed in held-out 7 and 8 once they were seen (our own words here, not theirs).

Easter (Easter Sunday; "after Easter" is the end of the working week after Easter week), an explicit day in
brackets that says what a vaguer date means, a date asked for beside an unrelated one, a quarter "of this
financial year", the new date beside the old one that was missed or turned down, and the day a completion
waits for ("once the board signs it off on the 14th").
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.replies import read_reply
from bot.rules.dates import find_date_in_text, spell_out_reply_dates
from bot.rules.statuses import Precision, ReadStatus

TODAY = date(2026, 2, 24)


def _due(text: str, today: date = TODAY) -> date | None:
    return read_reply(text, today=today, model=None).new_due


# --- Easter ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "due"), [
    ("by Easter", date(2026, 4, 5)),
    ("before easter", date(2026, 4, 5)),
    ("Easter Sunday 2027", date(2027, 3, 28)),
    ("after Easter", date(2026, 4, 17)),  # Easter Sunday + 12 days: the Friday of the week after Easter week
    ("after the Easter holidays", date(2026, 4, 17)),
])
def test_easter_is_easter_sunday_and_after_easter_is_once_the_break_is_over(text: str, due: date) -> None:
    found = find_date_in_text(text, today=TODAY)
    assert found is not None
    assert (found.due, found.precision) == (due, Precision.DAY)


def test_easter_gone_this_year_is_next_years() -> None:
    found = find_date_in_text("by Easter", today=date(2026, 4, 20))
    assert found is not None and found.due == date(2027, 3, 28)


def test_the_rest_promised_by_easter_is_due_on_easter_sunday() -> None:
    assert _due("The last three sessions will be done between now and Easter, it's taken longer than we planned.") \
        == date(2026, 4, 5)


# --- a day in brackets ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "due"), [
    ("Sorry, we are behind. We will now finish by the end of the autumn term (we break up on 18 December).",
     date(2026, 12, 18)),
    ("can we have until the summer (last day of term 22 July)?", date(2026, 7, 22)),
])
def test_an_explicit_day_in_brackets_says_what_the_vaguer_date_means(text: str, due: date) -> None:
    assert _due(text) == due


def test_a_day_in_brackets_outside_the_vaguer_period_does_not_replace_it() -> None:
    found = find_date_in_text("done in the spring (see the minutes of 3 May 2025)", today=TODAY)
    assert found is not None and found.due == date(2026, 5, 31)


# --- the date asked for, beside others ------------------------------------------------------------------------------


def test_the_date_asked_for_wins_over_an_unrelated_season_beside_it() -> None:
    text = ("The summer opening hours are on the noticeboard now, as you asked.\n\nOn the action, we're behind as the "
            "meeting was cancelled. Can we say April?")
    assert _due(text) == date(2026, 4, 30)


def test_a_target_beside_the_request_still_counts() -> None:
    assert _due("sorry this slipped last week, by friday for sure", today=date(2026, 2, 24)) == date(2026, 2, 27)


# --- quarters of this financial year --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "today", "spelt"), [
    ("Q4 of this financial year", date(2027, 1, 5), "Q4 2026/27"),
    ("Q2 of the current financial year", date(2026, 5, 1), "Q2 2026/27"),
    ("Q1 of next financial year", date(2027, 1, 5), "Q1 2027/28"),
])
def test_a_quarter_of_this_financial_year_is_of_the_year_today_is_in(text: str, today: date, spelt: str) -> None:
    assert spell_out_reply_dates(text, today=today) == spelt


def test_the_quarter_turned_down_is_not_the_new_date() -> None:
    assert _due("Sorry - this will now be Q4 of this financial year rather than Q3, the supplier slipped.",
                today=date(2027, 1, 5)) == date(2027, 3, 31)


# --- the old date and the new one -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "today", "due"), [
    ("We had planned to finish in February but it slipped - the new date is the end of June.",
     date(2026, 3, 10), date(2026, 6, 30)),
    ("we were going to get it out before Easter but I think end of May is more honest now",
     date(2026, 2, 24), date(2026, 5, 31)),
    ("the original date was January, we've slipped, new target end of April", date(2026, 2, 24), date(2026, 4, 30)),
])
def test_the_new_date_wins_over_the_plan_that_did_not_happen(text: str, today: date, due: date) -> None:
    reading = read_reply(text, today=today, model=None)
    assert reading.status is ReadStatus.EXTENSION_REQUESTED
    assert reading.new_due == due


# --- the day a completion waits for ---------------------------------------------------------------------------------


def test_the_day_the_last_step_happens_is_the_target() -> None:
    reading = read_reply("It'll be done once the committee approves it on the 19th. The rest is in place.",
                         today=date(2026, 3, 2), model=None)
    assert reading.status is not ReadStatus.COMPLETE
    assert reading.new_due == date(2026, 3, 19)
