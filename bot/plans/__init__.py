"""Reading action plans (xlsx, docx, csv, pasted text) into a ParsedPlan, storing and exporting them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.plans.assemble import RawRow, assemble
from bot.plans.columns import Field
from bot.plans.model import ParsedAction, ParsedPlan, ParsedRecommendation, PlanError, plan_to_json

__all__ = [
    "ParsedAction",
    "ParsedPlan",
    "ParsedRecommendation",
    "PlanError",
    "plan_to_json",
    "read_plan",
    "read_plan_text",
]

SUFFIXES = (".xlsx", ".docx", ".csv", ".txt", ".md", ".tsv")


def read_plan(
    path: Path,
    *,
    review_code: str | None = None,
    today: date | None = None,
    column_overrides: dict[str, Field] | None = None,
) -> ParsedPlan:
    """Read a plan file, choosing the reader by its suffix. `column_overrides` come from --map."""
    suffix = path.suffix.lower()
    if not path.exists():
        raise PlanError(path, "no such file")
    if path.stat().st_size == 0:
        raise PlanError(path, "the file is empty")
    rows: list[RawRow]
    if suffix == ".xlsx":
        from bot.plans.xlsx import xlsx_rows

        rows = xlsx_rows(path, column_overrides)
    elif suffix == ".docx":
        from bot.plans.docx import docx_rows

        rows = docx_rows(path)
    elif suffix == ".csv":
        from bot.plans.csv import csv_rows

        rows = csv_rows(path, column_overrides)
    elif suffix in (".txt", ".md", ".tsv"):
        return read_plan_text(
            _read_text(path), review_code=review_code, today=today, file=str(path), column_overrides=column_overrides
        )
    else:
        raise PlanError(path, f"unknown plan format {suffix or '(no suffix)'!r}: use one of {', '.join(SUFFIXES)}")
    return assemble(rows, file=path, review_code=review_code, today=today, column_overrides=column_overrides)


def read_plan_text(
    text: str,
    *,
    review_code: str | None = None,
    today: date | None = None,
    file: str = "<text>",
    column_overrides: dict[str, Field] | None = None,
) -> ParsedPlan:
    """Read a pasted or extracted plan: tab-separated cells, one row per line, HTML bits allowed."""
    from bot.plans.text import text_rows

    if not text.strip():
        raise PlanError(file, "the text is empty")
    return assemble(text_rows(text), file=file, review_code=review_code, today=today, column_overrides=column_overrides)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
