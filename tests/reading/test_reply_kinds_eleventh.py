"""Held-out 10's two false closes, as kinds (our own words here, not theirs).

- A completion word followed straight away by a time still to come ("done next wk", "finished tomorrow",
  "complete in 2 weeks") is a promise: in progress, with that date, never closed.
- A completion the writer only hopes is true ("that's it finished I hope") is asked; the courtesies "I hope
  this helps" and "hope you're well", and a plan ("we hope to review it"), hedge nothing ("well" is read as an
  apostrophe-less "we'll" only before a verb).
- A completion of only the writer's share ("our bit of it", "done on our side") is asked.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import closes_action, needs_confirmation
from bot.reading.replies import read_reply
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 3, 10)  # a Wednesday


@pytest.mark.parametrize(("text", "due"), [
    ("done nxt wk", date(2027, 3, 19)),
    ("Finished tomorrow hopefully", date(2027, 3, 11)),
    ("should all be complete in 2 weeks", date(2027, 3, 24)),
    ("sorted within the next month", date(2027, 4, 30)),
    ("Completed next Tuesday once the last session runs", None),
    ("done soon, just the write-up", None),
])
def test_a_completion_word_before_a_time_to_come_is_a_promise(text: str, due: date | None) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is not ReadStatus.COMPLETE
    assert not closes_action(reading)
    if due is not None:
        assert reading.new_due == due


@pytest.mark.parametrize("text", ["done last week", "finished on Monday, report attached", "Completed in January."])
def test_a_completion_beside_a_time_gone_by_is_still_a_completion(text: str) -> None:
    assert read_reply(text, today=TODAY).status is ReadStatus.COMPLETE


@pytest.mark.parametrize("text", [
    "Leaflets out and the staff briefing held, so that's this one finished I hope.",
    "We think that's complete now - hope so anyway!",
])
def test_a_completion_the_writer_only_hopes_is_true_is_asked(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE
    assert needs_confirmation(reading)


@pytest.mark.parametrize("text", [
    "Signed off on 2 March, all complete - hope this helps!",
    "All complete, we hope to review it in a year.",
    "Complete - the audit report went to the safeguarding board on 1 March. I hope this helps.",
])
def test_courtesies_with_hope_in_them_hedge_nothing(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.COMPLETE
    assert not needs_confirmation(reading)


@pytest.mark.parametrize("text", [
    "Finished! (well, our bit of it anyway)",
    "Done on our side.",
    "My part's complete.",
    "Completed - the section that was ours, at least.",
])
def test_a_completion_of_only_the_writers_share_is_asked(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert not closes_action(reading) or needs_confirmation(reading)  # never closed unasked


@pytest.mark.parametrize("text", ["Done, well be reviewing it at the June board", "Complete - itll go to the board next"])
def test_well_and_itll_without_the_apostrophe_still_say_work_is_ahead(text: str) -> None:
    assert needs_confirmation(read_reply(text, today=TODAY))
