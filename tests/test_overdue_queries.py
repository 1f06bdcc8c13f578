"""The overdue list's statements: paged and counted in SQL, and planned by PostgreSQL the same way whether
or not it has statistics and whether the statement is prepared (a generic plan) or not."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col

from bot import overdue
from bot.action_copies import refresh_activity, with_copies
from bot.db import session_scope
from bot.models import Action, ActionActivity, Agency, Message, MessageAction, Partnership, Recommendation, Review
from bot.overdue import OverdueFilter, _count_query, _overdue_ids, _rows_query, overdue_actions, overdue_page

TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
#: Enough rows that a table spans many pages, so a sequential scan is a real choice for the planner.
ACTIONS = 6000
BIG_TABLES = ("action", "action_decision", "action_activity", "recommendation", "message", "messageaction")


def _fill(session: Session, count: int) -> int:
    """A review of `count` actions, every other one overdue, every third one chased; returns the partnership id."""
    partnership = Partnership(name="Riverside")
    session.add(partnership)
    session.flush()
    review = Review(partnership_id=partnership.id, code="RIV3", title="Plan")
    agency = Agency(name="Riverside Police")
    session.add_all([review, agency])
    session.flush()
    session.execute(sa.insert(Recommendation), [{"review_id": review.id, "number": str(n), "position": n}
                                                for n in range(1, count // 4 + 1)])
    recs = list(session.execute(sa.select(Recommendation.id).order_by(Recommendation.id)).scalars())  # type: ignore[arg-type]
    session.execute(sa.insert(Action), with_copies(session, [
        {"recommendation_id": recs[i // 4], "ref": f"RIV3-{i // 4 + 1}-{i % 4 + 1}", "position": i % 4 + 1,
         "lead_agency_id": agency.id, "due": TODAY + timedelta(days=(i % 2) * 200 - 100 - i % 97),
         "status": "complete" if i % 10 == 0 else "in_progress", "created_at": NOW, "updated_at": NOW}
        for i in range(count)]))
    actions = list(session.execute(sa.select(Action.id).order_by(Action.id)).scalars())  # type: ignore[arg-type]
    chased = actions[::3]
    session.execute(sa.insert(Message), [
        {"idempotency_key": f"m{n}", "kind": "chaser", "channel": "slack", "state": "sent",
         "created_at": NOW - timedelta(days=n % 30 + 1)} for n in range(len(chased))])
    messages = list(session.execute(sa.select(Message.id).order_by(Message.id)).scalars())  # type: ignore[arg-type]
    session.execute(sa.insert(MessageAction), [{"message_id": m, "action_id": a}
                                               for m, a in zip(messages, chased, strict=True)])
    session.execute(refresh_activity(col(ActionActivity.action_id).in_(chased)))  # links written with Core (bot/action_copies.py)
    assert partnership.id is not None
    return partnership.id


def test_a_page_is_the_same_slice_of_the_whole_list_with_its_count(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overdue, "_BATCH", 50)  # the whole list then takes its history from one aggregate
    with session_scope(engine) as session:
        partnership_id = _fill(session, 400)
        everything = overdue_actions(session, partnership_id, TODAY, "Europe/London")
        second = overdue_page(session, partnership_id, TODAY, "Europe/London", page=2, per_page=20)
        past_the_end = overdue_page(session, partnership_id, TODAY, "Europe/London", page=99, per_page=20)

    assert len(everything) == 160  # half overdue, less the complete tenth
    assert [r.due for r in everything] == sorted(r.due for r in everything)
    assert (second.total, second.page, second.page_count) == (160, 2, 8)
    assert second.actions == everything[20:40]
    assert (past_the_end.page, past_the_end.actions) == (8, everything[140:160])
    chased = [r for r in everything if r.chase_count]
    assert chased and all(r.last_chased is not None and r.chase_count == 1 for r in chased)


def _explain(connection: Connection, statement: Any, *, generic: bool) -> str:
    """EXPLAIN of `statement` prepared on the server, as psycopg prepares a statement run five times."""
    dialect = psycopg.dialect(paramstyle="numeric_dollar")
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    values = [compiled.params[name] for name in compiled.positiontup]
    literals = [f"ARRAY{value!r}::integer[]" if isinstance(value, list)  # the ids the sweep sends as one array
                else sa.literal(value).compile(dialect=dialect, compile_kwargs={"literal_binds": True}).string
                for value in values]
    connection.exec_driver_sql(f"SET plan_cache_mode = {'force_generic_plan' if generic else 'force_custom_plan'}")
    connection.exec_driver_sql(f"PREPARE explained AS {compiled.string}")
    try:
        arguments = f"({', '.join(literals)})" if literals else ""
        rows = connection.exec_driver_sql(f"EXPLAIN EXECUTE explained{arguments}").scalars().all()
    finally:
        connection.exec_driver_sql("DEALLOCATE explained")
    return "\n".join(rows)


def sqlite_plan(connection: Connection | Session, statement: Any) -> str:
    """SQLite's EXPLAIN QUERY PLAN of `statement` (its values inlined), one detail line per step."""
    dialect = connection.dialect if isinstance(connection, Connection) else connection.get_bind().dialect
    compiled = statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return "\n".join(str(row[-1]) for row in connection.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")))


def forget_statistics(connection: Connection) -> None:
    """PostgreSQL as a freshly loaded database has it (autovacuum not yet run): no statistics and unknown
    row counts for the big tables."""
    connection.exec_driver_sql("DELETE FROM pg_statistic WHERE starelid IN "
                               f"({', '.join(repr(t) + '::regclass' for t in BIG_TABLES)})")
    connection.exec_driver_sql("UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE relname IN "
                               f"({', '.join(repr(t) for t in BIG_TABLES)})")


@contextmanager
def postgresql_without_statistics(engine: Engine) -> Iterator[tuple[Connection, Session, int]]:
    """For EXPLAIN tests: a plan of ACTIONS actions in PostgreSQL as a freshly loaded database has it (no statistics,
    unknown row counts), as (connection, session, partnership id); rolled back after. Skips on other databases."""
    if engine.dialect.name != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    with engine.connect() as connection:
        with Session(bind=connection) as session:
            partnership_id = _fill(session, ACTIONS)
            session.flush()
            forget_statistics(connection)
            yield connection, session, partnership_id
        connection.rollback()


@pytest.mark.parametrize("generic", [False, True], ids=["custom plan", "generic plan"])
def test_postgresql_plans_the_page_from_the_indexes_without_statistics(engine: Engine, generic: bool) -> None:
    with postgresql_without_statistics(engine) as (connection, session, partnership_id):
        chosen = _overdue_ids(session, partnership_id, TODAY, OverdueFilter())
        page = _explain(connection, chosen.limit(20).offset(0), generic=generic)
        count = _explain(connection, _count_query(chosen), generic=generic)
        ids = list(session.execute(chosen.limit(20)).scalars())
        rows = _explain(connection, _rows_query(ids), generic=generic)

    assert "ix_action_live_due_ref" in page, page
    assert "ix_action_live_due_ref" in count, count
    assert "Join" not in page and "Join" not in count and "Nested Loop" not in page, page
    for table in BIG_TABLES:
        assert not re.search(rf"Seq Scan on {table}\b", page), page
        assert not re.search(rf"Seq Scan on {table}\b", count), count
        assert not re.search(rf"Seq Scan on {table}\b", rows), rows
    assert "ix_messageaction_action_id" in rows, rows
    assert "HashAggregate" not in rows and "GroupAggregate" not in rows, rows  # no per-action aggregate to join


def test_the_partial_index_predicate_is_live_action() -> None:
    from bot import models
    from bot.history_queries import CLOSED_STATUS_VALUES

    closed = ", ".join(f"'{value}'" for value in CLOSED_STATUS_VALUES)
    assert f"removed_from_plan_at IS NULL AND status NOT IN ({closed})" == models._LIVE


def test_another_partnerships_actions_are_not_in_the_list(engine: Engine) -> None:
    with session_scope(engine) as session:
        ours = _fill(session, 40)
        other = Partnership(name="Elsewhere")
        session.add(other)
        session.flush()
        review = Review(partnership_id=other.id, code="ELS1", title="Plan")
        session.add(review)
        session.flush()
        rec = Recommendation(review_id=review.id, number="1")
        session.add(rec)
        session.flush()
        session.add(Action(recommendation_id=rec.id, ref="ELS1-1-1", due=TODAY - timedelta(days=500)))
        session.flush()
        assert other.id is not None

        mine = overdue_page(session, ours, TODAY, "Europe/London")
        theirs = overdue_page(session, other.id, TODAY, "Europe/London")

    assert mine.total == 16 and "ELS1-1-1" not in [r.ref for r in mine.actions]
    assert [r.ref for r in theirs.actions] == ["ELS1-1-1"]
