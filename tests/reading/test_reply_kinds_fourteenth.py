"""Kinds found in the misses of held-out 13 once it was seen (our own words here, not theirs).

Part of the work done, written as a slashed fraction ("2/3 done", "3/4 trained") or as "part way there", read as
in progress however the rest of the reply reports the part finished: neither may read as a completion (a false
close if applied unasked). A whole fraction ("4/4 done") and a date after the word ("done 3/5") stay completions.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.replies import read_reply
from bot.rules.statuses import ReadStatus
from tests.reading.readings import rules_status

TODAY = date(2027, 4, 14)  # a Wednesday



@pytest.mark.parametrize("text", [
    "2/3 done, the others by the end of next week",
    "3/4 trained so far",
    "1/2 finished - the south sites still to go",
    "Part way there. The posters have been printed and are up in the east sites.",
    "We're partway through: the forms have been rewritten.",
])
def test_part_of_the_work_done_is_in_progress(text: str) -> None:
    assert rules_status(text, TODAY) is ReadStatus.IN_PROGRESS


@pytest.mark.parametrize("text", [
    "4/4 done",
    "All done 3/5, register attached.",
])
def test_a_whole_fraction_or_a_date_stays_a_completion(text: str) -> None:
    assert rules_status(text, TODAY) is ReadStatus.COMPLETE


def test_a_fraction_done_gives_its_date() -> None:
    reading = read_reply("2/3 done, the whole lot by the end of next week", today=TODAY, model=None)
    assert (reading.status, reading.new_due) == (ReadStatus.IN_PROGRESS, date(2027, 4, 23))
