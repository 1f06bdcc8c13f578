"""Held-out 15's false closes, as kinds (our own words here, not theirs).

- Somebody else's belief that the work is done ("she thinks it's all finished", "he believes it's done") is a hedged
  completion, asked like the writer's own ("I believe it's done").
- A proposal to finish is no report of finishing: "I propose we complete it by the end of term" is in progress.
- "so it can be closed as N/A": the writer's own word for why the action closes, not applicable, not done.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import needs_confirmation
from bot.reading.replies import read_reply
from bot.rules.statuses import ReadStatus

TODAY = date(2026, 10, 6)


@pytest.mark.parametrize("text", [
    "Priya covers this one; she thinks it's all finished but is checking the last ward.",
    "Our lead is off today - he believes it's done.",
    "They believe it is complete, the final sign-in sheet is being chased.",
])
def test_someone_elses_belief_that_it_is_done_is_asked(text: str) -> None:
    reading = read_reply(text, today=TODAY, model=None)
    assert reading.status is ReadStatus.COMPLETE and needs_confirmation(reading)


@pytest.mark.parametrize("text", [
    "I propose we complete it by the end of the spring term instead.",
    "Proposing to finish this in January once the new starters are in post.",
])
def test_a_proposal_to_finish_is_no_completion(text: str) -> None:
    assert read_reply(text, today=TODAY, model=None).status is not ReadStatus.COMPLETE


@pytest.mark.parametrize("text", [
    "The drop-in it was about stopped in the summer, so it can be closed as N/A.",
    "The refuge this was written for shut in June, so it can be closed as not applicable.",
])
def test_closed_as_not_applicable_in_the_writers_words(text: str) -> None:
    assert read_reply(text, today=TODAY, model=None).status is ReadStatus.NOT_APPLICABLE


def test_a_plain_completion_is_still_applied_at_once() -> None:
    reading = read_reply("All finished last week, every team trained.", today=TODAY, model=None)
    assert reading.status is ReadStatus.COMPLETE and not needs_confirmation(reading)
