"""Kinds behind the misses on held-out 3 and 4 (replies_heldout3/4.tsv), built as kinds. The examples here
are our own words, not the sets'."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import closes_action
from bot.reading.replies import read_reply
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 5, 10)


@pytest.mark.parametrize(("text", "owner"), [
    # a pointer to someone else beside a cue that the action is no longer the writer's
    ("I don't hold this one any more. Please contact Aisha Rahman, our new Head of Early Help.", "Aisha Rahman"),
    ("This isn't an action for the council - the refuge contract is run by Brightwater Women's Aid, so "
     "please ask them.", "Brightwater Women's Aid"),
    ("that's a licensing one not ours - try the Harbourside Licensing team", "the Harbourside Licensing team"),
    # a new owner named with a role between commas
    ("Please send further queries to Prof Lena Ortiz, the new Clinical Director, who is now leading on it.",
     "Prof Lena Ortiz"),
    ("both of these are Fenwick Police's now, not ours", "Fenwick Police"),
    # a Slack mention with the person's name in brackets beside it
    ("<@U0ABC12> is taking this over (Omar Castillo, safeguarding manager) - chase him next time",
     "Omar Castillo (<@U0ABC12>)"),
    ("not me any more, <@U0ZZZ99> owns the refuge actions now", "<@U0ZZZ99>"),
])
def test_a_redirect_names_the_person_or_organisation_pointed_to(text: str, owner: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert (reading.status, reading.redirect_to) == (ReadStatus.REDIRECT, owner)
    assert not closes_action(reading)


@pytest.mark.parametrize(("text", "owner"), [
    ("Thank you for your email. I have changed roles and no longer deal with DHR work. These actions are now "
     "overseen by Femi Okoro, Safeguarding Lead.", "Femi Okoro"),
    ("Gary Pratt has left the service. Please redirect any emails about safeguarding reviews to the Quality "
     "and Safety team at quality@example.org.", "the Quality and Safety team"),
    ("I'm out until 3 June. I am no longer the DHR contact; please forward these to the Partnership Support "
     "Unit (psu@example.org).", "the Partnership Support Unit"),
])
def test_an_automatic_reply_that_hands_dhr_work_on_names_the_successor(text: str, owner: str) -> None:
    reading = read_reply(text, today=TODAY, headers={"Auto-Submitted": "auto-replied"})
    assert (reading.automatic, reading.status, reading.redirect_to) == (True, ReadStatus.REDIRECT, owner)


@pytest.mark.parametrize("text", [
    "The training is delivered by Fenwick Police and went well - all done.",
    "Please contact Jo Bright if you need the attendance sheets, the audit is finished.",
    "It's a tricky one, not finished yet",
])
def test_a_pointer_without_a_not_ours_cue_is_not_a_redirect(text: str) -> None:
    assert read_reply(text, today=TODAY).status is not ReadStatus.REDIRECT


@pytest.mark.parametrize(("text", "today", "due"), [
    # the date the rest of the work is booked for is when it finishes
    ("3 of the 7 wards have had it, the remaining four are scheduled for july", date(2027, 5, 10), date(2027, 7, 31)),
    ("Nearly there: the final workshop is on 9 June.", date(2027, 5, 10), date(2027, 6, 9)),
    ("going well - the closing report will be presented at panel on 21 September 2027", date(2027, 5, 10),
     date(2027, 9, 21)),
    # a weekday with a day number: the next such day that falls on that weekday
    ("almost done, the last briefing is pencilled in for Thursday 17th", date(2027, 5, 10), date(2027, 6, 17)),
    # a target in a later sentence after a date that is history
    ("Thanks for your note of 2 May.\nThe refuge audit has begun and all sites will have been visited by the end "
     "of August 2027.", date(2027, 5, 10), date(2027, 8, 31)),
])
def test_the_day_the_last_of_the_work_happens_is_the_new_date(text: str, today: date, due: date) -> None:
    reading = read_reply(text, today=today)
    assert reading.status is ReadStatus.IN_PROGRESS
    assert reading.new_due == due


@pytest.mark.parametrize(("text", "due"), [
    ("any chance we could push it back three weeks?", date(2027, 5, 31)),
    ("it's slipped by a month unfortunately", date(2027, 6, 10)),
    ("could we have another fortnight?", date(2027, 5, 24)),
    ("realistically two months from now", date(2027, 7, 10)),
])
def test_more_time_by_an_amount_counts_from_the_day_the_reply_was_sent(text: str, due: date) -> None:
    reading = read_reply(text, today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, due)


@pytest.mark.parametrize("text", [
    "w/c 7 June for the final sessions, then done",
    "two more cohorts in the summer and then it's complete",
])
def test_done_after_a_step_still_to_come_is_not_a_completion(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.IN_PROGRESS


def test_a_stated_aim_with_a_part_of_a_month_is_a_target() -> None:
    reading = read_reply("we're aiming for late October", today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.IN_PROGRESS, date(2027, 10, 31))
