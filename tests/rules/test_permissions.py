"""Who may change and who may see an action, from plain values: the same answer for Slack, mail and the CLI."""

from __future__ import annotations

from bot.rules.permissions import NOBODY, Person, may_change, may_see, sees_everything

POLICE, HOUSING = 1, 2
PRIYA = Person(contact_id=10, agency_id=POLICE, role="lead", active=True)
DANA = Person(contact_id=11, agency_id=POLICE, role="manager", active=True)
GRACE = Person(contact_id=20, agency_id=HOUSING, role="lead", active=True)
MORGAN = Person(contact_id=30, role="coordinator", active=True)
ALEX = Person(contact_id=40, role="board", active=True)
LISTED = Person(listed_coordinator=True)  # a Slack id in the settings, not on the contacts list
FORMER = Person(contact_id=12, agency_id=POLICE, role="lead", active=False)


def police_action(lead: int | None = 10) -> dict[str, int | None]:
    return {"action_agency_id": POLICE, "action_lead_contact_id": lead}


def test_a_lead_and_their_manager_may_change_their_own_agencys_action() -> None:
    assert may_change(PRIYA, **police_action()) and may_change(DANA, **police_action(lead=None))


def test_another_agencys_lead_may_neither_change_nor_see_an_action() -> None:
    assert not may_change(GRACE, **police_action()) and not may_see(GRACE, **police_action())


def test_coordinators_change_and_see_everything_whether_listed_or_by_role() -> None:
    for coordinator in (MORGAN, LISTED):
        assert may_change(coordinator, **police_action()) and sees_everything(coordinator)


def test_board_members_see_every_action_but_change_none() -> None:
    assert sees_everything(ALEX) and may_see(ALEX, **police_action()) and not may_change(ALEX, **police_action())


def test_an_actions_own_lead_contact_may_change_it_whatever_their_role() -> None:
    adviser = Person(contact_id=50, agency_id=HOUSING, role="board", active=True)
    assert may_change(adviser, **police_action(lead=50))


def test_someone_inactive_or_unknown_may_do_nothing() -> None:
    for nobody in (FORMER, NOBODY):
        assert not may_change(nobody, **police_action(lead=12)) and not may_see(nobody, **police_action())
        assert not sees_everything(nobody)
