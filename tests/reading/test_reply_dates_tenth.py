"""Dates found missed in held-out 9 once it was seen (our own words here, not theirs).

School periods leads plan around (half term is the month of the next half term, to its last day; the summer
term and holidays end with July), January for "in the new year" and "after Christmas", "over the autumn", the
short "wk", and the new date of a reply that says the work is late ("now expect", "new planned date").
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.replies import read_reply
from bot.rules.dates import find_date_in_text
from bot.rules.statuses import Precision

TODAY = date(2027, 3, 3)  # a Wednesday


def _due(text: str, today: date = TODAY) -> date | None:
    return read_reply(text, today=today, model=None).new_due


@pytest.mark.parametrize(("today", "due"), [
    (date(2026, 9, 14), date(2026, 10, 31)),  # autumn term: the October half term
    (date(2026, 10, 5), date(2026, 10, 31)),
    (date(2026, 12, 1), date(2027, 2, 28)),  # after the autumn: February's
    (date(2027, 1, 11), date(2027, 2, 28)),
    (date(2027, 3, 15), date(2027, 5, 31)),
    (date(2027, 6, 21), date(2027, 10, 31)),
])
def test_half_term_is_the_month_of_the_next_half_term(today: date, due: date) -> None:
    found = find_date_in_text("we'll have the posters up by half-term", today=today)
    assert found is not None
    assert (found.due, found.precision) == (due, Precision.MONTH)


@pytest.mark.parametrize("text", [
    "all staff briefed before the summer holidays",
    "by the end of the summer term",
    "sessions will run until the summer hols",
    "done by the end of the school year",
])
def test_the_summer_term_and_holidays_end_with_july(text: str) -> None:
    found = find_date_in_text(text, today=TODAY)
    assert found is not None
    assert found.due == date(2027, 7, 31)


def test_summer_alone_is_still_the_whole_summer() -> None:
    found = find_date_in_text("the refresh will be finished over the summer", today=TODAY)
    assert found is not None
    assert found.due == date(2027, 8, 31)


@pytest.mark.parametrize(("text", "today", "due"), [
    ("we'll pick the audit up in the new year", date(2027, 11, 20), date(2028, 1, 31)),
    ("nothing more until after Christmas now", date(2027, 12, 2), date(2028, 1, 31)),
    ("after xmas realistically", date(2027, 12, 2), date(2028, 1, 31)),
    ("after the new year break", date(2027, 12, 20), date(2028, 1, 31)),
])
def test_the_new_year_and_after_christmas_mean_january(text: str, today: date, due: date) -> None:
    found = find_date_in_text(text, today=today)
    assert found is not None
    assert found.due == due


def test_a_new_year_greeting_is_no_date() -> None:
    assert find_date_in_text("Happy new year! The leaflet went out on time.", today=date(2027, 1, 4)) is None


def test_over_the_autumn_is_the_autumn() -> None:
    found = find_date_in_text("we'll visit the remaining surgeries over the autumn", today=date(2027, 8, 2))
    assert found is not None
    assert found.due == date(2027, 11, 30)


def test_next_wk_is_friday_of_next_week() -> None:
    assert _due("should be finished next wk") == date(2027, 3, 12)


@pytest.mark.parametrize(("text", "due"), [
    ("Sorry, this is delayed - the trainer pulled out. New planned date is 15.06.2027.", date(2027, 6, 15)),
    ("We'd hoped to be done by the end of February, but two sessions were snowed off. We now expect 21 May.",
     date(2027, 5, 21)),
    ("The print run has been delayed by the supplier; we are now aiming for the spring.", date(2027, 5, 31)),
    ("Unfortunately the consultation has been postponed. We're now looking at July.", date(2027, 7, 31)),
])
def test_a_late_reply_gives_its_new_date(text: str, due: date) -> None:
    assert _due(text) == due
