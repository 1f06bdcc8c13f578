"""Kinds found in the misses of held-out 10 once it was seen (our own words here, not theirs).

New owners: "this now falls to X", "it ought to be led by X", "that's with X now - Name", a lower-case team that
"took this over" or "owns that one", "ask my successor, Name", "Name's your man"; and a reply that only says it
reached the wrong person ("no idea why this came to me", "take me off this", "I'm not the owner - can someone
pick it up?", "no idea, not mine"). "Speak to X about the invoice" and "the training is with HR for sign-off" name
no new owner.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import needs_confirmation
from bot.reading.replies import read_replies, read_reply
from bot.rules.statuses import ReadStatus
from tests.reading.readings import redirected_to, rules_status

TODAY = date(2027, 6, 9)  # a Wednesday




# --- new owners -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "owner"), [
    ("I cover reception only. This action now falls to our deputy head, Mrs Olu Banjo, so please write to her.",
     "Olu Banjo"),
    ("This one falls to the Youth Justice Service.", "the Youth Justice Service"),
    ("It ought to be led by Adult Social Care really - the pathway is theirs.", "Adult Social Care"),
    ("this action should properly be owned by Public Health, can you send it over", "Public Health"),
    ("that's with the licensing team now - Greg Amos", "Greg Amos"),
    ("it's with Northgate Housing now, not us", "Northgate Housing"),
    ("probation took this over in the spring, ask Dominic in the MAPPA unit", "Dominic"),
    ("not mine - estates own that one, Sunita's your woman", "Sunita"),
    ("I left that post in March, you'd best ask my successor, Hollie Brandt, who has it now", "Hollie Brandt"),
    ("Contact my replacement Farid, he picked up all my actions", "Farid"),
    ("Tomasz is who you want for that one", "Tomasz"),
])
def test_the_new_owner_is_named(text: str, owner: str) -> None:
    to = redirected_to(text, TODAY)
    assert to is not None and owner.lower() in to.lower()


@pytest.mark.parametrize("text", [
    "No idea why this was sent to me - I run the café. Please take me off the list.",
    "Please take me off this, I'm in finance.",
    "I know nothing about this one, sorry.",
    "im not the owner of this - can someone else pick it up?",
    "Can anyone take this on? I'm not its lead.",
    "no idea, not mine",
])
def test_a_reply_that_only_says_it_reached_the_wrong_person_is_a_redirect(text: str) -> None:
    assert rules_status(text, TODAY) is ReadStatus.REDIRECT


@pytest.mark.parametrize("text", [
    "Training delivered. Speak to Karina Webb about the invoice.",
    "The training pack is with HR for sign-off.",
    "Is this the one I finished in May? Not sure why it's come round again.",
    "The sessions will be led by an external trainer in July.",
    "the leaflet falls to be reprinted next year",
    "The review should be led by the chair, as agreed, and that's what happened in March.",
])
def test_a_person_or_team_named_beside_the_work_is_no_new_owner(text: str) -> None:
    assert rules_status(text, TODAY) is not ReadStatus.REDIRECT


# --- completions that something hid -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    # a routine described after the completion: "whenever" is when it works, not when the rest happens
    "This is finished. Reception staff now see the warning whenever a flagged address is entered.",
    # launched "with" something for someone: no document waiting at a step
    "We've done it: the guidance was signed off in May and issued to every ward with posters for the staff rooms.",
    # the share the action asked for
    "The e-learning reached 85% of the workforce, which was the target in the plan, so this one is complete.",
    "Done - compliance is at 93%, above the target.",
    # the few left out cannot take part
    "Complete. Everyone has been through it (the other two are on maternity leave).",
    # a half day is no half of the work
    "All done, the last cohort did their half day session on Monday.",
])
def test_a_completion_is_not_hidden_by_words_beside_it(text: str) -> None:
    assert rules_status(text, TODAY) is ReadStatus.COMPLETE


@pytest.mark.parametrize("text", [
    "The whole of the first half is finished, the rest to follow.",
    "the guidance is with legal for sign-off",
    "The sessions reached 60% of staff; the target is 90%.",
    "Done for most - the remaining staff are booked in for July.",
    "we'll run the second lot whenever a room is free",
])
def test_work_left_beside_a_completion_still_reads_not_finished(text: str) -> None:
    assert rules_status(text, TODAY) is not ReadStatus.COMPLETE


@pytest.mark.parametrize("text", [
    "the new pathway has been live since March and we've had 17 referrals through it so far",
    "The screening tool is in use since the autumn; 40 disclosures logged so far.",
])
def test_uses_counted_so_far_are_no_work_still_to_do(text: str) -> None:
    assert rules_status(text, TODAY) is ReadStatus.COMPLETE


def test_a_count_of_work_so_far_is_still_in_progress() -> None:
    assert rules_status("we've trained 40 staff so far", TODAY) is ReadStatus.IN_PROGRESS


@pytest.mark.parametrize("text", [
    "could we mark this one as done? the checklist has been in use since January",
    "can you record it as complete please",
    "should all be finished now?",
    "fairly sure that was completed last year?",
    "I think it was signed off before Christmas",
])
def test_a_completion_asked_for_or_believed_is_put_to_the_writer(text: str) -> None:
    reading = read_reply(text, today=TODAY, model=None)
    assert reading.status is ReadStatus.COMPLETE
    assert needs_confirmation(reading)


@pytest.mark.parametrize("text", [
    "is it finished?",
    "Didn't I tell you this was done?",
    "what do you mean by finished?",
])
def test_a_completion_only_asked_about_is_not_one(text: str) -> None:
    assert rules_status(text, TODAY) is not ReadStatus.COMPLETE


# --- several actions --------------------------------------------------------------------------------------------


def test_status_emoji_read_as_words_per_action() -> None:
    readings = read_replies("3-1 :white_check_mark:\n3-2 :hourglass_flowing_sand:\n:x: 3-3 not started",
                            today=TODAY, known_refs=["KLM1-3-1", "KLM1-3-2", "KLM1-3-3"], model=None)
    assert [readings[ref].status for ref in ("KLM1-3-1", "KLM1-3-2", "KLM1-3-3")] == [
        ReadStatus.COMPLETE, ReadStatus.IN_PROGRESS, ReadStatus.NOT_STARTED]


def test_a_tick_is_a_completion_always_asked() -> None:
    for text in ("\u2705", ":white_check_mark:", "2-1 :heavy_check_mark:"):
        reading = read_reply(text, today=TODAY, model=None)
        assert reading.status is ReadStatus.COMPLETE
        assert needs_confirmation(reading)


def test_a_no_entry_sign_is_blocked_not_a_cross() -> None:
    assert rules_status("on hold :no_entry: legal have not replied", TODAY) is ReadStatus.BLOCKED


def test_with_a_team_for_their_step_is_still_in_progress() -> None:
    assert rules_status("it's with the print team for proofing", TODAY) is ReadStatus.IN_PROGRESS


def test_refs_joined_by_an_escaped_ampersand_share_their_text() -> None:
    readings = read_replies("PQR2-1-1 &amp; PQR2-1-2 both finished", today=TODAY,
                            known_refs=["PQR2-1-1", "PQR2-1-2"], model=None)
    assert {reading.status for reading in readings.values()} == {ReadStatus.COMPLETE}


def test_the_second_after_a_dash_is_its_own_part() -> None:
    readings = read_replies("The first one we finished in March. The second - no idea, Nita had it and she's off.",
                            today=TODAY, known_refs=["ABC1-1-1", "ABC1-1-2"], model=None)
    assert readings["ABC1-1-1"].status is ReadStatus.COMPLETE
    assert readings["ABC1-1-2"].status is not ReadStatus.COMPLETE


def test_the_last_part_of_a_ref_alone_with_its_dash_names_that_action() -> None:
    readings = read_replies("-1 done\n-2 nope, not started\n-3 n/a, that hostel shut in April", today=TODAY,
                            known_refs=["XYZ4-2-1", "XYZ4-2-2", "XYZ4-2-3"], model=None)
    assert [readings[ref].status for ref in ("XYZ4-2-1", "XYZ4-2-2", "XYZ4-2-3")] == [
        ReadStatus.COMPLETE, ReadStatus.NOT_STARTED, ReadStatus.NOT_APPLICABLE]


def test_a_dashed_last_part_after_a_joiner_shares_the_text() -> None:
    readings = read_replies("MNO3-1-1 &amp; -2 paused till the merger is done", today=TODAY,
                            known_refs=["MNO3-1-1", "MNO3-1-2"], model=None)
    assert {reading.status for reading in readings.values()} == {ReadStatus.BLOCKED}


def test_a_number_with_a_dash_inside_a_sentence_is_no_ref() -> None:
    readings = read_replies("temperatures of -2 closed the site, both finished now", today=TODAY,
                            known_refs=["XYZ4-2-1", "XYZ4-2-2"], model=None)
    assert readings["XYZ4-2-1"].status is readings["XYZ4-2-2"].status


def test_a_table_of_answers_is_read_not_taken_for_a_signature() -> None:
    text = ("Latest below.\n\nRef | Status | Notes\nDEF5-1-1 | Complete | Guidance issued 3/05/27\n"
            "DEF5-1-2 | Not started | Waits on the audit\n\nThanks\nJo")
    readings = read_replies(text, today=TODAY, known_refs=["DEF5-1-1", "DEF5-1-2"], model=None)
    assert readings["DEF5-1-1"].status is ReadStatus.COMPLETE
    assert readings["DEF5-1-2"].status is ReadStatus.NOT_STARTED


def test_a_title_bar_in_a_signature_still_ends_the_words() -> None:
    reading = read_reply("All done.\nSam Ortiz | DA Coordinator | Brookfield Council\nIn progress elsewhere",
                         today=TODAY, model=None)
    assert reading.status is ReadStatus.COMPLETE


# --- never complete ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "status"), [
    ("the clinic this related to got decommissioned last year, so nothing left for us to do",
     ReadStatus.NOT_APPLICABLE),
    ("We have decided not to pursue this: the county offer covers it.", ReadStatus.NOT_APPLICABLE),
    ("done as much as we can this end, the rest needs the ICB and they aren't answering", ReadStatus.BLOCKED),
    ("ill have it done by end of the month", ReadStatus.IN_PROGRESS),
    ("The trial finished in May and the findings will go to the safeguarding board in July, after which we'll decide "
     "on roll-out.", ReadStatus.IN_PROGRESS),
    ("workshops booked for next week, all done after that", ReadStatus.IN_PROGRESS),
])
def test_never_complete(text: str, status: ReadStatus) -> None:
    assert rules_status(text, TODAY) is status


@pytest.mark.parametrize("text", [
    "We act for the practice. Please provide a copy of the recommendation and confirm whether the report has been "
    "published.",
    "We're a pharmacy and not sure why we have been included. Could you explain what is needed?",
])
def test_a_reply_asking_the_chaser_things_is_not_a_completion(text: str) -> None:
    assert rules_status(text, TODAY) is not ReadStatus.COMPLETE


def test_an_apology_for_a_late_reply_is_no_request_for_more_time() -> None:
    text = "Sorry for the delay, I've been away. The audit is under way and will go to the panel in June."
    assert rules_status(text, TODAY) is ReadStatus.IN_PROGRESS
