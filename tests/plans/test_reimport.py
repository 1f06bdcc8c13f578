"""Re-importing a plan changes only what the coordinator changed in it, never what leads reported."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.db import session_scope
from bot.models import Action, Event, Partnership, ProgressUpdate
from bot.plans import read_plan
from bot.plans.export import export_plan
from bot.plans.model import ParsedPlan
from bot.plans.reimport import (
    fields_the_plan_changed,
    merged_progress,
    notes_since_import,
)
from bot.plans.store import ImportReport, import_plan
from bot.rules.statuses import ActionStatus, Precision, ReadStatus, UpdateSource
from bot.updates import Proposed, record_update

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "riverside-dhr3-plan.csv"
TODAY = date(2026, 11, 25)
IMPORTED = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
REPLIED = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
REIMPORTED = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
FIRST_PROGRESS = "Draft circulated in February; sign-off delayed by the board's change of chair."
EXTENDED_TO = date(2027, 2, 26)


def _example() -> ParsedPlan:
    return read_plan(EXAMPLE, today=TODAY)


def _import(engine: Engine, plan: ParsedPlan, now: datetime) -> ImportReport:
    with session_scope(engine) as session:
        partnership = session.exec(select(Partnership)).first()
        if partnership is None:
            partnership = Partnership(name="Riverside Community Safety Partnership")
            session.add(partnership)
            session.flush()
        assert partnership.id is not None
        return import_plan(session, plan, partnership_id=partnership.id, source_file="plan.csv", actor="test", now=now)


def _lead_reports_extension_then_completion(engine: Engine, ref: str = "RIV3-1-1") -> None:
    with session_scope(engine) as session:
        action = session.exec(select(Action).where(Action.ref == ref)).one()
        record_update(session, action, Proposed(ReadStatus.EXTENSION_REQUESTED, new_due=EXTENDED_TO, confidence=0.9,
                                                raw_text="Board moved; new date agreed"),
                      source=UpdateSource.MAIL_REPLY, author_contact=None, author="test", now=REPLIED)
        record_update(session, action, Proposed(ReadStatus.COMPLETE, confidence=0.9, raw_text="Done"),
                      source=UpdateSource.BUTTON, author_contact=None, author="test", now=REPLIED)


def _action(engine: Engine, ref: str = "RIV3-1-1") -> Action:
    with Session(engine) as session:
        return session.exec(select(Action).where(Action.ref == ref)).one()


def _import_updates(engine: Engine, action: Action) -> list[str | None]:
    with Session(engine) as session:
        rows = session.exec(select(ProgressUpdate).where(ProgressUpdate.action_id == action.id,
                                                         ProgressUpdate.source == UpdateSource.IMPORT.value))
        return [row.raw_text for row in rows]


def test_reimporting_an_unchanged_plan_keeps_what_the_lead_reported(engine: Engine) -> None:
    _import(engine, _example(), IMPORTED)
    _lead_reports_extension_then_completion(engine)

    report = _import(engine, _example(), REIMPORTED)

    assert not report.changed and report.updated == {}
    assert len(report.unchanged) == 18
    action = _action(engine)
    assert action.status == "complete"
    assert action.due == EXTENDED_TO and action.precision == "day"
    assert action.progress == f"{FIRST_PROGRESS}\n20 Nov 2026: Board moved; new date agreed\n20 Nov 2026: Done"
    assert _import_updates(engine, action) == [FIRST_PROGRESS]
    with Session(engine) as session:
        assert session.exec(select(Event).where(Event.kind == "action.updated_by_import")).all() == []


def test_a_new_target_date_in_the_plan_replaces_the_extension(engine: Engine) -> None:
    _import(engine, _example(), IMPORTED)
    _lead_reports_extension_then_completion(engine)
    plan = _example()
    first = plan.recommendations[0].actions[0]
    first.target_text, first.due, first.precision = "June 2027", date(2027, 6, 30), Precision.MONTH

    report = _import(engine, plan, REIMPORTED)

    assert report.updated == {"RIV3-1-1": ["target_text", "due", "precision"]}
    action = _action(engine)
    assert action.target_text == "June 2027" and action.due == date(2027, 6, 30)
    assert action.precision == "month"
    assert action.status == "complete"  # the plan's status did not change, the lead's stands
    assert action.progress is not None and action.progress.endswith("20 Nov 2026: Done")
    with Session(engine) as session:
        event = session.exec(select(Event).where(Event.kind == "action.updated_by_import")).one()
        assert event.data["before"]["due"] == EXTENDED_TO.isoformat()


def test_new_progress_text_in_the_plan_keeps_the_notes_appended_since(engine: Engine) -> None:
    _import(engine, _example(), IMPORTED)
    _lead_reports_extension_then_completion(engine)
    plan = _example()
    plan.recommendations[0].actions[0].progress = "Signed off at the November board."

    report = _import(engine, plan, REIMPORTED)

    assert report.updated == {"RIV3-1-1": ["progress"]}
    action = _action(engine)
    assert action.progress == (
        "Signed off at the November board.\n20 Nov 2026: Board moved; new date agreed\n20 Nov 2026: Done"
    )
    assert _import_updates(engine, action) == [FIRST_PROGRESS, "Signed off at the November board."]
    assert _import(engine, plan, REIMPORTED).updated == {}  # and the same file again changes nothing


def test_a_status_the_coordinator_changed_in_the_plan_wins(engine: Engine) -> None:
    _import(engine, _example(), IMPORTED)
    _lead_reports_extension_then_completion(engine)
    plan = _example()
    plan.recommendations[0].actions[0].status = ActionStatus.NOT_STARTED

    report = _import(engine, plan, REIMPORTED)

    assert report.updated == {"RIV3-1-1": ["status"]}
    assert _action(engine).status == "not_started"
    assert _action(engine).due == EXTENDED_TO


def test_actions_imported_before_imported_values_take_the_files_values_once(engine: Engine) -> None:
    _import(engine, _example(), IMPORTED)
    with session_scope(engine) as session:
        for action in session.exec(select(Action)):
            action.imported_values = {}
            session.add(action)
    _lead_reports_extension_then_completion(engine)

    first = _import(engine, _example(), REIMPORTED)
    second = _import(engine, _example(), REIMPORTED)

    assert first.updated == {"RIV3-1-1": ["due", "status", "progress"]}
    assert _action(engine).progress == FIRST_PROGRESS
    assert not second.changed
    assert _action(engine).imported_values["due"] == "2026-03-31"


def test_round_trip_after_replies_changes_nothing_and_repeats_no_note(engine: Engine, tmp_path: Path) -> None:
    _import(engine, _example(), IMPORTED)
    _lead_reports_extension_then_completion(engine)
    before = _action(engine)
    out = tmp_path / "riv3.csv"
    with Session(engine) as session:
        export_plan(session, "RIV3", "csv", out)

    report = _import(engine, read_plan(out, today=TODAY), REIMPORTED)

    assert not report.changed
    after = _action(engine)
    assert (after.status, after.due, after.progress) == (before.status, before.due, before.progress)


def test_merged_progress_puts_the_files_text_first_and_skips_notes_it_already_has() -> None:
    current = "Old text\n1 Nov 2026: Started\n9 Nov 2026: Nearly there"

    assert merged_progress(current, "Old text", "New text") == "New text\n1 Nov 2026: Started\n9 Nov 2026: Nearly there"
    assert merged_progress(current, "Old text", "New text\n1 Nov 2026: Started") == (
        "New text\n1 Nov 2026: Started\n9 Nov 2026: Nearly there"
    )
    assert merged_progress("1 Nov 2026: Started", None, None) == "1 Nov 2026: Started"
    assert merged_progress("Old text", "Old text", None) is None


def test_notes_since_import_survive_an_edit_of_the_imported_text() -> None:
    assert notes_since_import("Old text, edited\n1 Nov 2026: Started", "Old text") == [
        "Old text, edited",
        "1 Nov 2026: Started",
    ]
    assert notes_since_import("Old text", "Old text") == []


def test_a_changed_target_brings_its_due_date_and_precision_along() -> None:
    last = {"target_text": "Sept 2026", "due": "2026-09-30", "precision": "month", "status": "in_progress"}
    current = {"target_text": "Sept 2026", "due": "2027-02-26", "precision": "day", "status": "complete"}
    from_file = {"target_text": "Oct 2026", "due": "2026-10-31", "precision": "month", "status": "in_progress"}

    assert fields_the_plan_changed(last, current, from_file) == ["target_text", "due", "precision"]
    assert fields_the_plan_changed(last, current, last) == []
    assert fields_the_plan_changed({}, current, last) == ["target_text", "due", "precision", "status"]
