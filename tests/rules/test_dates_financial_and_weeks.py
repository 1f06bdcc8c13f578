"""UK financial years and their quarters, week-commencing dates, relative periods and impossible dates."""

from __future__ import annotations

from datetime import date

import pytest

from bot.rules.dates import find_date_in_text, parse_target_date, unreadable_date
from bot.rules.statuses import Precision

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("text", "due", "precision"),
    [
        ("Q1 2026/27", date(2026, 6, 30), Precision.QUARTER),
        ("Q4 2026/27", date(2027, 3, 31), Precision.QUARTER),
        ("Q2 25-26", date(2025, 9, 30), Precision.QUARTER),
        ("end of Q3 FY26/27", date(2026, 12, 31), Precision.QUARTER),
        ("end of financial year 2025/26", date(2026, 3, 31), Precision.YEAR),
        ("FY 2026/27", date(2027, 3, 31), Precision.YEAR),
        ("FY 25/26", date(2026, 3, 31), Precision.YEAR),
        ("Q3 2015", date(2015, 9, 30), Precision.QUARTER),  # a calendar quarter, as before
    ],
)
def test_financial_years_and_their_quarters_count_from_april(text: str, due: date, precision: Precision) -> None:
    parsed = parse_target_date(text, today=TODAY)
    assert (parsed.due, parsed.precision) == (due, precision)


def test_a_quarter_whose_years_do_not_follow_on_is_not_a_financial_quarter() -> None:
    assert parse_target_date("Q1 2026/28", today=TODAY).due != date(2026, 6, 30)


@pytest.mark.parametrize(
    ("text", "due"),
    [("w/c 11 January 2027", date(2027, 1, 15)), ("week commencing 12th April 2027", date(2027, 4, 16)),
     ("w/c 22/03/2027", date(2027, 3, 26)), ("week beginning 6 March 2027", date(2027, 3, 12))],
)
def test_week_commencing_is_due_at_the_end_of_that_working_week(text: str, due: date) -> None:
    assert parse_target_date(text, today=TODAY).due == due


@pytest.mark.parametrize(
    ("text", "today", "due"),
    [
        ("by the end of the financial year", date(2026, 12, 1), date(2027, 3, 31)),
        ("by the end of the financial year", date(2027, 2, 10), date(2027, 3, 31)),
        ("next financial year", date(2026, 5, 1), date(2028, 3, 31)),
        ("another two weeks", date(2027, 3, 1), date(2027, 3, 15)),
        ("four more weeks", date(2027, 3, 1), date(2027, 3, 29)),
        ("another fortnight", date(2027, 1, 14), date(2027, 1, 28)),
        ("done by 12/3", date(2027, 3, 1), date(2027, 3, 12)),
    ],
)
def test_relative_periods_count_from_the_day_the_reply_was_sent(text: str, today: date, due: date) -> None:
    parsed = find_date_in_text(text, today=today)
    assert parsed is not None and parsed.due == due


@pytest.mark.parametrize(
    ("text", "why"),
    [("30 Feb 2026", "30 Feb 2026 is not a date: February 2026 has 28 days"),
     ("31/04/2027", "31/04/2027 is not a date: April 2027 has 30 days"),
     ("29 February 2027", "29 February 2027 is not a date: February 2027 has 28 days"),
     ("15/13/2027", "15/13/2027 is not a date: there is no month 13")],
)
def test_an_impossible_date_is_not_read_and_says_why(text: str, why: str) -> None:
    parsed = parse_target_date(text, today=TODAY)
    assert parsed.due is None
    assert parsed.problem == why
    assert unreadable_date(f"can we move it to {text}?") == why


def test_a_real_date_has_no_problem() -> None:
    assert unreadable_date("29 February 2028 and 31 March") is None
    assert parse_target_date("31 March 2027").problem is None
