"""Dates found missed in held-out 14 once it was seen (our own words here, not theirs).

Progress given as the dates still to run ("two visits left - 5 May and 19 May", "courses still to run:" and a list):
the last of them is the finish, and the list ends with its sentence. A date the reply marks as the last in a list
("2 June: booked (last one)"), and a step named as the one that finishes the action ("goes to the panel on 9 June,
which will close the action"), give the finish too. A list of dates with no such words is no target.
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
