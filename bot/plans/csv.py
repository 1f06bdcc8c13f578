"""CSV plans (as saved from Excel: maybe a BOM, maybe a semicolon, cp1252 when not UTF-8).

Below the header every row must have the header's number of fields: an unquoted "£25,000" adds
one and would shift every later cell of its row into the wrong column, silently. Such a row is an
error naming it (trailing empty fields, which Excel pads rows with, are allowed).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.plans.assemble import RawRow
from bot.plans.columns import Field, map_header
from bot.plans.model import PlanError


def csv_rows(path: Path, overrides: dict[str, Field] | None = None) -> list[RawRow]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return csv_text_rows(text, file=path, overrides=overrides)


def csv_text_rows(text: str, *, file: str | Path, overrides: dict[str, Field] | None = None) -> list[RawRow]:
    try:
        delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    rows: list[RawRow] = []
    # Only the delimiter is guessed: a sniffed quote character can be the apostrophe of a neutralised cell.
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    try:
        for cells in reader:
            rows.append(RawRow(reader.line_num, [unneutralise(cell) for cell in cells]))
    except csv.Error as exc:
        raise PlanError(file, f"not a readable CSV file: {exc}", row=reader.line_num) from None
    check_field_counts(rows, file=file, overrides=overrides)
    return rows


#: What a spreadsheet would run as a formula; an export writes such a cell with an apostrophe in front.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def unneutralise(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def check_field_counts(rows: list[RawRow], *, file: str | Path, overrides: dict[str, Field] | None = None) -> None:
    header = next((row for row in rows if map_header(row.cells, overrides) is not None), None)
    if header is None:
        return  # the importer says there is no header
    width = len(header.cells)
    while width > 1 and not header.cells[width - 1].strip():
        width -= 1
    for row in rows[rows.index(header) + 1 :]:
        filled = [index for index, cell in enumerate(row.cells) if cell.strip()]
        if not filled:
            continue
        if filled[-1] >= width:
            raise PlanError(
                file,
                f"{len(row.cells)} fields where the header has {width}: a comma inside a cell that is not "
                "quoted (e.g. £25,000) shifts the cells after it; quote that cell or remove the comma",
                row=row.number,
            )
        if len(row.cells) < width and len(row.cells) > 1:
            raise PlanError(file, f"{len(row.cells)} fields where the header has {width}", row=row.number)
