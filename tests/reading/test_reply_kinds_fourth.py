"""Kinds behind the fourth held-out set's first reading (replies_heldout4.tsv, written by someone who had
not seen the reader): each would have closed an action unasked. Examples here are our own."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import needs_confirmation
from bot.reading.replies import read_reply
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 5, 10)


@pytest.mark.parametrize("text", [
    "I *think* the audit was signed off at the March panel",
    "_probably_ done, Sam ran the sessions",
    "can you check? the protocol went live in April I believe",
    "Could you confirm with the chair - it was agreed at the last meeting",
])
def test_a_hedge_in_slack_emphasis_or_a_request_to_check_is_asked_before_closing(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is not ReadStatus.COMPLETE or needs_confirmation(reading)


@pytest.mark.parametrize("text", [
    "Pilot's finished, now rolling out across the other wards",
    "Training done, next we're rolling it out to the night staff",
    "I said both were done but the second one still needs the audit",
    "Policy signed off; still needs a comms plan",
])
def test_a_first_part_done_with_the_rest_still_to_do_is_in_progress(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.IN_PROGRESS


@pytest.mark.parametrize("text", [
    "*Done* - signed off at board on 2 May",
    "All done and rolled out to every ward.",
    "Completed: the template is live on every team's system",
])
def test_plain_completions_still_close(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE and not needs_confirmation(reading)


def test_a_sign_off_still_needed_written_as_two_words_keeps_it_open() -> None:
    assert read_reply("plan drafted, just needs director sign off", today=TODAY).status is ReadStatus.IN_PROGRESS
