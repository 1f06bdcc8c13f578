"""Who may see and change what, from the contacts table.

Coordinators see and change everything. A lead (or an agency manager) sees and updates only their
agency's actions, and cannot hand an action to another agency. Board members read the reviews and
plans, and change nothing. Anyone else who signs in is refused: the contacts table is the guest list.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, func, select

from bot.models import Action, Contact
from bot.rules.statuses import Role


class Forbidden(Exception):
    """Signed in, but not allowed to do this (HTTP 403)."""


@dataclass(frozen=True)
class Viewer:
    contact_id: int
    name: str
    role: str  # Role value
    agency_id: int | None

    @property
    def actor(self) -> str:
        """How the audit log names this person (the same shape bot.updates uses)."""
        return f"contact:{self.contact_id}"

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR.value

    @property
    def sees_every_agency(self) -> bool:
        return self.role in (Role.COORDINATOR.value, Role.BOARD.value)

    @property
    def opens_actions(self) -> bool:
        return self.role != Role.BOARD.value


def viewer_for(contact: Contact) -> Viewer | None:
    """The viewer a contact signs in as, or None when they have no business in the console."""
    if contact.id is None or not contact.active or contact.role not in {r.value for r in Role}:
        return None
    return Viewer(contact.id, contact.name, contact.role, contact.agency_id)


def contact_by_email(session: Session, email: str) -> Contact | None:
    wanted = email.strip().lower()
    if not wanted:
        return None
    return session.exec(select(Contact).where(func.lower(Contact.email) == wanted, Contact.active)).first()


def check_can_open(viewer: Viewer, action: Action) -> None:
    if not viewer.opens_actions:
        raise Forbidden("Board members see the reviews and plans, not each action's history.")
    if not viewer.sees_every_agency and action.lead_agency_id != viewer.agency_id:
        raise Forbidden("This action belongs to another agency.")


def check_can_change(viewer: Viewer, action: Action, new_agency_id: int | None) -> None:
    check_can_open(viewer, action)
    if not viewer.is_coordinator and new_agency_id != action.lead_agency_id:
        raise Forbidden("Only a coordinator can hand an action to another agency.")


def check_coordinator(viewer: Viewer) -> None:
    if not viewer.is_coordinator:
        raise Forbidden("Only coordinators can do this.")


def check_can_read_board(viewer: Viewer) -> None:
    if not viewer.sees_every_agency:
        raise Forbidden("The board page is for coordinators and board members.")
