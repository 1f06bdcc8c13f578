"""Text laid out in columns by spaces, as `pdftotext -layout` and copying from a PDF viewer give it.

There are no tabs: each table row is a block of lines whose words stand under the header's column
starts, a cell wrapping over as many lines as it needs. The header line says where the columns are;
every run of text (words separated by single spaces) belongs to the column it starts under. A row
starts at a line with something in the first column (the recommendation's number) or after a blank
line; lines between belong to it. Prose outside the table (titles, the plan's date line, notes under
it) comes through as one-cell lines, and page furniture (running headers and footers) is left to the
assembler, which drops lines repeated on every page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.plans.assemble import RawRow
from bot.plans.columns import map_header, missing_required

#: Two or more spaces end a cell's run of text; a single space is inside it.
_RUN = re.compile(r"\S+(?: \S+)*")
_DIGITS = re.compile(r"\d+")
#: How far left of its column's start a run may begin and still belong to it (centred headers).
_SLACK = 2


def looks_laid_out(text: str) -> bool:
    """True when the text has no tabs but a line that reads as a plan header once split on wide gaps."""
    return "\t" not in text and any(_header_starts(line) for line in _lines(text))


def layout_rows(text: str) -> list[RawRow]:
    rows: list[RawRow] = []
    starts: list[int] | None = None
    current: _Row | None = None
    blank_before = True

    def close() -> None:
        nonlocal current
        if current is not None:
            rows.append(RawRow(current.number, [" ".join(parts) for parts in current.cells]))
            current = None

    lines = _lines(text)
    furniture = _page_furniture(lines)
    for number, line in enumerate(lines, start=1):
        if line in furniture:
            continue
        if not line.strip():
            close()
            blank_before = True
            continue
        header = _header_starts(line)
        if header:
            close()
            starts = header
            rows.append(RawRow(number, [run for _, run in _runs(line)]))
            blank_before = False
            continue
        runs = _runs(line)
        if starts is None or _is_prose(runs, starts):
            close()
            rows.append(RawRow(number, [" ".join(run for _, run in runs)]))
            blank_before = False
            continue
        placed = _place(runs, starts)
        if current is None or blank_before or placed[0]:
            close()
            current = _Row(number, [[] for _ in starts])
        for column, text_here in enumerate(placed):
            if text_here:
                current.cells[column].append(text_here)
        blank_before = False
    close()
    return rows


@dataclass
class _Row:
    number: int
    cells: list[list[str]] = field(default_factory=list)


def _lines(text: str) -> list[str]:
    # A form feed starts each new page in pdftotext's output.
    return text.replace("\f", "\n").splitlines()


def _page_furniture(lines: list[str]) -> set[str]:
    """Running headers and footers: lines from the left margin that come again on another page, page
    numbers aside ("Plan v3      Page 1 of 2" / "Page 2 of 2"). Lines inside a table's columns never
    start at the margin, so a repeated "Ongoing" under the target column is kept."""
    seen: dict[str, list[str]] = {}
    for line in lines:
        if line.strip() and not line[0].isspace() and not _header_starts(line):
            seen.setdefault(_DIGITS.sub("#", " ".join(line.split())), []).append(line)
    return {line for same in seen.values() if len(same) > 1 for line in same}


def _runs(line: str) -> list[tuple[int, str]]:
    return [(match.start(), match.group()) for match in _RUN.finditer(line)]


def _header_starts(line: str) -> list[int] | None:
    runs = _runs(line)
    if len(runs) < 3:
        return None
    column_map = map_header([run for _, run in runs])
    if column_map is None or missing_required(column_map):
        return None
    return [start for start, _ in runs]


def _column_of(start: int, starts: list[int]) -> int:
    column = 0
    for index, column_start in enumerate(starts):
        if start + _SLACK >= column_start:
            column = index
    return column


def _place(runs: list[tuple[int, str]], starts: list[int]) -> list[str]:
    cells = [""] * len(starts)
    for start, run in runs:
        column = _column_of(start, starts)
        cells[column] = f"{cells[column]} {run}".strip()
    return cells


def _is_prose(runs: list[tuple[int, str]], starts: list[int]) -> bool:
    """One run from the left margin reaching well over the next column: a sentence, not a cell."""
    if len(runs) != 1 or len(starts) < 2:
        return False
    start, run = runs[0]
    return start < starts[1] and start + len(run) > starts[1] + _SLACK and _column_of(start, starts) == 0
