"""The reviews page's statement: the same counts as the plan page's filters, and planned by PostgreSQL without
statistics from the indexes (each action's history looked up by key, no aggregate of every action's history)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import product
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.console import queries
from bot.console.access import Viewer
from bot.db import session_scope
from bot.models import Action, Message, MessageAction, Partnership, ProgressUpdate, Recommendation, Review
from tests.test_overdue_queries import ACTIONS, _explain, _fill, forget_statistics

TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
COORDINATOR = Viewer(1, "Morgan", "coordinator", None)

#: (message kind, message state, answer source, refused, rejected, answer minus chase): each combination once.
HISTORIES = list(product(("chaser", "escalation", "digest"), ("sent", "dead"), ("slack_reply", "import"),
                         (False, True), (False, True), (-1, 0, 1)))


def _answer_after_chase_mix(session: Session) -> int:
    """One review whose open actions each have one message and one update from `HISTORIES`; returns its id."""
    partnership = Partnership(name="Riverside")
    session.add(partnership)
    session.flush()
    review = Review(partnership_id=partnership.id, code="RIV3", title="Plan")
    session.add(review)
    session.flush()
    recommendation = Recommendation(review_id=review.id, number="1")
    session.add(recommendation)
    session.flush()
    for n, (kind, state, source, refused, rejected, offset) in enumerate(HISTORIES):
        action = Action(recommendation_id=recommendation.id, ref=f"RIV3-1-{n + 1}", position=n,
                        status="complete" if n % 7 == 0 else "in_progress")
        message = Message(idempotency_key=f"history-{n}", kind=kind, channel="slack", state=state,
                          created_at=NOW - timedelta(days=3))
        session.add_all([action, message])
        session.flush()
        session.add(MessageAction(message_id=message.id, action_id=action.id))  # type: ignore[arg-type]
        session.add(ProgressUpdate(action_id=action.id, source=source, refused=refused, rejected=rejected,  # type: ignore[arg-type]
                                   at=NOW - timedelta(days=3) + timedelta(hours=offset)))
    session.flush()
    assert review.id is not None
    return review.id


def test_the_reviews_page_counts_unanswered_as_the_plan_page_filters_them(engine: Engine) -> None:
    with session_scope(engine) as session:
        review_id = _answer_after_chase_mix(session)
        partnership_id = session.execute(sa.select(Review.partnership_id).where(Review.id == review_id)).scalar_one()  # type: ignore[arg-type]
        [summary] = queries.review_summaries(session, partnership_id, COORDINATOR, TODAY)
        filtered = queries.plan_page(session, review_id, COORDINATOR, TODAY, queries.PlanFilter(unanswered=True))

    expected = sum(1 for n, (kind, state, source, refused, rejected, offset) in enumerate(HISTORIES)
                   if n % 7 and kind != "digest" and state != "dead"
                   and (source == "import" or refused or rejected or offset < 0))
    assert summary.unanswered == filtered.total == expected


def test_postgresql_counts_the_reviews_from_the_actions_alone_without_statistics(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    with engine.connect() as connection:
        with Session(bind=connection) as session:
            partnership_id = _fill(session, ACTIONS)
            session.flush()
            forget_statistics(connection)
            statement = queries.review_summaries_query(partnership_id, COORDINATOR, TODAY)
            plans = [_explain(connection, statement, generic=generic) for generic in (False, True)]
        connection.rollback()

    for plan in plans:  # the copies on the action say what the history does: no lookup of it per action
        assert not re.search(r"\b(message|messageaction|progressupdate)\b", plan), plan


def test_sqlite_counts_the_reviews_from_the_actions_alone(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    with session_scope(engine) as session:
        partnership_id = _fill(session, 40)
        compiled = queries.review_summaries_query(partnership_id, COORDINATOR, TODAY).compile(
            dialect=engine.dialect, compile_kwargs={"literal_binds": True})
        plan = "\n".join(str(row[-1]) for row in session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")))

    assert re.search(r"SEARCH action USING (COVERING )?INDEX ix_action_review_lead_agency", plan), plan
    assert not re.search(r"\b(message|messageaction|progressupdate)\b", plan), plan


#: (filter, the index each of the page's statements reads): every sort both ways, and the filters with an index.
PAGE_SHAPES = [
    *[(queries.PlanFilter(sort=sort, descending=descending), f"ix_action_plan_{index}")
      for sort, index in (("ref", "ref"), ("agency", "agency"), ("due", "due"), ("status", "status"),
                          ("updated", "updated"), ("chased", "chased"))
      for descending in (False, True)],
    (queries.PlanFilter(overdue=True, sort="due"), "ix_action_plan_overdue"),
    (queries.PlanFilter(overdue=True, sort="due", descending=True), "ix_action_plan_overdue"),
    (queries.PlanFilter(unanswered=True, sort="chased", descending=True), "ix_action_plan_unanswered"),
    (queries.PlanFilter(unanswered=True, sort="chased"), "ix_action_plan_unanswered"),
]


def _page_statements(session: Session, wanted: queries.PlanFilter) -> list[tuple[str, Any]]:
    review_id = session.execute(sa.select(Review.id).where(Review.code == "RIV3")).scalar_one()  # type: ignore[call-overload,arg-type]
    chosen = queries.plan_ids_query(review_id, COORDINATOR, TODAY, wanted)
    total = int(session.execute(queries.count_query(chosen, wanted, COORDINATOR)).scalar_one())
    known, unknown = queries.sorted_queries(chosen, wanted, COORDINATOR, total)
    statements = [("count", queries.count_query(chosen, wanted, COORDINATOR)),
                  ("page", known.limit(queries.PAGE_SIZE).offset(100))]
    if unknown is not None:
        index = queries._SORTS[wanted.sort].index_name
        statements += [("undated count", queries.count_in_order_query(unknown, index)),
                       ("undated", unknown.limit(queries.PAGE_SIZE).offset(100))]
    return statements


@pytest.mark.parametrize("generic", [False, True], ids=["custom plan", "generic plan"])
def test_postgresql_walks_the_plan_pages_index_in_its_order_without_statistics(engine: Engine, generic: bool) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("plans are PostgreSQL's")
    with engine.connect() as connection:
        with Session(bind=connection) as session:
            _fill(session, ACTIONS)
            session.flush()
            forget_statistics(connection)
            plans = [(wanted, index, name, _explain(connection, statement, generic=generic))
                     for wanted, index in PAGE_SHAPES for name, statement in _page_statements(session, wanted)]
        connection.rollback()

    for wanted, index, name, plan in plans:
        assert index in plan or (name == "count" and "ix_action_plan_" in plan), (wanted, name, plan)
        assert "Sort" not in plan and "Seq Scan" not in plan, (wanted, name, plan)
        assert not re.search(r"\b(message|messageaction|progressupdate|recommendation)\b", plan), (wanted, name, plan)
        if "count" in name:
            assert "Index Only Scan" in plan, (wanted, name, plan)


@pytest.mark.parametrize("analysed", [False, True], ids=["fresh", "analysed"])
def test_sqlite_walks_the_plan_pages_index_in_its_order(engine: Engine, analysed: bool) -> None:
    """Also after ANALYZE among many small reviews, whose average (a few actions a review) SQLite then takes for
    the big one."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    with session_scope(engine) as session:
        _fill(session, 4000)
        if analysed:
            _small_reviews(session, 200)
            session.execute(sa.text("ANALYZE"))
        for wanted, index in PAGE_SHAPES:
            for name, statement in _page_statements(session, wanted):
                compiled = statement.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
                plan = "\n".join(str(row[-1]) for row in session.execute(sa.text(f"EXPLAIN QUERY PLAN {compiled}")))
                assert re.search(rf"SEARCH action USING (COVERING )?INDEX {index}\b", plan) or name == "count", (
                    wanted, name, plan)
                assert "TEMP B-TREE" not in plan and "SCAN action" not in plan, (wanted, name, plan)
                if "count" in name:
                    assert "COVERING INDEX" in plan, (wanted, name, plan)


def _small_reviews(session: Session, count: int) -> None:
    partnership_id = session.execute(sa.select(Review.partnership_id)).scalars().first()
    for n in range(count):
        review = Review(partnership_id=partnership_id, code=f"S{n}", title="Small")  # type: ignore[arg-type]
        session.add(review)
        session.flush()
        recommendation = Recommendation(review_id=review.id, number="1")  # type: ignore[arg-type]
        session.add(recommendation)
        session.flush()
        session.add_all([Action(recommendation_id=recommendation.id, ref=f"S{n}-1-{k}", due=TODAY,  # type: ignore[arg-type]
                                status="in_progress") for k in range(3)])
    session.flush()


@pytest.mark.parametrize("sort", ["due", "chased", "ref", "status"])
@pytest.mark.parametrize("descending", [False, True])
def test_the_pages_are_the_whole_sorted_list_cut_in_order_with_unknown_keys_last(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, sort: str, descending: bool
) -> None:
    monkeypatch.setattr(queries, "PAGE_SIZE", 7)
    monkeypatch.setattr(queries, "SORT_AT_MOST", 20)  # pages past it count the unknown keys first
    with session_scope(engine) as session:
        _fill(session, 120)
        session.execute(sa.update(Action).where(Action.id % 7 == 0).values(due=None))  # type: ignore[operator]
        review_id = session.execute(sa.select(Review.id)).scalar_one()  # type: ignore[call-overload]
        wanted = queries.PlanFilter(sort=sort, descending=descending)
        first = queries.plan_page(session, review_id, COORDINATOR, TODAY, wanted)
        pages = [queries.plan_page(session, review_id, COORDINATOR, TODAY, replace(wanted, page=n)).rows
                 for n in range(1, first.pages + 1)]
        rows = session.execute(sa.select(Action.id, Action.due, Action.last_chased_at, Action.recommendation_position,
                                         Action.position, Action.ref, Action.status)).all()

    key = {"due": lambda r: r.due, "chased": lambda r: r.last_chased_at,
           "ref": lambda r: (r.recommendation_position, r.position, r.ref), "status": lambda r: r.status}[sort]
    known = sorted((r for r in rows if key(r) is not None), key=lambda r: (key(r), r.id), reverse=descending)
    expected = [r.id for r in known] + sorted(r.id for r in rows if key(r) is None)
    assert [row.action_id for page in pages for row in page] == expected
    assert first.total == len(expected) and first.pages == -(-len(expected) // 7)
