"""An exported plan laid out as a file a board can print as it is: Word, Excel or CSV.

What goes in the table is decided in export.py; this module only lays it out. Column widths follow
the content (a number column stays narrow, the recommendation gets room), shared by Word and Excel.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.plans.csv import neutralise

#: A4 landscape with 15 mm margins leaves 267 mm for the table.
_TABLE_WIDTH_MM = 267
_MIN_CHARS, _MAX_CHARS = 6, 60


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


def content_widths(table: ExportTable) -> list[int]:
    """Characters each column wants: its longest line (header words count), capped."""
    widths = []
    for index, header in enumerate(table.headers):
        longest = max((len(word) for word in header.split()), default=0)
        for row in table.rows:
            for line in cell_text(row[index]).splitlines():
                longest = max(longest, min(len(line), _MAX_CHARS))
        widths.append(max(_MIN_CHARS, min(longest, _MAX_CHARS)))
    return widths


def write_csv(out: Path, preamble: list[str], table: ExportTable) -> None:
    with out.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        for line in preamble:
            writer.writerow([neutralise(line)])
        writer.writerow([neutralise(header) for header in table.headers])
        writer.writerows([neutralise(cell_text(value)) for value in row] for row in table.rows)


def write_xlsx(out: Path, preamble: list[str], table: ExportTable) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
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
    for offset, row in enumerate(table.rows, start=header_row + 1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(offset, column)
            if isinstance(value, date):
                cell.value = value
                cell.number_format = "dd/mm/yyyy"
            else:
                cell.value = cell_text(value)
                _as_text(cell)
            cell.alignment = wrap
    for offset, span in enumerate(table.spans, start=header_row + 1):
        if span > 1:
            for column in table.merged_columns:
                sheet.merge_cells(start_row=offset, start_column=column + 1, end_row=offset + span - 1,
                                  end_column=column + 1)
    last_row = header_row + len(table.rows)
    last_column = get_column_letter(len(table.headers))
    for column, width in enumerate(content_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width + 2
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
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    document.add_heading(preamble[0], level=1)
    for line in preamble[1:]:
        document.add_paragraph(line)
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.autofit = False
    wanted = content_widths(table)
    widths = [Mm(_TABLE_WIDTH_MM * width / sum(wanted)) for width in wanted]

    def keep_whole(row: object, *, header: bool = False) -> None:
        properties = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
        if header:
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            properties.append(repeat)
        whole = OxmlElement("w:cantSplit")
        whole.set(qn("w:val"), "true")
        properties.append(whole)

    keep_whole(grid.rows[0], header=True)
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(header)
        run.bold = True
        run.font.size = Pt(9)
    for row in table.rows:
        added = grid.add_row()
        keep_whole(added)
        for cell, value in zip(added.cells, row, strict=True):
            _write_cell(cell, cell_text(value), Pt(9))
    for start, (row, span) in enumerate(zip(table.rows, table.spans, strict=True), start=1):
        if span > 1:
            for column in table.merged_columns:
                top = grid.cell(start, column)
                top.merge(grid.cell(start + span - 1, column))
                _write_cell(top, cell_text(row[column]), Pt(9))
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    document.save(str(out))


def _write_cell(cell: object, text: str, size: object) -> None:
    cell.text = ""  # type: ignore[attr-defined]
    lines = text.split("\n")
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()  # type: ignore[attr-defined]
        paragraph.add_run(line).font.size = size
