"""Kinds found in the misses of held-out 9 once it was seen (our own words here, not theirs).

Work said to be late beside a date still to come ("has been delayed ... now aiming for", "we had hoped to ...
but", "our original plan was") is a request for more time; "running a little behind" and "going to be late"
say so on their own. New owners named the ways people name them: lower case after "not ours, that's", a bare
name after "not us", "it's hers now", an action number held by someone, "moved to", "now owned by", "provided by X
rather than", "who I have copied in" (and never the team it was "allocated to in error"), "is taking over as",
"X, the role, now leads on this", "X's team are doing this one now". A stage still to come ("now onto the
review", "south team next"), a decision to drop the action and "until further notice" never read complete.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.replies import read_reply
from bot.rules.statuses import ReadStatus
from tests.reading.readings import redirected_to, rules_status

TODAY = date(2027, 3, 9)




# --- late, with a new date -------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "The audit has been delayed by the system migration. We are now aiming for the end of June.",
    "We had hoped to get the leaflet out in February but the translations came back late - mid April now.",
    "Our original plan was to finish by the end of March. Because two trainers left, we now expect 30 June.",
    "The change freeze pushed us back. We're now planning to go live by 1 September.",
    "Sorry for the delay on this. The remaining wards should be done in May.",
    "Delayed - revised date 31/07/27",
])
def test_work_said_to_be_late_with_a_new_date_asks_for_more_time(text: str) -> None:
    reading = read_reply(text, today=TODAY, model=None)
    assert reading.status is ReadStatus.EXTENSION_REQUESTED
    assert reading.new_due is not None


@pytest.mark.parametrize("text", [
    "running a little behind, should be sorted by the 26th",
    "gonna be late with this one sorry",
    "the 3rd part is going to be late",
])
def test_lateness_owned_up_to_asks_for_more_time(text: str) -> None:
    assert rules_status(text, TODAY) is ReadStatus.EXTENSION_REQUESTED


@pytest.mark.parametrize("text", [
    "Going well - we now expect to finish by the end of April as planned.",
    "Training is under way and on track for June.",
    "The delayed training from last year has now been run; the last session for new starters is in May.",
])
def test_progress_to_plan_is_not_a_request_for_more_time(text: str) -> None:
    assert rules_status(text, TODAY) is not ReadStatus.EXTENSION_REQUESTED


# --- new owners -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "owner"), [
    ("1 - done\n2 - not ours, thats the fire service", "the fire service"),
    ("not ours, it's children's social care", "children's social care"),
    ("Not us. Public Health.", "Public Health"),
    ("nope not mine. Community Safety", "Community Safety"),
    ("ask Priya in commissioning, it's hers now", "Priya"),
    ("<@U07ZZ1AB> has 2-3 now", "<@U07ZZ1AB>"),
    ("this moved to the Combined Authority last year, ask them", "the Combined Authority"),
    ("Now owned by the Violence Reduction Unit, please contact them.", "the Violence Reduction Unit"),
    ("Since April the helpline has been run by Northway Women's Aid rather than by us, so they will need to answer.",
     "Northway Women's Aid"),
    ("This came to the library service in error. It is a matter for Trading Standards, who I have copied in.",
     "Trading Standards"),
    ("I leave on Friday. Malik Osei is taking over as safeguarding lead and will own this action from Monday.",
     "Malik Osei"),
    ("After the restructure Bronwen Pugh, the partnership manager, now leads on this.", "Bronwen Pugh"),
    ("Ellis Grant's team are doing this one now", "Ellis Grant's team"),
    ("this should really be with the LSCP not us", "the LSCP"),
    ("Not for us any more - the clinic moved across to the new trust, so Idris Kane there will need to update you.",
     "Idris Kane"),
])
def test_the_new_owner_is_named(text: str, owner: str) -> None:
    assert redirected_to(text, TODAY) == owner


def test_the_team_it_was_allocated_to_in_error_is_not_the_owner() -> None:
    to = redirected_to("This was allocated to the Parks Service in error; it belongs to Environmental Health, "
                       "who I have copied in.", TODAY)
    assert to is not None and "Parks" not in to


def test_an_action_moved_to_a_later_quarter_is_no_new_owner() -> None:
    assert rules_status("this one has moved to Q2 2027/28", TODAY) is not ReadStatus.REDIRECT


def test_not_mine_any_more_without_a_name_still_redirects() -> None:
    assert redirected_to("I've changed roles so this isn't mine anymore, no idea who has it", TODAY) is None


# --- never complete ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "done the mapping, now onto the training itself",
    "finished the east team, west team next",
])
def test_a_stage_still_to_come_is_in_progress(text: str) -> None:
    assert rules_status(text, TODAY) is ReadStatus.IN_PROGRESS


@pytest.mark.parametrize("text", [
    "we're not doing this one - the board agreed last month to drop it",
    "2-2 we don't need any more, the scheme it was about was closed",
])
def test_a_dropped_action_is_not_applicable(text: str) -> None:
    assert rules_status(text, TODAY) is ReadStatus.NOT_APPLICABLE


def test_until_further_notice_is_blocked() -> None:
    text = "We can't hold the drop-in sessions at present because the community centre is closed until further notice."
    assert rules_status(text, TODAY) is ReadStatus.BLOCKED
