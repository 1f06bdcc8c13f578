"""Who may change and who may see an action: the one home for every transport (Slack, mail, CLI).

Pure: a `Person` is plain values about whoever is asking, an action is known by its lead agency
and lead contact ids. The caller builds the Person (bot.contacts.person_for) from what its
transport knows: a Slack user id, an authenticated mail sender, or nobody.

- Coordinators (by role, or listed in the settings) may change and see every action.
- A lead or manager may change their own agency's actions; an action's own lead contact may
  change it whatever their role.
- Board members see every action but change none: the board reads, agencies report.
- Anyone else known sees their own agency's actions; someone unknown or inactive nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules.statuses import Role

#: Roles that answer for their agency's actions.
_REPORTING_ROLES = frozenset({Role.LEAD.value, Role.MANAGER.value})


@dataclass(frozen=True)
class Person:
    """Whoever is asking, as plain values; `listed_coordinator` means named in the settings."""

    contact_id: int | None = None
    agency_id: int | None = None
    role: str | None = None
    active: bool = False
    listed_coordinator: bool = False


NOBODY = Person()


def is_coordinator(person: Person) -> bool:
    return person.listed_coordinator or (person.active and person.role == Role.COORDINATOR.value)


def sees_everything(person: Person) -> bool:
    """Coordinators and board members see every agency's actions."""
    return is_coordinator(person) or (person.active and person.role == Role.BOARD.value)


def may_change(person: Person, *, action_agency_id: int | None, action_lead_contact_id: int | None) -> bool:
    """Coordinators may change any action; a lead or manager only their own agency's actions."""
    if is_coordinator(person):
        return True
    if not person.active:
        return False
    if action_lead_contact_id is not None and person.contact_id == action_lead_contact_id:
        return True
    return person.role in _REPORTING_ROLES and action_agency_id is not None and person.agency_id == action_agency_id


def may_see(person: Person, *, action_agency_id: int | None, action_lead_contact_id: int | None) -> bool:
    """Everything for coordinators and the board; otherwise one's own agency's actions."""
    if sees_everything(person):
        return True
    if not person.active:
        return False
    if action_lead_contact_id is not None and person.contact_id == action_lead_contact_id:
        return True
    return action_agency_id is not None and person.agency_id == action_agency_id
