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

from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from bot.plans.assemble import RawRow
from bot.plans.columns import Field, map_header, missing_required
from bot.plans.limits import oversized_sheet, sheet_parts
from bot.plans.model import PlanError
from bot.plans.xlsx_sheet import OversizedSheet, SheetCells, WorkbookStyles, read_sheet

#: How far down a sheet its header row may be.
HEADER_SEARCH_ROWS = 30


def xlsx_rows(path: Path, overrides: dict[str, Field] | None = None) -> list[RawRow]:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = sheet_parts(archive)
            # Read-only: the shared strings and styles are read, no sheet is (read_sheet streams each one).
            workbook = load_workbook(path, read_only=True, data_only=True)
            grids: list[list[RawRow]] = []
            try:
                if not workbook.worksheets:
                    raise PlanError(path, "the workbook has no sheets")
                styles = WorkbookStyles(workbook)
                for sheet in workbook.worksheets:
                    # Measured as it is read, before a grid is laid out: a sheet's <dimension> may lie.
                    try:
                        with archive.open(parts[sheet.title]) as source:
                            cells = read_sheet(source, styles)
                    except OversizedSheet as oversized:
                        raise oversized_sheet(path, sheet.title, oversized.rows, oversized.columns) from None
                    rows = _sheet_rows(cells)
                    if _has_plan_header(rows, overrides):
                        return rows
                    grids.append(rows)
            finally:
                workbook.close()
    except (InvalidFileException, zipfile.BadZipFile, ElementTree.ParseError, etree.LxmlError, KeyError, IndexError,
            OSError, ValueError) as exc:
        raise PlanError(path, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    return grids[0]  # no sheet has a header: the first one's rows make the error message


def _has_plan_header(rows: list[RawRow], overrides: dict[str, Field] | None) -> bool:
    for row in rows[:HEADER_SEARCH_ROWS]:
        header = map_header(row.cells, overrides)
        if header is not None and not missing_required(header):
            return True
    return False


def _sheet_rows(cells: SheetCells) -> list[RawRow]:
    grid = [[value if type(value) is str else _text(value, number_format)
             for value, number_format in zip(values, formats, strict=True)]
            for values, formats in zip(cells.values, cells.number_formats, strict=True)]
    for min_row, min_col, max_row, max_col in cells.extent.merged:
        if min_row - 1 >= len(grid):
            continue
        value = _cell(grid, min_row - 1, min_col - 1)
        for r in range(min_row - 1, min(max_row, len(grid))):
            for c in range(min_col - 1, max_col):
                while len(grid[r]) <= c:
                    grid[r].append("")
                grid[r][c] = value
    return [RawRow(index + 1, texts, cells.bold[index]) for index, texts in enumerate(grid)]


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
