"""Fictional plans laid out the way coordinators keep them, built inside tests (no binaries in the repo).

Each builder makes one kind the importer has to read: a workbook opening on a guidance sheet, a Word
table with agency sections restarting their numbering, a refs-only sheet, text extracted from a PDF.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import docx
from openpyxl import Workbook

OWNER_HEADER = ("Ref", "Recommendation", "What we will do", "Owner", "By when", "RAG")


def guidance_workbook(path: Path, rows: Sequence[Sequence[object]], header: Sequence[str] = OWNER_HEADER,
                      *, header_row: int = 4, merges: Sequence[str] = ()) -> Path:
    """A 'How to use' sheet first; on the plan sheet a merged title, a date line, then the header."""
    workbook = Workbook()
    guidance = workbook.active
    assert guidance is not None
    guidance.title = "How to use"
    guidance["A1"] = "Please update the RAG column before each board."
    guidance["A2"] = "R = not started, A = some concerns, G = on track, B = complete"
    sheet = workbook.create_sheet("Plan")
    sheet["A1"] = "Larchfield DHR 'Ann' action plan"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet["A2"] = "Last updated 3 February 2025"
    for column, title in enumerate(header, start=1):
        sheet.cell(header_row, column, title)
    for offset, row in enumerate(rows, start=header_row + 1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                cell = sheet.cell(offset, column, value)
                if cell.data_type == "f":
                    cell.data_type = "s"  # text that looks like a formula, as typed with a leading apostrophe
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def sectioned_word_plan(path: Path, header: Sequence[str], body: Sequence[Sequence[str] | str]) -> Path:
    """A str in `body` is a section row spanning every column; `header` again is a repeated header row."""
    document = docx.Document()
    document.add_paragraph("Larchfield Domestic Homicide Review - action plan")
    table = document.add_table(rows=1, cols=len(header))
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = title
    for entry in body:
        row = table.add_row()
        if isinstance(entry, str):
            row.cells[0].merge(row.cells[-1]).text = entry
        else:
            for cell, text in zip(row.cells, entry, strict=True):
                cell.text = text
    document.save(str(path))
    return path


def real_date(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day)
