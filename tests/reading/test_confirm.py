"""One policy decides whether the bot asks first: only an unambiguous completion is applied at once."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import CONFIDENT, closes_action, is_unambiguous_completion, needs_confirmation
from bot.reading.replies import Reading, read_reply
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 3, 1)


def test_an_unambiguous_completion_is_applied_at_once() -> None:
    reading = read_reply("This has been done. All staff completed the e-learning by 20 February.", today=TODAY)
    assert is_unambiguous_completion(reading)
    assert not needs_confirmation(reading)


@pytest.mark.parametrize("status", [ReadStatus.NOT_APPLICABLE, ReadStatus.REDIRECT, ReadStatus.UNCLEAR])
def test_a_reading_that_would_close_or_says_nothing_to_apply_is_always_asked_about(status: ReadStatus) -> None:
    assert needs_confirmation(Reading(status, None, None, 0.95))


@pytest.mark.parametrize("status", [ReadStatus.IN_PROGRESS, ReadStatus.BLOCKED, ReadStatus.EXTENSION_REQUESTED])
def test_a_sure_reading_that_keeps_the_action_open_is_applied_and_an_unsure_one_asked(status: ReadStatus) -> None:
    assert not needs_confirmation(Reading(status, None, None, CONFIDENT))
    assert needs_confirmation(Reading(status, None, None, CONFIDENT - 0.01))


def test_a_date_that_could_not_be_read_is_asked_about() -> None:
    reading = Reading(ReadStatus.EXTENSION_REQUESTED, None, None, 0.9, date_problem="30 Feb 2027 is not a date")
    assert needs_confirmation(reading)


def test_a_completion_below_the_confidence_threshold_is_asked_about() -> None:
    assert needs_confirmation(Reading(ReadStatus.COMPLETE, None, None, CONFIDENT - 0.01))
    assert not needs_confirmation(Reading(ReadStatus.COMPLETE, None, None, CONFIDENT))


def test_a_sender_who_may_not_change_the_action_is_always_asked() -> None:
    assert needs_confirmation(Reading(ReadStatus.COMPLETE, None, None, 0.95), sender_may_change=False)


def test_an_automatic_reply_is_never_applied_so_nothing_is_asked() -> None:
    reading = read_reply("I am out of the office until 8 March.", today=TODAY)
    assert reading.automatic and not needs_confirmation(reading) and not closes_action(reading)


@pytest.mark.parametrize(
    "text",
    ["done I think", "complete apart from the sign-off", "Done by Friday 12 March", "Yes\n\n> Is RIV3-2-1 complete?",
     "As far as I know it's complete", "Finished? Not sure", "not applicable to us, we don't run that service"],
)
def test_readings_that_could_close_an_action_by_mistake_never_close_it_unasked(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert needs_confirmation(reading) or not closes_action(reading)
