"""Kinds behind the misses on held-out 5 (replies_heldout5.tsv), built as kinds. The examples here are our own
words, not the set's."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import closes_action, needs_confirmation
from bot.reading.replies import read_replies, read_reply
from bot.reading.status import read_status
from bot.rules.dates import spell_out_reply_dates
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 5, 10)


# --- new dates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "today", "due"), [
    # a quarter with no year is the UK financial quarter still to come (Q1 April-June ... Q4 January-March)
    ("could we push it to Q2?", date(2027, 5, 10), date(2027, 9, 30)),
    ("need more time, Q4 is realistic", date(2027, 5, 10), date(2028, 3, 31)),
    ("can we move it to Q1 please", date(2027, 3, 20), date(2027, 6, 30)),
    ("we'll need until the end of q3 at the earliest", date(2026, 11, 2), date(2026, 12, 31)),
])
def test_a_quarter_without_a_year_is_the_financial_quarter_to_come(text: str, today: date, due: date) -> None:
    reading = read_reply(text, today=today)
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, due)


@pytest.mark.parametrize(("text", "due"), [
    # chat is written in lower case: a month or season on its own is still the date meant
    ("october is more realistic for this one", date(2027, 10, 31)),
    ("autumn realistically, we've lost two staff", date(2027, 11, 30)),
    ("realistically september now with the leave", date(2027, 9, 30)),
])
def test_a_month_or_season_written_in_lower_case_is_the_new_date(text: str, due: date) -> None:
    reading = read_reply(text, today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, due)


def test_may_and_march_in_lower_case_still_need_a_cue() -> None:
    assert spell_out_reply_dates("we may finish soon", today=TODAY) == "we may finish soon"
    assert spell_out_reply_dates("done in july", today=TODAY) == "done in July"


@pytest.mark.parametrize(("text", "due"), [
    ("give us three weeks and it'll be there", date(2027, 5, 31)),
    ("can you give me two more weeks on this", date(2027, 5, 24)),
])
def test_a_time_asked_for_counts_from_the_reply_day(text: str, due: date) -> None:
    reading = read_reply(text, today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, due)


@pytest.mark.parametrize(("text", "due"), [
    ("two wards trained so far, the rest are pencilled in for august", date(2027, 8, 31)),
    ("first cohort went through in April and the rest are booked for 20 June", date(2027, 6, 20)),
])
def test_the_date_the_rest_of_the_work_happens_is_the_target(text: str, due: date) -> None:
    reading = read_reply(text, today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.IN_PROGRESS, due)


# --- status kinds ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "we won't make the original deadline, it'll be done by 30 September",
    "Is it possible to amend the due date? The consultant has gone off sick.",
    "could we hold it until the July panel? they have to sign it off",
    "the venue cancelled on us so we're rescheduling for the autumn",
    "it won't be finished until after Christmas I'm afraid",
    "end of August is the earliest we can manage",
    "aiming for late july now",
])
def test_more_time_said_in_other_words_is_an_extension(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.EXTENSION_REQUESTED


@pytest.mark.parametrize("text", [
    "it's been with the ICB for weeks and we can't sign it off till they comment",
    "done my bit, still no figures back from the CCG",
    "still no reply from children's services despite three emails",
])
def test_held_up_by_someone_else_is_blocked(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.BLOCKED
    assert not closes_action(reading)


@pytest.mark.parametrize("text", [
    "the survey has closed, now we have to pull the findings together",
    "this is in hand - the draft is with the team",
    "the pilot finished in March but the evaluation isnt written yet",
    "going ok thanks",
])
def test_a_step_done_with_more_to_do_is_in_progress(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.IN_PROGRESS
    assert not closes_action(reading)


@pytest.mark.parametrize("text", [
    "sorry, we haven't managed to start on this yet",
    "Not managed to begin this one - staffing has been really tight.",
    "Unfortunately no work has happened on this. The service has been focused on the CQC visit.",
])
def test_not_managed_to_start_is_not_started(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.NOT_STARTED


def test_being_focused_elsewhere_is_not_work_done() -> None:
    assert read_status("the team has been focused on the inspection")[0] is not ReadStatus.COMPLETE


@pytest.mark.parametrize("text", [
    "The board merged this action with 2.4 at the last refresh, so all updates will go against 2.4.",
    "This one is a duplicate of ORW9-1-2 and can be closed here.",
])
def test_an_action_merged_into_another_is_not_applicable(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.NOT_APPLICABLE
    assert needs_confirmation(reading)  # it would close the action, so the writer is asked first


@pytest.mark.parametrize("text", [
    "the protocol was signed last week so this one can be closed",
    "That should be finished by now - the team said they'd wrap it up in April.",
])
def test_a_request_to_close_or_a_belief_it_is_done_is_a_completion_to_ask_about(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE
    assert needs_confirmation(reading)


@pytest.mark.parametrize("text", [
    "Is this the action we finished in January? Not sure why you're chasing it.",
    "Was this one completed by Sarah before she left? I can't find anything.",
])
def test_a_completion_only_asked_about_is_not_a_completion(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is not ReadStatus.COMPLETE
    assert not closes_action(reading)


def test_work_done_for_another_review_is_not_this_actions() -> None:
    reading = read_reply("The audit we finished was for a previous review. This action hasn't been started.",
                         today=TODAY)
    assert reading.status is ReadStatus.NOT_STARTED


@pytest.mark.parametrize("text", [
    "All done - every nurse has had the session. We'd like to extend it to the bank staff next year too.",
    "Finished in March. We may extend the training to other wards later but that is outside this action.",
])
def test_extending_the_work_to_more_people_is_not_more_time(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.COMPLETE, None)


def test_extending_to_the_end_of_a_month_is_still_more_time() -> None:
    reading = read_reply("could we extend it to the end of July?", today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, date(2027, 7, 31))


# --- several actions ------------------------------------------------------------------------------------------


def test_short_refs_written_with_a_dot_split_the_reply() -> None:
    readings = read_replies("4.1 is finished\n4.2 we're about halfway", today=TODAY,
                            known_refs=["KNT5-4-1", "KNT5-4-2"])
    assert readings["KNT5-4-1"].status is ReadStatus.COMPLETE
    assert readings["KNT5-4-2"].status is ReadStatus.IN_PROGRESS


@pytest.mark.parametrize("lead", ["Both actions are finished now:", "I can confirm all of these are done -"])
def test_a_status_said_of_every_action_before_numbered_answers_applies_to_each(lead: str) -> None:
    readings = read_replies(f"{lead}\n1. Briefing ran on 3 May\n2. Leaflets sent out to every ward", today=TODAY,
                            known_refs=["KNT5-4-1", "KNT5-4-2"])
    assert {ref: reading.status for ref, reading in readings.items()} == {
        "KNT5-4-1": ReadStatus.COMPLETE, "KNT5-4-2": ReadStatus.COMPLETE}


def test_a_welsh_header_block_is_quoted_history() -> None:
    text = ("Training is complete, certificates on file.\n\nOddi wrth: DHR Tracker <dhr@example.org>\n"
            "Anfonwyd: 3 Mai 2027\nAt: Sian\nPwnc: Update requested\n\nPlease reply with an update.")
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE
    assert "Please reply" not in reading.text


# --- redirects ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "owner"), [
    ("handing this over to Ravi Patel, he runs the MASH now", "Ravi Patel"),
    ("this sits with adult social care not the trust", "adult social care"),
    ("It belongs to the youth offending service rather than us.", "youth offending service"),
    ("Please speak to Nia Evans instead, she's the lead for this now.", "Nia Evans"),
    ("The post has been vacant since May - please direct future reminders to Omar Khan in Housing.", "Omar Khan"),
    ("it's <@U9XY77Q> now (Hannah Cole) after the restructure", "Hannah Cole (<@U9XY77Q>)"),
    ("<@U4TT2PL> this one's yours now I think, I've changed teams", "<@U4TT2PL>"),
    ("not mine any more - ask the Service Manager for Early Help, Joe Bates", "Joe Bates"),
    ("I've retired. Dr Ama Owusu, who joined in June, has agreed to take on the DHR actions.", "Dr Ama Owusu"),
    ("Priti Shah in the commissioning team owns this now", "Priti Shah"),
])
def test_a_redirect_names_the_new_owner(text: str, owner: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.REDIRECT
    assert reading.redirect_to is not None and owner in reading.redirect_to
    assert not closes_action(reading)


def test_a_month_is_never_a_new_owner() -> None:
    assert read_reply("it's June now and we're nearly done", today=TODAY).status is not ReadStatus.REDIRECT


def test_an_automatic_reply_saying_work_was_reassigned_names_the_successor() -> None:
    text = "I have left the council. My DHR actions have been reassigned to Gwen Price (gwen.price@example.gov.uk)."
    reading = read_reply(text, today=TODAY, headers={"Auto-Submitted": "auto-replied"})
    assert (reading.automatic, reading.status, reading.redirect_to) == (True, ReadStatus.REDIRECT, "Gwen Price")
