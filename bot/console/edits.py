"""A change made on the Action page: checked field by field, applied, and audited with who made it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.console.access import Viewer, check_can_change
from bot.models import Action, Agency, Contact, Event
from bot.rules.statuses import ActionStatus, Precision

NOTE_LIMIT = 2000


@dataclass(frozen=True)
class ActionEdit:
    status: str
    due: date | None
    lead_agency_id: int | None
    lead_contact_id: int | None
    note: str


def parse_edit(session: Session, form: Mapping[str, str]) -> tuple[ActionEdit | None, dict[str, str]]:
    """The edit the form asks for, or the errors to show beside each field (field name -> message)."""
    errors: dict[str, str] = {}
    status = form.get("status", "")
    if status not in {s.value for s in ActionStatus}:
        errors["status"] = "Choose a status"
    due: date | None = None
    day, month, year = (form.get(f"due-{part}", "").strip() for part in ("day", "month", "year"))
    if day or month or year:
        try:
            due = date(int(year), int(month), int(day))
        except ValueError:
            errors["due"] = "Target date must be a real date, like 31 3 2027"
    agency_id = _optional_id(form.get("lead_agency_id", ""))
    if agency_id is not None and session.get(Agency, agency_id) is None:
        errors["lead_agency_id"] = "Choose a lead agency from the list"
    contact_id = _optional_id(form.get("lead_contact_id", ""))
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None:
            errors["lead_contact_id"] = "Choose a contact from the list"
        elif agency_id is not None and contact.agency_id != agency_id:
            errors["lead_contact_id"] = f"{contact.name} is not at the lead agency you chose"
    note = form.get("note", "").strip()
    if not note:
        errors["note"] = "Say why you are making this change"
    elif len(note) > NOTE_LIMIT:
        errors["note"] = f"Note must be {NOTE_LIMIT} characters or fewer"
    if errors:
        return None, errors
    return ActionEdit(status, due, agency_id, contact_id, note), {}


def _optional_id(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


def apply_edit(session: Session, action: Action, edit: ActionEdit, viewer: Viewer, now: datetime) -> bool:
    """Apply the edit; False when it changes nothing (and then nothing is written)."""
    check_can_change(viewer, action, edit.lead_agency_id)
    before = _fields(action)
    action.status = edit.status
    if edit.due != action.due:
        action.due = edit.due
        action.precision = Precision.DAY.value if edit.due else Precision.NONE.value
    action.lead_agency_id = edit.lead_agency_id
    action.lead_contact_id = edit.lead_contact_id
    after = _fields(action)
    if after == before:
        return False
    action.updated_at = now
    session.add(action)
    session.add(Event(at=now, actor=viewer.actor, kind="action.edited", entity="action", entity_id=action.id,
                      data={"before": before, "after": after, "note": edit.note, "via": "console"}))
    session.flush()
    return True


def _fields(action: Action) -> dict[str, str | int | None]:
    return {"status": action.status, "due": action.due.isoformat() if action.due else None,
            "lead_agency_id": action.lead_agency_id, "lead_contact_id": action.lead_contact_id}
