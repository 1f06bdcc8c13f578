"""Corrections a coordinator makes without Slack and without a database restore, each audited.

Every function changes what it says, writes one Event naming the change (short fields only: long
texts may hold sensitive detail), and returns the changes so the command can print them. Bad input
is a CorrectionError that names what was wrong, and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, delete, select

from bot.contacts import known_addresses
from bot.models import Action, Agency, Contact, Event, MessageAction, ProgressUpdate, Recommendation, RerouteTask, Review
from bot.plans.agencies import AgencyResolver
from bot.reading.pii import mask_personal_data
from bot.rules.dates import parse_target_date
from bot.rules.statuses import ActionStatus, Precision, UpdateSource

ACTOR = "cli"


class CorrectionError(Exception):
    """A correction that cannot be made; nothing was changed."""


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class ReviewSummary:
    code: str
    title: str
    recommendations: int
    actions: int
    open_actions: int
    removed_from_plan: int


def review_summaries(session: Session) -> list[ReviewSummary]:
    summaries = []
    for review in session.exec(select(Review).order_by(col(Review.code))).all():
        recs = session.exec(
            select(func.count()).select_from(Recommendation).where(Recommendation.review_id == review.id)
        ).one()
        actions = session.exec(select(Action).join(Recommendation).where(Recommendation.review_id == review.id)).all()
        in_plan = [a for a in actions if a.removed_from_plan_at is None]
        open_ = [a for a in in_plan if a.status not in (ActionStatus.COMPLETE, ActionStatus.NOT_APPLICABLE)]
        summaries.append(ReviewSummary(review.code, review.title, int(recs), len(in_plan), len(open_),
                                       len(actions) - len(in_plan)))
    return summaries


def find_action(session: Session, ref: str) -> Action:
    action = session.exec(select(Action).where(Action.ref == ref)).first()
    if action is None:
        action = session.exec(select(Action).where(func.lower(Action.ref) == ref.casefold())).first()
    if action is None:
        raise CorrectionError(f"no action with ref {ref!r} (refs look like RIV3-4-1; `dhr reviews` lists reviews)")
    return action


def action_details(session: Session, action: Action) -> list[tuple[str, str]]:
    """(label, value) for every field a coordinator may want to check or correct."""
    rec = session.get(Recommendation, action.recommendation_id)
    agency = session.get(Agency, action.lead_agency_id) if action.lead_agency_id else None
    contact = session.get(Contact, action.lead_contact_id) if action.lead_contact_id else None
    return [
        ("Ref", action.ref),
        ("Recommendation", f"{rec.number}: {rec.text}" if rec else ""),
        ("Section", (rec.section or "") if rec else ""),
        ("Action", action.description),
        ("Lead agency", agency.name if agency else "(none: never chased)"),
        ("Lead agency as written", action.lead_agency_text or ""),
        ("Lead contact", _contact_label(contact) if contact else "(anyone at the agency)"),
        ("Target as written", action.target_text or ""),
        ("Due", action.due.strftime("%d/%m/%Y") if action.due else "(undated)"),
        ("Status", action.status.replace("_", " ")),
        ("Progress", action.progress or ""),
        *((f"Plan column {header!r}", text) for header, text in (action.plan_cells or {}).items()),
        ("In the plan", "no (removed at the last import)" if action.removed_from_plan_at else "yes"),
    ]


def set_action(
    session: Session,
    action: Action,
    *,
    now: datetime,
    status: str | None = None,
    due: str | None = None,
    lead: str | None = None,
    contact: str | None = None,
    note: str | None = None,
    today: date | None = None,
    actor: str = ACTOR,
) -> list[Change]:
    """Apply what was given; all of it is checked before anything changes. `actor` is who the audit names.

    A new lead agency drops a lead contact who is not at it (unless a new contact is given), so the next
    chaser goes to the new agency and not to the person who said it is not theirs.
    """
    new_status = _status(status) if status is not None else None
    new_due = _due(due, today or now.date()) if due is not None else None
    new_contact = _contact(session, contact) if contact is not None else None
    changes: list[Change] = []
    if new_status is not None and new_status != action.status:
        changes.append(Change("status", action.status, new_status))
        action.status = new_status
    if new_due is not None and new_due != action.due:
        changes.append(Change("due", _day(action.due), _day(new_due)))
        action.due, action.precision = new_due, Precision.DAY.value
    if lead is not None:
        agency = AgencyResolver(session).resolve(lead)
        if agency is None:
            raise CorrectionError("--lead: give the agency's name")
        if agency.id != action.lead_agency_id:
            before = session.get(Agency, action.lead_agency_id) if action.lead_agency_id else None
            changes.append(Change("lead agency", before.name if before else "", agency.name))
            action.lead_agency_id = agency.id
            old_contact = session.get(Contact, action.lead_contact_id) if action.lead_contact_id else None
            if new_contact is None and old_contact is not None and old_contact.agency_id != agency.id:
                changes.append(Change("lead contact", _contact_label(old_contact), ""))
                action.lead_contact_id = None
    if new_contact is not None and new_contact.id != action.lead_contact_id:
        before_contact = session.get(Contact, action.lead_contact_id) if action.lead_contact_id else None
        changes.append(Change("lead contact", _contact_label(before_contact) if before_contact else "",
                              _contact_label(new_contact)))
        action.lead_contact_id = new_contact.id
    if note:
        assert action.id is not None
        note = mask_personal_data(note, known_addresses(session)).text  # stored like a reply: bot/reading/pii.py
        session.add(ProgressUpdate(action_id=action.id, at=now, source=UpdateSource.COORDINATOR.value, author=ACTOR,
                                   raw_text=note, confirmed=True))
        action.progress = f"{action.progress}\n{note}" if action.progress else note
        changes.append(Change("note", "", "added"))
    if changes:
        action.updated_at = now
        session.add(action)
        _event(session, now, "action.corrected", "action", action.id,
               {"ref": action.ref, "changes": [{"field": c.field, "before": c.before, "after": c.after}
                                               for c in changes if c.field != "note"],
                "note_added": bool(note)}, actor=actor)
    return changes


def rename_agency(session: Session, old: str, new: str, *, now: datetime, actor: str = ACTOR) -> Change:
    agency = _agency(session, old)
    new = " ".join(new.split())
    if not new:
        raise CorrectionError("the new name is empty")
    clash = _agency_or_none(session, new)
    if clash is not None and clash.id != agency.id:
        raise CorrectionError(
            f"an agency named {clash.name!r} exists already: use dhr agency merge {old!r} INTO {clash.name!r}"
        )
    change = Change("name", agency.name, new)
    # The old name stays an alias, so the next import of a plan that writes it finds this agency.
    agency.aliases = sorted({*agency.aliases, agency.name} - {new})
    agency.name = new
    session.add(agency)
    _event(session, now, "agency.renamed", "agency", agency.id, {"before": change.before, "after": new}, actor=actor)
    return change


def merge_agencies(
    session: Session, source: str, target: str, *, now: datetime, actor: str = ACTOR
) -> dict[str, int]:
    """Move everything of `source` to `target`; `source`'s names become aliases of `target`."""
    merged, kept = _agency(session, source), _agency(session, target)
    if merged.id == kept.id:
        raise CorrectionError(f"{source!r} and {target!r} are the same agency")
    actions = session.exec(select(Action).where(Action.lead_agency_id == merged.id)).all()
    contacts = session.exec(select(Contact).where(Contact.agency_id == merged.id)).all()
    for action in actions:
        action.lead_agency_id = kept.id
        action.updated_at = now
        session.add(action)
    for person in contacts:
        person.agency_id = kept.id
        session.add(person)
    for task in session.exec(select(RerouteTask).where(RerouteTask.agency_id == merged.id)).all():
        task.agency_id = kept.id
        session.add(task)
    kept.aliases = sorted({*kept.aliases, *merged.aliases, merged.name} - {kept.name})
    session.add(kept)
    session.flush()
    session.delete(merged)
    counts = {"actions": len(actions), "contacts": len(contacts)}
    _event(session, now, "agency.merged", "agency", kept.id, {"merged": merged.name, "into": kept.name, **counts},
           actor=actor)
    return counts


def delete_review(session: Session, code: str, *, now: datetime) -> dict[str, int]:
    """Remove a review (imported by mistake) with its recommendations and actions; the audit log stays."""
    review = session.exec(select(Review).where(Review.code == code)).first()
    if review is None:
        raise CorrectionError(f"no review with code {code!r} (`dhr reviews` lists them)")
    recs = session.exec(select(Recommendation).where(Recommendation.review_id == review.id)).all()
    rec_ids = [rec.id for rec in recs]
    action_ids = [a.id for a in session.exec(select(Action).where(col(Action.recommendation_id).in_(rec_ids))).all()]
    session.exec(delete(MessageAction).where(col(MessageAction.action_id).in_(action_ids)))
    session.exec(delete(RerouteTask).where(col(RerouteTask.action_id).in_(action_ids)))
    session.exec(delete(ProgressUpdate).where(col(ProgressUpdate.action_id).in_(action_ids)))
    session.exec(delete(Action).where(col(Action.id).in_(action_ids)))
    session.exec(delete(Recommendation).where(col(Recommendation.id).in_(rec_ids)))
    session.delete(review)
    counts = {"recommendations": len(recs), "actions": len(action_ids)}
    _event(session, now, "review.deleted", "review", review.id, {"code": code, **counts})
    return counts


def _status(text: str) -> str:
    key = "_".join(text.casefold().replace("-", " ").split())
    try:
        return ActionStatus(key).value
    except ValueError:
        known = ", ".join(status.value for status in ActionStatus)
        raise CorrectionError(f"--status: {text!r} is not one of {known}") from None


def _due(text: str, today: date) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        parsed = parse_target_date(text, today=today)
    if parsed.due is None:
        raise CorrectionError(f"--due: {text!r} is not a date (e.g. 31/03/2027 or 2027-03-31)")
    return parsed.due


def _contact(session: Session, text: str) -> Contact:
    wanted = text.strip().casefold()
    for person in session.exec(select(Contact)).all():
        if wanted in {(person.email or "").casefold(), person.name.casefold()}:
            return person
    raise CorrectionError(f"--contact: nobody with the name or address {text!r} (`dhr contacts list` lists them)")


def _contact_label(person: Contact) -> str:
    return f"{person.name} <{person.email}>" if person.email else person.name


def _agency_or_none(session: Session, name: str) -> Agency | None:
    wanted = " ".join(name.split()).casefold()
    for agency in session.exec(select(Agency)).all():
        if wanted == agency.name.casefold() or wanted in {alias.casefold() for alias in agency.aliases}:
            return agency
    return None


def _agency(session: Session, name: str) -> Agency:
    agency = _agency_or_none(session, name)
    if agency is None:
        from rapidfuzz import process, utils

        names = [a.name for a in session.exec(select(Agency)).all()]
        close = [str(match[0]) for match in process.extract(name, names, processor=utils.default_process, limit=3)]
        hint = f"; did you mean {' or '.join(repr(n) for n in close)}?" if close else ""
        raise CorrectionError(f"no agency named {name!r}{hint}")
    return agency


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _event(
    session: Session, now: datetime, kind: str, entity: str, entity_id: int | None, data: dict[str, Any],
    *, actor: str = ACTOR,
) -> None:
    session.add(Event(at=now, actor=actor, kind=kind, entity=entity, entity_id=entity_id, data=data))
