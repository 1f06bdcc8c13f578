"""The streamed sheet reader reads what openpyxl's own read-only reader reads, cell for cell.

openpyxl (ReadOnlyWorksheet.iter_rows over A1 to the extent, each cell's value, number format and
font) is the reference: workbooks it writes from random cells, and hand-written sheet XML with what
Excel and other tools write that openpyxl does not (shared and rich-text strings, cached formula
results, booleans, errors, ISO dates, rows and cells without references, a row given twice).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from bot.plans import read_plan
from bot.plans.limits import sheet_parts
from bot.plans.xlsx_sheet import SheetCells, WorkbookStyles, read_sheet


@dataclass
class _Read:
    values: list[list[Any]]
    number_formats: list[list[str | None]]
    bold: list[bool]


def _streamed(path: Path) -> SheetCells:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        with zipfile.ZipFile(path) as archive, archive.open(sheet_parts(archive)[workbook.worksheets[0].title]) as source:
            return read_sheet(source, WorkbookStyles(workbook))
    finally:
        workbook.close()


def _by_openpyxl(path: Path, rows: int, columns: int) -> _Read:
    """As the importer read sheets before the streamed reader: openpyxl's read-only cells from A1 to the extent."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    values, formats, bold = [], [], []
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(min_row=1, min_col=1, max_row=rows or None, max_col=columns or None):
            values.append([cell.value for cell in row])
            formats.append([cell.number_format if isinstance(cell.value, date) else None for cell in row])
            all_bold: bool | None = None
            for cell in row:
                if cell.value is not None and cell.value != "":
                    all_bold = all_bold is not False and bool(cell.font.b)
            bold.append(bool(all_bold))
    finally:
        workbook.close()
    return _Read(values, formats, bold)


def _merged_by_openpyxl(path: Path) -> list[tuple[int, int, int, int]]:
    sheet = load_workbook(path).worksheets[0]
    return sorted((r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges)


def _assert_read_alike(path: Path) -> SheetCells:
    streamed = _streamed(path)
    reference = _by_openpyxl(path, streamed.extent.rows, streamed.extent.columns)
    assert [list(row) for row in streamed.values] == reference.values
    assert [[type(v) for v in row] for row in streamed.values] == [[type(v) for v in row] for row in reference.values]
    assert streamed.number_formats == reference.number_formats
    assert streamed.bold == reference.bold
    return streamed


_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(" \n\t"),
                max_size=12)
_VALUES = st.one_of(
    st.none(), _TEXT, st.sampled_from(["", " ", "Police", "31/03/2027", "1. Rec"]),
    st.integers(-10**6, 10**6), st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 3)), st.booleans(),
    st.datetimes(datetime(1990, 1, 1), datetime(2040, 12, 31)).map(lambda d: d.replace(microsecond=0)),
)
_FORMATS = st.sampled_from([None, "mmm-yy", "dd/mm/yyyy", "d mmmm yyyy", "yyyy-mm-dd h:mm", "0.00"])


@st.composite
def _sheets(draw: st.DrawFn) -> list[list[tuple[Any, bool, str | None]]]:
    rows = draw(st.integers(1, 7))
    columns = draw(st.integers(1, 5))
    return [[(draw(_VALUES), draw(st.booleans()), draw(_FORMATS)) for _ in range(draw(st.integers(0, columns)))]
            for _ in range(rows)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheet=_sheets(), skip_rows=st.sets(st.integers(1, 7), max_size=3), merge=st.booleans())
@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date:UserWarning")  # the reference reader says so
def test_workbooks_openpyxl_writes_are_read_as_openpyxl_reads_them(
    sheet: list[list[tuple[Any, bool, str | None]]], skip_rows: set[int], merge: bool
) -> None:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    row_number = 0
    for cells in sheet:
        row_number += 1 + (row_number in skip_rows)  # rows the file leaves out
        for column, (value, bold, number_format) in enumerate(cells, start=1):
            cell = ws.cell(row_number, column, value)
            cell.font = Font(bold=bold)
            if number_format:
                cell.number_format = number_format
    if merge and row_number >= 2:
        ws.merge_cells(start_row=1, start_column=1, end_row=2, end_column=1)
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "plan.xlsx"
        workbook.save(path)
        streamed = _assert_read_alike(path)
        assert sorted(streamed.extent.merged) == _merged_by_openpyxl(path)


_SHEET = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
  xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<dimension ref="A1:C3"/>
<sheetData>
<row r="1" spans="1:3"><c r="A1" t="s" s="1"><v>0</v></c><c r="B1" t="s" s="1"><v>1</v></c><!-- a comment -->
  <c r="C1" t="s"><v>2</v></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><r><rPr><b/></rPr><t>Rich </t></r><r><t xml:space="preserve">text </t></r>
  <rPh sb="0" eb="1"><t>phonetic</t></rPh></is></c><c r="B3" s="2"><v>46112</v></c><c r="C3" t="str"><f>A1</f><v>cached</v></c>
  <c r="D3" t="b"><v>1</v></c><c r="E3" t="e"><v>#N/A</v></c><c r="F3" t="d"><v>2027-03-31T00:00:00</v></c>
  <c r="G3"><v>2.50</v></c><c r="H3"><v>1E3</v></c><c r="I3" t="inlineStr"><is><t></t></is></c></row>
<row><c><v>7</v></c><c t="s"><v>1</v></c><c r="E4"><v>9</v></c><c><v>10</v></c></row>
<row r="3"><c r="A3" t="str"><v>given again</v></c></row>
<row r="6"><c r="B6" s="2"/><c r="C6" t="s"><v>3</v></c></row>
</sheetData>
<mergeCells count="1"><mergeCell ref="A1:A2"/></mergeCells>
</worksheet>"""
_STRINGS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">
<si><t>Recommendation</t></si><si><t>Lead agency</t></si><si><r><t>Target </t></r><r><t>date</t></r></si>
<si><t xml:space="preserve">  spaced  </t></si></sst>"""


def _excel_like(path: Path) -> Path:
    """A workbook as Excel writes one (shared strings), with the hand-written sheet above."""
    base = path.with_name("base.xlsx")
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws["A1"] = "x"
    ws["A1"].font = Font(bold=True)  # style 1: bold
    ws["B1"] = datetime(2026, 1, 1)
    ws["B1"].number_format = "mmm-yy"  # style 2: a month-only date
    workbook.save(base)
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = _SHEET.encode()
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats'
                                    b'.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    b"</Relationships>")
            target.writestr(item, data)
        target.writestr("xl/sharedStrings.xml", _STRINGS)
    return path


def test_what_excel_and_other_tools_write_is_read_as_openpyxl_reads_it(tmp_path: Path) -> None:
    streamed = _assert_read_alike(_excel_like(tmp_path / "excel.xlsx"))

    assert streamed.values[0] == ["Recommendation", "Lead agency", "Target date", *[None] * 6]
    assert streamed.values[2][:8] == ["Rich text ", datetime(2026, 3, 31), "cached", True, "#N/A",
                                      datetime(2027, 3, 31), 2.5, 1000.0]
    assert streamed.values[2][8] == ""
    assert streamed.values[3][:5] == [7, "Lead agency", None, None, 9]  # cells without a reference follow on
    assert streamed.values[5][:3] == [None, None, "  spaced  "]
    assert streamed.number_formats[2][1] == "mmm-yy"
    assert streamed.bold[:3] == [False, False, False]
    assert (streamed.extent.rows, streamed.extent.columns, streamed.extent.merged) == (6, 9, [(1, 1, 2, 1)])
    assert isinstance(streamed.values[2][1], datetime) and not isinstance(streamed.values[2][1], time)


def test_a_bold_section_row_is_bold_and_a_plain_one_is_not(tmp_path: Path) -> None:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append(["Police recommendations"])
    ws.append(["Recommendation", "Action", "Lead agency"])
    ws["A1"].font = Font(bold=True)
    for cell in ws[2]:
        cell.font = Font(bold=cell.column != 2)
    workbook.save(tmp_path / "bold.xlsx")

    assert _streamed(tmp_path / "bold.xlsx").bold == [True, False]


def test_a_month_typed_into_excel_still_reads_as_that_month(tmp_path: Path) -> None:
    workbook = Workbook()
    ws = workbook.active
    assert ws is not None
    ws.append(["Riverside plan"])
    ws.append(["Recommendation", "Action", "Lead agency", "Target date"])
    ws.append(["1. Police to check addresses.", "Prompt in the script.", "Police", datetime(2026, 3, 1)])
    ws["D3"].number_format = "mmm-yy"
    workbook.save(tmp_path / "month.xlsx")

    action = read_plan(tmp_path / "month.xlsx", review_code="RIV3", today=date(2026, 1, 1)).recommendations[0].actions[0]

    assert (action.target_text, action.due) == ("March 2026", date(2026, 3, 31))


@pytest.mark.parametrize("broken", [
    b"<worksheet><sheetData><row r='1'>",
    b"<worksheet>&undefined;</worksheet>",
    # A shared string past the end of the table (it has 4): openpyxl's reader let the IndexError out.
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="s"><v>99</v></c></row></sheetData></worksheet>',
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1.5"><c r="A1"><v>1</v></c></row></sheetData></worksheet>',
])
def test_broken_sheet_xml_is_a_one_line_error(tmp_path: Path, broken: bytes) -> None:
    path = _excel_like(tmp_path / "excel.xlsx")
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            target.writestr(item, broken if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename))

    from bot.plans import PlanError

    with pytest.raises(PlanError, match=r"damaged.xlsx: not a readable .xlsx"):
        read_plan(damaged, review_code="RIV3")
