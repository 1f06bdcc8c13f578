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
from functools import lru_cache


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
    Field.TARGET: (
        "target date", "target", "timescale", "timescales", "deadline", "due date", "=due", "by when", "=when",
        "completion date", "date due",
    ),
    Field.PROGRESS: (
        "progress",
        "date of completion",
        "summary of action taken",
        "update",
        "comments",
        "outcome and date",
    ),
    Field.STATUS: (
        "=status", "=rag", "rag status", "=current status", "=complete", "=brag", "brag rating", "brag status",
        "rag rating", "=rating", "=progress rating",
    ),
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
        "action owner",
        "=organisation",
        "lead organisation",
        "=who",
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
        "=ref no",
        "=reference",
        "=rec ref",
        "=item",
    ),
    Field.REVIEW: ("name dhr", "dhr name", "=dhr", "=review"),
    Field.SECTION: ("=section",),
    Field.ACTION: ("action", "actions", "key actions", "what we will do", "what will be done", "=what", "=task"),
    Field.RECOMMENDATION: ("recommendation", "recommendations"),
}

#: A plan needs a recommendation column, or at least refs ("Ref, Action, Owner"): the ref then stands for it.
#: The columns an export adds after the plan's own. Import reads none of them: they are the bot's, not the plan's.
BOT_HEADERS: dict[str, str] = {
    "ref": "Action ref (chaser)",
    "due": "Due date (chaser)",
    "status": "Status (chaser)",
    "chase_log": "Chase log (chaser)",
}
_BOT_HEADERS = frozenset(" ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split()) for text in BOT_HEADERS.values())


def is_bot_header(text: str) -> bool:
    return normalise_header(text) in _BOT_HEADERS


#: Review.column_headers keys for columns no field reads: "column:Notes" -> "Notes".
EXTRA_PREFIX = "column:"

REQUIRED_ONE_OF = (Field.RECOMMENDATION, Field.NUMBER)

#: `--map` may name a field by these words as well as by its own name.
FIELD_WORDS: dict[str, Field] = {
    **{f.value: f for f in Field},
    "lead": Field.LEAD, "agency": Field.LEAD, "owner": Field.LEAD, "due": Field.TARGET, "date": Field.TARGET,
    "rec": Field.RECOMMENDATION, "ref": Field.NUMBER, "no": Field.NUMBER, "rag": Field.STATUS,
    "milestones": Field.EVIDENCE, "update": Field.PROGRESS,
}


@lru_cache(maxsize=4096)
def normalise_header(text: str) -> str:
    """'Target date for\\nCompletion ' -> 'target date for completion'."""
    if text.isascii():  # the same, without a regex: every row's short cells pass here
        return " ".join(text.lower().translate(_NOT_ALNUM_TO_SPACE).split())
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.casefold()).split())


_NOT_ALNUM_TO_SPACE = {code: " " for code in range(128) if not chr(code).isdigit() and not "a" <= chr(code) <= "z"}


def _synonyms_by_first_word() -> dict[str, list[tuple[int, Field, str]]]:
    """First word -> (place in SYNONYMS' order, field, synonym): a header can only hold a synonym
    whose first word it has, so a cell is compared with those few, not with all of them."""
    index: dict[str, list[tuple[int, Field, str]]] = {}
    place = 0
    for field, synonyms in SYNONYMS.items():
        for synonym in synonyms:
            index.setdefault(synonym.lstrip("=").split()[0], []).append((place, field, synonym))
            place += 1
    return index


_BY_FIRST_WORD = _synonyms_by_first_word()


@lru_cache(maxsize=4096)
def field_for_header(text: str) -> Field | None:
    header = normalise_header(text)
    if not header:
        return None
    padded = f" {header} "
    # Sorted back into SYNONYMS' order: the first field with a matching synonym takes the column.
    candidates = sorted(entry for word in set(header.split()) for entry in _BY_FIRST_WORD.get(word, ()))
    for _place, field, synonym in candidates:
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


def parse_mapping(text: str) -> dict[str, Field]:
    """'What we will do=action,Owner=lead' -> {'what we will do': ACTION, 'owner': LEAD}.

    ValueError names the part that is not HEADER=FIELD."""
    mapping: dict[str, Field] = {}
    for part in (piece.strip() for piece in text.split(",")):
        if not part:
            continue
        header, sep, name = part.rpartition("=")
        field = FIELD_WORDS.get(normalise_header(name).replace(" ", "_"))
        if not sep or not header.strip() or field is None:
            known = ", ".join(sorted({f.value for f in Field} | {"lead", "due", "ref"}))
            raise ValueError(f"--map: {part!r} is not HEADER=FIELD with FIELD one of {known}")
        mapping[normalise_header(header)] = field
    return mapping


def map_header(cells: list[str], overrides: dict[str, Field] | None = None) -> ColumnMap | None:
    """A ColumnMap when `cells` look like a header row, else None.

    A header is a row where at least two cells name known fields and two thirds of the non-empty
    cells do: a data row whose cells happen to say "Evidence…" and "No update…" is not a header.
    `overrides` (from --map) say what a header means, ahead of the synonyms.
    """
    found: dict[Field, int] = {}
    filled = sum(1 for text in cells if text.strip())
    unrecognised = 0
    overrides = overrides or {}
    for index, text in enumerate(cells):
        if not text.strip():
            continue
        field = None
        if len(text) <= 80:  # a header is short; a long cell is data (and normalising it costs)
            if is_bot_header(text):
                continue  # an exported plan's own columns: part of the header, read by nobody
            field = overrides.get(normalise_header(text)) or field_for_header(text)
        if field is None:
            unrecognised += 1
            if unrecognised * 3 > filled:
                return None  # fewer than two thirds can be recognised: a data row (most rows stop here)
            continue
        found.setdefault(field, index)
    if len(found) < 2:
        return None
    return ColumnMap(columns=found, headers=tuple(" ".join(text.split()) for text in cells))


def missing_required(column_map: ColumnMap) -> list[Field]:
    if any(field in column_map.columns for field in REQUIRED_ONE_OF):
        return []
    return [REQUIRED_ONE_OF[0]]
