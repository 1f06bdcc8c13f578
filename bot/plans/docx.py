"""Word plans: paragraphs before the table give the title; every table's rows are read in order.

A plan that runs over several pages is often several tables, each with the header repeated;
python-docx gives a vertically merged cell's text to every row it spans.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.plans.assemble import RawRow
from bot.plans.model import PlanError


def docx_rows(path: Path) -> list[RawRow]:
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise PlanError(path, f"not a readable .docx document ({type(exc).__name__}: {exc})") from None
    except SyntaxError as exc:  # lxml's XMLSyntaxError: broken XML inside the package
        raise PlanError(path, f"not a readable .docx document (broken XML: {type(exc).__name__})") from None
    rows: list[RawRow] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(block, document)
            if paragraph.text.strip():
                rows.append(RawRow(len(rows) + 1, [paragraph.text], _all_bold([paragraph])))
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells = list(row.cells)
                filled = [cell for cell in cells if cell.text.strip()]
                bold = bool(filled) and all(_all_bold(cell.paragraphs) for cell in filled)
                rows.append(RawRow(len(rows) + 1, [_cell_text(cell) for cell in cells], bold))
    return rows


def _cell_text(cell: _Cell) -> str:
    return "\n".join(paragraph.text for paragraph in cell.paragraphs)


def _all_bold(paragraphs: list[Paragraph]) -> bool:
    runs = [run for paragraph in paragraphs for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.bold for run in runs)
