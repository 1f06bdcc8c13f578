"""Kinds behind the misses on held-out 6 (replies_heldout6.tsv), built as kinds. The examples here are our own
words, not the set's."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.clauses import fix_typos
from bot.reading.confirm import closes_action, needs_confirmation
from bot.reading.redirect import find_redirect
from bot.reading.replies import read_replies, read_reply
from bot.rules.statuses import ReadStatus

TODAY = date(2026, 9, 14)


# --- more time, with the new date said as the realistic one ---------------------------------------------------


@pytest.mark.parametrize(("text", "due"), [
    ("Nothing done yet, the new case system has to go in first. November realistic.", date(2026, 11, 30)),
    ("not before christmas, february more like", date(2027, 2, 28)),
    ("end of october at the latest", date(2026, 10, 31)),
    ("Revised target completion: Q3 2026/27", date(2026, 12, 31)),
])
def test_a_later_date_given_as_the_realistic_one_asks_for_more_time(text: str, due: date) -> None:
    reading = read_reply(text, today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, due)


@pytest.mark.parametrize(("text", "due"), [
    ("the supplier says the upgrade slips to november so end of december for this", date(2026, 12, 31)),
    ("board meets in the new year, so end of this financial year for the sign-off", date(2027, 3, 31)),
    ("procurement now runs to the end of january so let's say that", date(2027, 1, 31)),
])
def test_a_new_date_drawn_as_a_conclusion_asks_for_more_time(text: str, due: date) -> None:
    reading = read_reply(text, today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, due)


@pytest.mark.parametrize(("text", "due"), [
    ("Priya is away, she asked me to say it'll be w/c 5 october", date(2026, 10, 9)),
    ("the trainer is sick, could you give us a fortnight?", date(2026, 9, 28)),
    ("running a bit behind. aiming for 30/10 now for every team", date(2026, 10, 30)),
])
def test_more_time_asked_in_passing_counts(text: str, due: date) -> None:
    reading = read_reply(text, today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, due)


@pytest.mark.parametrize("text", [
    "The national toolkit won't be out until March. We'd like to align our action with that.",
    "we'll come back to this after half term, half the team are off",
    "everyone is on leave until next week - november?",
])
def test_putting_the_work_off_to_a_later_event_asks_for_more_time(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.EXTENSION_REQUESTED


def test_give_me_a_few_days_to_find_out_is_no_request_for_more_time() -> None:
    assert read_reply("just back from leave, give me a few days to find out where this is",
                      today=TODAY).status is ReadStatus.UNCLEAR


def test_done_by_then_points_back_to_the_date_named() -> None:
    reading = read_reply("the last group is booked in before the office move on 9 October, so we'll be done by then",
                         today=TODAY)
    assert reading.new_due == date(2026, 10, 9)


# --- typos ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "meant"), [
    ("Amir is lookng at it nxt week", "Amir is looking at it next week"),
    ("shel have it done, it wil be friday", "she'll have it done, it will be friday"),
    ("ive rang them, they finaly replied", "I've rang them, they finally replied"),
    ("our two newest starters", "our two newest starters"),
])
def test_chat_typos_too_short_to_guess_are_put_right(typed: str, meant: str) -> None:
    assert fix_typos(typed) == meant


def test_a_typed_future_is_no_completion() -> None:
    reading = read_reply("Dr Shah is lookng at it, shel have it done for the nxt governance meeting", today=TODAY)
    assert reading.status is not ReadStatus.COMPLETE


def test_a_date_then_now_after_someone_came_back_is_the_new_date() -> None:
    reading = read_reply("the supplier finaly came back to us so it wil be end of nov now", today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, date(2026, 11, 30))


# --- blocked: chasing with no answer, nothing more the writer can do ---------------------------------------------


@pytest.mark.parametrize("text", [
    "not started really, we need the council to share the list and they havent got back to us, I've emailed them twice",
    "I chased again last week, still nothing from children's services so we can't launch it",
    "Draft sent to the ICB in July. There's nothing more we can do until they reply.",
    "comments back to the regulator on monday, nothing else we can do this end",
])
def test_waiting_on_others_who_do_not_answer_is_blocked(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.BLOCKED


def test_nothing_further_to_do_because_the_service_is_gone_stays_not_applicable() -> None:
    text = "We no longer run the helpline (it moved to the county), so there's nothing further we can do on this."
    assert read_reply(text, today=TODAY).status is ReadStatus.NOT_APPLICABLE


# --- work going on now, and not started -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "still reviewing, far more case files than we thought",
    "the survey closed on 4 September and we're now going through the answers",
    "The leaflet is drafted and tested with two service users. We're tweaking the wording before it goes to print.",
    "Nothing signed yet but it's moving",
])
def test_work_going_on_now_is_in_progress(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.IN_PROGRESS


@pytest.mark.parametrize("text", [
    "ha, no. not even close to started",
    "Apologies, this hasn't been picked up yet after the team merger.",
    "We haven't got going on it, the team was stretched by the inspection.",
    "nothing yet",
])
def test_work_not_begun_is_not_started(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.NOT_STARTED


# --- long replies, numbered points and pasted report extracts: which sentence carries the status ------------------


def test_a_plain_completion_carries_a_long_reply_over_its_descriptions_but_is_asked() -> None:
    text = (
        "Hi,\n\nGreat news, this one is finished! Every ward sister has now been through the session we wrote with "
        "the IDVA service, and the question has been on the admission form since August. Early days, but staff "
        "say it is opening conversations. I'll mention it in the quarterly return as well.\n\nBest,\nNoor"
    )
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE
    assert needs_confirmation(reading)


def test_a_part_done_beside_a_part_still_to_do_stays_in_progress() -> None:
    text = "The leaflet is finished. The briefings are still being planned."
    assert read_reply(text, today=TODAY).status is ReadStatus.IN_PROGRESS


def test_the_numbered_point_that_closes_the_action_carries_it() -> None:
    text = (
        "Morning,\n\n1. Audit compliance is now 91% (target 90%).\n2. Summary goes to the quality group on 2 "
        "October for noting.\n3. Action complete - please close.\n\nThanks\nRos"
    )
    assert read_reply(text, today=TODAY).status is ReadStatus.COMPLETE


def test_a_measure_short_of_its_target_is_still_in_progress() -> None:
    assert read_reply("Audit compliance is now 72% (target 90%).", today=TODAY).status is ReadStatus.IN_PROGRESS


def test_a_pasted_report_extract_is_read_by_its_status_line() -> None:
    done = ('From the September board paper:\n\n"7.2 Referral pathway. The pathway went live on 3 August. Use will '
            'be monitored through the quarterly dashboard. RAG status: Green (Complete)."\n\nRegards\nAli')
    later = ('See the extract below:\n\n"3.1 Templates. Review began in May. Six of ten letters redrafted; the rest '
             'depend on the debt policy review. Revised target completion: Q4 2026/27."')
    assert read_reply(done, today=TODAY).status is ReadStatus.COMPLETE
    reading = read_reply(later, today=TODAY)
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, date(2027, 3, 31))


@pytest.mark.parametrize("text", [
    "The refresher ran on 2 and 4 June and all 31 staff attended one of the two sessions. Happy for this to be closed.",
    "confirmed, the bulletin went out in August. closing",
    "all duty officers trained! 100%",
    "both teams briefed before the summer",
])
def test_asking_to_close_or_everyone_done_is_a_completion_put_to_the_writer(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE
    assert needs_confirmation(reading)
    assert not closes_action(reading) or needs_confirmation(reading)


def test_the_rest_after_a_holiday_is_still_to_do() -> None:
    assert read_reply("first floor done. 2nd and 3rd after the christmas break", today=TODAY).status \
        is ReadStatus.IN_PROGRESS


@pytest.mark.parametrize("text", [
    "the panel folded this into 4.2 so it can be closed as superseded",
    "This was replaced by the county protocol in May. The board agreed we follow that instead.",
])
def test_closed_because_no_longer_needed_is_not_applicable(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.NOT_APPLICABLE


# --- a forwarded chaser answered by a colleague -------------------------------------------------------------------


def test_a_colleagues_answer_above_a_forwarded_chaser_is_read() -> None:
    text = (
        "Hi,\n\nMarta forwarded this to me as the contracts sit with Procurement. We've drafted the clause but it has "
        "been with Legal since July. There's nothing more I can do until they clear it.\n\nTom Reyes\nProcurement\n\n"
        "From: Marta Green\nSent: 12 September 2026 09:10\nTo: Tom Reyes\nSubject: FW: DHR action ABC1-2-3\n\n"
        "Tom - yours I think? P\n\nFrom: DHR Action Tracker\nSent: 12 September 2026 08:00\nTo: Marta Green\n"
        "Subject: DHR action ABC1-2-3\n\nAction ABC1-2-3 was due 31 Aug 2026. Please reply with an update."
    )
    reading = read_replies(text, today=TODAY, known_refs=["ABC1-2-3"])["ABC1-2-3"]
    assert reading.status is ReadStatus.BLOCKED
    assert "Please reply with an update" not in reading.text


# --- not ours / someone else now ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "owner"), [
    ("Not mine. Sgt Cole owns the referral audits since April.", "Sgt Cole"),
    ("Not us - the rota is run by the practice manager, Dee Hart. Ask her.", "Dee Hart"),
    ("no longer me - Ms Quinn is DSL from this term", "Ms Quinn"),
    ("Wrong person I'm afraid. The Estates Lead, Ravi Sood, would be the right contact.", "Ravi Sood"),
])
def test_a_reply_that_disowns_the_action_names_the_new_owner(text: str, owner: str) -> None:
    redirect = find_redirect(text)
    assert redirect is not None and redirect.to is not None and owner in redirect.to


@pytest.mark.parametrize(("text", "owner"), [
    ("<@U0ABC12> could you take this? you lead on the audits now", "<@U0ABC12>"),
    ("Please talk to Dr Lena Ortiz - she's the named lead for this now. I'm only copied in on the mailing list.",
     "Dr Lena Ortiz"),
    ("Omar Khan confirmed hes taken this one, please update the tracker", "Omar Khan"),
    ("The post was empty over summer. The new manager, Bea Lund, starts on 5 October and will own this from then.",
     "Bea Lund"),
])
def test_a_reply_that_hands_the_action_on_is_a_redirect(text: str, owner: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.REDIRECT
    assert reading.redirect_to is not None and owner in reading.redirect_to


def test_the_chaser_pasted_back_under_the_answer_is_not_the_answer() -> None:
    text = (
        "Hi,\n\nBudget agreed on Monday. The advert is with Recruitment now and goes live in October.\n\nSal\n\n"
        "Action ABC1-4-1 'Appoint a DA champion' was due 31 Aug 2026. Please reply with an update."
    )
    reading = read_replies(text, today=TODAY, known_refs=["ABC1-4-1"])["ABC1-4-1"]
    assert reading.status is ReadStatus.IN_PROGRESS
    assert "Please reply" not in reading.text


@pytest.mark.parametrize("text", [
    "The job advert is with HR now, interviews in November.",
    "the draft is with the comms team now for design",
])
def test_a_document_at_a_step_with_a_team_is_no_new_owner(text: str) -> None:
    assert find_redirect(text) is None


def test_this_is_with_a_team_now_still_hands_the_action_on() -> None:
    redirect = find_redirect("this is with Housing Options now, not us")
    assert redirect is not None and redirect.to == "Housing Options"


@pytest.mark.parametrize("text", [
    "first audit done for the north team, 3 files short. will finish the rest by next friday",
    "Two sessions done; we'll complete the last two in October.",
])
def test_a_part_done_with_the_rest_promised_is_no_completion(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.IN_PROGRESS
