"""Saving a plan: refs, agencies, re-import in place, events, and nothing written on error."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.db import session_scope
from bot.models import Action, Agency, Event, Partnership, ProgressUpdate, Recommendation, Review
from bot.plans import PlanError, read_plan, store
from bot.plans.agencies import alias_table, canonical_agency_name
from bot.plans.model import ParsedAction, ParsedPlan, ParsedRecommendation
from bot.plans.store import ImportReport, action_ref, import_plan, ref_number

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "riverside-dhr3-plan.csv"
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def _partnership(session: Session) -> int:
    partnership = Partnership(name="Riverside Community Safety Partnership")
    session.add(partnership)
    session.flush()
    assert partnership.id is not None
    return partnership.id


def _import(engine: Engine, plan: ParsedPlan) -> ImportReport:
    with session_scope(engine) as session:
        existing = session.exec(select(Partnership)).first()
        partnership_id = existing.id if existing and existing.id else _partnership(session)
        return import_plan(session, plan, partnership_id=partnership_id, source_file="plan.csv", actor="test", now=NOW)


def _example() -> ParsedPlan:
    return read_plan(EXAMPLE, today=TODAY)


def test_refs_use_the_normalised_recommendation_number() -> None:
    assert ref_number("Recommendation No 3") == "3"
    assert ref_number("9.") == "9"
    assert ref_number("Rec 2a") == "2a"
    assert action_ref("NUN1", "9c", 1) == "NUN1-9c-1"


def test_agency_names_are_normalised_with_aliases() -> None:
    aliases = alias_table([Agency(name="Riverside Police", aliases=["Police", "RP"])])
    assert canonical_agency_name("LPT", aliases) == "London Probation Trust"
    assert canonical_agency_name("London Probation Trust (LPT)", aliases) == "London Probation Trust"
    assert canonical_agency_name("WCC", aliases) == "Warwickshire County Council"
    assert canonical_agency_name("Warwickshire County Council – Community Safety", aliases) == "Warwickshire County Council"
    assert canonical_agency_name("C33 policy team", aliases) == "Circle 33"
    assert canonical_agency_name("RP", aliases) == "Riverside Police"
    assert canonical_agency_name("police", aliases) == "Riverside Police"
    assert canonical_agency_name("Haringey CYPS Senior Manager", aliases) == "Haringey CYPS"


def test_example_plan_imports_with_refs_and_configured_agencies(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Agency(name="Riverside Police", aliases=["Police", "RP"]))
        session.add(Agency(name="Riverside Council Housing", aliases=["Housing", "RCH"]))

    report = _import(engine, _example())

    assert report.review_created
    assert len(report.added) == 18
    assert "RIV3-1-2" in report.added and "RIV3-10-2" in report.added
    with Session(engine) as session:
        review = session.exec(select(Review).where(Review.code == "RIV3")).one()
        assert review.title.startswith("Riverside Community Safety Partnership")
        assert len(session.exec(select(Recommendation).where(Recommendation.review_id == review.id)).all()) == 10
        police = session.exec(select(Agency).where(Agency.name == "Riverside Police")).one()
        actions = {a.ref: a for a in session.exec(select(Action)).all()}
        assert actions["RIV3-2-1"].lead_agency_id == police.id  # written "Police"
        assert actions["RIV3-7-1"].lead_agency_id == police.id  # written "RP"
        assert actions["RIV3-2-1"].lead_agency_text == "Police"
        assert actions["RIV3-3-1"].due == date(2027, 1, 31)
        assert actions["RIV3-2-1"].status == "complete"
        updates = session.exec(select(ProgressUpdate).where(ProgressUpdate.source == "import")).all()
        assert len(updates) == sum(1 for a in actions.values() if a.progress)
        assert len(session.exec(select(Event).where(Event.kind == "action.imported")).all()) == 18


def test_reimporting_the_same_plan_changes_nothing(engine: Engine) -> None:
    _import(engine, _example())

    again = _import(engine, _example())

    assert not again.changed
    assert len(again.unchanged) == 18
    with Session(engine) as session:
        assert len(session.exec(select(Action)).all()) == 18


def test_reimport_updates_in_place_and_reports_removed_actions(engine: Engine) -> None:
    _import(engine, _example())
    plan = _example()
    first = plan.recommendations[0].actions[0]
    first.target_text, first.due = "30/04/2026", date(2026, 4, 30)
    first.progress = "Pathway signed off at the April board."
    plan.recommendations[9].actions.pop()  # the last action of rec 10 leaves the plan
    plan.recommendations[1].actions.append(ParsedAction(description="Refresh the prompt wording.", lead_agency="RP"))

    report = _import(engine, plan)

    assert report.updated == {"RIV3-1-1": ["target_text", "due", "progress"]}
    assert report.added == ["RIV3-2-3"]
    assert report.removed_from_plan == ["RIV3-10-2"]
    with Session(engine) as session:
        action = session.exec(select(Action).where(Action.ref == "RIV3-1-1")).one()
        assert action.due == date(2026, 4, 30)
        assert session.exec(select(Action).where(Action.ref == "RIV3-10-2")).one()  # kept
        texts = [u.raw_text for u in session.exec(select(ProgressUpdate).where(ProgressUpdate.action_id == action.id))]
        assert texts[-1] == "Pathway signed off at the April board."
        event = session.exec(select(Event).where(Event.kind == "action.updated_by_import")).one()
        assert event.data["before"]["due"] == "2026-03-31"


def test_plan_without_review_code_writes_nothing(engine: Engine) -> None:
    plan = _example()
    plan.review_code = None

    with pytest.raises(PlanError, match="--review"):
        _import(engine, plan)

    with Session(engine) as session:
        assert session.exec(select(Review)).all() == []
        assert session.exec(select(Action)).all() == []


def test_duplicate_recommendation_numbers_are_refused_before_writing(engine: Engine) -> None:
    plan = ParsedPlan(
        review_code="RIV3",
        title="t",
        recommendations=[
            ParsedRecommendation(number="9.", text="a", source_row=4),
            ParsedRecommendation(number="Recommendation No 9", text="b", source_row=7),
        ],
    )

    with pytest.raises(PlanError) as caught:
        _import(engine, plan)

    assert caught.value.row == 7
    with Session(engine) as session:
        assert session.exec(select(Review)).all() == []


def test_unknown_agency_is_created(engine: Engine) -> None:
    plan = ParsedPlan(
        review_code="RIV3",
        title="t",
        recommendations=[ParsedRecommendation("1", "r", actions=[ParsedAction("d", lead_agency="Riverside Fire Service")])],
    )

    report = _import(engine, plan)

    assert report.agencies_created == ["Riverside Fire Service"]


LATER = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _import_at(engine: Engine, plan: ParsedPlan, now: datetime) -> ImportReport:
    with session_scope(engine) as session:
        existing = session.exec(select(Partnership)).first()
        partnership_id = existing.id if existing and existing.id else _partnership(session)
        return import_plan(session, plan, partnership_id=partnership_id, source_file="plan.csv", actor="test", now=now)


def _removed_at(engine: Engine, ref: str) -> datetime | None:
    with Session(engine) as session:
        return session.exec(select(Action).where(Action.ref == ref)).one().removed_from_plan_at


def test_an_action_the_plan_no_longer_has_is_marked_removed_once(engine: Engine) -> None:
    _import(engine, _example())
    plan = _example()
    plan.recommendations[9].actions.pop()

    first = _import(engine, plan)
    again = _import_at(engine, plan, LATER)

    assert first.removed_from_plan == ["RIV3-10-2"]
    assert _removed_at(engine, "RIV3-10-2") == NOW  # kept from the import that removed it
    assert _removed_at(engine, "RIV3-10-1") is None
    assert again.removed_from_plan == [] and not again.changed
    with Session(engine) as session:
        assert len(session.exec(select(Event).where(Event.kind == "action.removed_from_plan")).all()) == 1


def test_an_action_back_in_the_plan_is_restored(engine: Engine) -> None:
    _import(engine, _example())
    plan = _example()
    plan.recommendations[9].actions.pop()
    _import(engine, plan)

    report = _import_at(engine, _example(), LATER)

    assert report.restored_to_plan == ["RIV3-10-2"]
    assert report.as_json()["restored_to_plan"] == ["RIV3-10-2"]
    assert report.changed
    assert _removed_at(engine, "RIV3-10-2") is None
    with Session(engine) as session:
        event = session.exec(select(Event).where(Event.kind == "action.restored_to_plan")).one()
        assert event.data == {"ref": "RIV3-10-2"}


def _plan_with_progress(progress: str) -> ParsedPlan:
    return ParsedPlan(review_code="RIV9", title="A plan", recommendations=[ParsedRecommendation(
        number="1", text="A recommendation", actions=[ParsedAction("Flag the records", "Riverside Police",
                                                                    progress=progress)])])


def test_personal_data_in_an_imported_progress_column_is_masked_and_reported(engine: Engine) -> None:
    progress = "Flagged for Adult A (DOB 12/03/1985, NHS 943 476 5919); update due 31 March 2027."
    report = _import(engine, _plan_with_progress(progress))
    assert report.warnings == ["RIV9-1-1: personal data masked in its progress text (the plan file still has it)"]
    masked = "Flagged for Adult A ([date of birth removed], [NHS number removed]); update due 31 March 2027."
    with session_scope(engine) as session:
        assert session.exec(select(Action)).one().progress == masked
        assert session.exec(select(ProgressUpdate)).one().raw_text == masked
    again = _import(engine, _plan_with_progress(progress))  # the masked text is what was imported: no change
    assert again.unchanged == ["RIV9-1-1"] and not again.updated


def test_a_bulk_import_leaves_postgresql_with_statistics_of_what_it_added(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    monkeypatch.setattr(store, "ANALYZE_AFTER_ADDED", 5)
    plan = ParsedPlan(review_code="BULK1", title="Bulk", recommendations=[
        ParsedRecommendation(number=str(n), text=f"Recommendation {n}", actions=[
            ParsedAction(description=f"Action {n}.{k}", lead_agency="Police", progress="Started") for k in (1, 2, 3)])
        for n in range(1, 4)])

    report = _import(engine, plan)

    assert len(report.added) == 9
    with engine.connect() as connection:
        # TRUNCATE (between tests) sets reltuples to -1, "never analysed"; ANALYZE counts the rows.
        tuples = dict(connection.execute(sa.text(
            "SELECT relname, reltuples FROM pg_class WHERE relname IN ('action', 'recommendation')")).all())
    assert tuples == {"action": 9, "recommendation": 3}


def _all_visible_pages(engine: Engine) -> dict[str, int]:
    """The pages marked all-visible of the action table and of its activity rows, which the console counts in."""
    with engine.connect() as connection:
        return {name: int(pages) for name, pages in connection.execute(sa.text(
            "SELECT relname, relallvisible FROM pg_class WHERE relname IN ('action', 'action_activity')"))}


@pytest.mark.parametrize("threshold", [5, 50], ids=["bulk", "small"])
def test_after_a_bulk_import_postgresql_vacuums_so_counts_read_the_indexes_alone(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, threshold: int
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the visibility map is PostgreSQL's")
    monkeypatch.setattr(store, "ANALYZE_AFTER_ADDED", threshold)
    plan = ParsedPlan(review_code="BULK2", title="Bulk", recommendations=[
        ParsedRecommendation(number=str(n), text=f"Recommendation {n}", actions=[
            ParsedAction(description=f"Action {n}.{k}", lead_agency="Probation") for k in (1, 2, 3)])
        for n in range(1, 4)])
    report = _import(engine, plan)
    before = _all_visible_pages(engine)

    store.vacuum_after_bulk_load(engine, report)

    assert before == {"action": 0, "action_activity": 0}
    visible = 1 if threshold <= len(report.added) else 0
    assert _all_visible_pages(engine) == {"action": visible, "action_activity": visible}


def test_a_small_import_leaves_statistics_alone(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")

    _import(engine, _example())

    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT reltuples FROM pg_class WHERE relname = 'action'")).scalar() == -1


def test_new_actions_go_in_with_one_insert_whichever_of_their_fields_are_empty(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One action in two has no due date, lead or progress: rows of two shapes, alternating.
    plan = ParsedPlan(review_code="SHAPE1", title="Shapes", recommendations=[
        ParsedRecommendation(number=str(n), text=f"Recommendation {n}", actions=[
            ParsedAction(description=f"Action {n}", lead_agency="Police", due=date(2027, 1, n), progress="Started")
            if n % 2 else ParsedAction(description=f"Action {n}")])
        for n in range(1, 7)])
    inserts: list[str] = []

    def count_inserts(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO"):
            inserts.append(statement.split()[2].strip('"'))

    sa.event.listen(engine, "before_cursor_execute", count_inserts)
    if engine.dialect.name == "postgresql":  # rows go in by COPY there, straight through psycopg's cursor
        import psycopg

        copy = psycopg.Cursor.copy

        def count_copies(cursor: psycopg.Cursor[Any], statement: str, *args: Any, **kwargs: Any) -> Any:
            inserts.append(statement.split()[1].strip('"'))
            return copy(cursor, statement, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, "copy", count_copies)
    try:
        report = _import(engine, plan)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count_inserts)

    assert len(report.added) == 6
    assert inserts.count("action") == 1
    assert inserts.count("recommendation") == 1


def test_an_import_that_fails_in_its_last_bulk_insert_leaves_nothing_behind(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(store, "_insert_events", fail)  # after recommendations, actions and progress notes

    with pytest.raises(RuntimeError):
        _import(engine, _example())

    with Session(engine) as session:
        for model in (Review, Recommendation, Action, ProgressUpdate, Event):
            assert session.exec(select(model)).all() == []
