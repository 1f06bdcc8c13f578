from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.workdays import (
    SendWindow,
    add_working_days,
    is_working_day,
    next_send_time,
    send_day,
    working_days_between,
)

LONDON = ZoneInfo("Europe/London")
WINDOW = SendWindow(time(9, 30), time(16, 30))


def london(y: int, m: int, d: int, hh: int = 12, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def test_weekends_and_bank_holidays_are_not_working_days() -> None:
    assert is_working_day(date(2026, 12, 24))  # Thursday
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day, Friday
    assert not is_working_day(date(2026, 12, 26))  # Boxing Day, Saturday
    assert not is_working_day(date(2026, 12, 27))  # Sunday
    assert not is_working_day(date(2026, 12, 28))  # substitute day for Boxing Day
    assert is_working_day(date(2026, 12, 29))
    assert not is_working_day(date(2026, 4, 3))  # Good Friday
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday


def test_scottish_bank_holidays_are_working_days_in_england() -> None:
    assert is_working_day(date(2027, 1, 4))  # 2 January (a Scottish holiday) substituted to Monday 4th


def test_adding_a_working_day_skips_the_christmas_weekend_and_substitute_day() -> None:
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 25), 1) == date(2026, 12, 29)


def test_subtracting_working_days_goes_back_over_weekends_and_holidays() -> None:
    assert add_working_days(date(2026, 12, 29), -1) == date(2026, 12, 24)
    assert add_working_days(date(2026, 6, 17), -5) == date(2026, 6, 10)
    assert add_working_days(date(2026, 6, 20), -1) == date(2026, 6, 19)  # from a Saturday


def test_adding_zero_working_days_returns_the_day_unchanged() -> None:
    assert add_working_days(date(2026, 12, 26), 0) == date(2026, 12, 26)


def test_working_days_between_counts_after_the_start_up_to_the_end() -> None:
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert working_days_between(date(2026, 12, 21), date(2027, 1, 4)) == 7  # 22 23 24 29 30 31, 4 Jan
    assert working_days_between(date(2026, 6, 15), date(2026, 6, 15)) == 0
    assert working_days_between(date(2026, 12, 29), date(2026, 12, 24)) == -1


@given(
    start=st.dates(min_value=date(2025, 1, 1), max_value=date(2028, 12, 31)),
    n=st.integers(min_value=-300, max_value=300),
)
def test_working_days_between_undoes_add_working_days(start: date, n: int) -> None:
    end = add_working_days(start, n)
    assert working_days_between(start, end) == n
    if n:
        assert is_working_day(end)


def test_send_window_may_not_touch_the_hour_the_clocks_change() -> None:
    for start, end in [(time(0, 30), time(1, 30)), (time(1, 15), time(9, 0)), (time(0, 0), time(1, 0))]:
        with pytest.raises(ValueError, match="clocks change"):
            SendWindow(start, end)
    SendWindow(time(2, 30), time(6, 0))  # clear of it: allowed


def test_send_window_rejects_a_backwards_window_and_unknown_zone() -> None:
    with pytest.raises(ValueError, match="before end"):
        SendWindow(time(16, 30), time(9, 30))
    with pytest.raises(ValueError, match="Riverside/Town"):
        SendWindow(time(9, 30), time(16, 30), tz="Riverside/Town")


def test_next_send_time_is_now_inside_the_window() -> None:
    now = london(2026, 6, 17, 11, 5)
    assert next_send_time(now, WINDOW) == now
    assert next_send_time(now, WINDOW).tzinfo == UTC


def test_next_send_time_waits_for_the_window_to_open_today() -> None:
    assert next_send_time(london(2026, 6, 17, 7, 0), WINDOW) == london(2026, 6, 17, 9, 30)


def test_next_send_time_after_friday_window_is_monday_morning() -> None:
    assert next_send_time(london(2026, 6, 19, 16, 30), WINDOW) == london(2026, 6, 22, 9, 30)


def test_next_send_time_waits_over_christmas_bank_holidays() -> None:
    assert next_send_time(london(2026, 12, 24, 17, 0), WINDOW) == london(2026, 12, 29, 9, 30)


def test_next_send_time_across_the_spring_clock_change_opens_at_local_half_past_nine() -> None:
    result = next_send_time(datetime(2026, 3, 28, 20, 0, tzinfo=UTC), WINDOW)
    assert result == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)  # 09:30 BST


def test_next_send_time_across_the_autumn_clock_change_opens_at_local_half_past_nine() -> None:
    result = next_send_time(datetime(2026, 10, 25, 1, 30, tzinfo=UTC), WINDOW)  # inside the repeated hour
    assert result == datetime(2026, 10, 26, 9, 30, tzinfo=UTC)  # 09:30 GMT


def test_next_send_time_rejects_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_send_time(datetime(2026, 6, 17, 11, 0), WINDOW)


def test_send_day_of_a_friday_evening_is_the_monday() -> None:
    assert send_day(london(2026, 6, 19, 20, 0), WINDOW) == date(2026, 6, 22)


@given(st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)))
def test_next_send_time_is_the_first_moment_inside_a_window_on_a_working_day(now: datetime) -> None:
    result = next_send_time(now, WINDOW)
    local = result.astimezone(LONDON)
    assert result >= now
    assert is_working_day(local.date())
    assert WINDOW.start <= local.time() < WINDOW.end
    if result != now:
        # It is a window opening, and the previous window on a working day had closed by `now`.
        assert local.time() == WINDOW.start
        previous_day = add_working_days(local.date(), -1)
        previous_close = datetime.combine(previous_day, WINDOW.end, tzinfo=LONDON)
        assert previous_close <= now
        assert result - now < timedelta(days=8)
