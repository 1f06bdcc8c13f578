"""Saving a ParsedPlan: Review, Recommendation and Action rows, updated in place on re-import.

Actions are matched by their ref (REVIEW-REC-N), so importing the same plan again changes only
what changed in it since its last import, never what leads reported since (see reimport.py).
Actions that dropped out of the plan are reported and marked (`removed_from_plan_at`), never
deleted: their history (chasers, replies) matters more than the plan's tidiness. An import that
finds one again clears the mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from bot.action_copies import with_copies
from bot.bulk import insert_rows
from bot.contacts import known_addresses
from bot.models import Action, ActionActivity, ActionDecision, Agency, Contact, Event, ProgressUpdate, Recommendation, Review
from bot.plans.agencies import AgencyResolver
from bot.plans.assemble import split_number
from bot.plans.model import ParsedAction, ParsedPlan, PlanError
from bot.plans.reimport import (
    fields_the_plan_changed,
    jsonable,
    merged_progress,
    plan_snapshot,
)
from bot.reading.pii import mask_personal_data
from bot.reading.status import read_status
from bot.rules.statuses import CLOSED_STATUSES, UpdateSource

_REVIEW_CODE = re.compile(r"^[A-Za-z0-9]{1,20}$")
#: Action fields compared on re-import, in the order reports list them.
TRACKED_FIELDS = (
    "description",
    "lead_agency_text",
    "lead_agency_id",
    "evidence_expected",
    "target_text",
    "due",
    "precision",
    "status",
    "progress",
    "recommendation_id",
    "position",
    "plan_cells",
)


_LONG_TEXT_FIELDS = frozenset({"description", "progress", "evidence_expected"})


@dataclass
class ImportReport:
    review_code: str
    review_created: bool = False
    recommendations_added: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    updated: dict[str, list[str]] = field(default_factory=dict)  # ref -> changed fields
    unchanged: list[str] = field(default_factory=list)
    removed_from_plan: list[str] = field(default_factory=list)
    restored_to_plan: list[str] = field(default_factory=list)  # back in the plan after a removal
    agencies_created: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Refs of actions nobody will be chased for: no lead agency, or an agency with no active contact.
    no_lead_agency: list[str] = field(default_factory=list)
    no_lead_contact: list[str] = field(default_factory=list)
    #: (name in this plan, existing agency it looks like): probably one agency written two ways.
    look_alikes: list[tuple[str, str]] = field(default_factory=list)
    #: (ref, target as written) for targets that are not dates ("tbc", "Ongoing"): those actions have no due date.
    undated_targets: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.added or self.updated or self.removed_from_plan or self.restored_to_plan or self.recommendations_added
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "review": self.review_code,
            "review_created": self.review_created,
            "recommendations_added": self.recommendations_added,
            "added": self.added,
            "updated": self.updated,
            "unchanged": len(self.unchanged),
            "removed_from_plan": self.removed_from_plan,
            "restored_to_plan": self.restored_to_plan,
            "agencies_created": self.agencies_created,
            "warnings": self.warnings,
            "no_lead_agency": self.no_lead_agency,
            "no_lead_contact": self.no_lead_contact,
            "look_alikes": [list(pair) for pair in self.look_alikes],
            "undated_targets": [list(pair) for pair in self.undated_targets],
        }


@lru_cache(maxsize=16384)
def ref_number(number: str) -> str:
    """The recommendation number as it appears in refs: 'Recommendation No 3' -> '3', '9.' -> '9'."""
    parsed, _rest = split_number(number)
    return parsed if parsed is not None else re.sub(r"[^0-9A-Za-z]", "", number)


def action_ref(review_code: str, number: str, index: int) -> str:
    return f"{review_code}-{ref_number(number)}-{index}"


def validate_plan(plan: ParsedPlan, *, source_file: str) -> str:
    """The review code to store under, or PlanError. Runs before anything is written."""
    code = (plan.review_code or "").strip()
    if not code:
        raise PlanError(source_file, "no review code: give one with --review CODE (e.g. RIV3)")
    if not _REVIEW_CODE.match(code):
        raise PlanError(source_file, f"review code {code!r} must be letters and digits only (e.g. RIV3)")
    seen: dict[str, int | None] = {}
    for rec in plan.recommendations:
        key = ref_number(rec.ref_key)
        if not key:
            raise PlanError(source_file, f"recommendation {rec.number!r} has no usable number", row=rec.source_row)
        if key in seen:
            raise PlanError(
                source_file,
                f"recommendation number {rec.number!r} is used twice (also at row {seen[key]})",
                row=rec.source_row,
                column="Recommendation",
            )
        seen[key] = rec.source_row
    return code


def import_plan(
    session: Session,
    plan: ParsedPlan,
    *,
    partnership_id: int,
    source_file: str,
    actor: str,
    now: datetime | None = None,
    allow_another_code: bool = False,
) -> ImportReport:
    """`allow_another_code`: store the plan even though the same file is already stored under another
    review code, or a code that differs from this one only in case (almost always a typo)."""
    code = validate_plan(plan, source_file=source_file)
    now = now or datetime.now(UTC)
    report = ImportReport(review_code=code, warnings=list(plan.warnings))
    if not allow_another_code:
        refuse_a_second_code(session, code, source_file)
    review, report.review_created = _stored_review(
        session, plan, code, partnership_id=partnership_id, source_file=source_file, now=now
    )
    assert review.id is not None

    agencies = AgencyResolver(session)
    with_contacts = set(session.exec(select(Contact.agency_id).where(Contact.active == True)).all())  # noqa: E712
    known = known_addresses(session)
    masked: dict[str, str] = {}  # progress text -> as stored: plans repeat their notes ("No update received.")
    rec_ids = _store_recommendations(session, plan, review.id, report)
    existing_actions = {
        a.ref: a
        for a in session.exec(
            select(Action).join(Recommendation).where(Recommendation.review_id == review.id)
        )
    }
    seen_refs: set[str] = set()
    new_actions: list[dict[str, Any]] = []
    events: list[_PendingEvent] = []  # in the order things happened; new actions' ids are known after the insert
    progress: list[tuple[str, str]] = []  # (ref, text) of new actions
    for parsed_rec in plan.recommendations:
        number = ref_number(parsed_rec.ref_key)
        rec_id = rec_ids[number]
        for index, parsed in enumerate(parsed_rec.actions, start=1):
            ref = action_ref(code, number, index)
            seen_refs.add(ref)
            agency = agencies.resolve(parsed.lead_agency)
            _note_who_is_chased(report, ref, agency, with_contacts)
            if parsed.target_text and parsed.due is None and parsed.status not in CLOSED_STATUSES:
                report.undated_targets.append((ref, " ".join(parsed.target_text.split())[:40]))
            wanted = _action_values(parsed, rec_id, agency.id if agency else None, index, known, masked)
            if wanted["progress"] != parsed.progress:
                report.warnings.append(f"{ref}: personal data masked in its progress text (the plan file still has it)")
            action = existing_actions.get(ref)
            from_file = plan_snapshot(wanted, TRACKED_FIELDS)
            if action is None:
                new_actions.append({"ref": ref, "created_at": now, "updated_at": now, "imported_values": from_file,
                                    **wanted})
                report.added.append(ref)
                events.append(_PendingEvent("action.imported", ref, None, {"ref": ref}))
                if wanted["progress"]:
                    progress.append((ref, wanted["progress"]))
                continue
            if action.removed_from_plan_at is not None:
                action.removed_from_plan_at = None  # back in the plan: chased again
                action.updated_at = now
                session.add(action)
                report.restored_to_plan.append(ref)
                events.append(_PendingEvent("action.restored_to_plan", ref, action.id, {"ref": ref}))
            changed = _apply_plan_changes(action, wanted, from_file)
            if action.imported_values != from_file:
                action.imported_values = from_file  # a new dict, so the JSON column is written
                session.add(action)
            if not changed:
                report.unchanged.append(ref)
                continue
            report.updated[ref] = list(changed)
            events.append(_PendingEvent("action.updated_by_import", ref, action.id,
                                        {"ref": ref, "fields": list(changed), "before": _short_fields(changed)}))
            action.updated_at = now
            session.add(action)
            if "progress" in changed and wanted["progress"]:
                _progress_update(session, action, wanted["progress"], now, actor)
    session.flush()
    new_ids = _insert_actions(session, new_actions, review.id)
    _insert_progress(session, [(new_ids[ref], text) for ref, text in progress], now, actor)
    _insert_events(session, events, new_ids, now, actor)
    _mark_removed(session, existing_actions, seen_refs, report, now=now, actor=actor)
    report.agencies_created = agencies.created
    report.look_alikes = look_alike_agencies(session, agencies.created)
    counts = _counts(report)
    _event(session, now, actor, "review.imported", review, {"code": code, "source_file": source_file, **counts})
    session.flush()
    if is_bulk_load(report):
        refresh_planner_statistics(session)
    return report


#: An import that adds this many actions is a bulk load: PostgreSQL's statistics are refreshed after it.
ANALYZE_AFTER_ADDED = 1000
#: The tables a bulk import fills (action_decision and action_activity by the triggers that give each new action
#: its rows).
_BULK_FILLED: tuple[type[SQLModel], ...] = (Recommendation, Action, ActionDecision, ActionActivity, ProgressUpdate,
                                            Event)


def is_bulk_load(report: ImportReport) -> bool:
    return len(report.added) >= ANALYZE_AFTER_ADDED


def vacuum_after_bulk_load(engine: Engine, report: ImportReport) -> None:
    """VACUUM the tables a bulk import filled, on PostgreSQL, once the import has committed (VACUUM cannot run in a
    transaction): until then a page of the new rows has no visibility-map bit, and every count the console reads
    from an index alone (bot/console/queries.py) visits the table row of each entry it counts. Autovacuum would
    get there later, or never where it is turned off."""
    if engine.dialect.name != "postgresql" or not is_bulk_load(report):
        return
    tables = ", ".join(f'"{model.__tablename__}"' for model in _BULK_FILLED)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text(f"VACUUM {tables}"))


def refresh_planner_statistics(session: Session) -> None:
    """ANALYZE the tables an import fills, on PostgreSQL (SQLite's planner keeps no statistics unless asked).

    Until autovacuum gets to a freshly loaded table, PostgreSQL plans as if it were nearly empty. ANALYZE
    runs inside the import's transaction and counts its own uncommitted rows.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in _BULK_FILLED:
        session.execute(sa.text(f'ANALYZE "{model.__tablename__}"'))


@dataclass(frozen=True)
class _PendingEvent:
    kind: str
    ref: str
    action_id: int | None  # None: a new action, whose id the bulk insert gives
    data: dict[str, Any]


def _store_recommendations(session: Session, plan: ParsedPlan, review_id: int, report: ImportReport) -> dict[str, int]:
    """Ref number -> recommendation id: stored ones updated in place, new ones inserted in one statement."""
    existing = {
        f"{r.ref_part}{r.number}": r
        for r in session.exec(select(Recommendation).where(Recommendation.review_id == review_id))
    }
    ids: dict[str, int] = {}
    new_rows, new_keys = [], {}
    for position, parsed_rec in enumerate(plan.recommendations, start=1):
        number = ref_number(parsed_rec.ref_key)
        values = {"text": parsed_rec.text, "scope": parsed_rec.scope, "section": parsed_rec.section,
                  "position": position}
        rec = existing.get(number)
        if rec is None:
            stored_number = ref_number(parsed_rec.number)
            new_rows.append({"review_id": review_id, "number": stored_number, "ref_part": parsed_rec.ref_part,
                             **values})
            new_keys[(parsed_rec.ref_part, stored_number)] = number
            report.recommendations_added.append(number)
            continue
        for name, value in values.items():
            if getattr(rec, name) != value:
                setattr(rec, name, value)
        session.add(rec)
        assert rec.id is not None
        ids[number] = rec.id
    session.flush()
    if new_rows:
        insert_rows(session, _table(Recommendation), new_rows)
        stored = session.execute(sa.select(col(Recommendation.ref_part), col(Recommendation.number),
                                           col(Recommendation.id)).where(col(Recommendation.review_id) == review_id))
        ids.update({new_keys[(ref_part, number)]: rec_id for ref_part, number, rec_id in stored
                    if (ref_part, number) in new_keys})
    return ids


def _table(model: type[SQLModel]) -> sa.Table:
    """The model's table, for bulk inserts (bot/bulk.py): one statement however the rows look. An ORM bulk
    insert leaves out each row's None values and starts a new statement whenever the next row's set of keys
    differs (an action with a due date after one without): 15,713 statements for 19,997 actions."""
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, sa.Table)
    return table


def _insert_actions(session: Session, rows: list[dict[str, Any]], review_id: int) -> dict[str, int]:
    """Insert new actions in one bulk write (COPY on PostgreSQL, an executemany on SQLite: bot/bulk.py); returns
    ref -> id of every action of the review."""
    if rows:
        insert_rows(session, _table(Action), with_copies(session, rows))  # the copies: bot/action_copies.py
    found = session.execute(
        sa.select(col(Action.ref), col(Action.id))
        .join(Recommendation, col(Recommendation.id) == col(Action.recommendation_id))
        .where(col(Recommendation.review_id) == review_id)
    )
    return {str(ref): int(action_id) for ref, action_id in found}


def _insert_progress(session: Session, texts: list[tuple[int, str]], now: datetime, actor: str) -> None:
    readings: dict[str, tuple[str, float]] = {}  # plans repeat their notes ("No update received.")
    rows = []
    for action_id, text in texts:
        if text not in readings:
            reading, confidence = read_status(text)
            readings[text] = (reading.value, confidence)
        status, confidence = readings[text]
        rows.append({"action_id": action_id, "at": now, "source": UpdateSource.IMPORT.value, "author": actor,
                     "raw_text": text, "status": status, "confidence": confidence, "confirmed": True})
    if rows:
        insert_rows(session, _table(ProgressUpdate), rows)


def _insert_events(
    session: Session, events: list[_PendingEvent], ids: dict[str, int], now: datetime, actor: str
) -> None:
    rows = [{"at": now, "actor": actor, "kind": e.kind, "entity": "action",
             "entity_id": e.action_id if e.action_id is not None else ids[e.ref], "data": e.data} for e in events]
    if rows:
        insert_rows(session, _table(Event), rows)


def _mark_removed(
    session: Session,
    existing: dict[str, Action],
    seen_refs: set[str],
    report: ImportReport,
    *,
    now: datetime,
    actor: str,
) -> None:
    for ref, action in sorted(existing.items()):
        if ref not in seen_refs and action.removed_from_plan_at is None:
            # Marked, not deleted: its history stays, and it is no longer chased or overdue.
            action.removed_from_plan_at = now
            action.updated_at = now
            session.add(action)
            report.removed_from_plan.append(ref)
            _event(session, now, actor, "action.removed_from_plan", action, {"ref": ref})


def _stored_review(
    session: Session, plan: ParsedPlan, code: str, *, partnership_id: int, source_file: str, now: datetime
) -> tuple[Review, bool]:
    """The review to import into, and whether it is new."""
    review = session.exec(select(Review).where(Review.code == code)).first()
    if review is not None and review.partnership_id != partnership_id:
        raise PlanError(source_file, f"review {code} belongs to another partnership")
    created = review is None
    if review is None:
        review = Review(partnership_id=partnership_id, code=code, title=plan.title)
    elif plan.title:
        review.title = plan.title
    review.source_file = source_file
    review.imported_at = now
    review.column_headers = dict(plan.column_headers)  # a new dict, so the JSON column is written
    session.add(review)
    session.flush()
    return review, created


def _apply_plan_changes(action: Action, wanted: dict[str, Any], from_file: dict[str, Any]) -> dict[str, Any]:
    """Write the fields the coordinator changed in the plan; returns {field: value before} of
    those whose stored value actually changed (a lead may already have made the same change)."""
    current = plan_snapshot({name: getattr(action, name) for name in TRACKED_FIELDS}, TRACKED_FIELDS)
    last_imported = action.imported_values or current  # imported before imported_values existed
    changed: dict[str, Any] = {}
    for name in fields_the_plan_changed(last_imported, current, from_file):
        value = wanted[name]
        if name == "progress":
            value = merged_progress(action.progress, last_imported.get("progress"), wanted["progress"])
        if getattr(action, name) != value:
            changed[name] = getattr(action, name)
            setattr(action, name, value)
    return changed


def _short_fields(before: dict[str, Any]) -> dict[str, Any]:
    """Old values of the short fields only: long texts may hold sensitive detail."""
    return {name: jsonable(value) for name, value in before.items() if name not in _LONG_TEXT_FIELDS}


def _action_values(
    parsed: ParsedAction, recommendation_id: int, agency_id: int | None, position: int, known_addresses: set[str],
    masked: dict[str, str],
) -> dict[str, Any]:
    """`masked`: progress texts already masked in this import (text -> masked text), filled in here."""
    progress = parsed.progress
    if progress and progress not in masked:
        masked[progress] = mask_personal_data(progress, known_addresses).text
    return {
        "recommendation_id": recommendation_id,
        "position": position,
        "description": parsed.description,
        "lead_agency_text": parsed.lead_agency,
        "lead_agency_id": agency_id,
        "evidence_expected": parsed.evidence_expected,
        "target_text": parsed.target_text,
        "due": parsed.due,
        "precision": str(parsed.precision),
        "status": str(parsed.status),
        # Stored masked like a reply (bot/reading/pii.py); the plan file itself is the original.
        "progress": masked[progress] if progress else progress,
        "plan_cells": dict(parsed.plan_cells),
    }


def refuse_a_second_code(session: Session, code: str, source_file: str) -> None:
    """PlanError when `code` differs only in case from a stored review's, or the same file is stored
    under another code: both make a second copy of one plan, chased twice."""
    for other in session.exec(select(Review)).all():
        if other.code != code and other.code.casefold() == code.casefold():
            raise PlanError(source_file, f"review {other.code} already exists and {code} differs from it only in case; "
                                         f"use --review {other.code}, or --as-new-review to keep both")
        if other.code != code and other.source_file == source_file and source_file not in ("", "stdin"):
            raise PlanError(source_file, f"this file was imported as review {other.code}; importing it as {code} "
                                         "would chase every action twice. Use --review "
                                         f"{other.code}, or --as-new-review if it really is another review")


def _note_who_is_chased(report: ImportReport, ref: str, agency: Agency | None, with_contacts: set[int | None]) -> None:
    if agency is None:
        report.no_lead_agency.append(ref)
    elif agency.id not in with_contacts:
        report.no_lead_contact.append(ref)


#: How alike two agency names must be (rapidfuzz token_set_ratio, 0-100) to be reported as one agency twice.
LOOK_ALIKE_SCORE = 82


def look_alike_agencies(session: Session, new_names: list[str]) -> list[tuple[str, str]]:
    """(new agency, existing agency it resembles) for names created by this import."""
    from rapidfuzz import fuzz, process, utils

    others = [agency.name for agency in session.exec(select(Agency)).all() if agency.name not in new_names]
    pairs: list[tuple[str, str]] = []
    for index, name in enumerate(new_names):
        candidates = others + new_names[:index]
        match = process.extractOne(name, candidates, scorer=fuzz.token_set_ratio, processor=utils.default_process,
                                   score_cutoff=LOOK_ALIKE_SCORE)
        if match is not None:
            pairs.append((name, str(match[0])))
    return pairs


def _progress_update(session: Session, action: Action, text: str, now: datetime, actor: str) -> None:
    assert action.id is not None
    reading, confidence = read_status(text)
    session.add(
        ProgressUpdate(
            action_id=action.id,
            at=now,
            source=UpdateSource.IMPORT.value,
            author=actor,
            raw_text=text,
            status=reading.value,
            confidence=confidence,
            confirmed=True,
        )
    )


def _event(session: Session, now: datetime, actor: str, kind: str, row: Action | Review, data: dict[str, Any]) -> None:
    entity = "action" if isinstance(row, Action) else "review"
    session.add(Event(at=now, actor=actor, kind=kind, entity=entity, entity_id=row.id, data=data))


def _counts(report: ImportReport) -> dict[str, int]:
    return {
        "added": len(report.added),
        "updated": len(report.updated),
        "unchanged": len(report.unchanged),
        "removed_from_plan": len(report.removed_from_plan),
        "restored_to_plan": len(report.restored_to_plan),
    }
