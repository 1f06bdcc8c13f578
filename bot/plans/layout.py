"""Repairs for what laying a plan out on paper breaks: a cell wrapped over lines whose lead column
holds broken words, a recommendation the plan gives no action, a number used for two recommendations."""

from __future__ import annotations

import re
from datetime import date

from bot.plans.columns import Field
from bot.plans.finish import finish_action
from bot.plans.model import ParsedAction, ParsedRecommendation

_NOT_AN_AGENCY = re.compile(r"\b(recommendations?|report|all agencies)\b", re.IGNORECASE)


def lead_from_section(section: str | None) -> str | None:
    return section if section and not _NOT_AN_AGENCY.search(section) else None


def action_from_recommendation(
    rec: ParsedRecommendation,
    agency_from_prefix: bool,
    today: date | None,
    warnings: list[str],
) -> ParsedAction:
    """A recommendation the plan gives no action: it is still to be done, so it becomes its own
    action (else it would never be chased nor shown)."""
    row = rec.source_row or 0
    warnings.append(f"row {row}: recommendation {rec.number} has no action; one is made from the recommendation itself")
    return finish_action(
        {Field.ACTION: rec.text},
        row=row,
        agency_from_prefix=agency_from_prefix,
        fallback_lead=lead_from_section(rec.section),
        today=today,
        warnings=warnings,
    )


def _words(text: str) -> set[str]:
    return {word for word in re.findall(r"[a-z0-9]+", text.casefold()) if len(word) > 3}


def same_recommendation(first: str, again: str) -> bool:
    """The same recommendation written again (repeated, shortened, or one of its parts quoted)
    shares most of its words with the first; a different one under the same number does not."""
    first_words, again_words = _words(first), _words(again)
    if not first_words or not again_words:
        return True  # a bare number again: a continuation, not a new recommendation
    shared = len(first_words & again_words)
    return shared >= 0.6 * min(len(first_words), len(again_words))


def free_number(number: str, taken: dict[str, ParsedRecommendation]) -> str:
    """'ZA3' -> 'ZA3b' (then 'ZA3c'...): a number no recommendation of this plan has."""
    for letter in "bcdefghijklmnopqrstuvwxyz":
        if f"{number}{letter}" not in taken:
            return f"{number}{letter}"
    raise ValueError(f"too many recommendations numbered {number}")


#: Lowercase tails of words a PDF broke in two: "Developm ent", "Communi cations".
_WORD_TAIL = re.compile(r"[A-Za-z]{3,} (?:[a-z]?ations?|tions?|ments?|ent|ence|ance|[a-z]{1,2})\b")
_SHORT_WORDS = frozenset({"of", "and", "to", "in", "on", "at", "by", "for", "the", "&", "co", "uk"})
_ROLE_START = re.compile(
    r"^(?:head|deputy|assistant|senior|manager|director|officer|co-?ordinator)\b",
    re.IGNORECASE,
)
_CONNECTOR_END = re.compile(r"(?:&|\band|\bof|\bfor|,|-|–)$", re.IGNORECASE)


def is_word_fragment(lead: str) -> bool:
    return (
        any(match.group(0).split()[-1] not in _SHORT_WORDS for match in _WORD_TAIL.finditer(lead)) or lead[:1].islower()
    )


def continues_lead(previous_lead: str, lead: str) -> bool:
    """'... Corporate' then 'Nursing &'; or a role ('Head of ...') inside the agency named above."""
    return bool(_CONNECTOR_END.search(previous_lead.rstrip()) or _ROLE_START.match(lead))
