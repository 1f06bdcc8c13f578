"""Working days (England & Wales) and the send window.

Working days skip weekends and England & Wales bank holidays, including the substitute days
the `holidays` package lists when a holiday falls on a weekend (Christmas Day 2026 is a Friday,
Boxing Day a Saturday, so Monday 28 December 2026 is the substitute day).

All day arithmetic is done on local calendar dates, never by adding 24-hour timedeltas to
aware datetimes: a day is a date, so the clocks changing cannot skip or double one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

#: The hour in which UK clocks change: 01:00-02:00 local does not exist on the last Sunday of
#: March and happens twice on the last Sunday of October.
DST_CHANGE_HOUR = (time(1, 0), time(2, 0))

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def _bank_holidays_in(year: int) -> frozenset[date]:
    # Built once per year: constructing the holiday calendar is far slower than a set lookup.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


@lru_cache(maxsize=8192)
def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England & Wales bank holiday (or its substitute day)."""
    return day.weekday() < 5 and day not in _bank_holidays_in(day.year)


@lru_cache(maxsize=65536)
def add_working_days(day: date, n: int) -> date:
    """The working day `n` working days after `day` (before it when `n` is negative).

    `day` itself never counts, so the result of a non-zero `n` is always a working day:
    Friday + 1 is Monday, Monday - 1 is Friday, Saturday + 1 is Monday. `n == 0` gives
    `day` back unchanged, even when it is not a working day.
    """
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        day += step
        if is_working_day(day):
            remaining -= 1
    return day


def next_working_day_on_or_after(day: date) -> date:
    """`day` when it is a working day, else the first working day after it."""
    return day if is_working_day(day) else add_working_days(day, 1)


def working_days_between(a: date, b: date) -> int:
    """How many working days lie after `a` up to and including `b`; negative when `b` is earlier.

    Counted so that it undoes `add_working_days`: `working_days_between(a, add_working_days(a, n))`
    is `n` for every `a` and `n`. When `b < a` the working days counted are those from `b` up
    to, but not including, `a`.
    """
    if b >= a:
        first, last, sign = a + _ONE_DAY, b, 1
    else:
        first, last, sign = b, a - _ONE_DAY, -1
    return sign * _count_working_days(first, last)


def _count_working_days(first: date, last: date) -> int:
    """Working days in the closed range [first, last] (0 when last < first)."""
    if last < first:
        return 0
    span = (last - first).days + 1
    full_weeks, extra = divmod(span, 7)
    weekdays = full_weeks * 5 + sum(1 for i in range(extra) if (first + timedelta(days=i)).weekday() < 5)
    bank_holidays_on_weekdays = sum(
        1
        for year in range(first.year, last.year + 1)
        for holiday in _bank_holidays_in(year)
        if first <= holiday <= last and holiday.weekday() < 5
    )
    return weekdays - bank_holidays_on_weekdays


@dataclass(frozen=True)
class SendWindow:
    """The local hours, on working days, in which messages may go out: [start, end)."""

    start: time
    end: time
    tz: str = "Europe/London"

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time) or value.tzinfo is not None:
                raise ValueError(f"send window {name}: expected a local time of day such as 09:30, got {value!r}")
        if self.start >= self.end:
            raise ValueError(f"send window: start {self.start:%H:%M} must be before end {self.end:%H:%M}")
        # A window that touches the hour in which the clocks change would have a start or end that,
        # once a year, does not exist (March) or exists twice (October). "The start of the next
        # window" would then be ambiguous, and an hourly sweep could see the same window open twice
        # (a double send) or never (a skipped day). Keeping clear of that hour means every window
        # edge maps to exactly one instant, so plain local-date arithmetic is safe.
        gap_start, gap_end = DST_CHANGE_HOUR
        if self.start <= gap_end and self.end >= gap_start:
            raise ValueError(
                f"send window {self.start:%H:%M}-{self.end:%H:%M} touches {gap_start:%H:%M}-{gap_end:%H:%M} "
                "local time, when the clocks change; choose hours outside it"
            )
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"send window tz: unknown time zone {self.tz!r}") from error

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)  # zoneinfo caches instances per key

    def local_date(self, moment: datetime) -> date:
        """The calendar date of `moment` in the window's time zone."""
        return _require_aware(moment, "moment").astimezone(self.zone).date()

    def opens_on(self, day: date) -> datetime:
        """When the window opens on `day`, as an aware UTC datetime."""
        return datetime.combine(day, self.start, tzinfo=self.zone).astimezone(UTC)

    def contains(self, moment: datetime) -> bool:
        """Whether `moment` falls inside the window on a working day."""
        local = _require_aware(moment, "moment").astimezone(self.zone)
        return is_working_day(local.date()) and self.start <= local.time() < self.end


def next_send_time(now: datetime, window: SendWindow) -> datetime:
    """`now` (as UTC) when it is inside the window on a working day, else when the next such window opens."""
    local = _require_aware(now, "now").astimezone(window.zone)
    today = local.date()
    if is_working_day(today):
        if window.start <= local.time() < window.end:
            return now.astimezone(UTC)
        if local.time() < window.start:
            return window.opens_on(today)
    return window.opens_on(add_working_days(today, 1))


def send_day(moment: datetime, window: SendWindow) -> date:
    """The working day on which something decided at `moment` goes out.

    Rules date everything (now, the last chase, a reply) by its send day, so a message decided
    on Friday evening and one decided at 03:00 on Monday both count as Monday's: they go out
    together, and so must be the same step.
    """
    return window.local_date(next_send_time(moment, window))


def _require_aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {moment.isoformat()}")
    return moment
