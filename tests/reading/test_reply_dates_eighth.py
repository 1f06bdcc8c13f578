"""New-date kinds behind held-out 7 and 8's date misses (issue 11), in our own words, not the sets'.

A bare length of time as the answer to "when?" ("two weeks?", "< 2 weeks", "under a fortnight"), "til"
and "end <month>" without "of", a day/month straight after "new target", a range of months ("between
September and November": the later end) and "w/c 26th" with no month (the Friday of the week that
starts on the next Monday the 26th). "mid-<month>" stays the month's end.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.replies import read_reply
from bot.rules.dates import duration_answer, find_date_in_text, spell_out_reply_dates
from bot.rules.statuses import Precision, ReadStatus

TODAY = date(2027, 3, 10)  # a Wednesday


@pytest.mark.parametrize(("text", "due"), [
    ("two weeks?", date(2027, 3, 24)),
    ("3 weeks", date(2027, 3, 31)),
    ("another month or so", date(2027, 4, 10)),
    ("< 2 weeks", date(2027, 3, 24)),
    ("&lt; 10 days", date(2027, 3, 20)),  # as Slack escapes it
    ("less than a month", date(2027, 4, 10)),
    ("under a fortnight", date(2027, 3, 24)),
    ("maybe a couple of weeks.", date(2027, 3, 24)),
])
def test_a_bare_length_of_time_ends_that_long_after_today(text: str, due: date) -> None:
    assert duration_answer(text, today=TODAY) == due


@pytest.mark.parametrize("text", [
    "we had two weeks of training",
    "two weeks ago",
    "Sorry - two weeks?  The board meets in May.",
    "",
])
def test_more_than_a_length_of_time_is_no_duration_answer(text: str) -> None:
    assert duration_answer(text, today=TODAY) is None


@pytest.mark.parametrize(("text", "due"), [
    ("It will be done in less than a month", date(2027, 4, 10)),
    ("under a fortnight now", date(2027, 3, 24)),
    ("no more than 3 weeks", date(2027, 3, 31)),
])
def test_an_upper_bound_on_the_time_left_is_a_date(text: str, due: date) -> None:
    found = find_date_in_text(text, today=TODAY)
    assert found is not None
    assert found.due == due


@pytest.mark.parametrize("text", [
    "staff who joined less than a week ago",
    "a group for children under two years old",
    "families with babies under 6 months old",
])
def test_a_length_of_time_in_the_past_or_an_age_is_not_a_date(text: str) -> None:
    assert find_date_in_text(text, today=TODAY) is None


@pytest.mark.parametrize(("text", "due"), [
    ("til June please", date(2027, 6, 30)),
    ("can we have til end june", date(2027, 6, 30)),
    ("end May should do it", date(2027, 5, 31)),
    ("end-April at the latest", date(2027, 4, 30)),
    ("til 30/6", date(2027, 6, 30)),
    ("til may", date(2027, 5, 31)),  # "may" is a date only after a cue
    ("need til end may", date(2027, 5, 31)),
    ("til May, the review meets on 20 June", date(2027, 5, 31)),  # the date "til" introduces wins
])
def test_til_and_end_month_without_of(text: str, due: date) -> None:
    found = find_date_in_text(spell_out_reply_dates(text, today=TODAY), today=TODAY)
    assert found is not None
    assert found.due == due


@pytest.mark.parametrize(("text", "due"), [
    ("sometime between September and November", date(2027, 11, 30)),
    ("between march and may", date(2027, 5, 31)),
    ("between now and may", date(2027, 5, 31)),
])
def test_a_range_of_months_is_due_at_its_later_end(text: str, due: date) -> None:
    found = find_date_in_text(text, today=TODAY)
    assert found is not None
    assert found.due == due


def test_mid_month_is_still_the_months_end() -> None:
    found = find_date_in_text("mid-June", today=TODAY)
    assert found is not None
    assert (found.due, found.precision) == (date(2027, 6, 30), Precision.MONTH)


@pytest.mark.parametrize(("text", "due"), [
    ("new target 15/9 if the panel agrees", date(2027, 9, 15)),
    ("revised date 2/3", date(2028, 3, 2)),  # 2 March has gone this year: next year's
])
def test_day_and_month_after_a_target_cue_is_the_next_such_day(text: str, due: date) -> None:
    found = find_date_in_text(text, today=TODAY)
    assert found is not None
    assert found.due == due


def test_a_fraction_with_no_cue_is_still_no_date() -> None:
    assert find_date_in_text("2/3 of the teams are trained", today=TODAY) is None


@pytest.mark.parametrize(("text", "spelt"), [
    ("training booked in w/c 22nd", "training booked in w/c 22 March 2027"),  # 22 March 2027 is a Monday
    ("week commencing the 16th", "week commencing the 16 August 2027"),  # the next Monday the 16th
    ("w/c 5th April", "w/c 5th April"),  # a month is named: left to the date rules
])
def test_week_commencing_a_day_number_is_the_next_monday_with_that_number(text: str, spelt: str) -> None:
    assert spell_out_reply_dates(text, today=TODAY) == spelt


# --- read as a reply ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "due"), [
    ("Running late on this one - three weeks?", date(2027, 3, 31)),
    ("Need a bit longer, &lt; 2 weeks", date(2027, 3, 24)),
    ("We need more time: less than a month", date(2027, 4, 10)),
    ("need til end june, two staff off sick", date(2027, 6, 30)),
    ("Sorry, we need an extension. New target 30/9, the trainer pulled out.", date(2027, 9, 30)),
    ("We need more time; it will be sometime between July and October.", date(2027, 10, 31)),
])
def test_a_request_for_more_time_gives_these_dates(text: str, due: date) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.EXTENSION_REQUESTED
    assert reading.new_due == due


@pytest.mark.parametrize(("text", "due"), [
    ("Two teams trained, the other two are booked in w/c 22nd.", date(2027, 3, 26)),
    ("Still working on it - it will be finished between now and June.", date(2027, 6, 30)),
    ("Draft agreed, it will be done next week.", date(2027, 3, 19)),  # the Friday of next week
    ("Still in progress: the posters are designed and we'll put them up next week.", date(2027, 3, 19)),
])
def test_a_progress_reply_gives_these_dates(text: str, due: date) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.IN_PROGRESS
    assert reading.new_due == due


def test_a_bare_length_of_time_is_no_target_outside_a_request_for_more_time() -> None:
    reading = read_reply("Training is under way. Two weeks.", today=TODAY)
    assert reading.status is not ReadStatus.EXTENSION_REQUESTED
    assert reading.new_due is None
