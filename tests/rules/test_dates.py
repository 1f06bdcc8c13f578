"""How target dates written in plans and replies become a due date (the last day meant)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.dates import (
    ParsedDate,
    find_date_in_text,
    normalise_cell_text,
    parse_target_date,
    split_lettered_dates,
)
from bot.rules.statuses import Precision
from tests.shared_plans import SHARED_PLANS, needs_shared_plans

DAY, MONTH, QUARTER, SEASON, HALF, YEAR, NONE = (
    Precision.DAY, Precision.MONTH, Precision.QUARTER, Precision.SEASON, Precision.HALF, Precision.YEAR, Precision.NONE,
)
TODAY = date(2026, 11, 25)  # a Wednesday


# --- plan cells ----------------------------------------------------------------------------------

PLAN_CELLS = [
    # days, in the ways plans write them
    ("31st December 2014", date(2014, 12, 31), DAY),
    ("31 <sup>st</sup> December 2014", date(2014, 12, 31), DAY),
    ("<p>1<sup>st</sup> March&nbsp;2027</p>", date(2027, 3, 1), DAY),
    ("&nbsp;22nd&nbsp;June&nbsp;2026 ", date(2026, 6, 22), DAY),
    ("3rd of May 2026", date(2026, 5, 3), DAY),
    ("21 st may 2026", date(2026, 5, 21), DAY),
    ("31/10/16", date(2016, 10, 31), DAY),
    ("31.10.2016", date(2016, 10, 31), DAY),
    ("05-04-2027", date(2027, 4, 5), DAY),
    ("2014-12-31", date(2014, 12, 31), DAY),
    ("2026-03-02 00:00:00", date(2026, 3, 2), DAY),
    ("March 4th, 2027", date(2027, 3, 4), DAY),
    # months
    ("Sept 2013", date(2013, 9, 30), MONTH),
    ("Feb 2028", date(2028, 2, 29), MONTH),
    ("December 14", date(2014, 12, 31), MONTH),
    ("Dec '26", date(2026, 12, 31), MONTH),
    ("04/2027", date(2027, 4, 30), MONTH),
    ("End of July 2017", date(2017, 7, 31), MONTH),
    ("Start: April 2014", date(2014, 4, 30), MONTH),
    ("By March 2015", date(2015, 3, 31), MONTH),
    ("March 2015 (to allow for recruitment)", date(2015, 3, 31), MONTH),
    ("June 2027 (once the new post is filled)", date(2027, 6, 30), MONTH),
    ("July 2026 (this may be sooner for the hospital)", date(2026, 7, 31), MONTH),
    # seasons, UK meteorological
    ("Spring 2026", date(2026, 5, 31), SEASON),
    ("Summer 2026", date(2026, 8, 31), SEASON),
    ("Autumn 2013", date(2013, 11, 30), SEASON),
    ("autumn of 2026", date(2026, 11, 30), SEASON),
    ("Winter 2014", date(2015, 2, 28), SEASON),
    ("Winter 2027", date(2028, 2, 29), SEASON),
    ("Winter 2026/27", date(2027, 2, 28), SEASON),
    # quarters and halves of the calendar year
    ("Q3 2015", date(2015, 9, 30), QUARTER),
    ("Q1 2027", date(2027, 3, 31), QUARTER),
    ("fourth quarter of 2026", date(2026, 12, 31), QUARTER),
    ("H1 2016", date(2016, 6, 30), HALF),
    ("H2 2026", date(2026, 12, 31), HALF),
    ("first half of 2016", date(2016, 6, 30), HALF),
    ("Second half of the year 2027", date(2027, 12, 31), HALF),
    # years
    ("2015", date(2015, 12, 31), YEAR),
    ("By the end of 2027", date(2027, 12, 31), YEAR),
    ("2026/27", date(2027, 3, 31), YEAR),  # the financial year
    # several dates: the latest one is the target
    ("May 2013 June 2013 Sept 2013", date(2013, 9, 30), MONTH),
    ("October to December 2026", date(2026, 12, 31), MONTH),
    ("July 2026   October 2026- April 2027", date(2027, 4, 30), MONTH),
    ("31st March 2026  21st May 2026", date(2026, 5, 21), DAY),
    ("March 2026 31st March 2026", date(2026, 3, 31), DAY),
    ("Audit done  May 2026  April 2027", date(2027, 4, 30), MONTH),
    ("Dec 2025 reviews carried out termly, completed", date(2025, 12, 31), MONTH),
]

NO_DATE_CELLS = [
    "tbc", "TBC", "Ongoing", "On-going", "Complete", "Completed", "Action completed", "N/A", "NA", "",
    "   ", "Periodically", "------------", "<p></p>", "As part of the new strategy", "Target date",
    "Housing will report to the board in due course", "We may review this",
]


@pytest.mark.parametrize(("text", "due", "precision"), PLAN_CELLS)
def test_plan_cell_gives_last_day_meant(text: str, due: date, precision: Precision) -> None:
    assert parse_target_date(text) == ParsedDate(text, due, precision)


@pytest.mark.parametrize("text", NO_DATE_CELLS)
def test_cell_without_a_date_keeps_its_text(text: str) -> None:
    assert parse_target_date(text, today=TODAY) == ParsedDate(text, None, NONE)


@pytest.mark.parametrize(
    ("text", "due", "precision"),
    [
        ("1st July and ongoing", date(2027, 7, 1), DAY),
        ("25 November", date(2026, 11, 25), DAY),  # today still counts
        ("24 November", date(2027, 11, 24), DAY),
        ("Reminder to be sent April each year", date(2027, 4, 30), MONTH),
        ("November", date(2026, 11, 30), MONTH),  # the month we are in
        ("Autumn", date(2026, 11, 30), SEASON),
        ("Winter", date(2027, 2, 28), SEASON),
        ("Spring", date(2027, 5, 31), SEASON),
        ("Q4", date(2026, 12, 31), QUARTER),
        ("29 February", date(2028, 2, 29), DAY),
    ],
)
def test_date_without_a_year_is_its_next_occurrence(text: str, due: date, precision: Precision) -> None:
    assert parse_target_date(text, today=TODAY) == ParsedDate(text, due, precision)
    assert parse_target_date(text) == ParsedDate(text, None, NONE)


def test_winter_in_january_is_the_winter_we_are_in() -> None:
    assert parse_target_date("Winter", today=date(2027, 1, 10)).due == date(2027, 2, 28)


def test_dated_neighbour_lends_its_year_only_across_a_range() -> None:
    assert parse_target_date("October to December 2013", today=TODAY).due == date(2013, 12, 31)
    # Not joined to the dated mention: "April" stays year-less and is the next April.
    assert parse_target_date("April, review in March 2015", today=TODAY).due == date(2027, 4, 30)


def test_impossible_dates_are_not_dates() -> None:
    assert parse_target_date("31/02/2015").due is None
    assert parse_target_date("29 February 2027").due is None
    assert parse_target_date("31 April 2026, else 2026").precision is YEAR


# --- lettered cells ------------------------------------------------------------------------------

LETTERED = (
    "<p>a) Policy drafted: October 2026</p> <p>Policy signed off: December 26</p>"
    "<p>b) December 2026</p> <p>c) NA</p> <p>d) Reminder sent each June</p> <p>e)31/05/27</p>"
)


def test_lettered_cell_splits_by_letter() -> None:
    assert split_lettered_dates(LETTERED) == {
        "a": ParsedDate("Policy drafted: October 2026 Policy signed off: December 26", date(2026, 12, 31), MONTH),
        "b": ParsedDate("December 2026", date(2026, 12, 31), MONTH),
        "c": ParsedDate("NA", None, NONE),
        "d": ParsedDate("Reminder sent each June", None, NONE),
        "e": ParsedDate("31/05/27", date(2027, 5, 31), DAY),
    }


def test_lettered_cell_resolves_each_part_on_its_own() -> None:
    # "each June" must not borrow 2026 from its neighbours: it is the next June after today.
    assert split_lettered_dates(LETTERED, today=TODAY)["d"].due == date(2027, 6, 30)


def test_lettered_cell_target_is_the_latest_part() -> None:
    assert parse_target_date(LETTERED) == ParsedDate(LETTERED, date(2027, 5, 31), DAY)
    assert parse_target_date("a) October 2014 b) December 2014").due == date(2014, 12, 31)
    assert parse_target_date("(a) Completed (b) Completed") == ParsedDate("(a) Completed (b) Completed", None, NONE)


def test_cell_not_starting_with_a_letter_is_not_lettered() -> None:
    assert split_lettered_dates("March 2015") == {}
    assert split_lettered_dates("Training for staff (a) and managers (b) by June 2026") == {}
    assert split_lettered_dates("h) March 2015") == {"h": ParsedDate("March 2015", date(2015, 3, 31), MONTH)}


def test_normalise_cell_text_drops_markup() -> None:
    assert normalise_cell_text("<p>31<sup>st</sup>&nbsp;March &amp; after</p>\n<hr/>") == "31 st March & after"


# --- free text (replies) -------------------------------------------------------------------------

REPLIES = [
    ("This will be completed by March", date(2027, 3, 31), MONTH),
    ("Sorry for the delay - new date 30/04/2027", date(2027, 4, 30), DAY),
    ("We expect to finish by the end of next month.", date(2026, 12, 31), MONTH),
    ("Done by the end of the month", date(2026, 11, 30), MONTH),
    ("I'll send the policy by Friday", date(2026, 11, 27), DAY),
    ("by Wed", date(2026, 12, 2), DAY),  # strictly after today, which is a Wednesday
    ("Can you give us another week? Should be done in two weeks", date(2026, 12, 9), DAY),
    ("in 10 days' time", date(2026, 12, 5), DAY),
    ("within a fortnight", date(2026, 12, 9), DAY),
    ("we should have it within the next 6 weeks", date(2027, 1, 6), DAY),
    ("over the next fortnight, all being well", date(2026, 12, 9), DAY),
    ("in the next two months", date(2027, 1, 25), DAY),
    ("in a couple of months", date(2027, 1, 25), DAY),
    ("Grace is on leave, back on 3 March", date(2027, 3, 3), DAY),
    ("May I have until June?", date(2027, 6, 30), MONTH),
    ("The audit (2014 version) is done; the new one by 2027", date(2027, 12, 31), YEAR),
    ("Our email of 20 January 2026 asked for it by 11 February 2027", date(2027, 2, 11), DAY),
    ("Training runs 3 December to 17 December, all done by Christmas week", date(2026, 12, 17), DAY),
    ("Hopefully this week", date(2026, 11, 27), DAY),
    ("Next week at the latest", date(2026, 12, 4), DAY),
    ("We will finish by the end of Q1", date(2027, 3, 31), QUARTER),
    ("Should be in place in the spring", date(2027, 5, 31), SEASON),
    ("tomorrow", date(2026, 11, 26), DAY),
    ("end of day today", date(2026, 11, 25), DAY),
    ("Extended to 2027-01-15 by the board", date(2027, 1, 15), DAY),
    ("<p>Target now <b>31<sup>st</sup> January 2027</b></p>", date(2027, 1, 31), DAY),
]


@pytest.mark.parametrize(("text", "due", "precision"), REPLIES)
def test_reply_gives_the_new_target(text: str, due: date, precision: Precision) -> None:
    found = find_date_in_text(text, today=TODAY)
    assert found is not None
    assert (found.due, found.precision) == (due, precision)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, will look into it",
        "We may march on regardless",
        "Staff do not fall between services any more",
        "The 2014 audit was positive",
        "Available 24/7 and 99.97% of staff trained",
        "",
    ],
)
def test_reply_without_a_date_gives_none(text: str) -> None:
    assert find_date_in_text(text, today=TODAY) is None


def test_found_date_text_is_the_words_that_named_it() -> None:
    assert find_date_in_text("new date 30/04/2027, thanks", today=TODAY) == ParsedDate(
        "30/04/2027", date(2027, 4, 30), DAY
    )


def test_month_followed_by_a_number_is_a_day_in_replies_but_a_year_in_plans() -> None:
    assert parse_target_date("December 14").due == date(2014, 12, 31)
    found = find_date_in_text("by December 14", today=TODAY)
    assert found is not None and found.due == date(2026, 12, 14)


# --- properties ----------------------------------------------------------------------------------

any_day = st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


DAY_FORMATS = [
    lambda d: d.strftime("%d/%m/%Y"),
    lambda d: d.strftime("%d.%m.%Y"),
    lambda d: d.isoformat(),
    lambda d: f"{d.day} {d:%B %Y}",
    lambda d: f"{_ordinal(d.day)} {d:%B %Y}",
    lambda d: f"{d.day:02d}th {d:%b %Y}",
    lambda d: f"{d.day} <sup>{_ordinal(d.day)[-2:]}</sup> {d:%B %Y}",
    lambda d: f"{d:%B} {_ordinal(d.day)}, {d.year}",
    lambda d: f"<p>{d.day}&nbsp;{d:%B}&nbsp;{d.year}</p>",
]


@given(day=any_day, form=st.sampled_from(DAY_FORMATS))
def test_any_written_day_round_trips(day: date, form) -> None:  # type: ignore[no-untyped-def]
    text = form(day)
    assert parse_target_date(text) == ParsedDate(text, day, DAY)


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_two_digit_years_are_this_century(day: date) -> None:
    assert parse_target_date(day.strftime("%d/%m/%y")).due == day


@given(
    year=st.integers(1950, 2099),
    month=st.integers(1, 12),
    form=st.sampled_from(["{B} {y}", "{b} {y}", "End of {B} {y}", "By {b} {y}", "Start: {B} {y}", "{m:02d}/{y}"]),
)
def test_month_forms_give_the_last_day_of_the_month(year: int, month: int, form: str) -> None:
    first = date(year, month, 1)
    text = form.format(B=f"{first:%B}", b=f"{first:%b}", y=year, m=month)
    parsed = parse_target_date(text)
    assert parsed.precision is MONTH
    assert parsed.due == date(year, month, calendar.monthrange(year, month)[1])


def _fragment(kind: str, year: int, n: int) -> tuple[str, date]:
    """A piece of target text and the first day it names."""
    if kind == "month":
        first = date(year, n % 12 + 1, 1)
        return f"{first:%B %Y}", first
    if kind == "quarter":
        q = n % 4 + 1
        return f"Q{q} {year}", date(year, 3 * q - 2, 1)
    if kind == "half":
        h = n % 2 + 1
        return f"H{h} {year}", date(year, 6 * h - 5, 1)
    if kind == "season":
        name, month = [("Spring", 3), ("Summer", 6), ("Autumn", 9), ("Winter", 12)][n % 4]
        return f"{name} {year}", date(year, month, 1)
    if kind == "year":
        return str(year), date(year, 1, 1)
    day = date(year, 1, 1) + timedelta(days=n % 365)
    return f"{_ordinal(day.day)} {day:%B %Y}", day


fragments = st.builds(
    _fragment,
    st.sampled_from(["month", "quarter", "half", "season", "year", "day"]),
    st.integers(1950, 2099),
    st.integers(0, 400),
)


@given(parts=st.lists(fragments, min_size=1, max_size=4), joiner=st.sampled_from([" ", ", ", "</p><p>", " then "]))
def test_due_is_never_before_a_day_the_text_names(parts: list[tuple[str, date]], joiner: str) -> None:
    parsed = parse_target_date(joiner.join(text for text, _ in parts))
    assert parsed.due is not None
    assert all(parsed.due >= first for _, first in parts)


@given(today=any_day, month=st.integers(1, 12))
def test_yearless_month_is_within_the_coming_year(today: date, month: int) -> None:
    name = f"{date(2000, month, 1):%B}"
    parsed = parse_target_date(name, today=today)
    assert parsed.due is not None and parsed.due.month == month
    assert today <= parsed.due < today + timedelta(days=366 + 31)


@given(today=any_day, days=st.integers(1, 500))
def test_in_n_days_counts_from_today(today: date, days: int) -> None:
    found = find_date_in_text(f"should be done in {days} days", today=today)
    assert found is not None and found.due == today + timedelta(days=days)


@given(text=st.text(max_size=80), today=any_day)
def test_any_text_parses_without_error(text: str, today: date) -> None:
    parsed = parse_target_date(text, today=today)
    assert parsed.text == text
    assert (parsed.due is None) == (parsed.precision is NONE)
    find_date_in_text(text, today=today)


# --- the real published plans --------------------------------------------------------------------

PLANS_DIR = SHARED_PLANS


def _target_cells(path: Path) -> dict[int, str]:
    """Line number -> target-date cell, for the tab-separated rows under a "Target date" header."""
    cells: dict[int, str] = {}
    column: int | None = None
    width = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fields = line.split("\t")
        if "Target date" in fields:
            column, width = fields.index("Target date"), len(fields)
        elif column is not None and len(fields) == width:
            cells[number] = fields[column]
    return cells


# (file, line) -> (due, precision), each checked by reading the cell.
PLAN_EXPECTATIONS: dict[tuple[str, int], tuple[date | None, Precision]] = {
    ("haringey-2014.txt", 8): (None, NONE),  # complete
    ("haringey-2014.txt", 9): (date(2013, 9, 30), MONTH),  # three months, "Sept" last
    ("haringey-2014.txt", 42): (None, NONE),  # ongoing
    ("haringey-2014.txt", 53): (date(2014, 4, 30), MONTH),  # "Start:" a month
    ("haringey-2014.txt", 55): (None, NONE),  # words, no date
    ("haringey-2014.txt", 56): (date(2014, 9, 30), MONTH),  # "Sep"
    ("haringey-2014.txt", 68): (date(2012, 12, 31), MONTH),  # "Dec" then words
    ("haringey-2014.txt", 88): (None, NONE),  # tbc
    ("nuneaton-dhr1.txt", 8): (date(2014, 12, 31), DAY),  # ordinal split by <sup>
    ("nuneaton-dhr1.txt", 9): (date(2015, 3, 31), MONTH),  # lettered, with a two-digit-year month
    ("nuneaton-dhr1.txt", 16): (None, NONE),  # action completed
    ("nuneaton-dhr1.txt", 30): (date(2015, 3, 31), MONTH),  # lettered a) to g), one NA, one yearly
    ("nuneaton-dhr1.txt", 39): (date(2014, 8, 31), MONTH),  # a month with a reason in brackets
    ("nuneaton-dhr1.txt", 57): (date(2014, 5, 31), DAY),  # lettered, numeric two-digit year
    ("nuneaton-dhr1.txt", 84): (date(2014, 12, 31), MONTH),  # a day then later months
    ("nuneaton-dhr1.txt", 105): (date(2015, 7, 31), MONTH),  # ongoing x2 then a month, "may" as a verb
    ("nuneaton-dhr1.txt", 124): (date(2014, 2, 28), MONTH),  # "Feb"
    ("nuneaton-dhr1.txt", 139): (date(2014, 6, 30), DAY),  # lower-case month among ordinals
    ("nuneaton-dhr1.txt", 155): (date(2015, 4, 30), MONTH),  # a range ending the cell
}


def _plan_cells() -> dict[tuple[str, int], str]:
    if not PLANS_DIR.is_dir():
        return {}
    return {(path.name, line): cell for path in sorted(PLANS_DIR.glob("*.txt")) for line, cell in _target_cells(path).items()}


@needs_shared_plans()
def test_every_target_cell_in_the_published_plans_parses() -> None:
    cells = _plan_cells()
    assert len(cells) > 100
    for (name, line), cell in cells.items():
        parsed = parse_target_date(cell)
        assert parsed.text == cell, (name, line)
        if parsed.due is not None:
            assert date(2010, 1, 1) <= parsed.due <= date(2020, 12, 31), (name, line, parsed)
    dated = sum(parse_target_date(cell).due is not None for cell in cells.values())
    assert dated >= 60


@needs_shared_plans()
@pytest.mark.parametrize(("where", "expected"), sorted(PLAN_EXPECTATIONS.items()), ids=lambda v: str(v))
def test_published_plan_cell(where: tuple[str, int], expected: tuple[date | None, Precision]) -> None:
    cells = _plan_cells()
    assert where in cells, f"no target cell at {where}"
    parsed = parse_target_date(cells[where])
    assert (parsed.due, parsed.precision) == expected


@needs_shared_plans()
def test_published_lettered_cell_splits() -> None:
    parts = split_lettered_dates(_plan_cells()[("nuneaton-dhr1.txt", 30)], today=date(2014, 6, 1))
    assert list(parts) == ["a", "b", "c", "d", "e", "f", "g"]
    assert parts["a"].due == date(2012, 10, 31)
    assert parts["d"] == ParsedDate("NA", None, NONE)
    assert parts["f"].due == date(2015, 4, 30)  # the next April after 1 June 2014
