"""`dhr import` and `dhr export`: action plans in and out."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table
from sqlmodel import Session

from bot.commands.common import (
    console,
    existing_engine,
    fail,
    partnership_session,
    reading_session,
    ready_engine,
    settings_or_exit,
)
from bot.db import ensure_partnership
from bot.plans import PlanError, plan_to_json, read_plan, read_plan_text
from bot.plans.columns import Field, parse_mapping
from bot.plans.export import export_plan, format_for
from bot.plans.model import ParsedPlan
from bot.plans.store import ImportReport, import_plan, vacuum_after_bulk_load, validate_plan
from bot.policy import local_today, reply_policy
from bot.settings import Settings, sqlite_path


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("export")(export_command)


def import_command(
    file: str = typer.Argument(
        ..., help='The plan: .xlsx, .docx, .csv, .txt/.md (tab-separated); "-" reads text from stdin.'
    ),
    review: str | None = typer.Option(None, "--review", help="Review code used in action refs, e.g. RIV3."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Read and check the plan; do not touch the database."),
    as_json: bool = typer.Option(
        False, "--json", help="Print JSON (the parsed plan with --dry-run, else the import report)."
    ),
    mapping: str | None = typer.Option(
        None, "--map", help='What unusual headers mean: "What we will do=action,Owner=lead" (fields: recommendation, '
        "number, action, lead, target, status, progress, evidence, scope, section)."
    ),
    as_new_review: bool = typer.Option(
        False, "--as-new-review", help="Store it even though the same file is stored under another review code."
    ),
) -> None:
    """Import an action plan, or update a review already imported from it."""
    settings = settings_or_exit()
    today = local_today(settings, datetime.now(UTC))  # the edge: reads the clock once
    try:
        overrides = parse_mapping(mapping) if mapping else None
    except ValueError as exc:
        raise fail(str(exc)) from None
    plan = _read(file, review, today, settings.safety.max_import_actions, overrides)
    source = "stdin" if file == "-" else Path(file).name
    if dry_run:
        if plan.review_code:  # without one the plan can still be shown, just not stored
            try:
                validate_plan(plan, source_file=file)
            except PlanError as exc:
                raise fail(str(exc)) from None
        if as_json:
            typer.echo(json.dumps(plan_to_json(plan), ensure_ascii=False, indent=2))
            return
        _print_mapping(plan)
        _print_plan(plan)
        if plan.review_code:
            _print_what_an_import_would_change(settings, plan, source, as_new_review)
        return
    try:
        with partnership_session(settings) as (session, partnership):
            assert partnership.id is not None
            report = import_plan(session, plan, partnership_id=partnership.id, source_file=source, actor="cli",
                                 allow_another_code=as_new_review)
    except PlanError as exc:
        raise fail(str(exc)) from None
    vacuum_after_bulk_load(ready_engine(settings), report)
    if as_json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        _print_report(report)


def export_command(
    review: str = typer.Option(..., "--review", help="Review code, e.g. RIV3."),
    fmt: str | None = typer.Option(None, "--format", help="xlsx, docx or csv (default: the -o file's suffix)."),
    out: Path = typer.Option(..., "-o", "--output", help="File to write."),
) -> None:
    """Write a review's plan with progress and the chase log filled in."""
    try:
        chosen = format_for(out, fmt)
    except PlanError as exc:
        raise fail(exc.message) from None
    settings = settings_or_exit()
    try:
        with reading_session(settings) as session:
            count = export_plan(session, review, chosen, out, timezone=settings.partnership.timezone,
                                replies=reply_policy(settings), today=local_today(settings, datetime.now(UTC)))
    except PlanError as exc:
        raise fail(str(exc)) from None
    console.print(f"Wrote {count} rows of {escape(review)} to {escape(str(out))}.")


def _read(
    file: str, review: str | None, today: date, max_actions: int, overrides: dict[str, Field] | None = None
) -> ParsedPlan:
    try:
        if file == "-":
            return read_plan_text(sys.stdin.read(), review_code=review, today=today, file="stdin",
                                  column_overrides=overrides, max_actions=max_actions)
        return read_plan(Path(file), review_code=review, today=today, column_overrides=overrides,
                         max_actions=max_actions)
    except PlanError as exc:
        raise fail(str(exc)) from None


def _print_plan(plan: ParsedPlan) -> None:
    table = Table(title=f"{escape(plan.review_code or '(no review code)')}: {escape(plan.title)}")
    for column in ("Rec", "Lead agency", "Target", "Due", "Status", "Action"):
        table.add_column(column)
    for rec in plan.recommendations:
        if not rec.actions:
            table.add_row(escape(rec.number), "", "", "", "", "(no action)")
        for action in rec.actions:
            table.add_row(
                escape(rec.number),
                escape(action.lead_agency or ""),
                escape(action.target_text or ""),
                action.due.isoformat() if action.due else "",
                str(action.status),
                escape(action.description[:60]),
            )
    console.print(table)
    _print_warnings(plan.warnings)


def _print_mapping(plan: ParsedPlan) -> None:
    used = ", ".join(f"{header!r} -> {name}" for header, name in plan.mapping_used)
    console.print(f"Columns read: {escape(used)}", highlight=False)
    console.print('  (use --map "HEADER=FIELD,..." to read a column differently)', highlight=False)


def _print_what_an_import_would_change(settings: Settings, plan: ParsedPlan, source: str, as_new_review: bool) -> None:
    """The import run in a transaction that is rolled back: the difference, before anything is stored."""
    path = sqlite_path(settings.database_url)
    if path is not None and not path.is_file():
        console.print(f"[yellow]There is no database at {escape(str(path.absolute()))}[/yellow] (run `dhr init`): "
                      "an import would store every action above as new.", highlight=False)
        return
    with Session(existing_engine(settings, read_only=False)) as session:
        try:
            partnership = ensure_partnership(session, settings)
            assert partnership.id is not None
            report = import_plan(session, plan, partnership_id=partnership.id, source_file=source, actor="cli",
                                 allow_another_code=as_new_review)
        except PlanError as exc:
            console.print(f"[yellow]An import would be refused:[/yellow] {escape(str(exc))}", highlight=False)
            return
        finally:
            session.rollback()
    console.print("[bold]Dry run: nothing was stored.[/bold] An import would do this:")
    _print_report(report, would=True)


def _print_report(report: ImportReport, *, would: bool = False) -> None:
    verb = "Would create" if would and report.review_created else "Would update" if would else (
        "Created" if report.review_created else "Updated")
    console.print(
        f"{verb} review [bold]{escape(report.review_code)}[/bold]: {len(report.added)} actions added, "
        f"{len(report.updated)} updated, {len(report.unchanged)} unchanged, "
        f"{len(report.removed_from_plan)} no longer in the plan."
    )
    for ref in report.added:
        console.print(f"  [green]+[/green] {escape(ref)}")
    for ref, fields in report.updated.items():
        console.print(f"  [yellow]~[/yellow] {escape(ref)}: {escape(', '.join(fields))}")
    for ref in report.removed_from_plan:
        console.print(
            f"  [red]-[/red] {escape(ref)} is no longer in the plan (kept with its history; no longer chased)"
        )
    for ref in report.restored_to_plan:
        console.print(f"  [green]+[/green] {escape(ref)} is back in the plan and will be chased again")
    if report.agencies_created:
        console.print(f"  New agencies: {escape(', '.join(report.agencies_created))}")
    for new, existing in report.look_alikes:
        merge = f"dhr agency merge {escape(_quoted(new))} INTO {escape(_quoted(existing))}"
        console.print(f"  [yellow]look-alike:[/yellow] {escape(new)!r} looks like {escape(existing)!r}; "
                      f"if they are one agency: {merge}", highlight=False)
    if report.undated_targets:
        listed = "; ".join(f"{ref} {text!r}" for ref, text in report.undated_targets)
        console.print(f"  [yellow]no due date[/yellow] (the target is not a date): {escape(listed)}; "
                      "set one with dhr action set REF --due DATE", highlight=False)
    if report.no_lead_agency:
        console.print(f"  [red]never chased[/red] (no lead agency): {escape(', '.join(report.no_lead_agency))}; "
                      "set one with dhr action set REF --lead AGENCY", highlight=False)
    if report.no_lead_contact:
        console.print(f"  [red]never chased[/red] (the lead agency has no contact): "
                      f"{escape(', '.join(report.no_lead_contact))}; add contacts with dhr contacts import FILE",
                      highlight=False)
    _print_warnings(report.warnings)


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name else name


def _print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        console.print(f"  [yellow]warning:[/yellow] {escape(warning)}", highlight=False)
