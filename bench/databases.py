"""Benchmark databases: a fresh throw-away one per size, and a synthetic plan to fill it with."""

from __future__ import annotations

import json
import os
import random
import tempfile
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from bot.action_copies import refresh_activity, with_copies
from bot.db import ensure_partnership, make_engine, normalise_url
from bot.models import Action, ActionActivity, Agency, Contact, MessageAction, Recommendation, Review
from bot.settings import Settings


def fresh_database(postgres: str | None) -> tuple[str, Callable[[], None]]:
    """(url, drop): a new empty database and the function that removes it afterwards."""
    if not postgres:
        path = tempfile.mktemp(suffix=".db")

        def remove() -> None:
            if os.path.exists(path):
                os.remove(path)

        return f"sqlite:///{path}", remove
    admin = make_engine(postgres, isolation_level="AUTOCOMMIT")
    name = f"dhr_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(normalise_url(postgres)).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url, drop


def bulk_insert(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Rows into `table`: COPY on PostgreSQL (an executemany of 500k rows takes minutes there), else executemany.

    For benchmark data only: values go in as the column types would store them (naive UTC, JSON text).
    """
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(sa.insert(table), rows)
        return
    columns = list(rows[0])
    defaults = {c.name: c.default.arg(None) if c.default.is_callable else c.default.arg  # type: ignore[attr-defined]
                for c in table.columns if c.name not in columns and c.default is not None}
    rows = [{**defaults, **row} for row in rows] if defaults else rows
    columns += list(defaults)
    connection = session.connection().connection.driver_connection
    assert connection is not None
    with connection.cursor() as cursor:
        names = ", ".join(f'"{c}"' for c in columns)
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_stored(row[c]) for c in columns])


def _stored(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


STATUSES = ("not_started", "in_progress", "in_progress", "blocked", "complete", "not_applicable")


def fill_plan(
    session: Session, settings: Settings, count: int, rng: random.Random, *, now: datetime,
    due_days: tuple[int, int] = (-90, 60), own_lead_every: int = 1, snoozed_every: int = 0,
) -> list[int]:
    """A plan-shaped review of `count` actions (one lead per ~8 actions, 15% undated, a mix of
    statuses, due dates spread over `due_days` around `now`); returns the action ids in order.

    Every `own_lead_every`th action names its lead contact; the others are chased through their agency's leads,
    as an imported plan leaves them. Every `snoozed_every`th (0: none) is snoozed, alternately until a day
    past and a day to come."""
    partnership = ensure_partnership(session, settings)
    review = Review(partnership_id=partnership.id, code="BENCH", title="Benchmark review")
    session.add(review)
    session.flush()
    agencies = [Agency(name=f"Agency {n}") for n in range(max(2, count // 200))]
    session.add_all(agencies)
    session.flush()
    leads = [
        Contact(name=f"Lead {n}", email=f"lead{n}@example.org", slack_user_id=f"U{n:08d}",
                agency_id=agencies[n % len(agencies)].id, role="lead")
        for n in range(max(1, count // 8))
    ]
    session.add_all(leads)
    session.flush()
    session.execute(sa.insert(Recommendation), [{"review_id": review.id, "number": str(n + 1), "position": n,
                                                 "text": "Recommendation"} for n in range(max(1, count // 4))])
    rec_ids = list(session.execute(sa.select(Recommendation.id).where(Recommendation.review_id == review.id)  # type: ignore[arg-type]
                                   .order_by(Recommendation.position)).scalars())
    rows = []
    for i in range(count):
        lead = leads[i % len(leads)]
        due = None if rng.random() < 0.15 else now.date() + timedelta(days=rng.randint(*due_days))
        rows.append({
            "recommendation_id": rec_ids[i // 4], "ref": f"BENCH-{i // 4 + 1}-{i % 4 + 1}", "position": i,
            "description": "Deliver the agreed change and send the evidence to the partnership.",
            "lead_agency_id": lead.agency_id, "lead_contact_id": None if i % own_lead_every else lead.id,
            "snoozed_until": _snoozed_until(i, snoozed_every, now), "target_text": str(due or "Ongoing"),
            "due": due, "precision": "day" if due else "none", "status": rng.choice(STATUSES),
            "created_at": now, "updated_at": now,
        })
    bulk_insert(session, Action.__table__, with_copies(session, rows))  # type: ignore[attr-defined]
    return list(session.execute(sa.select(Action.id).order_by(Action.id)).scalars())  # type: ignore[arg-type]


def _snoozed_until(i: int, every: int, now: datetime) -> date | None:
    if not every or i % every:
        return None
    return now.date() + timedelta(days=30 if i // every % 2 else -30)


def link_messages(session: Session, links: list[dict[str, int]]) -> None:
    """Message links written in bulk, and the last chase they give their actions (bot/action_copies.py)."""
    bulk_insert(session, MessageAction.__table__, links)  # type: ignore[attr-defined]
    session.execute(refresh_activity(col(ActionActivity.action_id).in_(sa.select(col(MessageAction.action_id)))))
