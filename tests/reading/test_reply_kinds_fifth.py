"""Kinds behind the misses on held-out 3 and 4 (replies_heldout3/4.tsv), built as kinds. The examples here
are our own words, not the sets'."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import closes_action, needs_confirmation
from bot.reading.replies import read_replies, read_reply
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


@pytest.mark.parametrize("text", [
    "should all be finished now, give me a shout if not",
    "i think it's done? Ade was running the last of it",
    "fairly sure that's complete, I'll check the register tomorrow",
    "Finished? I reckon so, but Jo has the paperwork",
    "Complete? I believe so, Lena has the sign-off email",
])
def test_a_hedged_completion_reads_complete_and_is_put_to_the_writer(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE
    assert needs_confirmation(reading)


@pytest.mark.parametrize("text", [
    "should be done by the end of June",
    "should be finished in the autumn",
    "it should have been done by now but it hasn't been",
])
def test_a_hedged_target_is_not_a_completion(text: str) -> None:
    assert read_reply(text, today=TODAY).status is not ReadStatus.COMPLETE


@pytest.mark.parametrize(("text", "status"), [
    ("we're not blocked any more - the data arrived so the analysis is under way", ReadStatus.IN_PROGRESS),
    ("it isn't stuck, it's just slow", ReadStatus.IN_PROGRESS),
    ("havnt begun, sorry", ReadStatus.NOT_STARTED),
    ("We have not been able to start this - no staff. It's unlikely to start before the new year.",
     ReadStatus.NOT_STARTED),
    ("No - nobody has been assigned to it yet.", ReadStatus.NOT_STARTED),
    ("We can't move on this because the grant ended.", ReadStatus.BLOCKED),
    ("Could we please have until the end of August to finish?", ReadStatus.EXTENSION_REQUESTED),
    ("Scoping is completed and a supplier appointed; every school will have received the pack by March.",
     ReadStatus.IN_PROGRESS),
    ("I don't think this applies to us - we only work with under-18s.", ReadStatus.NOT_APPLICABLE),
])
def test_status_kinds(text: str, status: ReadStatus) -> None:
    assert read_reply(text, today=TODAY).status is status


@pytest.mark.parametrize("text", [
    "Complete - the spot check showed 91% compliance across the wards. Nothing further needed.",
    "All finished. Nothing else to do on this one.",
])
def test_an_audit_figure_or_nothing_more_to_do_leaves_a_completion(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE and not needs_confirmation(reading)


@pytest.mark.parametrize("text", [
    "Hello, I believe we already gave you an update on this in the spring? Unsure why it still shows as open.",
    "Hi, not sure who's got this now, the post is empty. Will find out.",
])
def test_words_about_the_chaser_or_the_contact_say_nothing_of_the_work(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.UNCLEAR


@pytest.mark.parametrize("text", [
    "Done, shall I send over the sign-in sheets?",
    "pretty sure that's finished, ok if I check on Friday?",
])
def test_an_answer_then_a_question_of_the_writers_own_is_an_answer(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE and needs_confirmation(reading)


@pytest.mark.parametrize("text", [
    "Apologies for the late response, I've been on leave.\n\nThe policy went live on 3 May. Complete.",
    "I only work Tuesdays so sorry for the delay - the training is still under way.",
])
def test_a_person_explaining_a_late_answer_is_not_an_automatic_reply(text: str) -> None:
    assert not read_reply(text, today=TODAY).automatic


def test_a_notice_about_someone_elses_absence_is_automatic() -> None:
    reading = read_reply("Priya Shah is on annual leave until 1 June and may not see your message.", today=TODAY)
    assert reading.automatic and reading.status is ReadStatus.NO_RESPONSE


def test_a_status_given_to_every_action_at_the_start_covers_parts_that_only_describe() -> None:
    readings = read_replies(
        "Happy to say both are finished:\n- ABC1-1-1: new leaflet printed and handed out.\n"
        "- ABC1-1-2: the three hubs ran their sessions (registers attached).",
        today=TODAY, known_refs=["ABC1-1-1", "ABC1-1-2"],
    )
    assert {ref: r.status for ref, r in readings.items()} == dict.fromkeys(["ABC1-1-1", "ABC1-1-2"],
                                                                         ReadStatus.COMPLETE)


@pytest.mark.parametrize("text", [
    "I think it's done apart from the sign off",
    "pretty sure it is complete for the north team, south still to go",
    "probably finished, no wait, we still have two sessions",
    "i think that's done - no actually Jo still has one to do",
])
def test_a_hedged_completion_with_work_left_over_is_in_progress(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.IN_PROGRESS


def test_a_block_denied_beside_a_completion_leaves_the_completion() -> None:
    assert read_reply("not stuck at all, all done and signed off", today=TODAY).status is ReadStatus.COMPLETE


@pytest.mark.parametrize("text", [
    # the finished thing is a step, or something else, and the work goes on
    "Survey closed on Friday, next step is pulling the findings together for the panel",
    "I've finished ringing round the GP practices; two still haven't sent their figures",
    "Pilot finished last month. Roll-out to the other wards is pending the budget decision",
    "Procurement is done, we're now waiting for the provider to start",
    "The e-learning module is complete however the face to face sessions are not all booked",
    "done bar the final sign off at DMT",
    # something else closed: a step of the work, not the action
    "Recruitment round closed last week and we're now shortlisting",
    "Tender closed. Evaluation panel meets on the 3rd",
    # part done, the rest ahead
    "Group A done, group B after the summer break",
    # heard from someone else, or promised for later
    "I understand this was signed off by the board last spring",
    "Ravi said he'll have it done for the next team meeting",
])
def test_a_completion_that_says_something_is_not_finished_is_asked_never_closed(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert not (closes_action(reading) and not needs_confirmation(reading)), reading


@pytest.mark.parametrize("text", [
    "All frontline housing officers completed the DA awareness course in March. Attendance list attached.",
    "This is done - the revised referral pathway went live on 1 April.",
    "completed",
])
def test_a_plain_completion_is_still_closed_at_once(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE and not needs_confirmation(reading), reading
