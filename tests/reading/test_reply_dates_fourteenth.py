"""Dates found missed in held-out 14 once it was seen (our own words here, not theirs).

Progress given as the dates still to run ("two visits left - 5 May and 19 May", "courses still to run:" and a list):
the last of them is the finish, and the list ends with its sentence. A date the reply marks as the last in a list
("2 June: booked (last one)"), and a step named as the one that finishes the action ("goes to the panel on 9 June,
which will close the action"), give the finish too. A list of dates with no such words is no target.

Also: "a week on Friday" and "Friday week" are the Friday after the coming one; a period followed by the day it
ends on ("runs through May, ending on 26 May") means that day; a request that settles on one date after vaguer
ones ("autumn more likely - say end of October?") asks for that date; and the writer's own correction ("*edit: end
of June, I misread the rota") replaces the date before it.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.replies import read_reply

TODAY = date(2027, 4, 14)  # a Wednesday


def _due(text: str, today: date = TODAY) -> date | None:
    return read_reply(text, today=today).new_due


@pytest.mark.parametrize(("text", "due"), [
    ("going well. two visits left - 5 may and 19 may, then every hostel has had one", date(2027, 5, 19)),
    ("Four briefings to go: 22 April, 29 April, 6 May and 13 May.", date(2027, 5, 13)),
    ("Courses still to run:\n\n* Tuesday 27 April (Ashby depot)\n* Tuesday 11 May (Carlow Street)\n\n"
     "Everyone else has been through it.", date(2027, 5, 11)),
    ("3 groups remaining, 20 apr, 4 may, 18 may. after the may ones we're finished", date(2027, 5, 18)),
])
def test_the_last_of_the_dates_still_to_run(text: str, due: date) -> None:
    assert _due(text) == due


@pytest.mark.parametrize(("text", "due"), [
    ("Training for the duty desk:\n- 7 April: done\n- 28 April: booked\n- 12 May: booked (last one)", date(2027, 5, 12)),
    ("Sessions: 28 April booked, 25 May booked (final session).", date(2027, 5, 25)),
])
def test_a_date_marked_as_the_last_in_a_list(text: str, due: date) -> None:
    assert _due(text) == due


@pytest.mark.parametrize(("text", "due"), [
    ("The pathway is written and the leads are happy. It goes to the quality panel on 9 June for sign-off, "
     "which will close the action.", date(2027, 6, 9)),
    ("Draft leaflet agreed with comms. It's printed and sent out to GP surgeries in July, which should "
     "complete the action.", date(2027, 7, 31)),
    ("We've costed it; the board takes the decision on 26 May and that completes this action for us.",
     date(2027, 5, 26)),
])
def test_the_step_that_finishes_the_action(text: str, due: date) -> None:
    assert _due(text) == due


@pytest.mark.parametrize("text", [
    # a list of dates with nothing saying it is what is left, or which is last
    "We've been running drop-ins on 20 April, 4 May and 18 May for anyone who missed out.",
    # the work is left, but no dates are given for it
    "Two sessions left to arrange; I'm waiting on the venue.",
    # "final" about a report of something else, not in brackets after a date
    "The audit is under way. The ombudsman's final report on 3 May is not ours.",
    # a step that closes a different thing than the action
    "We meet the provider on 12 May, which will close the contract negotiation; the action itself is a long way off.",
])
def test_dates_not_said_to_finish_the_work_are_no_target(text: str) -> None:
    assert _due(text) is None


@pytest.mark.parametrize(("text", "due"), [
    ("half the files checked. aiming to finish a week on friday", date(2027, 4, 23)),
    ("Should have it wrapped up by Monday week.", date(2027, 4, 26)),
    ("We hope to be done a week on Thursday (the 22nd).", date(2027, 4, 22)),
])
def test_a_week_on_a_weekday_is_the_one_after_the_coming_one(text: str, due: date) -> None:
    assert _due(text) == due


def test_friday_week_off_is_no_target() -> None:
    assert _due("Still working on it; I was on a Friday week off, so slower than hoped.") is None


@pytest.mark.parametrize(("text", "due"), [
    ("Two groups finished. The third runs through May, ending on 26 May, and then the action is done.",
     date(2027, 5, 26)),
    ("The last cohort runs through June, finishing on 18 June, after which we're done.", date(2027, 6, 18)),
])
def test_a_period_and_the_day_it_ends_on(text: str, due: date) -> None:
    assert _due(text) == due


@pytest.mark.parametrize(("text", "due"), [
    ("won't make the end of april. Q2 more likely - say end of june?", date(2027, 6, 30)),
    ("Sorry, not by May. The summer probably, call it 31 July.", date(2027, 7, 31)),
])
def test_a_request_that_settles_on_one_date(text: str, due: date) -> None:
    assert _due(text) == due


def test_a_request_without_settling_takes_the_latest() -> None:
    assert _due("won't make the end of april. June or July more likely?") == date(2027, 7, 31)


@pytest.mark.parametrize(("text", "due"), [
    ("should be done by end of the month\n*edit: end of june, i misread the rota", date(2027, 6, 30)),
    ("Finished by the end of May.\n\nCorrection - the 14th of June, the panel moved.", date(2027, 6, 14)),
])
def test_the_writers_own_correction_replaces_the_date(text: str, due: date) -> None:
    assert _due(text) == due


def test_an_update_heading_is_no_correction() -> None:
    # "Update:" heads the reply; the target stays the one it gives
    assert _due("Update: going well, done by the end of May.\nThe June meeting is just a review.") == date(2027, 5, 31)
