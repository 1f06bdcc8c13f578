""""Not ours / new lead" is its own reading: it names the new owner when it can, and never completes anything."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import closes_action
from bot.reading.redirect import find_redirect
from bot.reading.replies import read_replies, read_reply
from bot.rules.statuses import ReadStatus, action_status_for

TODAY = date(2027, 3, 1)


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("not ours, that's the CCG", "the CCG"),
        ("copying in Jane who now leads on this", "Jane"),
        ("This was handed over to Children's Services in the restructure", "Children's Services"),
        ("Tariq Hussain has taken over the domestic abuse lead role from me", "Tariq Hussain"),
        ("This sits with the housing team now, not us", "the housing team"),
        ("<@U07QRS456> is the lead for this now", "<@U07QRS456>"),
        ("I think you've got the wrong agency, this is a Probation action", "Probation"),
        ("Liam Ford (liam.ford@trust.example.nhs.uk) is covering my actions.", "Liam Ford"),
    ],
)
def test_a_redirect_names_the_new_agency_or_person(text: str, owner: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert (reading.status, reading.redirect_to) == (ReadStatus.REDIRECT, owner)


def test_a_redirect_without_a_name_is_still_a_redirect() -> None:
    reading = read_reply("wrong person, I don't deal with this anymore", today=TODAY)
    assert (reading.status, reading.redirect_to) == (ReadStatus.REDIRECT, None)


@pytest.mark.parametrize("text", ["not ours, that's the CCG - it's done as far as we're concerned",
                                  "Copying in Jane who now leads on this. Complete from our side."])
def test_a_redirect_never_completes_or_closes_the_action(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.status is ReadStatus.REDIRECT
    assert action_status_for(reading.status) is None
    assert not closes_action(reading)
    assert reading.needs_confirmation  # a coordinator task, never applied by itself


def test_a_redirect_covers_every_action_of_the_chaser() -> None:
    readings = read_replies("Not our action, please check who it belongs to", today=TODAY,
                            known_refs=["RIV3-2-1", "RIV3-2-2"])
    assert {reading.status for reading in readings.values()} == {ReadStatus.REDIRECT}


@pytest.mark.parametrize("text", ["The policy is with the Board.", "the GP leads meet on 15 March to agree who does it",
                                  "The new system has taken over the referrals", "<@U04ABC123> is still working on it"])
def test_work_in_someone_elses_hands_is_not_a_redirect(text: str) -> None:
    assert find_redirect(text) is None
