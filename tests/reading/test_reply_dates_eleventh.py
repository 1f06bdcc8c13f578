"""Dates found missed in held-out 10 once it was seen (our own words here, not theirs).

"Quarter 2 2027/28" written out, Christmas Day ("by Christmas", not "the Christmas period"), "a couple more weeks",
a later month offered on its own ("maybe november"), "revised go-live", "that'll be everyone" after the last
session's date, "not complete until ... in the spring", "next winter" a year ahead, and "so end of December"
saying a vaguer target again more exactly.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.replies import read_reply
from bot.rules.dates import find_date_in_text
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 3, 3)  # a Wednesday


def _reading(text: str, today: date = TODAY) -> tuple[ReadStatus, date | None]:
    reading = read_reply(text, today=today, model=None)
    return reading.status, reading.new_due


@pytest.mark.parametrize(("text", "due"), [
    ("end of Quarter 3 2027/28", date(2027, 12, 31)),
    ("quarter 1 2027-28", date(2027, 6, 30)),
])
def test_a_financial_quarter_written_out(text: str, due: date) -> None:
    parsed = find_date_in_text(text, today=TODAY)
    assert parsed is not None and parsed.due == due


@pytest.mark.parametrize(("text", "due"), [
    ("Half the wards are done; we expect the rest to be finished by Christmas.", date(2027, 12, 25)),
    ("We're aiming to get everyone through by xmas", date(2027, 12, 25)),
])
def test_by_christmas_is_christmas_day(text: str, due: date) -> None:
    assert _reading(text)[1] == due


def test_the_christmas_period_is_no_day() -> None:
    assert find_date_in_text("reports rise over the Christmas period", today=TODAY) is None


def test_a_target_said_again_more_exactly_wins() -> None:
    text = "Roughly halfway through the audits. Christmas at the very latest, so the end of December."
    assert _reading(text)[1] == date(2027, 12, 31)


@pytest.mark.parametrize(("text", "status", "due"), [
    ("bit behind, could I have a couple more weeks?", ReadStatus.EXTENSION_REQUESTED, date(2027, 3, 17)),
    ("done? nowhere near. maybe june", ReadStatus.EXTENSION_REQUESTED, date(2027, 6, 30)),
    ("Testing continues. Revised go-live: 14/05/2027 (was 1 April).", ReadStatus.EXTENSION_REQUESTED,
     date(2027, 5, 14)),
    ("Two schools briefed so far. The last one has an inset day on 23rd March so I'll see them then and that'll be "
     "everyone.",
     ReadStatus.IN_PROGRESS, date(2027, 3, 23)),
    ("It's running on two wards; I won't call it complete until we've audited it again in the spring.",
     ReadStatus.IN_PROGRESS, date(2027, 5, 31)),
])
def test_the_new_date_is_read(text: str, status: ReadStatus, due: date) -> None:
    assert _reading(text) == (status, due)


def test_next_winter_is_a_year_ahead_when_asked_for() -> None:
    text = "We missed this winter's window, sorry. We'll have to push it to next winter."
    assert _reading(text, date(2028, 3, 1)) == (ReadStatus.EXTENSION_REQUESTED, date(2029, 2, 28))


@pytest.mark.parametrize("text", [
    "maybe october we could talk about it",
    "Not started, waiting on the new leads. Probably September.",
    "Maybe. October was busy.",
])
def test_a_month_in_a_longer_sentence_is_not_offered_as_a_new_date(text: str) -> None:
    assert _reading(text)[0] is not ReadStatus.EXTENSION_REQUESTED
