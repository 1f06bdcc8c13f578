"""The Agencies and contacts pages: agencies with their aliases and contacts, renaming and merging agencies (the
audited corrections `dhr agency rename` and `dhr agency merge` make), and editing a contact. Coordinators only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, abort, g, redirect, render_template, request, url_for
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.console.access import Viewer, check_coordinator
from bot.console.options import ConsoleOptions
from bot.contacts import _EMAIL, _SLACK_USER
from bot.db import session_scope
from bot.models import Action, Agency, Contact, Event
from bot.plans.corrections import CorrectionError, merge_agencies, rename_agency
from bot.rules.statuses import Role

NAME_LIMIT = 200


@dataclass(frozen=True)
class ContactEdit:
    name: str
    email: str | None
    slack_user_id: str | None
    role: str
    active: bool


def parse_contact_edit(session: Session, contact: Contact, viewer: Viewer,
                       form: Mapping[str, str]) -> tuple[ContactEdit | None, dict[str, str]]:
    """The change the form asks for, or the errors to show beside each field (field name -> message).
    The rules are `dhr contacts import`'s (bot.contacts), plus: an address or Slack id names one person only
    (sign-in finds people by address), and nobody takes away their own coordinator access."""
    errors: dict[str, str] = {}
    name = " ".join(form.get("name", "").split())
    if not name:
        errors["name"] = "Enter the contact's name"
    elif len(name) > NAME_LIMIT:
        errors["name"] = f"Name must be {NAME_LIMIT} characters or fewer"
    email = form.get("email", "").strip() or None
    if email and not _EMAIL.match(email):
        errors["email"] = "Enter an email address like name@agency.gov.uk"
    elif email and _someone_else(session, contact, sa.func.lower(Contact.email) == email.lower()):
        errors["email"] = "Another contact has this email address"
    slack_user_id = form.get("slack_user_id", "").strip() or None
    if slack_user_id and not _SLACK_USER.match(slack_user_id):
        errors["slack_user_id"] = "Enter a Slack user id like U0123ABC"
    elif slack_user_id and _someone_else(session, contact, Contact.slack_user_id == slack_user_id):
        errors["slack_user_id"] = "Another contact has this Slack user id"
    if not email and not slack_user_id and "email" not in errors and "slack_user_id" not in errors:
        errors["email"] = "Give an email address or a Slack user id, or the bot cannot reach them"
    role = form.get("role", "")
    if role not in {r.value for r in Role}:
        errors["role"] = "Choose a role"
    active = form.get("active") == "1"
    if contact.id == viewer.contact_id and (role != Role.COORDINATOR.value or not active) and "role" not in errors:
        errors["role"] = "You cannot take away your own coordinator access: ask another coordinator"
    if errors:
        return None, errors
    return ContactEdit(name, email, slack_user_id, role, active), {}


def _someone_else(session: Session, contact: Contact, condition: Any) -> bool:
    return session.exec(select(Contact.id).where(condition, Contact.id != contact.id)).first() is not None


def apply_contact_edit(session: Session, contact: Contact, edit: ContactEdit, viewer: Viewer, now: datetime) -> bool:
    """Apply the edit; False when it changes nothing (and then nothing is written). The audit log names the fields
    changed, and the role and active flag before and after (addresses are not copied into it)."""
    before = _fields(contact)
    if edit.slack_user_id != contact.slack_user_id:
        contact.slack_gone = None  # a new id is worth trying (as `dhr contacts import` does)
    contact.name, contact.email, contact.slack_user_id = edit.name, edit.email, edit.slack_user_id
    contact.role, contact.active = edit.role, edit.active
    after = _fields(contact)
    changed = [key for key in after if after[key] != before[key]]
    if not changed:
        return False
    session.add(contact)
    session.add(Event(at=now, actor=viewer.actor, kind="contact.updated", entity="contact", entity_id=contact.id,
                      data={"fields": changed, "before": {k: before[k] for k in ("role", "active")},
                            "after": {k: after[k] for k in ("role", "active")}, "via": "console"}))
    session.flush()
    return True


def _fields(contact: Contact) -> dict[str, Any]:
    return asdict(ContactEdit(contact.name, contact.email, contact.slack_user_id, contact.role, contact.active))


def _col(attribute: Any) -> Any:
    return attribute  # SQLModel fields are columns at class level (as in bot/console/queries.py)


@dataclass(frozen=True)
class AgencyRow:
    agency: Agency
    contacts: list[Contact]
    actions: int


def agency_rows(session: Session) -> list[AgencyRow]:
    contacts = session.exec(select(Contact).order_by(Contact.name)).all()
    led = sa.select(_col(Action.lead_agency_id), sa.func.count()).group_by(_col(Action.lead_agency_id))
    counts: dict[int | None, int] = {agency_id: int(n) for agency_id, n in session.execute(led).all()}
    return [AgencyRow(agency, [c for c in contacts if c.agency_id == agency.id], int(counts.get(agency.id, 0)))
            for agency in session.exec(select(Agency).order_by(Agency.name)).all()]


def register_agency_pages(app: Flask, engine: Engine, options: ConsoleOptions) -> None:
    @app.get("/agencies")
    def agencies() -> str:
        check_coordinator(g.viewer)
        with Session(engine) as db:
            rows = agency_rows(db)
            db.expunge_all()
        return render_template("agencies.html", title="Agencies and contacts", rows=rows,
                               done=request.args.get("done"))

    @app.route("/agencies/<int:agency_id>", methods=["GET"])
    def agency(agency_id: int) -> Any:
        check_coordinator(g.viewer)
        return _agency_page(agency_id, {}, 200)

    @app.post("/agencies/<int:agency_id>/rename")
    def rename(agency_id: int) -> Any:
        check_coordinator(g.viewer)
        new_name = request.form.get("name", "")
        try:
            with session_scope(engine) as db:
                found = _agency(db, agency_id)
                change = rename_agency(db, found.name, new_name, now=options.clock(), actor=g.viewer.actor)
        except CorrectionError as error:
            return _agency_page(agency_id, {"name": str(error)}, 400)
        return redirect(url_for("agencies", done=f"Renamed {change.before} to {change.after}"))

    @app.post("/agencies/<int:agency_id>/merge")
    def merge(agency_id: int) -> Any:
        check_coordinator(g.viewer)
        into = request.form.get("into", "")
        if not into.isdigit():
            return _agency_page(agency_id, {"into": "Choose the agency to merge it into"}, 400)
        try:
            with session_scope(engine) as db:
                merged, kept = _agency(db, agency_id).name, _agency(db, int(into)).name
                counts = merge_agencies(db, merged, kept, now=options.clock(), actor=g.viewer.actor)
        except CorrectionError as error:
            return _agency_page(agency_id, {"into": str(error)}, 400)
        return redirect(url_for("agencies", done=f"Merged {merged} into {kept}: {counts['actions']} actions and "
                                                 f"{counts['contacts']} contacts moved"))

    def _agency_page(agency_id: int, errors: dict[str, str], status: int) -> tuple[str, int]:
        with Session(engine) as db:
            row = next((r for r in agency_rows(db) if r.agency.id == agency_id), None)
            others = db.exec(select(Agency).where(Agency.id != agency_id).order_by(Agency.name)).all()
            db.expunge_all()
        if row is None:
            abort(404)
        return render_template("agency.html", title=row.agency.name, row=row, others=others, errors=errors,
                               form=request.form if errors else None), status

    @app.route("/contacts/<int:contact_id>", methods=["GET", "POST"])
    def contact(contact_id: int) -> Any:
        check_coordinator(g.viewer)
        errors: dict[str, str] = {}
        with session_scope(engine) as db:
            found = db.get(Contact, contact_id)
            if found is None:
                abort(404)
            if request.method == "POST":
                edit, errors = parse_contact_edit(db, found, g.viewer, request.form)
                if edit is not None:
                    changed = apply_contact_edit(db, found, edit, g.viewer, options.clock())
                    done = f"{found.name} updated" if changed else f"Nothing changed for {found.name}"
                    return redirect(url_for("agencies", done=done))
            agency_name = db.get(Agency, found.agency_id).name if found.agency_id else None  # type: ignore[union-attr]
            db.expunge_all()
        return render_template("contact.html", title=f"Change {found.name}", contact=found, agency_name=agency_name,
                               roles=list(Role), errors=errors, form=request.form if errors else None), \
            400 if errors else 200


def _agency(session: Session, agency_id: int) -> Agency:
    found = session.get(Agency, agency_id)
    if found is None:
        raise CorrectionError("That agency is no longer there (merged or renamed by someone else?): reload the page")
    return found
