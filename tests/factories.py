"""Small fictional plans written straight into the database, for tests of what happens after import."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.contacts import read_contacts_csv, store_contacts
from bot.db import ensure_partnership
from bot.models import Action, Agency, Contact, Recommendation, Review
from bot.outbox import deliver_due
from bot.runtime import build_channels
from bot.settings import Settings
from bot.sweep import SweepReport, sweep

EXAMPLE_CONTACTS = Path(__file__).parent.parent / "config" / "contacts.example.csv"


@dataclass
class Plan:
    review_id: int
    contacts: dict[str, int]  # name -> id
    agencies: dict[str, int]  # name -> id
    actions: dict[str, int]  # ref -> id


def riverside_people(session: Session, settings: Settings) -> tuple[dict[str, int], dict[str, int]]:
    ensure_partnership(session, settings)
    store_contacts(session, read_contacts_csv(EXAMPLE_CONTACTS), actor="test")
    contacts = {c.name: c.id for c in session.exec(select(Contact)).all() if c.id}
    agencies = {a.name: a.id for a in session.exec(select(Agency)).all() if a.id}
    return contacts, agencies


def small_plan(
    session: Session,
    settings: Settings,
    actions: list[tuple[str, str, date | None, str]],
    *,
    code: str = "RIV3",
) -> Plan:
    """`actions` are (ref suffix like "2-1", agency name, due, status)."""
    contacts, agencies = riverside_people(session, settings)
    partnership = ensure_partnership(session, settings)
    review = Review(partnership_id=partnership.id, code=code, title="Domestic Homicide Review 3")
    session.add(review)
    session.flush()
    recommendations: dict[str, int] = {}
    refs: dict[str, int] = {}
    for position, (suffix, agency_name, due, status) in enumerate(actions):
        number = suffix.split("-")[0]
        if number not in recommendations:
            rec = Recommendation(review_id=review.id, number=number, position=len(recommendations), text="A recommendation")
            session.add(rec)
            session.flush()
            recommendations[number] = rec.id  # type: ignore[assignment]
        action = Action(
            recommendation_id=recommendations[number],
            ref=f"{code}-{suffix}",
            position=position,
            description=f"Fictional action {suffix} for the {agency_name}",
            lead_agency_id=agencies[agency_name],
            target_text=due.strftime("%d/%m/%Y") if due else "Ongoing",
            due=due,
            precision="day" if due else "none",
            status=status,
        )
        session.add(action)
        session.flush()
        refs[action.ref] = action.id  # type: ignore[assignment]
    assert review.id is not None
    return Plan(review.id, contacts, agencies, refs)


def sweep_and_deliver(engine: Engine, settings: Settings, now: datetime) -> SweepReport:
    """A sweep, then the delivery run after it (to the outbox folder, without credentials): only a
    delivered chaser counts towards escalation, the digest and the chase log."""
    report = sweep(engine, settings, now)
    deliver_due(engine, build_channels(settings), lambda: now, worker="test")
    return report
