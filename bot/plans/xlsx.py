"""Excel plans. A merged cell's value applies to every row and column it spans."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from bot.plans.assemble import RawRow
from bot.plans.model import PlanError


def xlsx_rows(path: Path) -> list[RawRow]:
    # A read_only workbook streams the values but does not expose merged ranges, so those are
    # read from the sheet's XML directly (a small, separate pass).
    try:
        merged = _merged_ranges(path)
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, SyntaxError, KeyError, OSError, ValueError) as exc:
        raise PlanError(path, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        sheet = workbook.worksheets[0]
        grid: list[list[str]] = []
        bold: list[bool] = []
        for row in sheet.iter_rows():
            cells = list(row)
            grid.append([_text(cell.value) for cell in cells])
            filled = [cell for cell in cells if cell.value not in (None, "")]
            bold.append(bool(filled) and all(getattr(cell.font, "b", False) for cell in filled))
    finally:
        workbook.close()
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


def _merged_ranges(path: Path) -> list[tuple[int, int, int, int]]:
    """Merged ranges of the first sheet as (min_row, min_col, max_row, max_col)."""
    with zipfile.ZipFile(path) as archive:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        first = book.find("main:sheets/main:sheet", _NS)
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        if first is None:
            raise ValueError("the workbook has no sheets")
        target = next(rel.get("Target", "") for rel in rels.findall("rel:Relationship", _NS) if rel.get("Id") == first.get(_R_ID))
        sheet_path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        sheet = ElementTree.fromstring(archive.read(sheet_path))
    ranges = []
    for merge in sheet.findall("main:mergeCells/main:mergeCell", _NS):
        bounds = range_boundaries(merge.get("ref", ""))
        min_col, min_row, max_col, max_row = (int(b or 0) for b in bounds)
        ranges.append((min_row, min_col, max_row, max_col))
    return ranges


def _cell(grid: list[list[str]], row: int, column: int) -> str:
    return grid[row][column] if column < len(grid[row]) else ""


def _text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")  # type: ignore[union-attr]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
