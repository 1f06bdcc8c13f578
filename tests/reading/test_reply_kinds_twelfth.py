"""Kinds found in the misses of held-out 10 once it was seen (our own words here, not theirs).

New owners: "this now falls to X", "it ought to be led by X", "that's with X now - Name", a lower-case team that
"took this over" or "owns that one", "ask my successor, Name", "Name's your man"; and a reply that only says it
reached the wrong person ("no idea why this came to me", "take me off this", "I'm not the owner - can someone
pick it up?", "no idea, not mine"). "Speak to X about the invoice" and "the training is with HR for sign-off" name
no new owner.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.replies import read_reply
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 6, 9)  # a Wednesday


def _status(text: str) -> ReadStatus:
    return read_reply(text, today=TODAY, model=None).status


def _redirected_to(text: str) -> str | None:
    reading = read_reply(text, today=TODAY, model=None)
    assert reading.status is ReadStatus.REDIRECT, reading
    return reading.redirect_to


# --- new owners -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "owner"), [
    ("I cover reception only. This action now falls to our deputy head, Mrs Olu Banjo, so please write to her.",
     "Olu Banjo"),
    ("This one falls to the Youth Justice Service.", "the Youth Justice Service"),
    ("It ought to be led by Adult Social Care really - the pathway is theirs.", "Adult Social Care"),
    ("this action should properly be owned by Public Health, can you send it over", "Public Health"),
    ("that's with the licensing team now - Greg Amos", "Greg Amos"),
    ("it's with Northgate Housing now, not us", "Northgate Housing"),
    ("probation took this over in the spring, ask Dominic in the MAPPA unit", "Dominic"),
    ("not mine - estates own that one, Sunita's your woman", "Sunita"),
    ("I left that post in March, you'd best ask my successor, Hollie Brandt, who has it now", "Hollie Brandt"),
    ("Contact my replacement Farid, he picked up all my actions", "Farid"),
    ("Tomasz is who you want for that one", "Tomasz"),
])
def test_the_new_owner_is_named(text: str, owner: str) -> None:
    to = _redirected_to(text)
    assert to is not None and owner.lower() in to.lower()


@pytest.mark.parametrize("text", [
    "No idea why this was sent to me - I run the café. Please take me off the list.",
    "Please take me off this, I'm in finance.",
    "I know nothing about this one, sorry.",
    "im not the owner of this - can someone else pick it up?",
    "Can anyone take this on? I'm not its lead.",
    "no idea, not mine",
])
def test_a_reply_that_only_says_it_reached_the_wrong_person_is_a_redirect(text: str) -> None:
    assert _status(text) is ReadStatus.REDIRECT


@pytest.mark.parametrize("text", [
    "Training delivered. Speak to Karina Webb about the invoice.",
    "The training pack is with HR for sign-off.",
    "Is this the one I finished in May? Not sure why it's come round again.",
    "The sessions will be led by an external trainer in July.",
    "the leaflet falls to be reprinted next year",
    "The review should be led by the chair, as agreed, and that's what happened in March.",
])
def test_a_person_or_team_named_beside_the_work_is_no_new_owner(text: str) -> None:
    assert _status(text) is not ReadStatus.REDIRECT
