"""Contacts and agencies: loading them from a CSV / the settings, and who someone is to the permission rules."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, select

from bot.models import Agency, Contact, Event, Partnership
from bot.rules.permissions import Person
from bot.rules.statuses import ChannelKind, Role
from bot.settings import AgencySettings, Settings

REQUIRED_COLUMNS = ("agency", "name", "role")
OPTIONAL_COLUMNS = ("email", "slack_user_id", "preferred_channel")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")


class ContactsError(Exception):
    """A contacts file is unusable; the message names the file, row and column."""


@dataclass(frozen=True)
class ContactRow:
    row: int
    agency: str
    name: str
    role: Role
    email: str | None
    slack_user_id: str | None
    preferred_channel: ChannelKind | None


@dataclass
class ContactsReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    agencies_added: list[str] = field(default_factory=list)


def read_contacts_csv(path: Path) -> list[ContactRow]:
    """Parse and validate every row first, so a bad file changes nothing."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContactsError(f"{path}: cannot read: {exc}") from exc
    reader = csv.DictReader(text.splitlines())
    headers = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise ContactsError(
            f"{path}: row 1: missing column(s) {', '.join(missing)}; found {', '.join(headers) or 'nothing'}"
        )
    rows: list[ContactRow] = []
    problems: list[str] = []
    for number, raw in enumerate(reader, start=2):
        record = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        if not any(record.values()):
            continue
        try:
            rows.append(_contact_row(number, record))
        except ValueError as exc:
            problems.append(f"{path}: row {number}: {exc}")
    if problems:
        raise ContactsError("\n".join(problems))
    if not rows:
        raise ContactsError(f"{path}: no contacts found")
    return rows


def _contact_row(number: int, record: dict[str, str]) -> ContactRow:
    for column in ("agency", "name"):
        if not record.get(column):
            raise ValueError(f"column {column}: empty")
    try:
        role = Role(record["role"].lower())
    except ValueError:
        raise ValueError(
            f"column role: {record['role']!r} is not one of {', '.join(r.value for r in Role)}"
        ) from None
    email = record.get("email") or None
    if email and not _EMAIL.match(email):
        raise ValueError(f"column email: {email!r} is not a mail address")
    slack_user_id = record.get("slack_user_id") or None
    if slack_user_id and not _SLACK_USER.match(slack_user_id):
        raise ValueError(f"column slack_user_id: {slack_user_id!r} is not a Slack user id (like U0123ABC)")
    if not email and not slack_user_id:
        raise ValueError("columns email, slack_user_id: give at least one, or the bot cannot reach them")
    preferred = record.get("preferred_channel") or None
    channel = None
    if preferred:
        try:
            channel = ChannelKind(preferred.lower())
        except ValueError:
            raise ValueError(f"column preferred_channel: {preferred!r} is not slack or email") from None
    return ContactRow(number, record["agency"], record["name"], role, email, slack_user_id, channel)


def find_agency(session: Session, name: str) -> Agency | None:
    """The agency called `name` or known by it as an alias (case-insensitive)."""
    wanted = name.strip().casefold()
    for agency in session.exec(select(Agency)).all():
        if agency.name.casefold() == wanted or wanted in (a.casefold() for a in agency.aliases):
            return agency
    return None


def sync_agencies(session: Session, configured: Sequence[AgencySettings]) -> list[str]:
    """Make the Agency table agree with the settings; returns the names added."""
    added = []
    for wanted in configured:
        agency = find_agency(session, wanted.name)
        if agency is None:
            agency = Agency(name=wanted.name)
            added.append(wanted.name)
        agency.aliases = sorted(set(agency.aliases) | set(wanted.aliases))
        agency.preferred_channel = wanted.preferred_channel
        agency.policy_overrides = dict(wanted.escalation)
        session.add(agency)
    session.flush()
    return added


def store_contacts(session: Session, rows: Iterable[ContactRow], *, actor: str) -> ContactsReport:
    """Add or update contacts, matched by email, then Slack id, then name within the agency."""
    report = ContactsReport()
    for row in rows:
        agency = find_agency(session, row.agency)
        if agency is None:
            agency = Agency(name=row.agency)
            session.add(agency)
            session.flush()
            report.agencies_added.append(row.agency)
        contact = _existing_contact(session, row, agency.id)
        is_new = contact is None
        if contact is None:
            contact = Contact(name=row.name)
        contact.name = row.name
        contact.agency_id = agency.id
        contact.role = row.role.value
        contact.email = row.email
        if contact.slack_user_id != row.slack_user_id:
            contact.slack_gone = None  # a new id is worth trying
        contact.slack_user_id = row.slack_user_id
        contact.preferred_channel = row.preferred_channel.value if row.preferred_channel else None
        contact.active = True
        session.add(contact)
        session.flush()
        (report.added if is_new else report.updated).append(row.name)
        session.add(
            Event(
                actor=actor,
                kind="contact.added" if is_new else "contact.updated",
                entity="contact",
                entity_id=contact.id,
                data={"agency": agency.name, "role": row.role.value},
            )
        )
    session.flush()
    return report


def _existing_contact(session: Session, row: ContactRow, agency_id: int | None) -> Contact | None:
    if row.email:
        found = session.exec(select(Contact).where(Contact.email == row.email)).first()
        if found:
            return found
    if row.slack_user_id:
        found = session.exec(select(Contact).where(Contact.slack_user_id == row.slack_user_id)).first()
        if found:
            return found
    return session.exec(
        select(Contact).where(Contact.name == row.name, Contact.agency_id == agency_id)
    ).first()


def contact_for_slack_user(session: Session, slack_user_id: str) -> Contact | None:
    return session.exec(
        select(Contact).where(Contact.slack_user_id == slack_user_id, Contact.active == True)  # noqa: E712
    ).first()


def contact_for_email(session: Session, address: str) -> Contact | None:
    wanted = address.strip().lower()
    return session.exec(
        select(Contact).where(sa.func.lower(Contact.email) == wanted, Contact.active == True)  # noqa: E712
    ).first()


def known_addresses(session: Session) -> set[str]:
    """Mail addresses the partnership already holds (every contact's, the board's): not a third party's."""
    contacts = session.exec(select(Contact.email).where(Contact.email.is_not(None))).all()  # type: ignore[union-attr]
    boards = session.exec(select(Partnership.board_email).where(Partnership.board_email.is_not(None))).all()  # type: ignore[union-attr]
    return {address for address in [*contacts, *boards] if address}


def person_for(contact: Contact | None, settings: Settings, slack_user_id: str | None = None) -> Person:
    """What the permission rules need to know about whoever is asking (see bot.rules.permissions)."""
    listed = bool(slack_user_id) and slack_user_id in settings.coordinators
    if contact is None:
        return Person(listed_coordinator=listed)
    return Person(contact_id=contact.id, agency_id=contact.agency_id, role=contact.role, active=contact.active,
                  listed_coordinator=listed)
