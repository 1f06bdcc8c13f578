"""What a plan file may ask of the reader, checked before any parser opens it.

An .xlsx or .docx is a zip of XML. A 1.5 MB zip can declare gigabytes of XML (a "zip bomb"),
and a 5 KB sheet naming one cell at XFD1048576 makes openpyxl's read-only mode walk a grid of
17 billion cells. So, for those formats, before openpyxl or python-docx see the file:

- the archive: at most MAX_MEMBERS members, MAX_UNCOMPRESSED_BYTES declared in all, and no large
  member compressed more than MAX_RATIO times. The declared sizes are what counts: Python's
  zipfile never inflates a member past the size its directory entry declares (a longer stream
  fails the CRC/size check), and openpyxl and python-docx both read through zipfile;
- every sheet of an .xlsx the reader reads: its <dimension ref>, every row and cell reference and
  every merged range must lie within MAX_SHEET_ROWS x MAX_SHEET_COLUMNS, measured while the sheet's XML
  is streamed (bot/plans/xlsx_sheet.py) and before any grid is laid out: the pass stops at the first row
  past the limit, holding at most the rows below it.

Any file is refused above MAX_FILE_BYTES, and one import brings in at most the
`safety.max_import_actions` setting's actions. Every refusal is a one-line PlanError naming the file.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from xml.etree import ElementTree

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


def oversized_sheet(path: Path, name: str, rows: int, columns: int) -> PlanError:
    """The refusal of a sheet that reaches past MAX_SHEET_ROWS x MAX_SHEET_COLUMNS (bot/plans/xlsx_sheet.py
    measures it while streaming the sheet, before any grid is laid out)."""
    return PlanError(path, f"sheet {name!r} reaches row {rows}, column {columns}; a plan sheet has "
                           f"at most {MAX_SHEET_ROWS} rows and {MAX_SHEET_COLUMNS} columns")


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
