"""One streamed pass over a worksheet's XML: how far it reaches (checked against the limits before any
grid is laid out), its merged ranges, and its cells' values as openpyxl's read-only reader gives them.

openpyxl's read-only worksheet builds an object per cell, and a Text object per inline string, in pure
Python: reading a 20,000-row sheet took about 2.5 s before any plan logic, plus a second pass over the
same XML for the size check and the merged ranges it does not give. Here lxml hands over only the
<row>, <dimension> and <mergeCell> elements, and each cell is read from its row with plain lookups.
The workbook-level parts (shared strings, styles, the date system) are still openpyxl's own: its
`load_workbook(read_only=True)` reads them up front without touching the sheets.

What a cell reads as follows openpyxl 3.1's WorkSheetParser with data_only=True (cached formula results,
numbers with a date format as dates, inline and shared strings as their plain text, 'b' as a bool,
'e' as the error text), and rows are laid out as its ReadOnlyWorksheet lays them out from A1 to the
extent: missing rows filled in, rows given again dropped, a later cell in the same column winning.
tests/plans/test_xlsx_sheet.py holds both readers to the same rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.utils.cell import column_index_from_string, coordinate_to_tuple, range_boundaries
from openpyxl.utils.datetime import from_excel, from_ISO8601

from bot.plans.limits import MAX_SHEET_COLUMNS, MAX_SHEET_ROWS

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CELL, _ROW, _DIMENSION, _MERGE, _VALUE, _INLINE, _TEXT = (
    f"{_MAIN}{tag}" for tag in ("c", "row", "dimension", "mergeCell", "v", "is", "t")
)
#: Column letters -> number, as met ("A" -> 1): a sheet uses few.
_COLUMNS: dict[str, int] = {}
#: A cell reference: column letters, row digits ("AB12"); ranges and $ anchors go through _bounds.
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")

#: A merged range as (min_row, min_col, max_row, max_col), 1-based.
MergedRange = tuple[int, int, int, int]
#: What a cell holds once read: text, a number, a bool, a date or time, or None.
CellValue = str | int | float | bool | date | time | timedelta | None


class OversizedSheet(Exception):
    """The sheet reaches past MAX_SHEET_ROWS x MAX_SHEET_COLUMNS; read no further."""

    def __init__(self, rows: int, columns: int) -> None:
        super().__init__(f"reaches row {rows}, column {columns}")
        self.rows = rows
        self.columns = columns


@dataclass
class SheetExtent:
    rows: int = 0
    columns: int = 0
    merged: list[MergedRange] = field(default_factory=list)


@dataclass
class SheetCells:
    """The sheet's rows from A1 to its extent: each row's values and whether all its filled cells are bold."""

    extent: SheetExtent
    values: list[list[CellValue]]
    number_formats: list[list[str | None]]  # the number format of each date cell, None for the rest
    bold: list[bool]


class WorkbookStyles:
    """What the cells' style ids mean, from the workbook openpyxl loaded (read-only: no sheet is parsed)."""

    def __init__(self, workbook: Any) -> None:
        # A read-only workbook hands its shared strings to each worksheet (all get the same list), not to itself.
        sheets = workbook.worksheets
        self.shared_strings: list[str] = list(sheets[0]._shared_strings) if sheets else []
        self.epoch: datetime = workbook.epoch
        self.date_styles: set[int] = set(workbook._date_formats)
        self.timedelta_styles: set[int] = set(workbook._timedelta_formats)
        self._cell_styles = workbook._cell_styles
        self._fonts = workbook._fonts
        self._number_formats = workbook._number_formats
        self._bold: dict[int, bool] = {}

    def bold(self, style_id: int) -> bool:
        if style_id not in self._bold:
            self._bold[style_id] = bool(self._fonts[self._cell_styles[style_id].fontId].b)
        return self._bold[style_id]

    def number_format(self, style_id: int) -> str:
        format_id = self._cell_styles[style_id].numFmtId
        if format_id < BUILTIN_FORMATS_MAX_SIZE:
            return str(BUILTIN_FORMATS.get(format_id, "General"))
        return str(self._number_formats[format_id - BUILTIN_FORMATS_MAX_SIZE])


def read_sheet(source: IO[bytes], styles: WorkbookStyles) -> SheetCells:
    """The sheet's cells; OversizedSheet as soon as it reaches past the limits (its rows are read in order,
    so a sheet reaching row 1,048,576 is refused there, having held at most MAX_SHEET_ROWS rows)."""
    extent = SheetExtent()
    cell_columns: set[str] = set()
    rows = 0
    parsed: list[tuple[int, list[tuple[int, CellValue, int]]]] = []
    row_counter = 0
    parser = etree.iterparse(source, events=("end",), tag=(_ROW, _DIMENSION, _MERGE), resolve_entities=False,
                             no_network=True, huge_tree=False, remove_comments=True, remove_pis=True)
    for _event, element in parser:
        tag = element.tag
        if tag == _ROW:
            number = element.get("r")
            if number is not None:
                row_counter = _row_number(number)
            else:
                row_counter += 1
            cells, rows = _row_cells(element, styles, cell_columns, extent, rows)
            parsed.append((row_counter, cells))
            rows = max(rows, int(number or 0))
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
            if rows > MAX_SHEET_ROWS:
                break  # refused whatever follows: no need to read the rest
        elif element.get("ref"):
            ref = element.get("ref") or ""
            min_col, min_row, max_col, max_row = (int(b or 0) for b in range_boundaries(ref))
            rows, extent.columns = max(rows, max_row), max(extent.columns, max_col)
            if tag == _MERGE:
                extent.merged.append((min_row, min_col, max_row, max_col))
    extent.rows = rows
    extent.columns = max([extent.columns, *(column_index_from_string(letters) for letters in cell_columns)])
    if extent.rows > MAX_SHEET_ROWS or extent.columns > MAX_SHEET_COLUMNS:
        raise OversizedSheet(extent.rows, extent.columns)
    return _laid_out(parsed, extent, styles)


def _row_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(number)


def _row_cells(
    row: Any, styles: WorkbookStyles, cell_columns: set[str], extent: SheetExtent, rows: int
) -> tuple[list[tuple[int, CellValue, int]], int]:
    """(column, value, style id) of each cell in the row, and how far down the cells' references reach."""
    cells = []
    column = 0
    for cell in row:  # any other element in a row takes a column too, as openpyxl reads it
        ref = cell.get("r")
        if ref and cell.tag == _CELL:
            match = _CELL_REF.fullmatch(ref)
            if match is not None and match[2] != "0" * len(match[2]):
                letters, number = match[1], int(match[2])
                cell_columns.add(letters)
                rows = max(rows, number)
                column = _COLUMNS.get(letters) or _COLUMNS.setdefault(letters, column_index_from_string(letters))
            else:
                bottom, right = _bounds(ref)
                rows, extent.columns = max(rows, bottom), max(extent.columns, right)
                column = coordinate_to_tuple(ref)[1]
        elif ref:
            column = coordinate_to_tuple(ref)[1]
        else:
            column += 1
        style = cell.get("s")
        style_id = int(style) if style else 0
        cells.append((column, _value(cell, style_id, styles), style_id))
    return cells, rows


def _value(cell: Any, style_id: int, styles: WorkbookStyles) -> CellValue:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = _child(cell, _INLINE)
        if inline is None:
            return None
        if len(inline) == 1 and inline[0].tag == _TEXT:  # most inline strings: one <t>, no runs
            return inline[0].text or ""
        return _inline_text(inline)
    value = _child(cell, _VALUE)
    text: str | None = None if value is None else value.text or None
    if text is None:
        return None
    if kind == "n":
        number = float(text) if "." in text or "E" in text or "e" in text else int(text)
        if style_id not in styles.date_styles:
            return number
        try:
            moment: date | time | timedelta | None = from_excel(
                number, styles.epoch, timedelta=style_id in styles.timedelta_styles)
        except (OverflowError, ValueError):
            return "#VALUE!"  # marked as a date, but past the dates a serial can hold
        return moment
    if kind == "s":
        return styles.shared_strings[int(text)]
    if kind == "b":
        return bool(int(text))
    if kind == "d":
        iso: date | time | timedelta = from_ISO8601(text)  # type: ignore[no-untyped-call]
        return iso
    return text  # "str" (a formula's text), "e" (an error such as #N/A)


def _child(element: Any, tag: str) -> Any:
    """The first child with this tag, as `element.find(tag)` gives it, at a tenth of its cost (lxml's find
    goes through its path machinery: 4 us a call, where indexing a child takes 0.2)."""
    for child in element:
        if child.tag == tag:
            return child
    return None


def _inline_text(inline: Any) -> str:
    """The plain text of an inline string: its <t>, then the <t> of each rich-text run (phonetic runs left out)."""
    plain: str | None = None
    runs: list[str] = []
    for child in inline:
        name = _local(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            text = None
            for part in child:
                if _local(part.tag) == "t":
                    text = part.text
            if text is not None:
                runs.append(text)
    return "".join(([plain] if plain is not None else []) + runs)


def _local(tag: Any) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _bounds(ref: str) -> tuple[int, int]:
    _min_col, _min_row, max_col, max_row = range_boundaries(ref)
    return int(max_row or 0), int(max_col or 0)


def _laid_out(
    parsed: list[tuple[int, list[tuple[int, CellValue, int]]]], extent: SheetExtent, styles: WorkbookStyles
) -> SheetCells:
    """Rows 1 to the extent, each as wide as the extent, as ReadOnlyWorksheet.iter_rows lays them out."""
    max_row = extent.rows or None
    max_col = extent.columns or None
    values: list[list[CellValue]] = []
    formats: list[list[str | None]] = []
    bold: list[bool] = []

    def add(cells: list[tuple[int, CellValue, int]]) -> None:
        width = max_col or (cells[-1][0] if cells else 0)
        row_values: list[CellValue] = [None] * width
        row_styles = [0] * width
        for column, value, style_id in cells:
            if 1 <= column <= width:
                row_values[column - 1] = value
                row_styles[column - 1] = style_id
        row_formats: list[str | None] = [None] * width
        all_bold: bool | None = None  # None until a filled cell is seen
        for index, value in enumerate(row_values):
            if value is None:
                continue
            if isinstance(value, date):
                row_formats[index] = styles.number_format(row_styles[index])
            if value != "":
                all_bold = all_bold is not False and styles.bold(row_styles[index])
        values.append(row_values)
        formats.append(row_formats)
        bold.append(bool(all_bold))

    counter = 1
    last = 1
    for last, cells in parsed:
        if max_row is not None and last > max_row:
            break
        while counter < last:  # rows the file leaves out
            counter += 1
            add([])
        if counter <= last:  # a row number given again is read once
            add(cells)
            counter += 1
    if max_row is not None and max_row < last:
        while counter <= max_row:
            counter += 1
            add([])
    return SheetCells(extent, values, formats, bold)
