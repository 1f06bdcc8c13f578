"""Bulk inserts store what a Core insert of the same rows stores, cleaned like every other write."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.bulk import insert_rows
from bot.models import DECIDE_NOW, Action, ActionActivity, ActionDecision, Event, Partnership, Recommendation, Review

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _recommendation(session: Session) -> tuple[int, int]:
    """A review and one recommendation of it: their ids (an action carries both)."""
    partnership = Partnership(name="Riverside")
    session.add(partnership)
    session.flush()
    review = Review(partnership_id=partnership.id, code="RIV3", title="Riverside")
    session.add(review)
    session.flush()
    recommendation = Recommendation(review_id=review.id, number="1", text="Recommendation")
    session.add(recommendation)
    session.flush()
    assert review.id is not None and recommendation.id is not None
    return review.id, recommendation.id


def _actions(ids: tuple[int, int], prefix: str) -> list[dict[str, Any]]:
    review_id, recommendation_id = ids
    return [
        {"review_id": review_id, "recommendation_id": recommendation_id, "ref": f"{prefix}-1", "description": "Brief\x00 staff\x0cnow",
         "target_text": "31/03/2027", "due": date(2027, 3, 31), "plan_cells": {"Notes": "kept\x01"},
         "created_at": NOW, "updated_at": NOW.astimezone(timezone(timedelta(hours=1)))},
        {"review_id": review_id, "recommendation_id": recommendation_id, "ref": f"{prefix}-2", "description": "Audit", "target_text": None,
         "due": None, "plan_cells": {}, "created_at": NOW, "updated_at": NOW + timedelta(days=1)},
    ]


def _stored(engine: Engine, prefix: str) -> list[tuple[Any, ...]]:
    table = Action.__table__  # type: ignore[attr-defined]
    columns = [c for c in table.columns if c.name not in ("id", "ref")]
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            sa.select(*columns).where(table.c.ref.like(f"{prefix}-%")).order_by(table.c.ref))]


def test_rows_go_in_as_a_core_insert_puts_them(engine: Engine) -> None:
    with Session(engine) as session:
        ids = _recommendation(session)
        session.execute(sa.insert(Action.__table__), _actions(ids, "CORE"))  # type: ignore[attr-defined]
        insert_rows(session, Action.__table__, _actions(ids, "BULK"))  # type: ignore[attr-defined]
        session.commit()

    bulk = _stored(engine, "BULK")
    assert bulk == _stored(engine, "CORE")
    with Session(engine) as session:
        first = session.exec(sa.select(Action).where(Action.ref == "BULK-1")).scalar_one()  # type: ignore[call-overload]
    assert first.description == "Brief staff\nnow"  # NUL dropped, form feed a line break
    assert first.plan_cells == {"Notes": "kept\x01"}  # JSON escapes control characters itself
    assert (first.status, first.position) == ("not_started", 0)
    with Session(engine) as session:
        decision = session.get(ActionDecision, first.id)
        activity = session.get(ActionActivity, first.id)
    assert decision is not None and (decision.decide_on, decision.decide_gen) == (DECIDE_NOW, 0)  # migration 0002
    assert activity is not None and (activity.review_id, activity.status, activity.last_chased_at) == (  # and 0003
        first.review_id, "not_started", None)
    assert first.updated_at == NOW and first.due == date(2027, 3, 31)


def test_rows_with_different_columns_are_refused_and_nothing_is_written(engine: Engine) -> None:
    with Session(engine) as session:
        ids = _recommendation(session)
        rows = _actions(ids, "BAD")
        del rows[1]["due"]
        with pytest.raises(ValueError, match="same columns"):
            insert_rows(session, Action.__table__, rows)  # type: ignore[attr-defined]
        with pytest.raises(ValueError, match="no column 'colour'"):
            insert_rows(session, Event.__table__, [{"actor": "t", "kind": "k", "colour": "red"}])  # type: ignore[attr-defined]
        session.rollback()

    assert _stored(engine, "BAD") == []


def test_a_key_already_taken_raises_sqlalchemys_integrity_error_on_both_databases(engine: Engine) -> None:
    """COPY goes to the driver directly on PostgreSQL; its refusal comes back as SQLAlchemy's IntegrityError, as the
    executemany's does on SQLite, so callers (the outbox's fall back to one message at a time) catch one kind."""
    with Session(engine) as session:
        ids = _recommendation(session)
        insert_rows(session, Action.__table__, _actions(ids, "TAKEN"))  # type: ignore[attr-defined]
        with pytest.raises(sa.exc.IntegrityError), session.begin_nested():
            insert_rows(session, Action.__table__, _actions(ids, "TAKEN")[1:])  # type: ignore[attr-defined]
        session.commit()

    assert len(_stored(engine, "TAKEN")) == 2
