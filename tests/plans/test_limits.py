"""Crafted plan files are refused before a parser opens them, each with a one-line error naming the file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.plans import PlanError, read_plan, read_plan_text
from tests.plans.plan_files import HEADER, ROWS, write_csv, write_docx, write_xlsx

SHEET = "xl/worksheets/sheet1.xml"


def _rewrite(source: Path, target: Path, replace: dict[str, bytes], extra: int = 0) -> Path:
    """A copy of a real package with some parts replaced, written part by part (nothing big in memory)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, replace.get(item.filename, old.read(item.filename)))
        for number in range(extra):
            new.writestr(f"customXml/item{number}.xml", b"<x/>")
    return target


def _padded_part(source: Path, target: Path, part: str, padding_mb: int) -> Path:
    """`part` kept valid XML but padded with whitespace: megabytes that compress to almost nothing."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename != part:
                new.writestr(item.filename, data)
                continue
            head, tail = data.rsplit(b"</", 1)
            with new.open(part, "w", force_zip64=True) as out:
                out.write(head)
                for _ in range(padding_mb):
                    out.write(b" " * (1024 * 1024))
                out.write(b"</" + tail)
    return target


def _refused(path: Path, match: str) -> PlanError:
    with pytest.raises(PlanError, match=match) as caught:
        read_plan(path)
    assert path.name in str(caught.value) and "\n" not in str(caught.value)
    return caught.value


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_a_zip_bomb_is_refused_unopened(tmp_path: Path, fmt: str) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", ROWS) if fmt == "xlsx" else write_docx(tmp_path / "plain.docx", ROWS)
    part = SHEET if fmt == "xlsx" else "word/document.xml"
    bomb = _padded_part(plain, tmp_path / f"bomb.{fmt}", part, padding_mb=110)
    assert bomb.stat().st_size < 1024 * 1024

    _refused(bomb, "unpacks to|zip bomb")


def test_a_highly_compressed_part_is_refused_as_a_zip_bomb(tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", ROWS)
    _refused(_padded_part(plain, tmp_path / "ratio.xlsx", SHEET, padding_mb=3), "zip bomb")


def test_an_archive_of_thousands_of_parts_is_refused(tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", ROWS)
    _refused(_rewrite(plain, tmp_path / "parts.xlsx", {}, extra=1500), "parts")


def test_a_tiny_sheet_with_a_cell_at_the_last_column_and_row_is_refused(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet["XFD1048576"] = "x"
    path = tmp_path / "far.xlsx"
    book.save(path)
    assert path.stat().st_size < 10 * 1024

    _refused(path, "row 1048576, column 16384")


def test_a_sheet_whose_dimension_lies_is_still_measured_by_its_cells(tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", ROWS)
    with zipfile.ZipFile(plain) as archive:
        xml = archive.read(SHEET)
    cell = b'<row r="900000"><c r="ZZ900000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    lying = _rewrite(plain, tmp_path / "lying.xlsx", {SHEET: xml.replace(b"</sheetData>", cell, 1)})

    _refused(lying, "row 900000")


def test_a_merged_range_over_the_whole_sheet_is_refused(tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", ROWS)
    with zipfile.ZipFile(plain) as archive:
        xml = archive.read(SHEET)
    merge = b'<mergeCells count="1"><mergeCell ref="A1:XFD4"/></mergeCells>'
    if b"<mergeCells" in xml:
        start, end = xml.index(b"<mergeCells"), xml.index(b"</mergeCells>") + len(b"</mergeCells>")
        xml = xml[:start] + merge + xml[end:]
    else:
        xml = xml.replace(b"</sheetData>", b"</sheetData>" + merge, 1)
    _refused(_rewrite(plain, tmp_path / "merged.xlsx", {SHEET: xml}), "column 16384")


def test_a_docx_with_broken_xml_is_a_one_line_error(tmp_path: Path) -> None:
    plain = write_docx(tmp_path / "plain.docx", ROWS)
    with zipfile.ZipFile(plain) as archive:
        xml = archive.read("word/document.xml")
    broken = _rewrite(plain, tmp_path / "broken.docx", {"word/document.xml": xml[: len(xml) // 2]})

    _refused(broken, "not a readable .docx")


def test_an_import_over_the_action_limit_is_refused_with_the_setting_named(tmp_path: Path) -> None:
    rows = [(f"{n}. Recommendation {n}.", "Local", f"Action {n}.", "RP", "", "31/03/2026", "") for n in range(1, 31)]
    path = write_csv(tmp_path / "long.csv", rows)

    assert len(read_plan(path, review_code="RIV3").recommendations) == 30
    error = _refused_with(path, max_actions=10)
    assert "30 actions" in str(error) and "safety.max_import_actions" in str(error)
    text = "\n".join("\t".join(row) for row in [HEADER, *rows])
    with pytest.raises(PlanError, match="at most 10"):
        read_plan_text(text, review_code="RIV3", max_actions=10)


def _refused_with(path: Path, *, max_actions: int) -> PlanError:
    with pytest.raises(PlanError) as caught:
        read_plan(path, review_code="RIV3", max_actions=max_actions)
    return caught.value


def test_an_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with path.open("wb") as out:
        out.truncate(21 * 1024 * 1024)
    _refused(path, "at most 20 MB")


def test_a_sheet_after_a_cover_sheet_is_measured_too(tmp_path: Path) -> None:
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.append(["Guidance: how to fill in this plan"])
    plan = book.create_sheet("Plan")
    plan.append(HEADER)
    plan.append(ROWS[0])
    plan["ZZ3"] = "x"  # column 702: past the limit, on the sheet read after the cover
    path = tmp_path / "second.xlsx"
    book.save(path)

    _refused(path, "sheet 'Plan' reaches row 3, column 702")


def test_a_sheet_read_past_a_dimension_that_says_less(tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", ROWS)
    with zipfile.ZipFile(plain) as archive:
        xml = archive.read(SHEET)
    start = xml.index(b"<dimension ref=\"") + len(b"<dimension ref=\"")
    short = xml[:start] + b"A1" + xml[xml.index(b'"', start):]  # as some writers leave it

    plan = read_plan(_rewrite(plain, tmp_path / "short.xlsx", {SHEET: short}), review_code="X1")

    assert plan.action_count() == read_plan(plain, review_code="X1").action_count() > 0
