"""An exported plan laid out as a file a board can print as it is: Word, Excel or CSV.

What goes in the table is decided in export.py; this module only lays it out. Column widths follow
the content (a number column stays narrow, the recommendation gets room), shared by Word and Excel.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.plans.csv import neutralise

#: A4 landscape with 15 mm margins leaves 267 mm for the table.
_TABLE_WIDTH_MM = 267
_MIN_CHARS, _MAX_CHARS, _MAX_WORD_CHARS, _MAX_HEADER_WORD_CHARS = 7, 60, 14, 8
#: Roughly how wide a character of 8 pt text is (digits are the widest), and a cell's left and right margins.
_MM_PER_CHAR, _CELL_PADDING_MM = 1.8, 4.0
_SHORT_COLUMN_CHARS = 12
#: Characters across a landscape A4 page that stay readable once Excel fits the sheet to the page width.
_SHEET_WIDTH_CHARS = 190


@dataclass
class ExportTable:
    keys: list[str]
    headers: list[str]
    rows: list[list[object]]  # text, or a date for the due column
    spans: list[int]  # per row: how many rows its recommendation covers (0: not its first row)
    merged_columns: list[int]  # 0-based; the recommendation's cells, merged over its actions' rows


def cell_text(value: object) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return "" if value is None else str(value)


def content_widths(table: ExportTable) -> list[tuple[int, int]]:
    """(least, wanted) characters per column: its longest word (no word broken, dates whole), and its
    longest line, capped."""
    widths = []
    for index, header in enumerate(table.headers):
        texts = [cell_text(row[index]) for row in table.rows]
        longest_word = max((len(word) for text in texts for word in text.split()), default=0)
        header_word = max((len(word) for word in header.split()), default=0)
        longest_line = max((len(line) for text in texts for line in text.splitlines()), default=0)
        # A long header word may wrap ("Recommend-ation"); a date or a ref in the cells may not.
        least = max(_MIN_CHARS, min(longest_word, _MAX_WORD_CHARS), min(header_word, _MAX_HEADER_WORD_CHARS))
        widths.append((least, max(least, min(max(longest_line, len(header) // 2), _MAX_CHARS))))
    return widths


def page_widths(table: ExportTable, total: float) -> list[float]:
    """Widths in characters summing to `total`: every column gets its longest word first (a date or a
    ref stays whole), and what is left goes to the columns with long text, by how much more they want."""
    widths = content_widths(table)
    least = sum(low for low, _want in widths)
    if least >= total:
        # Too many columns: short ones (dates, refs, ratings) stay whole, the long texts wrap more.
        short = sum(want for _low, want in widths if want <= _SHORT_COLUMN_CHARS)
        rest = sum(low for low, want in widths if want > _SHORT_COLUMN_CHARS) or 1
        scale = max(total - short, 0.3 * total) / rest
        return [want if want <= _SHORT_COLUMN_CHARS else low * scale for low, want in widths]
    extra = sum(want - low for low, want in widths) or 1
    spare = total - least
    return [low + spare * (want - low) / extra for low, want in widths]


def lines_needed(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide."""
    usable = max(1.0, width - 1)
    return sum(max(1, -(-len(line) // int(usable))) for line in text.split("\n")) if text else 1


def write_csv(out: Path, preamble: list[str], table: ExportTable) -> None:
    with out.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        for line in preamble:
            writer.writerow([neutralise(line)])
        writer.writerow([neutralise(header) for header in table.headers])
        writer.writerows([neutralise(cell_text(value)) for value in row] for row in table.rows)


def write_xlsx(out: Path, preamble: list[str], table: ExportTable) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Action plan"
    for line in preamble:
        sheet.append([line])
        _as_text(sheet.cell(sheet.max_row, 1))
    header_row = len(preamble) + 1
    for column, header in enumerate(table.headers, start=1):
        cell = sheet.cell(header_row, column, header)
        _as_text(cell)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    edge = Side(style="thin", color="808080")
    box = Border(left=edge, right=edge, top=edge, bottom=edge)
    for header_cell in sheet[header_row]:
        header_cell.border = box
    for offset, row in enumerate(table.rows, start=header_row + 1):
        for column, value in enumerate(row, start=1):
            body_cell = sheet.cell(offset, column)
            if isinstance(value, date):
                body_cell.value = value
                body_cell.number_format = "dd/mm/yyyy"
            else:
                body_cell.value = cell_text(value)
                _as_text(body_cell)
            body_cell.alignment = wrap
            body_cell.border = box
    for offset, span in enumerate(table.spans, start=header_row + 1):
        if span > 1:
            for column in table.merged_columns:
                sheet.merge_cells(start_row=offset, start_column=column + 1, end_row=offset + span - 1,
                                  end_column=column + 1)
    last_row = header_row + len(table.rows)
    last_column = get_column_letter(len(table.headers))
    sheet_widths = page_widths(table, _SHEET_WIDTH_CHARS)
    for column, width in enumerate(sheet_widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    header_and_rows: list[list[object]] = [list(table.headers), *table.rows]
    for offset, cells in enumerate(header_and_rows, start=header_row):
        # openpyxl writes no row heights and spreadsheets do not grow rows of wrapped text on opening.
        lines = max(lines_needed(cell_text(value), width) for value, width in zip(cells, sheet_widths, strict=True))
        sheet.row_dimensions[offset].height = 13 * lines + 2
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{max(last_row, header_row)}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    workbook.save(out)


def _as_text(cell: object) -> None:
    """A cell whose text starts with "=" is still text: openpyxl would otherwise store a formula."""
    if getattr(cell, "data_type", None) == "f":
        cell.data_type = "s"  # type: ignore[attr-defined]


def write_docx(out: Path, preamble: list[str], table: ExportTable) -> None:
    import docx
    from docx.shared import Mm, Pt

    document = docx.Document()
    _a4_landscape(document)
    document.add_heading(preamble[0], level=1)
    for line in preamble[1:]:
        document.add_paragraph(line)
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.autofit = False
    text_mm = _TABLE_WIDTH_MM - _CELL_PADDING_MM * len(table.headers)
    widths = [Mm(width * _MM_PER_CHAR + _CELL_PADDING_MM) for width in page_widths(table, text_mm / _MM_PER_CHAR)]

    _keep_whole(grid.rows[0], header=True)
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(header)
        run.bold = True
        run.font.size = Pt(8)
    for row in table.rows:
        added = grid.add_row()
        _keep_whole(added)
        for cell, value in zip(added.cells, row, strict=True):
            _write_cell(cell, cell_text(value), Pt(8))
    for start, (row, span) in enumerate(zip(table.rows, table.spans, strict=True), start=1):
        if span > 1:
            for column in table.merged_columns:
                top = grid.cell(start, column)
                top.merge(grid.cell(start + span - 1, column))
                _write_cell(top, cell_text(row[column]), Pt(8))
    _set_widths(grid, widths)
    document.save(str(out))


def _keep_whole(row: Any, *, header: bool = False) -> None:
    """A row never split over two pages; the header row repeated at the top of each page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit") if header else ("w:cantSplit",):
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        properties.append(element)


def _set_widths(grid: Any, widths: list[Any]) -> None:
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width  # the table grid: what LibreOffice and Word lay the columns out by
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _a4_landscape(document: Any) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))


def _write_cell(cell: object, text: str, size: object) -> None:
    cell.text = ""  # type: ignore[attr-defined]
    lines = text.split("\n")
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()  # type: ignore[attr-defined]
        paragraph.add_run(line).font.size = size
