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
from openpyxl.utils.exceptions import InvalidFileException

from bot.plans.assemble import RawRow
from bot.plans.columns import Field, map_header, missing_required
from bot.plans.limits import SheetExtent, scan_sheet, sheet_parts
from bot.plans.model import PlanError

#: How far down a sheet its header row may be.
HEADER_SEARCH_ROWS = 30


def xlsx_rows(path: Path, overrides: dict[str, Field] | None = None) -> list[RawRow]:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sheet_parts(archive)
            workbook = load_workbook(path, read_only=True, data_only=True)
            grids: list[list[RawRow]] = []
            try:
                if not workbook.worksheets:
                    raise PlanError(path, "the workbook has no sheets")
                for sheet in workbook.worksheets:
                    # Measured before openpyxl lays out its grid; a read-only sheet has no merged ranges
                    # and may declare a wrong dimension, so both come from the scan.
                    rows = _sheet_rows(sheet, scan_sheet(path, archive, parts[sheet.title], sheet.title))
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


def _sheet_rows(sheet: Any, extent: SheetExtent) -> list[RawRow]:
    grid: list[list[str]] = []
    bold: list[bool] = []
    # From A1 to the extent the cells really reach, whatever the sheet's <dimension> says.
    for row in sheet.iter_rows(min_row=1, min_col=1, max_row=extent.rows or None, max_col=extent.columns or None):
        texts: list[str] = []
        all_bold: bool | None = None  # None until a filled cell is seen
        for cell in row:
            value = cell.value
            # Only a date's text depends on its number format: the lookup is skipped for the rest.
            texts.append(_text(value, cell.number_format if isinstance(value, date) else None))
            if value is not None and value != "":
                all_bold = all_bold is not False and bool(cell.font.b)
        grid.append(texts)
        bold.append(bool(all_bold))
    for min_row, min_col, max_row, max_col in extent.merged:
        if min_row - 1 >= len(grid):
            continue
        value = _cell(grid, min_row - 1, min_col - 1)
        for r in range(min_row - 1, min(max_row, len(grid))):
            for c in range(min_col - 1, max_col):
                while len(grid[r]) <= c:
                    grid[r].append("")
                grid[r][c] = value
    return [RawRow(index + 1, cells, bold[index]) for index, cells in enumerate(grid)]


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
