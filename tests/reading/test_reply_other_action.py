"""Held-out 13's one false close, as a kind (our own words here, not theirs): a reply that names another action of
the same review, and none of the chaser's, is not about the chaser's action. "RVT4-2-1 finished in May", answering
a chaser about RVT4-2-3, must never close RVT4-2-3; it is read unclear, so the bot asks which action is meant."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import closes_action
from bot.reading.replies import read_replies
from bot.reading.split import names_only_other_actions
from bot.rules.statuses import ReadStatus

TODAY = date(2026, 9, 14)
ASKED = ["RVT4-2-3"]


@pytest.mark.parametrize("text", [
    "RVT4-2-1 finished in May - all the refresher sessions ran.",
    "Hi, just so you know rvt4-2-1 is complete now, signed off by the board last week.\n\nThanks, Ola",
    "Done! (RVT4-3-1, the audit)",
    "fyi RVT4-12-2 done :white_check_mark:",
])
def test_a_completion_of_another_action_of_the_review_never_closes_the_one_asked_about(text: str) -> None:
    reading = read_replies(text, today=TODAY, known_refs=ASKED)["RVT4-2-3"]

    assert reading.status is ReadStatus.UNCLEAR
    assert not closes_action(reading)
    assert reading.needs_confirmation


@pytest.mark.parametrize("text", [
    "RVT4-2-3 done, and RVT4-2-1 too",  # the asked action is named: read as usual
    "Completed in August, same approach as we took for RVT4-1-1 last year.\n\nAlso this one is signed off.",
    "This action was folded into RVT4-2-1 when the plan was refreshed, so please close it.",  # about this action
    "Finished in August. Our ref for it internally is HR-2026-114.",  # not a ref of this review
    "All done - completed on 2 September.",
])
def test_a_reply_about_the_action_asked_is_not_taken_for_one_about_another(text: str) -> None:
    assert not names_only_other_actions(text, ASKED)


def test_without_known_refs_nothing_is_another_action() -> None:
    assert not names_only_other_actions("RVT4-2-1 finished", [])
