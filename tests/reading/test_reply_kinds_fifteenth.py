"""Held-out 14's false closes, as kinds (our own words here, not theirs).

- A completion with its proof still on the way ("complete - evidence to follow", "done, certificates to follow") is
  read complete and asked: the development set took it for unambiguous, two blind writers since did not, and a
  question costs less than an action closed on a promise.
- What will complete the action is not its completion: "the last cohort finishes in July, and that completes the
  action" is in progress; "the last cohort finished in July, and that completes the action" is done.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import closes_action, needs_confirmation
from bot.reading.replies import read_replies, read_reply
from bot.rules.statuses import ReadStatus

TODAY = date(2026, 5, 12)


@pytest.mark.parametrize("model", [None, "shipped"])
@pytest.mark.parametrize("text", [
    "Complete - evidence to follow.",
    "All done, certificates to follow next week",
    "Finished in April. The paperwork will follow by email.",
])
def test_a_completion_whose_proof_is_still_to_follow_is_asked(text: str, model: str | None) -> None:
    reading = read_reply(text, today=TODAY, **({"model": None} if model is None else {}))
    assert reading.status is ReadStatus.COMPLETE
    assert needs_confirmation(reading)  # it would close the action once the writer says yes, not before


def test_a_table_row_with_its_proof_to_follow_is_asked_and_its_neighbour_is_not() -> None:
    text = ("Ref | What | Status | Note\n"
            "BRK2-1-1 | Leaflet for GP surgeries | Complete | Printed and sent out 2 May\n"
            "BRK2-1-2 | Refresher for reception staff | Complete | All sessions run - evidence to follow\n")
    readings = read_replies(text, today=TODAY, known_refs=["BRK2-1-1", "BRK2-1-2"], model=None)
    assert readings["BRK2-1-2"].status is ReadStatus.COMPLETE and needs_confirmation(readings["BRK2-1-2"])
    assert readings["BRK2-1-1"].status is ReadStatus.COMPLETE


@pytest.mark.parametrize("text", [
    "Our final parenting group wraps up when the autumn term ends, and this completes the action.",
    "Our last awareness week runs until 30 June and this completes our part of it.",
    "One more briefing in June, which will complete this action.",
])
def test_what_will_complete_the_action_is_no_completion(text: str) -> None:
    reading = read_reply(text, today=TODAY, model=None)
    assert reading.status is ReadStatus.IN_PROGRESS
    assert not closes_action(reading)


@pytest.mark.parametrize("text", [
    "The last cohort finished in April, and that completes the action.",
    "Everyone has now been trained. That completes the action.",
])
def test_a_step_already_finished_that_completes_the_action_is_a_completion(text: str) -> None:
    assert read_reply(text, today=TODAY, model=None).status is ReadStatus.COMPLETE
