"""Which column holds what: real plans name the same thing in many ways.

Headers are compared after folding case, punctuation and line breaks, and may carry extra words
("ACTION What are we going to do?"). Fields are tried in a fixed order because headers overlap:
"Scope of recommendation" is the scope, not the recommendation, and "Date of completion &
outcome" is progress, not evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Field(StrEnum):
    SCOPE = "scope"
    TARGET = "target"
    PROGRESS = "progress"
    STATUS = "status"
    LEAD = "lead_agency"
    EVIDENCE = "evidence"
    NUMBER = "number"
    REVIEW = "review"  # which review a row belongs to, in plans that combine several
    SECTION = "section"
    ACTION = "action"
    RECOMMENDATION = "recommendation"


#: Tried in this order; the first field with a matching synonym takes the column.
#: A synonym starting with "=" must be the whole header; others may have words around them.
SYNONYMS: dict[Field, tuple[str, ...]] = {
    Field.SCOPE: ("scope", "local or regional", "=level"),
    Field.TARGET: ("target date", "target", "timescale", "timescales", "deadline", "due date", "=due", "by when"),
    Field.PROGRESS: (
        "progress",
        "date of completion",
        "summary of action taken",
        "update",
        "comments",
        "outcome and date",
    ),
    Field.STATUS: ("=status", "=rag", "rag status", "=current status", "=complete"),
    Field.LEAD: (
        "lead agency",
        "by whom",
        "implementation lead",
        "action required by agency",
        "=agency",
        "=lead",
        "responsible agency",
        "lead officer",
        "responsible",
        "=owner",
    ),
    Field.EVIDENCE: ("evidence", "milestones", "milestone", "outcome", "success measure", "measure of success"),
    Field.NUMBER: (
        "recommendation no",
        "recommendation number",
        "rec no",
        "rec number",
        "=no",
        "=number",
        "=ref",
        "=rec",
    ),
    Field.REVIEW: ("name dhr", "dhr name", "=dhr", "=review"),
    Field.SECTION: ("=section",),
    Field.ACTION: ("action", "actions", "key actions"),
    Field.RECOMMENDATION: ("recommendation", "recommendations"),
}

REQUIRED = (Field.RECOMMENDATION,)


def normalise_header(text: str) -> str:
    """'Target date for\\nCompletion ' -> 'target date for completion'."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


def field_for_header(text: str) -> Field | None:
    header = normalise_header(text)
    if not header:
        return None
    padded = f" {header} "
    for field, synonyms in SYNONYMS.items():
        for synonym in synonyms:
            if synonym.startswith("="):
                if header == synonym[1:]:
                    return field
            elif f" {synonym} " in padded:
                return field
    return None


@dataclass(frozen=True)
class ColumnMap:
    """Field -> column index, plus the header texts as found (for error messages)."""

    columns: dict[Field, int]
    headers: tuple[str, ...]

    def get(self, cells: list[str], field: Field) -> str:
        index = self.columns.get(field)
        if index is None or index >= len(cells):
            return ""
        return cells[index]


def map_header(cells: list[str]) -> ColumnMap | None:
    """A ColumnMap when `cells` look like a header row, else None.

    A header is a row where at least two cells name known fields and two thirds of the non-empty
    cells do: a data row whose cells happen to say "Evidence…" and "No update…" is not a header.
    """
    found: dict[Field, int] = {}
    filled = [text for text in cells if text.strip()]
    recognised = 0
    for index, text in enumerate(cells):
        field = field_for_header(text) if len(text) <= 80 else None
        if field is None:
            continue
        recognised += 1
        found.setdefault(field, index)
    if len(found) < 2 or recognised * 3 < len(filled) * 2:
        return None
    return ColumnMap(columns=found, headers=tuple(" ".join(text.split()) for text in cells))


def missing_required(column_map: ColumnMap) -> list[Field]:
    return [field for field in REQUIRED if field not in column_map.columns]
