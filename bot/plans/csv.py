"""CSV plans (as saved from Excel: maybe a BOM, maybe a semicolon, cp1252 when not UTF-8)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from bot.plans.assemble import RawRow
from bot.plans.model import PlanError


def csv_rows(path: Path) -> list[RawRow]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return csv_text_rows(text, file=path)


def csv_text_rows(text: str, *, file: str | Path) -> list[RawRow]:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows: list[RawRow] = []
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for cells in reader:
            rows.append(RawRow(reader.line_num, list(cells)))
    except csv.Error as exc:
        raise PlanError(file, f"not a readable CSV file: {exc}", row=reader.line_num) from None
    return rows
