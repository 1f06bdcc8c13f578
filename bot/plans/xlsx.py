"""Excel plans. A merged cell's value applies to every row and column it spans.

Many workbooks open with a cover or guidance sheet: the plan is the first sheet with a header row
(anywhere in its first rows: titles and a status key often sit above it). Cells holding real dates
are written day-first, as UK plans write them, so the date reader reads them as they were meant.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

from bot.plans.assemble import RawRow
from bot.plans.columns import Field, map_header, missing_required
from bot.plans.model import PlanError

#: How far down a sheet its header row may be.
HEADER_SEARCH_ROWS = 30


def xlsx_rows(path: Path, overrides: dict[str, Field] | None = None) -> list[RawRow]:
    try:
        workbook = load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, ElementTree.ParseError, KeyError, OSError, ValueError) as exc:
        raise PlanError(path, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        sheets = [sheet for sheet in workbook.worksheets if isinstance(sheet, Worksheet)]
        if not sheets:
            raise PlanError(path, "the workbook has no sheets")
        grids = [_sheet_rows(sheet) for sheet in sheets]
    finally:
        workbook.close()
    for rows in grids:
        if _has_plan_header(rows, overrides):
            return rows
    return grids[0]  # no sheet has a header: the first one's rows make the error message


def _has_plan_header(rows: list[RawRow], overrides: dict[str, Field] | None) -> bool:
    for row in rows[:HEADER_SEARCH_ROWS]:
        header = map_header(row.cells, overrides)
        if header is not None and not missing_required(header):
            return True
    return False


def _sheet_rows(sheet: Worksheet) -> list[RawRow]:
    grid: list[list[str]] = []
    bold: list[bool] = []
    for row in sheet.iter_rows():
        cells = list(row)
        grid.append([_text(cell.value) for cell in cells])
        filled = [cell for cell in cells if cell.value not in (None, "")]
        bold.append(bool(filled) and all(bool(cell.font and cell.font.b) for cell in filled))
    for merged in sheet.merged_cells.ranges:
        min_col, min_row, max_col, max_row = merged.bounds
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


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
