"""Builds small fictional plan files (xlsx, docx, csv) inside tests: no binaries in the repo."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import docx
from openpyxl import Workbook
from openpyxl.styles import Font

HEADER = ("Recommendation", "Scope", "Action to take", "Lead agency", "Milestones", "Timescale", "Progress report")

#: Recommendation 2 has two agencies' sub-actions under one (merged) recommendation cell.
ROWS: tuple[tuple[str, ...], ...] = (
    ("1. Police to check repeat addresses before attending.", "Local", "Add a prompt to the call script.", "RP",
     "Script signed off", "31/03/2026", "COMPLETED in March."),
    ("2. Agencies to brief staff on the referral pathway.", "Local", "Brief all ward sisters.", "RHT",
     "Briefing notes", "Autumn 2026", "Two briefings held so far, more booked."),
    ("2. Agencies to brief staff on the referral pathway.", "Local", "Brief all housing officers.", "Housing",
     "Sign-in sheets", "tbc", ""),
    ("3. GP practices to flag disclosures.", "Regional", "Send a bulletin to practices.", "GP", "Bulletin", "Q3 2026", ""),
)


def write_csv(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER, preamble: Sequence[str] = ()) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for line in preamble:
            writer.writerow([line])
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[Sequence[str]],
    header: Sequence[str] = HEADER,
    *,
    merge_repeated_recommendations: bool = True,
    section: str | None = None,
    repeat_header_every: int | None = None,
) -> Path:
    """Rows that repeat the previous recommendation are written as one merged cell."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Riverside DHR 3 plan"])
    sheet.append(list(header))
    if section:
        sheet.append([section])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    previous: str | None = None
    start = 0
    for index, row in enumerate(rows):
        if repeat_header_every and index and index % repeat_header_every == 0:
            sheet.append(list(header))
            previous = None
        same = merge_repeated_recommendations and row[0] == previous
        sheet.append(["" if same else row[0], *row[1:]])
        if same:
            sheet.merge_cells(start_row=start, start_column=1, end_row=sheet.max_row, end_column=1)
        else:
            start = sheet.max_row
        previous = row[0]
    workbook.save(path)
    return path


def write_docx(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER, *, split_after: int | None = None) -> Path:
    """A table per 'page' when split_after is set, each repeating the header, as long plans are.
    A row repeating the previous recommendation is merged vertically with it."""
    document = docx.Document()
    document.add_paragraph("Riverside DHR 3 plan")
    chunks = [rows[:split_after], rows[split_after:]] if split_after else [rows]
    for chunk in chunks:
        table = document.add_table(rows=1, cols=len(header))
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        previous: str | None = None
        for row in chunk:
            cells = table.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text
            if row[0] == previous:
                index = len(table.rows) - 1
                top = table.cell(index - 1, 0)
                top.merge(table.cell(index, 0))
                top.text = row[0]
            previous = row[0]
        document.add_paragraph("")
    document.save(str(path))
    return path
