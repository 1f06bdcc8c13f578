"""What a plan says about itself that single cells do not: the year it was written, its sections' numbering.

A target written without a year ("30th June", "1st July and ongoing") means the year the plan was
written in, not the year it happens to be imported: a 2019 plan read in 2031 still means June 2019.
The plan's own date line ("Action plan agreed: March 2019", "Last updated 14 January 2025") says
when that was; failing that, the earliest target that does carry a year. Year-less targets are then
read as the next such day on or after that date.

Agency (IMR) sections often number their recommendations from 1 again. Numbers stay as written;
refs stay unique by giving each later section's recommendations a short part from the section's
name ("IMR Recommendations: Eastvale Homes" -> "EH").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date

from bot.plans.person_names import person_name_reason
from bot.rules.dates import parse_target_date
from bot.rules.statuses import Precision

_HAS_YEAR = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b")
_DATE_LINE_CUE = re.compile(
    r"\b(?:updated?|agreed|as at|dated?|progress|version|revised|final|approved|signed off|published)\b", re.IGNORECASE
)
_SECTION_FILLER = frozenset(
    {"imr", "recommendations", "recommendation", "individual", "management", "review", "reviews", "report", "reports",
     "overview", "agency", "single", "the", "of", "and", "for", "&", "from"}
)


_CLAUSE_END = re.compile(r"[.;]\s+|\s+[-–]\s+")


def _start_of(due: date, precision: Precision) -> date:
    return due.replace(month=1, day=1) if precision is Precision.YEAR else due.replace(day=1)


def plan_reference_day(preamble: Sequence[str], targets: Iterable[str]) -> date | None:
    """The day a plan was written, as far as it says: its date line, else its earliest dated target."""
    for line in preamble:
        if _HAS_YEAR.search(line) and _DATE_LINE_CUE.search(line):
            # "Agreed on 3 February 2026. All dates below fall in 2026." names two: the earlier start counts.
            found = [(parsed.precision is Precision.YEAR, _start_of(parsed.due, parsed.precision))
                     for clause in _CLAUSE_END.split(line)
                     if _HAS_YEAR.search(clause) and (parsed := parse_target_date(clause)).due is not None]
            if found:
                return min(found)[1]  # a dated clause before one that names only a year
    dated = [parsed.due for text in set(targets) if text and _HAS_YEAR.search(text)  # plans repeat their targets
             if (parsed := parse_target_date(text)).due is not None]
    return min(dated).replace(month=1, day=1) if dated else None


def section_code(section: str) -> str:
    """'IMR Recommendations: Vale Mental Health Trust' -> 'VMHT'; '' for a name that looks like a person's
    ("Ms B's GP"), whose initials must not go out in refs."""
    if person_name_reason(section):
        return ""
    name = section.rsplit(":", 1)[-1]
    words = [word for word in re.findall(r"[A-Za-z0-9']+", name) if word.casefold() not in _SECTION_FILLER]
    return "".join(word[0].upper() for word in words)


def section_ref_parts(recs: Sequence[tuple[str | None, str | None]]) -> dict[tuple[str | None, str | None], str]:
    """(number, section) -> the part refs need, for plans whose sections restart their numbering.

    Nothing changes unless one number appears in two sections; then each section after the first
    that has numbers gets its own part, the same for all its recommendations.
    """
    sections_of: dict[str, set[str | None]] = {}
    order: list[str | None] = []
    for number, section in recs:
        if number is None:
            continue
        sections_of.setdefault(number, set()).add(section)
        if section not in order:
            order.append(section)
    if not any(len(sections) > 1 for sections in sections_of.values()):
        return {}
    parts: dict[str | None, str] = {}
    taken: set[str] = {""}
    for index, section in enumerate(order):
        if index == 0:
            parts[section] = ""
            continue
        code = section_code(section or "") or f"S{index + 1}"
        candidate, suffix = code, 2
        while candidate in taken:
            candidate, suffix = f"{code}{suffix}", suffix + 1
        taken.add(candidate)
        parts[section] = candidate
    return {(number, section): parts.get(section, "") for number, section in recs}
