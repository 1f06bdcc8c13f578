"""The kinds the third held-out set found missing (issue 11): partial completions and other readings that
must never close an action unasked, plans to start, past-dated sign-offs, several actions by ordinal or
inline under quoted action lines, dates that lean on their context, new owners and acknowledgements.
Each example is written for the kind; the development set (tests/data/replies_dev.tsv) has others."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.automatic import automatic_reply_kind
from bot.reading.redirect import find_redirect, find_successor
from bot.reading.replies import read_replies, read_reply
from bot.rules.dates import spell_out_reply_dates
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 3, 1)
TWO = ["RIV3-2-1", "RIV3-2-2"]


def _read(text: str, today: date = TODAY):  # type: ignore[no-untyped-def]
    return read_reply(text, today=today)


@pytest.mark.parametrize("text", [
    "the risk assessment training is done, the refresher for managers is whenever we can book a room",
    "report written, it just needs the chair to approve it",
    "In progress - the guidance is finished and the audit is still to do",
    "Leaflets printed. The second batch goes out to surgeries next month.",
    "stage one complete; the evaluation is up next",
])
def test_a_completion_with_a_part_still_to_come_is_in_progress_and_never_closes(text: str) -> None:
    reading = _read(text)
    assert reading.status is ReadStatus.IN_PROGRESS


@pytest.mark.parametrize("text", [
    "we stopped running that helpline in 2025 so there's nothing for us to do here",
    "doesn't apply to us - we don't commission refuge places",
    "n/a, we don't provide a out of hours service",
])
def test_not_ours_to_do_because_we_do_not_do_it_is_not_applicable_and_always_asked(text: str) -> None:
    reading = _read(text)
    assert reading.status is ReadStatus.NOT_APPLICABLE
    assert reading.needs_confirmation


@pytest.mark.parametrize("text", ["Haven't we already updated you on this?", "not sure who leads on this any more",
                                  "no idea who owns this one now, sorry"])
def test_a_question_back_or_not_knowing_who_leads_is_unclear(text: str) -> None:
    reading = _read(text)
    assert reading.status is ReadStatus.UNCLEAR
    assert reading.needs_confirmation


def test_a_formal_request_to_revise_the_target_date_is_more_time_with_that_date() -> None:
    reading = _read("Following the restructure we are requesting that the deadline for this action is extended to "
                    "31 October 2027.")
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, date(2027, 10, 31))


@pytest.mark.parametrize("text", [
    "we've not started this yet - it's scheduled to begin after the restructure",
    "to be honest we haven't done anything on it yet, I'll put it on the next agenda",
    "none of this has started",
    "no progress yet, work begins in June",
    "We meant to start in the autumn but that was pushed back, nothing has happened yet",
    "we haven't made a start yet, it's going into next year's plan",
])
def test_a_plan_to_start_does_not_make_work_in_progress(text: str) -> None:
    assert _read(text).status is ReadStatus.NOT_STARTED


def test_a_past_dated_sign_off_is_a_completion_not_a_new_date() -> None:
    reading = _read("Yes, this is complete - the exec signed it off on 8 February.")
    assert (reading.status, reading.new_due) == (ReadStatus.COMPLETE, None)
    assert not reading.needs_confirmation


def test_actions_answered_by_ordinal_follow_the_chasers_order() -> None:
    readings = read_replies("The first one is complete but the second hasn't been started", today=TODAY,
                            known_refs=TWO)
    assert readings["RIV3-2-1"].status is ReadStatus.COMPLETE
    assert readings["RIV3-2-2"].status is ReadStatus.NOT_STARTED


def test_ordinals_do_not_split_a_reply_about_one_action() -> None:
    assert _read("the first cohort has been trained, the second cohort is next").status is ReadStatus.IN_PROGRESS


def test_inline_answers_belong_to_the_quoted_action_above_them_and_keep_their_dates() -> None:
    text = ("Answers below.\n> RIV3-2-1 Review the MARAC referral form\nStill drafting, aiming for 30 June 2027.\n"
            "> RIV3-2-2 Brief GP practices\nAll done, the briefing went out in January.")
    readings = read_replies(text, today=TODAY, known_refs=TWO)
    assert (readings["RIV3-2-1"].status, readings["RIV3-2-1"].new_due) == (ReadStatus.IN_PROGRESS, date(2027, 6, 30))
    assert (readings["RIV3-2-2"].status, readings["RIV3-2-2"].new_due) == (ReadStatus.COMPLETE, None)


@pytest.mark.parametrize(("text", "today", "due"), [
    ("should have it finished by the 14th", date(2027, 3, 20), date(2027, 4, 14)),
    ("will be done by the 31st", date(2027, 4, 2), date(2027, 5, 31)),
    ("the sessions run through June and it'll be done by the end of that month", TODAY, date(2027, 6, 30)),
    ("the final panel sits on 18 May, after which this will be complete", TODAY, date(2027, 5, 18)),
    ("could we move it to the end of the calendar year?", TODAY, date(2027, 12, 31)),
    ("the posters should be out to pharmacies by 12 April", TODAY, date(2027, 4, 12)),
    ("end of july ok?", TODAY, date(2027, 7, 31)),
    ("this has been moved to Q2 2027/28", TODAY, date(2027, 9, 30)),
    ("can we go for Q1 28/29", TODAY, date(2028, 6, 30)),
])
def test_dates_that_lean_on_their_context_are_read(text: str, today: date, due: date) -> None:
    reading = _read(text, today)
    assert reading.status in (ReadStatus.IN_PROGRESS, ReadStatus.EXTENSION_REQUESTED)
    assert reading.new_due == due


def test_a_day_of_month_is_the_next_such_day_and_a_month_without_it_is_skipped() -> None:
    assert spell_out_reply_dates("by the 30th", today=date(2027, 1, 31)) == "by 30 March 2027"
    assert spell_out_reply_dates("the 3rd of May", today=TODAY) == "the 3rd of May"


@pytest.mark.parametrize(("text", "owner"), [
    ("Priti Gill has taken this over from me", "Priti Gill"),
    ("that's a housing one now - Dev Mistry in allocations has it", "Dev Mistry"),
    ("this is the ICB's action not ours", "ICB"),
    ("honestly this is more one for probation rather than us", "probation"),
    ("<@U09TOM> is the right person for this now - Tom Reid took over last month", "Tom Reid (<@U09TOM>)"),
])
def test_the_new_owner_is_named(text: str, owner: str) -> None:
    reading = _read(text)
    assert reading.status is ReadStatus.REDIRECT
    assert reading.redirect_to is not None and owner.lower() in reading.redirect_to.lower()


@pytest.mark.parametrize("text", ["the letters should be with the schools by 3 May",
                                  "that's the last one now, all finished", "it's a big one for us now, but on track"])
def test_a_delivery_or_a_description_of_the_action_is_not_a_redirect(text: str) -> None:
    assert find_redirect(text) is None


@pytest.mark.parametrize(("text", "successor"), [
    ("I have left the trust. For DHR matters please contact Nadia Khan.", "Nadia Khan"),
    ("I am on sabbatical until 2028. Please direct DHR queries to Joe Bell, who is covering my work.", "Joe Bell"),
    ("I am away long term. Rosa Vine is covering my DHR actions while I am off.", "Rosa Vine"),
])
def test_an_automatic_reply_naming_a_successor_is_a_redirect(text: str, successor: str) -> None:
    reading = read_reply(text, today=TODAY, headers={"Auto-Submitted": "auto-replied"})
    assert (reading.status, reading.automatic, reading.redirect_to) == (ReadStatus.REDIRECT, True, successor)


def test_an_automatic_reply_naming_someone_only_for_urgent_matters_hands_nothing_on() -> None:
    text = "I am out of the office until 9 March. For urgent matters please contact Ann Lowe."
    assert find_successor(text) is None
    reading = read_reply(text, today=TODAY, headers={"Auto-Submitted": "auto-replied"})
    assert (reading.status, reading.automatic) == (ReadStatus.NO_RESPONSE, True)


def test_a_person_away_who_promises_to_pick_this_up_is_asked_not_filed_as_automatic() -> None:
    reading = _read("I'm off until 22 March but will look at this when I'm back")
    assert (reading.status, reading.automatic) == (ReadStatus.UNCLEAR, False)
    assert reading.needs_confirmation
    assert automatic_reply_kind(None, "I am on leave until 22 March and will respond to your email on my return.")
