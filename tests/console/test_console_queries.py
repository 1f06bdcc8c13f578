"""The console's statements: the reviews page counts what the plan page's filters choose, each count a lookup of
one review's entries in an index (SQLite fresh and analysed, PostgreSQL without statistics in custom and generic
plans), and the plan page walks the index of its sort in order."""

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
from bot.models import (
    Action,
    ActionActivity,
    Agency,
    Contact,
    Message,
    MessageAction,
    Partnership,
    ProgressUpdate,
    Recommendation,
    Review,
)
from tests.test_overdue_queries import _explain, _fill, postgresql_without_statistics, sqlite_plan

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


#: (snoozed until, relative to today, or None; has a lead contact of its own; its agency; status): each once. The
#: agency "led" has an active lead, "gone" only a lead who left and an active manager, "empty" no contacts.
CHASE_MIX = list(product((None, -1, 0, 1), (False, True), ("led", "gone", "empty", None), ("in_progress", "complete")))


def _chase_mix(session: Session) -> tuple[int, int, dict[str, int]]:
    """One review with an action per `CHASE_MIX` row (half of them overdue) beside a small review of the "led" agency;
    returns the partnership's id, the review's id and the agencies' ids by name."""
    partnership = Partnership(name="Eastbrook")
    session.add(partnership)
    session.flush()
    agencies = {name: Agency(name=f"Eastbrook {name}") for name in ("led", "gone", "empty")}
    session.add_all(agencies.values())
    session.flush()
    ids = {name: _saved_id(agency) for name, agency in agencies.items()}
    session.add_all([Contact(name="Priya Shah", email="priya@eastbrook.example", agency_id=ids["led"], role="lead"),
                     Contact(name="Tom Reid", email="tom@eastbrook.example", agency_id=ids["gone"], role="lead",
                             active=False),
                     Contact(name="Ann Cole", email="ann@eastbrook.example", agency_id=ids["gone"], role="manager")])
    person = Contact(name="Sam Ojo", email="sam@eastbrook.example", role="lead")
    session.add(person)
    session.flush()
    reviews = {}
    for code in ("EB1", "EB2"):
        review = Review(partnership_id=_saved_id(partnership), code=code, title="Plan")
        session.add(review)
        session.flush()
        recommendation = Recommendation(review_id=_saved_id(review), number="1")
        session.add(recommendation)
        session.flush()
        reviews[code] = (_saved_id(review), _saved_id(recommendation))
    for n, (snoozed, own_lead, agency, status) in enumerate(CHASE_MIX):
        session.add(Action(recommendation_id=reviews["EB1"][1], ref=f"EB1-1-{n + 1}", status=status,
                           due=TODAY - timedelta(days=1 if n % 2 else -1),
                           snoozed_until=None if snoozed is None else TODAY + timedelta(days=snoozed),
                           lead_contact_id=person.id if own_lead else None,
                           lead_agency_id=ids[agency] if agency else None))
    session.add(Action(recommendation_id=reviews["EB2"][1], ref="EB2-1-1", lead_agency_id=ids["led"]))
    session.flush()
    return _saved_id(partnership), reviews["EB1"][0], ids


def _saved_id(row: Any) -> int:
    assert row.id is not None
    return int(row.id)


@pytest.mark.parametrize("agency", [None, "led", "gone"], ids=["coordinator", "lead of led", "lead of gone"])
def test_the_reviews_page_counts_as_the_plan_pages_filters_choose(engine: Engine, agency: str | None) -> None:
    with session_scope(engine) as session:
        partnership_id, review_id, agencies = _chase_mix(session)
        viewer = COORDINATOR if agency is None else Viewer(9, "Priya", "lead", agencies[agency])
        summary = next(s for s in queries.review_summaries(session, partnership_id, viewer, TODAY) if s.id == review_id)
        filtered = {name: queries.plan_page(session, review_id, viewer, TODAY, wanted).total
                    for name, wanted in (("overdue", queries.PlanFilter(overdue=True)),
                                         ("not_chased", queries.PlanFilter(not_chased=True)))}

    seen = [(n, row) for n, row in enumerate(CHASE_MIX) if agency is None or row[2] == agency]
    open_rows = [(n, row) for n, row in seen if row[3] != "complete"]
    not_chased = [row for _, row in open_rows
                  if (row[0] is not None and row[0] >= 0) or (not row[1] and row[2] in ("gone", "empty", None))]
    assert (summary.actions, summary.open) == (len(seen), len(open_rows))
    assert summary.overdue == filtered["overdue"] == sum(1 for n, _ in open_rows if n % 2)
    assert summary.not_chased == filtered["not_chased"] == len(not_chased)


def _action_reads(plan: str) -> list[str]:
    """Each read of the action table or its activity rows in a PostgreSQL plan, with the lines that say its index
    and conditions."""
    lines = plan.splitlines()
    return [" ".join(lines[n:n + 4]) for n, line in enumerate(lines) if re.search(r" on action(_activity)?\b", line)]


@pytest.mark.parametrize("generic", [False, True], ids=["custom plan", "generic plan"])
def test_postgresql_counts_each_reviews_figures_in_the_review_s_indexes_without_statistics(
    engine: Engine, generic: bool
) -> None:
    """Without statistics PostgreSQL costs the review's indexes alike for a count, so which one it reads is not
    pinned, only that each count is a lookup of the one review; the agencies without a lead are looked up each in
    the index that holds the actions chased through their agency (a walk of the review per such agency would cost
    the review's size times theirs)."""
    # _fill gives one agency, with no lead: its actions are not being chased
    with postgresql_without_statistics(engine) as (connection, _, partnership_id):
        statement = queries.review_summaries_query(partnership_id, COORDINATOR, TODAY)
        plan = _explain(connection, statement, generic=generic)

    reads = _action_reads(plan)
    assert len(reads) == 7, plan  # every action, open, overdue, unanswered, and the three parts of not chased
    for read in reads:
        assert re.search(r"Index (Only )?Scan (using|on) ix_action_(plan|review|activity)_\w+", read), plan
        assert re.search(r"Index Cond: \(+review_id = review\.id\)", read), plan
    [per_agency] = [read for read in reads if "leadless_agency.id" in read]
    assert "Index Only Scan using ix_action_plan_through_agency" in per_agency, plan
    assert "lead_agency_id = leadless_agency.id" in per_agency.split("Index Cond")[1].split("Filter")[0], plan
    assert "Index Only Scan using ix_action_activity_unanswered" in plan, plan
    assert not re.search(r"\b(message|messageaction|progressupdate|recommendation)\b", plan), plan
    assert plan.count(" on contact") == 1 and "CTE leadless_agency" in plan, plan  # the contacts, once


@pytest.mark.parametrize("analysed", [False, True], ids=["fresh", "analysed"])
def test_sqlite_counts_each_reviews_figures_in_the_review_s_indexes_alone(engine: Engine, analysed: bool) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    with session_scope(engine) as session:
        partnership_id = _fill(session, 400)
        if analysed:
            _small_reviews(session, 200)
            session.execute(sa.text("ANALYZE"))
        plan = sqlite_plan(session, queries.review_summaries_query(partnership_id, COORDINATOR, TODAY))

    reads = [line for line in plan.splitlines() if re.search(r"\baction(_activity)?\b", line)]
    assert len(reads) == 7, plan
    for read in reads:
        assert re.search(r"SEARCH action(_activity)? USING COVERING INDEX ix_action_(plan|review|activity)_\w+ "
                         r"\(review_id=\?", read), plan
    assert "SEARCH action_activity USING COVERING INDEX ix_action_activity_unanswered" in plan, plan
    assert not re.search(r"\b(message|messageaction|progressupdate)\b", plan), plan
    assert "MATERIALIZE leadless_agency" in plan and len(re.findall(r"(SEARCH|SCAN) contact", plan)) == 1, plan


#: (filter, the index each of the page's statements reads): every sort both ways, the filters with an index, and
#: the walks in order that look up the action or its activity row by key for a filter or a sort on the other.
PAGE_SHAPES = [
    *[(queries.PlanFilter(sort=sort, descending=descending), f"ix_action_{index}")
      for sort, index in (("ref", "plan_ref"), ("agency", "plan_agency"), ("due", "plan_due"),
                          ("status", "plan_status"), ("updated", "plan_updated"), ("chased", "activity_chased"))
      for descending in (False, True)],
    (queries.PlanFilter(overdue=True, sort="due"), "ix_action_plan_overdue"),
    (queries.PlanFilter(overdue=True, sort="due", descending=True), "ix_action_plan_overdue"),
    (queries.PlanFilter(unanswered=True, sort="chased", descending=True), "ix_action_activity_unanswered"),
    (queries.PlanFilter(unanswered=True, sort="chased"), "ix_action_activity_unanswered"),
    (queries.PlanFilter(unanswered=True, overdue=True, sort="chased"), "ix_action_activity_unanswered"),
    (queries.PlanFilter(unanswered=True, sort="ref"), "ix_action_plan_ref"),
    (queries.PlanFilter(overdue=True, sort="chased", descending=True), "ix_action_activity_chased"),
]


def _page_statements(session: Session, wanted: queries.PlanFilter) -> list[tuple[str, Any]]:
    review_id = session.execute(sa.select(Review.id).where(Review.code == "RIV3")).scalar_one()  # type: ignore[call-overload,arg-type]
    chosen = queries.chosen_for_plan_page(review_id, COORDINATOR, TODAY, wanted)
    too_many_to_sort = queries.SORT_AT_MOST + 1  # as a big review's filters choose: every page walks an index
    known, unknown = queries.sorted_queries(chosen, wanted, COORDINATOR, too_many_to_sort)
    statements = [("count", queries.count_query(chosen, wanted, COORDINATOR)),
                  ("page", known.limit(queries.PAGE_SIZE).offset(100))]
    if unknown is not None:
        statements += [("undated count", queries.count_in_order_query(unknown)),
                       ("undated", unknown.limit(queries.PAGE_SIZE).offset(100))]
    return statements


@pytest.mark.parametrize("generic", [False, True], ids=["custom plan", "generic plan"])
def test_postgresql_walks_the_plan_pages_index_in_its_order_without_statistics(engine: Engine, generic: bool) -> None:
    with postgresql_without_statistics(engine) as (connection, session, _):
        plans = [(wanted, index, name, _explain(connection, statement, generic=generic))
                 for wanted, index in PAGE_SHAPES for name, statement in _page_statements(session, wanted)]

    for wanted, index, name, plan in plans:
        assert index in plan or (name == "count" and re.search(r"ix_action_(plan|activity)_", plan)), (wanted, name, plan)
        assert "Sort" not in plan and "Seq Scan" not in plan, (wanted, name, plan)
        # one index walked: the other table, if read, looked up by its primary key
        assert len(re.findall(r"Scan (Backward )?using ix_", plan)) == 1, (wanted, name, plan)
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
            table = "action_activity" if "activity" in index else "action"
            for name, statement in _page_statements(session, wanted):
                plan = sqlite_plan(session, statement)
                assert re.search(rf"SEARCH {table} USING (COVERING )?INDEX {index}\b", plan) or name == "count", (
                    wanted, name, plan)
                assert "TEMP B-TREE" not in plan and "SCAN action" not in plan, (wanted, name, plan)
                # one index walked: the other table, if read, looked up by key (its rowid)
                assert len(re.findall(r"USING (COVERING )?INDEX", plan)) == 1, (wanted, name, plan)
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
@pytest.mark.parametrize("unanswered", [False, True], ids=["all", "unanswered"])
def test_the_pages_are_the_whole_sorted_list_cut_in_order_with_unknown_keys_last(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, sort: str, descending: bool, unanswered: bool
) -> None:
    monkeypatch.setattr(queries, "PAGE_SIZE", 7)
    monkeypatch.setattr(queries, "SORT_AT_MOST", 20)  # pages past it count the unknown keys first
    with session_scope(engine) as session:
        _fill(session, 120)
        session.execute(sa.update(Action).where(Action.id % 7 == 0).values(due=None))  # type: ignore[operator]
        review_id = session.execute(sa.select(Review.id)).scalar_one()  # type: ignore[call-overload]
        wanted = queries.PlanFilter(sort=sort, descending=descending, unanswered=unanswered)
        first = queries.plan_page(session, review_id, COORDINATOR, TODAY, wanted)
        pages = [queries.plan_page(session, review_id, COORDINATOR, TODAY, replace(wanted, page=n)).rows
                 for n in range(1, first.pages + 1)]
        rows = session.execute(sa.select(Action.id, Action.due, ActionActivity.last_chased_at,
                                         Action.recommendation_position, Action.position, Action.ref, Action.status)
                               .join(ActionActivity, ActionActivity.action_id == Action.id)).all()  # type: ignore[arg-type]

    if unanswered:  # _fill answers nobody: the open actions chased
        rows = [r for r in rows if r.last_chased_at is not None and r.status != "complete"]
        assert 20 < len(rows) < 60  # more than SORT_AT_MOST: the sort's index is walked, joined to the activity
    key = {"due": lambda r: r.due, "chased": lambda r: r.last_chased_at,
           "ref": lambda r: (r.recommendation_position, r.position, r.ref), "status": lambda r: r.status}[sort]
    known = sorted((r for r in rows if key(r) is not None), key=lambda r: (key(r), r.id), reverse=descending)
    expected = [r.id for r in known] + sorted(r.id for r in rows if key(r) is None)
    assert [row.action_id for page in pages for row in page] == expected
    assert first.total == len(expected) and first.pages == -(-len(expected) // 7)
