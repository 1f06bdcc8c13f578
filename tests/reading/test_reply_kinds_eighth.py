"""Completions that are not the writer's own unconditional word: asked, never applied at once.

Kinds found in held-out 7 and 8 after their blind reading (our own words here, not theirs): a completion
known only from a document or someone else ("according to the minutes"), one qualified by the writer's
own view ("as far as we're concerned"), one on a condition still to be met ("assuming the exec approve
it"), a "done-ish", and a completion beside the writer's confusion or doubt about what is asked.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import needs_confirmation
from bot.reading.replies import read_replies, read_reply
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 3, 9)


@pytest.mark.parametrize("text", [
    "Signed off at committee, according to the notes I was forwarded.",
    "It's finished as far as we're concerned.",
    "complete as far as I'm aware",
    "As far as we are aware this is complete.",
    "Provided the panel agrees on Thursday, that's done.",
    "done if legal are happy with the wording",
    "Assuming the board ratifies it next week it's complete",
    "Complete subject to the trust board's approval",
    "finished-ish",
    "Complete. I wasn't sure if you need the attendance list as well?",
    "I'm confused which one this is - we finished an audit last month.",
])
def test_a_completion_that_is_not_the_writers_own_unconditional_word_is_asked(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE
    assert needs_confirmation(reading)


@pytest.mark.parametrize("text", [
    "Done.",
    "Complete, evidence attached.",
    "All 40 staff trained. Action complete.",
    "This has been completed and the policy is live on the intranet.",
])
def test_a_plain_completion_still_closes_at_once(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE
    assert not needs_confirmation(reading)


def test_a_writer_unsure_which_of_two_actions_they_finished_is_asked_about_each() -> None:
    readings = read_replies(
        "I'm a bit confused - 3-1 and 3-2 both seem to be about the same audit? We finished one last week, so "
        "tick whichever it belongs to.", today=TODAY, known_refs=["ABC1-3-1", "ABC1-3-2"])
    assert readings and all(needs_confirmation(r) for r in readings.values())
