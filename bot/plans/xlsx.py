"""Excel plans. A merged cell's value applies to every row and column it spans.

Many workbooks open with a cover or guidance sheet: the plan is the first sheet with a header row
(anywhere in its first rows: titles and a status key often sit above it). Cells holding real dates
are written day-first, as UK plans write them, so the date reader reads them as they were meant.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from bot.plans.assemble import RawRow
from bot.plans.columns import Field, map_header, missing_required
from bot.plans.model import PlanError

#: How far down a sheet its header row may be.
HEADER_SEARCH_ROWS = 30


def xlsx_rows(path: Path, overrides: dict[str, Field] | None = None) -> list[RawRow]:
    # A read_only workbook streams the values but does not expose merged ranges, so those are
    # read from each sheet's XML directly (a small, separate pass).
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        grids: list[list[RawRow]] = []
        try:
            if not workbook.worksheets:
                raise PlanError(path, "the workbook has no sheets")
            for index, sheet in enumerate(workbook.worksheets):
                rows = _sheet_rows(sheet, _merged_ranges(path, index))
                if _has_plan_header(rows, overrides):
                    return rows
                grids.append(rows)
        finally:
            workbook.close()
    except (InvalidFileException, zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError, ValueError) as exc:
        raise PlanError(path, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    return grids[0]  # no sheet has a header: the first one's rows make the error message


def _has_plan_header(rows: list[RawRow], overrides: dict[str, Field] | None) -> bool:
    for row in rows[:HEADER_SEARCH_ROWS]:
        header = map_header(row.cells, overrides)
        if header is not None and not missing_required(header):
            return True
    return False


def _sheet_rows(sheet: Any, merged: list[tuple[int, int, int, int]]) -> list[RawRow]:
    grid: list[list[str]] = []
    bold: list[bool] = []
    for row in sheet.iter_rows():
        cells = list(row)
        grid.append([_text(getattr(cell, "value", None), getattr(cell, "number_format", None)) for cell in cells])
        filled = [cell for cell in cells if getattr(cell, "value", None) not in (None, "")]
        bold.append(bool(filled) and all(getattr(cell.font, "b", False) for cell in filled))
    for min_row, min_col, max_row, max_col in merged:
        if min_row - 1 >= len(grid):
            continue
        value = _cell(grid, min_row - 1, min_col - 1)
        for r in range(min_row - 1, min(max_row, len(grid))):
            for c in range(min_col - 1, max_col):
                while len(grid[r]) <= c:
                    grid[r].append("")
                grid[r][c] = value
    return [RawRow(index + 1, cells, bold[index]) for index, cells in enumerate(grid)]


_NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _merged_ranges(path: Path, sheet_index: int) -> list[tuple[int, int, int, int]]:
    """Merged ranges of the workbook's sheet number `sheet_index` as (min_row, min_col, max_row, max_col)."""
    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheets = book.findall("main:sheets/main:sheet", _NS)
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        if sheet_index >= len(sheets):
            return []
        wanted = sheets[sheet_index].get(_R_ID)
        target = next(rel.get("Target", "") for rel in rels.findall("rel:Relationship", _NS) if rel.get("Id") == wanted)
        sheet_path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        sheet = ElementTree.fromstring(archive.read(sheet_path))
    ranges = []
    for merge in sheet.findall("main:mergeCells/main:mergeCell", _NS):
        min_col, min_row, max_col, max_row = (int(b or 0) for b in range_boundaries(merge.get("ref", "")))
        ranges.append((min_row, min_col, max_row, max_col))
    return ranges


def _cell(grid: list[list[str]], row: int, column: int) -> str:
    return grid[row][column] if column < len(grid[row]) else ""


def _text(value: object, number_format: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        if number_format and "y" in number_format.lower() and "d" not in number_format.lower():
            # "Mar-26" typed into Excel is stored as 1 March 2026 shown as mmm-yy: the month is meant,
            # not its first day.
            return value.strftime("%B %Y")
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
