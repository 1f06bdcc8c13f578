"""The Import page: upload a plan, see what `dhr import FILE --dry-run` reports and what an import would change,
then store it. Coordinators only.

Nothing is stored before the coordinator confirms. The upload is on disk only while `dhr import`'s readers read it
(they take a path), in a private folder (0700, the file 0600) that is deleted at once. What waits for the
confirmation is the parsed plan and its report, in this process's memory, under a random id, for the session
that uploaded it only, for PENDING_SECONDS. Confirming re-runs the import for real, so the stored result is
exactly what the database says then, and is audited with who confirmed it.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from flask import Flask, Response, abort, g, redirect, render_template, request, url_for
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.console.access import check_coordinator
from bot.console.options import ConsoleOptions
from bot.db import session_scope
from bot.plans import PlanError, read_plan
from bot.plans.columns import EXTRA_PREFIX, Field, parse_mapping
from bot.plans.limits import MAX_FILE_BYTES
from bot.plans.model import ParsedPlan
from bot.plans.store import ImportReport, import_plan, vacuum_after_bulk_load, validate_plan
from bot.updates import local_date

PENDING_SECONDS = 15 * 60
#: A plan file at its largest, and the few form fields sent with it.
MAX_UPLOAD_BYTES = MAX_FILE_BYTES + 64 * 1024
MAX_FILE_MB = MAX_FILE_BYTES // (1024 * 1024)
PREVIEW_ROWS = 200
_SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


@dataclass(frozen=True)
class PendingImport:
    session_key: str
    plan: ParsedPlan
    source_file: str
    as_new_review: bool
    report: ImportReport
    kept_at: float


class PendingImports:
    """Parsed uploads waiting for their coordinator's confirmation; each is used once, by its own session."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._pending: dict[str, PendingImport] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def now(self) -> float:
        return self._clock()

    def keep(self, pending: PendingImport) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._forget_expired()
            # One waiting upload per session: a new upload replaces the one before.
            for key in [k for k, p in self._pending.items() if p.session_key == pending.session_key]:
                del self._pending[key]
            self._pending[token] = pending
        return token

    def peek(self, token: str, session_key: str | None) -> PendingImport | None:
        with self._lock:
            self._forget_expired()
            found = self._pending.get(token)
        return found if found is not None and session_key and found.session_key == session_key else None

    def take(self, token: str, session_key: str | None) -> PendingImport | None:
        with self._lock:
            self._forget_expired()
            found = self._pending.get(token)
            if found is None or not session_key or found.session_key != session_key:
                return None  # another session's upload is left alone, not spent
            del self._pending[token]
        return found

    def _forget_expired(self) -> None:
        now = self._clock()
        for key in [k for k, p in self._pending.items() if now - p.kept_at > PENDING_SECONDS]:
            del self._pending[key]


def uploaded_name(filename: str) -> str:
    """The file's own name, as `dhr import` records it (browsers on Windows may send a whole path)."""
    return filename.replace("\\", "/").rsplit("/", 1)[-1].strip()


def read_upload(
    stream: IO[bytes], filename: str, *, review_code: str | None, today: date,
    column_overrides: dict[str, Field] | None, max_actions: int,
) -> ParsedPlan:
    """The plan in an uploaded file, read by `dhr import`'s readers with their limits; a PlanError names the
    uploaded file, never the private copy."""
    name = uploaded_name(filename)
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="dhr-import-") as folder:  # 0700
        copy = Path(folder) / f"upload{suffix if _SAFE_SUFFIX.fullmatch(suffix) else ''}"
        with os.fdopen(os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            shutil.copyfileobj(stream, out)
        try:
            return read_plan(copy, review_code=review_code, today=today, column_overrides=column_overrides,
                             max_actions=max_actions)
        except PlanError as error:
            raise PlanError(name, error.message, row=error.row, column=error.column) from None


def preview_import(
    engine: Engine, plan: ParsedPlan, *, partnership_id: int, source_file: str, actor: str, now: datetime,
    as_new_review: bool,
) -> ImportReport:
    """What an import would do, from the import itself run in a transaction that is rolled back (as the dry run)."""
    with Session(engine) as db:
        try:
            return import_plan(db, plan, partnership_id=partnership_id, source_file=source_file, actor=actor, now=now,
                               allow_another_code=as_new_review)
        finally:
            db.rollback()


def unread_columns(plan: ParsedPlan) -> list[str]:
    return [header for key, header in plan.column_headers.items() if key.startswith(EXTRA_PREFIX)]


def import_summary(report: ImportReport) -> str:
    verb = "Created" if report.review_created else "Updated"
    return (f"{verb} review {report.review_code}: {len(report.added)} actions added, {len(report.updated)} changed, "
            f"{len(report.removed_from_plan)} no longer in the plan")


def register_import_pages(app: Flask, engine: Engine, options: ConsoleOptions, pending: PendingImports) -> None:
    @app.get("/import")
    def import_plan_form() -> str:
        check_coordinator(g.viewer)
        return render_template("import.html", title="Import a plan", errors={}, form=None, max_mb=MAX_FILE_MB,
                               done=request.args.get("done"), review=request.args.get("review"))

    @app.post("/import")
    def upload_plan() -> Any:
        check_coordinator(g.viewer)
        errors: dict[str, str] = {}
        upload = request.files.get("plan")
        review_code = request.form.get("review", "").strip() or None
        overrides: dict[str, Field] | None = None
        try:
            overrides = parse_mapping(request.form["map"]) if request.form.get("map", "").strip() else None
        except ValueError as error:
            errors["map"] = str(error)
        if upload is None or not upload.filename:
            errors["plan"] = "Choose a plan file (.xlsx, .docx, .csv or .txt)"
        if errors:
            return _form_again(errors)
        assert upload is not None and upload.filename
        as_new_review = request.form.get("as_new_review") == "1"
        with Session(engine) as db:
            today = local_date(db, options.clock())
        try:
            plan = read_upload(upload.stream, upload.filename, review_code=review_code, today=today,
                               column_overrides=overrides, max_actions=options.max_import_actions)
            if not plan.review_code:
                return _form_again({"review": "The plan does not say its review code: give one, like RIV3"})
            source = uploaded_name(upload.filename)
            validate_plan(plan, source_file=source)
            report = preview_import(engine, plan, partnership_id=options.partnership_id, source_file=source,
                                    actor=g.viewer.actor, now=options.clock(), as_new_review=as_new_review)
        except PlanError as error:
            return _form_again({"plan": str(error)})
        token = pending.keep(PendingImport(g.session_key, plan, source, as_new_review, report, pending.now()))
        return redirect(url_for("import_preview", token=token))

    @app.get("/import/<token>")
    def import_preview(token: str) -> Any:
        check_coordinator(g.viewer)
        found = pending.peek(token, g.session_key)
        if found is None:
            abort(404, "This upload has expired or was stored already. Upload the plan again.")
        plan = found.plan
        actions = [(rec, action) for rec in plan.recommendations for action in rec.actions]
        return render_template("import_preview.html", title=f"Check the {found.report.review_code} plan", token=token,
                               pending=found, plan=plan, report=found.report, unread=unread_columns(plan),
                               actions=actions[:PREVIEW_ROWS], more=max(0, len(actions) - PREVIEW_ROWS),
                               minutes=PENDING_SECONDS // 60)

    @app.post("/import/<token>")
    def confirm_import(token: str) -> Response:
        check_coordinator(g.viewer)
        found = pending.take(token, g.session_key)
        if found is None:
            abort(400, "This upload has expired or was stored already. Upload the plan again.")
        try:
            with session_scope(engine) as db:
                report = import_plan(db, found.plan, partnership_id=options.partnership_id,
                                     source_file=found.source_file, actor=g.viewer.actor, now=options.clock(),
                                     allow_another_code=found.as_new_review)
        except PlanError as error:
            abort(400, str(error))
        vacuum_after_bulk_load(engine, report)
        return redirect(url_for("import_plan_form", done=import_summary(report), review=report.review_code))  # type: ignore[return-value]

    def _form_again(errors: dict[str, str]) -> tuple[str, int]:
        return render_template("import.html", title="Import a plan", errors=errors, form=request.form, done=None,
                               review=None, max_mb=MAX_FILE_MB), 400
