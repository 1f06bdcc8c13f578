"""Reading replies: quotes and signatures, status, dates, evidence, several actions, automatic replies."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.reading.replies import (
    CONFIDENT,
    Reading,
    is_automatic_reply,
    out_of_office_until,
    read_replies,
    read_reply,
    read_status,
    split_by_action,
    strip_quoted,
)
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 3, 1)  # a Monday
REFS = ("RIV3-2-1", "RIV3-2-2", "RIV3-4-1")

OUTLOOK_REPLY = """Hi Morgan,

Training is booked, not complete yet.

Kind regards,
Priya Shah
Domestic Abuse Lead | Riverside Police

From: Morgan Blake <morgan.blake@riverside.example.gov.uk>
Sent: 24 February 2027 09:30
To: Priya Shah <priya.shah@police.example.org>
Subject: RIV3-2-1 is overdue

Hi Priya, is RIV3-2-1 complete now?
"""


# strip_quoted ---------------------------------------------------------------------------------


def test_strip_quoted_drops_outlook_header_block_and_sign_off() -> None:
    assert strip_quoted(OUTLOOK_REPLY) == "Hi Morgan,\n\nTraining is booked, not complete yet."


def test_strip_quoted_drops_bold_outlook_headers() -> None:
    text = "Done.\n\n*From:* Morgan Blake\n*Sent:* 24 February 2027\n*To:* Tom Okafor\n*Subject:* chaser\n\nIs it done?"
    assert strip_quoted(text) == "Done."


def test_strip_quoted_cuts_at_the_outlook_underscore_separator() -> None:
    text = "In progress.\n" + "_" * 32 + "\nFrom: Morgan Blake\nSubject: RIV3-4-1\n\nAll complete?"
    assert strip_quoted(text) == "In progress."


def test_strip_quoted_cuts_at_original_message() -> None:
    text = "Not started.\n\n-----Original Message-----\nFrom: Morgan Blake\nSent: 24 February 2027\n\ncomplete?"
    assert strip_quoted(text) == "Not started."


def test_strip_quoted_cuts_on_wrote_and_quoted_lines() -> None:
    text = (
        "Still with legal.\n\nOn Tue, 24 Feb 2027 at 09:30, Morgan Blake <m@riverside.example.gov.uk> wrote:\n"
        "> done?"
    )
    assert strip_quoted(text) == "Still with legal."


def test_strip_quoted_drops_quoted_lines_above_the_answer() -> None:
    assert strip_quoted("> is RIV3-2-1 done?\nyes, done last week") == "yes, done last week"


def test_strip_quoted_drops_mobile_footer_and_disclaimer() -> None:
    text = (
        "Complete, procedure published.\n\nSent from my iPhone\n\n"
        "This email and any attachments are confidential and intended solely for the addressee."
    )
    assert strip_quoted(text) == "Complete, procedure published."


def test_strip_quoted_drops_get_outlook_footer() -> None:
    assert strip_quoted("Done.\n\nGet Outlook for Android") == "Done."


def test_strip_quoted_keeps_a_one_line_slack_reply() -> None:
    assert strip_quoted("Thanks, done") == "Thanks, done"
    assert strip_quoted("done ✅") == "done ✅"


def test_strip_quoted_of_empty_text_is_empty() -> None:
    assert strip_quoted("") == ""


# read_status -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<b>COMPLETED</b>", ReadStatus.COMPLETE),
        ("Action completed", ReadStatus.COMPLETE),
        ("Complete – evidence on file", ReadStatus.COMPLETE),
        ("done", ReadStatus.COMPLETE),
        ("Update requested", ReadStatus.NO_RESPONSE),
        ("No response received to date", ReadStatus.NO_RESPONSE),
        ("Ongoing", ReadStatus.IN_PROGRESS),
        ("not yet complete", ReadStatus.IN_PROGRESS),
        ("not complete", ReadStatus.IN_PROGRESS),
        ("not yet done", ReadStatus.IN_PROGRESS),
        ("isn't finished", ReadStatus.IN_PROGRESS),
        ("will be completed by March", ReadStatus.IN_PROGRESS),
        ("to be completed once the audit is back", ReadStatus.IN_PROGRESS),
        ("Not started yet", ReadStatus.NOT_STARTED),
        ("N/A – service decommissioned", ReadStatus.NOT_APPLICABLE),
        ("we need more time, can we move it to June?", ReadStatus.EXTENSION_REQUESTED),
        ("waiting on IT, can't progress until the new system is live", ReadStatus.BLOCKED),
        ("Which action do you mean?", ReadStatus.UNCLEAR),
    ],
)
def test_read_status_reads_the_stated_status(text: str, expected: ReadStatus) -> None:
    assert read_status(text)[0] is expected


def test_read_status_last_explicit_status_in_a_history_wins() -> None:
    history = "Letter sent. No response received to date. Reply received and actioned. COMPLETED"
    status, confidence = read_status(history)
    assert status is ReadStatus.COMPLETE
    assert confidence >= CONFIDENT


def test_read_status_lettered_parts_are_complete_only_when_every_part_is() -> None:
    assert read_status("a) COMPLETED b) COMPLETED c) COMPLETED")[0] is ReadStatus.COMPLETE
    assert read_status("a) COMPLETED b) Item remains on the panel agenda c) COMPLETED")[0] is ReadStatus.IN_PROGRESS


def test_read_status_is_unsure_about_descriptions_without_a_status_word() -> None:
    status, confidence = read_status("Policy in place and leaflets available in reception")
    assert status is ReadStatus.COMPLETE
    assert confidence < CONFIDENT


def test_read_status_of_empty_text_is_unclear() -> None:
    assert read_status("   ") == (ReadStatus.UNCLEAR, 0.1)


# read_reply ------------------------------------------------------------------------------------


def test_read_reply_reads_only_the_new_part_of_an_outlook_reply() -> None:
    reading = read_reply(OUTLOOK_REPLY, today=TODAY, known_refs=REFS)
    assert reading.status is ReadStatus.IN_PROGRESS  # the quoted "complete now?" is ignored
    assert "Riverside Police" not in reading.text
    assert reading.refs == ()


def test_read_reply_extension_with_date_gives_new_due() -> None:
    reading = read_reply("we need more time, can we move it to June?", today=TODAY)
    assert reading.status is ReadStatus.EXTENSION_REQUESTED
    assert reading.new_due == date(2027, 6, 30)
    assert reading.confidence >= CONFIDENT


def test_read_reply_extension_with_exact_new_date() -> None:
    reading = read_reply("Could we have a new date of 30/04/2027 please?", today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, date(2027, 4, 30))


def test_read_reply_extension_without_date_asks_for_confirmation() -> None:
    reading = read_reply("We'll need an extension on this, I'll confirm a date next week.", today=TODAY)
    assert reading.status is ReadStatus.EXTENSION_REQUESTED
    assert reading.new_due is None
    assert reading.confidence < CONFIDENT


def test_read_reply_future_completion_is_in_progress_with_its_date() -> None:
    reading = read_reply("will be completed by March", today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.IN_PROGRESS, date(2027, 3, 31))


def test_read_reply_ignores_event_dates_and_past_dates() -> None:
    assert read_reply("In progress, training booked for 12 April", today=TODAY).new_due is None
    assert read_reply("Still in progress, we hoped to finish by January 2027", today=TODAY).new_due is None


def test_done_by_a_day_just_gone_is_a_confident_report_without_new_due() -> None:
    # Read on 10 March, "3 March" without a year resolves to next year, but the day just gone is meant.
    reading = read_reply("Done by 3 March as promised", today=date(2027, 3, 10))
    assert (reading.status, reading.new_due) == (ReadStatus.COMPLETE, None)
    assert reading.confidence >= CONFIDENT


def test_done_by_a_past_dated_day_is_a_report() -> None:
    reading = read_reply("Finished by 14 January 2027, evidence on the shared drive", today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.COMPLETE, None)
    assert reading.confidence >= CONFIDENT


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Done - https://intranet.riverside.example.gov.uk/policy/da", "https://intranet.riverside.example.gov.uk/policy/da"),
        ("Complete, see attached Training register March 2027.xlsx", "Training register March 2027.xlsx"),
        ("Complete. Evidence: signed protocol held by the CSP", "signed protocol held by the CSP"),
        ("Done, minutes of the 3 May meeting attached.", "minutes of the 3 May meeting attached"),
        ("All done. The new referral form is used by every team now.",
         "The new referral form is used by every team now."),
        ("done", None),
    ],
)
def test_read_reply_finds_evidence(text: str, evidence: str | None) -> None:
    assert read_reply(text, today=TODAY).evidence == evidence


def test_read_reply_names_the_refs_it_mentions() -> None:
    reading = read_reply("riv3-2-2 is done", today=TODAY, known_refs=REFS)
    assert reading.refs == ("RIV3-2-2",)


def test_reading_needs_confirmation_below_confident() -> None:
    unsure = Reading(ReadStatus.COMPLETE, None, None, CONFIDENT - 0.01)
    sure = Reading(ReadStatus.COMPLETE, None, None, CONFIDENT)
    assert unsure.needs_confirmation and not sure.needs_confirmation


# several actions in one reply ------------------------------------------------------------------


def test_split_by_action_on_full_refs_in_any_case() -> None:
    parts = split_by_action("RIV3-2-1 done\nriv3-2-2: in progress, more in April", REFS)
    assert parts == {"RIV3-2-1": "RIV3-2-1 done", "RIV3-2-2": "riv3-2-2: in progress, more in April"}


def test_split_by_action_on_bare_refs_and_action_numbers() -> None:
    parts = split_by_action("2-1 and 2-2 are both done. Action 4 not started yet", REFS)
    assert parts["RIV3-2-1"] == parts["RIV3-2-2"] == "2-1 and 2-2 are both done."
    assert parts["RIV3-4-1"] == "Action 4 not started yet"


def test_split_by_action_ignores_ambiguous_action_numbers() -> None:
    # "action 2" could be RIV3-2-1 or RIV3-2-2
    assert split_by_action("action 2 is done", REFS) == {}


def test_split_by_action_maps_numbered_answers_in_order() -> None:
    assert split_by_action("1) done 2) in progress", REFS) == {"RIV3-2-1": "done", "RIV3-2-2": "in progress"}


def test_split_by_action_does_not_split_a_plain_reply() -> None:
    assert split_by_action("All done, thanks", REFS) == {}
    assert split_by_action("done", ()) == {}


def test_read_replies_reads_each_action() -> None:
    readings = read_replies("RIV3-2-1 complete\nRIV3-2-2 can we move it to June?", today=TODAY, known_refs=REFS)
    assert set(readings) == {"RIV3-2-1", "RIV3-2-2"}
    assert readings["RIV3-2-1"].status is ReadStatus.COMPLETE
    assert readings["RIV3-2-2"].status is ReadStatus.EXTENSION_REQUESTED
    assert readings["RIV3-2-2"].new_due == date(2027, 6, 30)
    assert readings["RIV3-2-2"].refs == ("RIV3-2-2",)


def test_read_replies_applies_an_unsplit_reply_to_every_ref() -> None:
    readings = read_replies("Both complete now", today=TODAY, known_refs=REFS[:2])
    assert {ref: r.status for ref, r in readings.items()} == {
        "RIV3-2-1": ReadStatus.COMPLETE,
        "RIV3-2-2": ReadStatus.COMPLETE,
    }


# automatic replies -----------------------------------------------------------------------------


def test_is_automatic_reply_from_headers() -> None:
    assert is_automatic_reply("Done", headers={"Auto-Submitted": "auto-replied"})
    # Outlook puts this on replies people write: it asks the recipient not to auto-answer.
    assert not is_automatic_reply("Done", headers={"X-Auto-Response-Suppress": "All"})
    assert not is_automatic_reply("Done", headers={"Auto-Submitted": "no"})


def test_x_auto_response_suppress_is_not_a_sign_of_an_automatic_reply() -> None:
    # Outlook puts it on ordinary mail people type (MS-OXCMAIL 2.1.3.2.20).
    assert not is_automatic_reply("Done", headers={"X-Auto-Response-Suppress": "All"})


def test_is_automatic_reply_from_subject_and_text() -> None:
    assert is_automatic_reply("I will reply when I can.", subject="Automatic reply: RIV3-2-1 is overdue")
    assert is_automatic_reply("I am currently out of the office.")
    assert is_automatic_reply("Thank you for your email. I'm on annual leave this week.")


def test_a_reply_that_mentions_past_leave_is_not_automatic() -> None:
    assert not is_automatic_reply("Sorry for the delay, I was on annual leave. It's done now.")


def test_out_of_office_reading_is_no_response_with_return_date() -> None:
    reading = read_reply("I am out of the office and will be back on 3 March.", today=date(2027, 2, 24))
    assert reading.status is ReadStatus.NO_RESPONSE
    assert reading.out_of_office_until == date(2027, 3, 3)
    assert reading.confidence >= CONFIDENT


def test_out_of_office_until_weekday_and_day_without_month() -> None:
    # 5 April 2027 is the next Monday the 5th after 1 March
    assert out_of_office_until("on leave, returning Monday 5th", today=TODAY) == date(2027, 4, 5)


def test_out_of_office_until_means_back_the_next_day() -> None:
    assert out_of_office_until("I am on annual leave until 12/03/2027", today=TODAY) == date(2027, 3, 13)


def test_out_of_office_prefers_the_return_date_to_the_leave_start() -> None:
    text = "I am on leave from 2 March until 9 March, back on 10 March."
    assert out_of_office_until(text, today=TODAY) == date(2027, 3, 10)


def test_out_of_office_without_a_date() -> None:
    assert read_reply("I am currently out of the office.", today=TODAY).out_of_office_until is None


def test_read_replies_out_of_office_applies_to_every_ref() -> None:
    readings = read_replies("Automatic reply: I am out of the office.", today=TODAY, known_refs=REFS[:2])
    assert all(r.status is ReadStatus.NO_RESPONSE for r in readings.values())


# robustness ------------------------------------------------------------------------------------



@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_read_reply_never_fails_and_keeps_confidence_in_range(text: str) -> None:
    reading = read_reply(text, today=TODAY, known_refs=REFS)
    assert 0.0 <= reading.confidence <= 1.0
    assert isinstance(reading.status, ReadStatus)
    assert set(read_replies(text, today=TODAY, known_refs=REFS)) <= set(REFS)


@pytest.mark.parametrize(
    "text",
    ["RIV3-8-1 hopefully done by end of March", "should be finished by Friday", "expect it complete by Q1"],
)
def test_a_hoped_for_completion_is_not_a_completion(text: str) -> None:
    assert read_reply(text, today=date(2026, 12, 8)).status is not ReadStatus.COMPLETE


def test_done_by_a_date_is_never_applied_without_asking() -> None:
    reading = read_reply("done by 14 Jan", today=date(2026, 12, 8))
    assert reading.status is not ReadStatus.COMPLETE or reading.confidence < CONFIDENT


# work left over, promises and hedges --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Completed apart from the audit",
        "Done except for the evaluation report",
        "Complete other than the board sign-off",
        "Finished but for the last two teams",
        "Done save for the leaflets",
        "Complete bar the audit",
        "Completed with the exception of the GP training",
        "All but finished",
        "Mostly done",
        "Largely complete, the housing team is last",
        "Almost done",
        "Partly done",
        "Done for the first two teams, the rest are booked for April",
        "Done, still to send you the evidence",
        "Complete - the audit is outstanding",
        "Done, the remaining sessions are in May",
    ],
)
def test_a_completion_with_work_left_over_is_in_progress(text: str) -> None:
    assert read_reply(text, today=date(2026, 12, 8)).status is ReadStatus.IN_PROGRESS


@pytest.mark.parametrize("text", ["Complete, nothing outstanding", "Done, no actions remaining"])
def test_nothing_left_over_is_still_complete(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE
    assert reading.confidence >= CONFIDENT


def test_done_by_a_date_to_come_is_a_promise_with_that_date() -> None:
    reading = read_reply("RIV3-8-1 done by the end of next week", today=date(2026, 12, 8), known_refs=["RIV3-8-1"])
    assert (reading.status, reading.new_due) == (ReadStatus.IN_PROGRESS, date(2026, 12, 18))
    assert reading.confidence >= CONFIDENT


def test_a_hedged_promise_keeps_its_date_but_asks() -> None:
    reading = read_reply("RIV3-8-1 done by the end of next week I think", today=date(2026, 12, 8))
    assert (reading.status, reading.new_due) == (ReadStatus.IN_PROGRESS, date(2026, 12, 18))
    assert reading.confidence < CONFIDENT


def test_a_promise_for_one_part_outweighs_a_completed_part() -> None:
    reading = read_reply("Part A completed. Part B done by Friday", today=date(2026, 12, 8))
    assert (reading.status, reading.new_due) == (ReadStatus.IN_PROGRESS, date(2026, 12, 11))


def test_done_by_a_month_that_could_be_past_or_to_come_is_asked_about() -> None:
    # In December, "October" could be the one just gone or next year's.
    reading = read_reply("done by October", today=date(2026, 12, 8))
    assert reading.new_due is None
    assert reading.confidence < CONFIDENT


@pytest.mark.parametrize(
    "text",
    [
        "Done I think",
        "Probably finished now, Dana was leading it",
        "Hopefully complete",
        "Not sure - it may be done",
        "Complete?",
        "Still in progress I believe",
        "I think this doesn't apply to us",
    ],
)
def test_a_hedged_reply_is_confirmed_before_it_is_applied(text: str) -> None:
    assert read_reply(text, today=TODAY).confidence < CONFIDENT


def test_a_question_beside_a_plain_status_does_not_hedge_it() -> None:
    reading = read_reply("Done. Do you need the evidence?", today=TODAY)
    assert reading.status is ReadStatus.COMPLETE
    assert reading.confidence >= CONFIDENT
