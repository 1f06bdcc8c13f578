"""What a plan file may ask of the reader, checked before any parser opens it.

An .xlsx or .docx is a zip of XML. A 1.5 MB zip can declare gigabytes of XML (a "zip bomb"),
and a 5 KB sheet naming one cell at XFD1048576 makes openpyxl's read-only mode walk a grid of
17 billion cells. So, for those formats, before openpyxl or python-docx see the file:

- the archive: at most MAX_MEMBERS members, MAX_UNCOMPRESSED_BYTES declared in all, and no large
  member compressed more than MAX_RATIO times. The declared sizes are what counts: Python's
  zipfile never inflates a member past the size its directory entry declares (a longer stream
  fails the CRC/size check), and openpyxl and python-docx both read through zipfile;
- every sheet of an .xlsx the reader reads: its <dimension ref>, every row and cell reference and
  every merged range must lie within MAX_SHEET_ROWS x MAX_SHEET_COLUMNS, checked (scan_sheet) before
  openpyxl lays out that sheet's grid. The sheet XML is streamed (iterparse), so this pass costs time
  linear in its size and almost no memory, and it collects the merged ranges on the way: a read-only
  openpyxl worksheet does not give them, and one pass over the XML is cheaper than two.

Any file is refused above MAX_FILE_BYTES, and one import brings in at most the
`safety.max_import_actions` setting's actions. Every refusal is a one-line PlanError naming the file.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from openpyxl.utils.cell import column_index_from_string, range_boundaries

from bot.plans.model import ParsedPlan, PlanError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024  # small XML parts compress far better than 100:1 and are harmless
MAX_SHEET_ROWS = 20_000
MAX_SHEET_COLUMNS = 200
DEFAULT_MAX_ACTIONS = 5000

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CELL, _ROW, _DIMENSION, _MERGE = (f"{_MAIN}{tag}" for tag in ("c", "row", "dimension", "mergeCell"))


def check_plan_file(path: Path) -> None:
    """Refuse a file that would take more than a plan's share of time or memory to read.

    An .xlsx's sheets are measured as the reader comes to them (scan_sheet)."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise PlanError(path, f"the file is {size // (1024 * 1024)} MB; a plan file may be at most "
                              f"{MAX_FILE_BYTES // (1024 * 1024)} MB")
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".docx"):
        return
    kind = suffix.lstrip(".")
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(path, archive.infolist())
    except PlanError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError, RuntimeError,
            EOFError) as exc:
        raise PlanError(path, f"not a readable .{kind} file ({type(exc).__name__})") from None


def check_archive(path: Path, members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise PlanError(path, f"the archive has {len(members)} parts; a plan has at most {MAX_MEMBERS}")
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise PlanError(path, f"the archive unpacks to {total // (1024 * 1024)} MB; a plan unpacks to at most "
                              f"{MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB")
    for member in members:
        if member.file_size > RATIO_CHECKED_ABOVE and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise PlanError(path, f"part {member.filename!r} is compressed more than {MAX_RATIO} times: "
                                  "refused as a likely zip bomb")


#: A merged range as (min_row, min_col, max_row, max_col), 1-based.
MergedRange = tuple[int, int, int, int]


def scan_sheet(path: Path, archive: zipfile.ZipFile, part: str, name: str) -> SheetExtent:
    """How far a sheet reaches (its dimension can lie) and its merged ranges, from one streamed pass
    over its XML: PlanError past MAX_SHEET_ROWS x MAX_SHEET_COLUMNS."""
    with archive.open(part) as sheet:
        extent = _scan(sheet)
    if extent.rows > MAX_SHEET_ROWS or extent.columns > MAX_SHEET_COLUMNS:
        raise PlanError(path, f"sheet {name!r} reaches row {extent.rows}, column {extent.columns}; a plan sheet has "
                              f"at most {MAX_SHEET_ROWS} rows and {MAX_SHEET_COLUMNS} columns")
    return extent


def check_action_count(plan: ParsedPlan, max_actions: int, file: str | Path) -> None:
    count = sum(len(rec.actions) for rec in plan.recommendations)
    if count > max_actions:
        raise PlanError(file, f"the plan has {count} actions; one import may bring in at most {max_actions} "
                              "(setting safety.max_import_actions)")


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the archive part holding it, in the workbook's order."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_REL}Relationship")}
    parts = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_R_ID), "")
        parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    return parts


@dataclass
class SheetExtent:
    rows: int = 0
    columns: int = 0
    merged: list[MergedRange] = field(default_factory=list)


#: A cell reference: column letters, row digits ("AB12"); ranges and $ anchors are for _bounds.
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d{1,7})")


def _scan(sheet: IO[bytes]) -> SheetExtent:
    """How far the sheet's dimension, rows, cells and merged ranges reach, and its merged ranges.

    Cells are most of a sheet, so theirs is the short path: the distinct column letters are kept and
    turned into numbers once, at the end."""
    extent = SheetExtent()
    cell_columns: set[str] = set()
    rows = 0
    for _event, element in ElementTree.iterparse(sheet, events=("end",)):
        tag = element.tag
        if tag == _CELL:
            ref = element.get("r")
            match = _CELL_REF.fullmatch(ref) if ref else None
            if match is not None:
                cell_columns.add(match[1])
                rows = max(rows, int(match[2]))
            elif ref:
                rows = max(rows, _bounds(ref)[0])
                extent.columns = max(extent.columns, _bounds(ref)[1])
            element.clear()
        elif tag == _ROW:
            rows = max(rows, int(element.get("r") or 0))
            element.clear()
            if rows > MAX_SHEET_ROWS:
                break  # refused whatever follows: no need to read the rest
        elif tag in (_DIMENSION, _MERGE) and element.get("ref"):
            ref = element.get("ref") or ""
            min_col, min_row, max_col, max_row = (int(b or 0) for b in range_boundaries(ref))
            rows, extent.columns = max(rows, max_row), max(extent.columns, max_col)
            if tag == _MERGE:
                extent.merged.append((min_row, min_col, max_row, max_col))
    extent.rows = rows
    extent.columns = max([extent.columns, *(column_index_from_string(letters) for letters in cell_columns)])
    return extent


def _bounds(ref: str) -> tuple[int, int]:
    _min_col, _min_row, max_col, max_row = range_boundaries(ref)
    return int(max_row or 0), int(max_col or 0)
