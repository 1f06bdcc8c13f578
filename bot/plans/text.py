"""Pasted or extracted text: one table row per line, cells separated by tabs.

Text taken from published PDFs keeps bits of HTML (<p>, <b>, <sup>, <li>) and markdown bold
(**…**). Paragraphs and list items become lines inside a cell; a cell or line that is bold
throughout marks a section heading.
"""

from __future__ import annotations

import html
import re

from bot.plans.assemble import RawRow

_BOLD_CELL = re.compile(r"^\s*(?:<b>|<strong>)(.*)(?:</b>|</strong>)\s*$", re.DOTALL | re.IGNORECASE)
_BREAKS = re.compile(r"<\s*(?:/?p|br|/?li|hr|/?ul|/?ol|/?div|/?tr)\b[^>]*>", re.IGNORECASE)
_SUP = re.compile(r"\s*<sup>\s*(.*?)\s*</sup>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_BULLET = re.compile(r"^[•·▪\-–]\s+")


def html_to_text(fragment: str) -> str:
    """'<p>31 <sup>st</sup> May</p><ul><li>• one</li></ul>' -> '31st May\\none'."""
    text = _SUP.sub(r"\1", fragment)
    text = _BREAKS.sub("\n", text)
    text = _TAG.sub("", text)
    text = html.unescape(text).replace("\xa0", " ")
    lines = (_BULLET.sub("", " ".join(line.split())) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _is_bold(cell: str) -> bool:
    stripped = cell.strip()
    if stripped.startswith("**") and stripped.endswith("**") and len(stripped) > 4:
        return True
    match = _BOLD_CELL.match(stripped)
    return match is not None and "<b>" not in match.group(1).lower()


def text_rows(text: str) -> list[RawRow]:
    rows: list[RawRow] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        raw_cells = line.split("\t")
        filled = [cell for cell in raw_cells if cell.strip()]
        bold = bool(filled) and all(_is_bold(cell) for cell in filled)
        cells = [html_to_text(cell.replace("**", "")) for cell in raw_cells]
        rows.append(RawRow(number, cells, bold))
    return rows
