"""Reading action plans (xlsx, docx, csv, pasted text) into a ParsedPlan, storing and exporting them."""

from __future__ import annotations

import zipfile
import zlib
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

from bot.plans.assemble import RawRow, assemble
from bot.plans.columns import Field
from bot.plans.limits import DEFAULT_MAX_ACTIONS, check_action_count, check_plan_file
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
    max_actions: int = DEFAULT_MAX_ACTIONS,
) -> ParsedPlan:
    """Read a plan file, choosing the reader by its suffix. `column_overrides` come from --map.

    A crafted, damaged or oversized file is a PlanError naming the file, never a traceback.
    """
    suffix = path.suffix.lower()
    if not path.exists():
        raise PlanError(path, "no such file")
    if path.stat().st_size == 0:
        raise PlanError(path, "the file is empty")
    check_plan_file(path)
    try:
        rows = _rows(path, suffix, column_overrides)
    except PlanError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, ElementTree.ParseError, SyntaxError, UnicodeDecodeError) as exc:
        # The archive checks passed but a part is damaged: found only while a reader streams it.
        raise PlanError(path, f"not a readable {suffix} file ({type(exc).__name__})") from None
    if rows is None:
        return read_plan_text(
            _read_text(path), review_code=review_code, today=today, file=str(path), column_overrides=column_overrides,
            max_actions=max_actions,
        )
    plan = assemble(rows, file=path, review_code=review_code, today=today, column_overrides=column_overrides)
    check_action_count(plan, max_actions, path)
    return plan


def _rows(path: Path, suffix: str, column_overrides: dict[str, Field] | None) -> list[RawRow] | None:
    """The rows of a table file; None for a text file, which read_plan_text reads."""
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
        return None
    else:
        raise PlanError(path, f"unknown plan format {suffix or '(no suffix)'!r}: use one of {', '.join(SUFFIXES)}")
    return rows


def read_plan_text(
    text: str,
    *,
    review_code: str | None = None,
    today: date | None = None,
    file: str = "<text>",
    column_overrides: dict[str, Field] | None = None,
    max_actions: int = DEFAULT_MAX_ACTIONS,
) -> ParsedPlan:
    """Read a pasted or extracted plan: tab-separated cells, one row per line, HTML bits allowed; or
    columns laid out with spaces, as `pdftotext -layout` writes a table."""
    from bot.plans.layout_text import layout_rows, looks_laid_out
    from bot.plans.text import text_rows

    if not text.strip():
        raise PlanError(file, "the text is empty")
    rows = layout_rows(text) if looks_laid_out(text) else text_rows(text)
    plan = assemble(rows, file=file, review_code=review_code, today=today, column_overrides=column_overrides)
    check_action_count(plan, max_actions, file)
    return plan


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")
