"""Names of people in a plan's headings: the review's title and code, and its sections.

Reviews are about someone who died, and plans are sometimes titled with their pseudonym ("Adult A",
"Review into the death of Mary") or headed by a family member ("Ms B"). Refs go out in every chaser,
so they are made from the review code and numbers only (a section gets "S2", not its initials, when
its name looks like a person's), and the import warns so the coordinator can retitle the plan.

The test is deliberately simple and errs towards warning: a title (Mr, Mrs, Ms, Miss, Mx, Dr), a
pseudonym ("Adult A", "Child B"), "death of" a capitalised word, or a common first name that is not
part of a place or an institution ("St Mary's Hospital", "Queen Elizabeth House").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.plans.model import ParsedPlan

_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z]")
_PSEUDONYM = re.compile(
    r"\b(?i:adult|child|victim|person|subject|mother|father|family|perpetrator|individual|client|patient)"
    r"\s+[A-Z]\d?\b"
)
_DEATH_OF = re.compile(
    r"\b(?i:death|deaths|murder|homicide|killing|manslaughter)\s+(?i:of)\s+[A-Z](?:[a-z'’\-]+|\b)"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]*")  # "Jane's" -> "Jane", then "'s" is left for _PLACE_AFTER
_PLACE_BEFORE = re.compile(r"\b(?:St|Saint|Queen|King|Prince|Princess|Royal|Lady|Lord)\.?\s+$", re.IGNORECASE)
_PLACE_AFTER = re.compile(
    r"^(?:['’]s)?\s+(?:[A-Z][a-z'’\-]+\s+)?(?i:hospital|house|centre|center|court|ward|unit|trust|road|street|lane|"
    r"avenue|close|way|practice|surgery|school|academy|college|foundation|hall|lodge|project|refuge|place|"
    r"gardens|park|square|terrace|clinic|medical|health|infirmary|hospice|estate)\b"
)

# Common first names in England and Wales across the generations a review covers. Left out on purpose:
# words a plan uses for something else (May, June, April, August, Will, Mark, Grace, Hope, Faith, Joy,
# Dawn, Amber, Eve, Don, Guy, Bill, Frank, Rose, Summer, Sky).
_FIRST_NAMES_TEXT = """
Aaron Abdul Abigail Adam Adrian Agnes Ahmed Aisha Alan Albert Alex Alexander Alexandra Alfie Alice Alison Amanda
Amelia Amir Amy Andrea Andrew Angela Ann Anna Anne Annie Anthony Archie Arthur Ava Barbara Ben Benjamin Bernard
Beryl Beth Betty Brenda Brian Callum Carl Carol Caroline Catherine Charles Charlie Charlotte Chloe Christine
Christopher Claire Colin Connor Craig Daniel Darren David Dean Deborah Debra Denise Dennis Derek Diane Donna
Doreen Doris Dorothy Douglas Edith Edward Eileen Elaine Eleanor Elizabeth Ella Ellie Elsie Emily Emma Eric Ethel
Evelyn Farah Fatima Florence Frances Freddie Gail Gareth Gary Gavin Geoffrey George Georgia Gillian Gladys Glenn
Gordon Graham Hannah Harry Hazel Heather Helen Henry Hilda Holly Ian Imran Irene Isabel Isabella Isla Ivy Jack
Jacqueline Jacob Jake James Jamie Jane Janet Janice Jasmine Jason Jean Jeffrey Jennifer Jenny Jessica Joan
Joanne John Jonathan Joseph Joshua Joyce Judith Julie Karen Kate Katherine Kathleen Kayleigh Keith Kelly Kenneth
Kerry Kevin Khalid Kieran Kimberley Laura Lauren Leah Lee Leon Leslie Lewis Liam Lily Linda Lisa Logan Louise
Lucy Luke Lynne Maria Marie Margaret Marion Martin Mary Matthew Maureen Megan Melanie Michael Michelle Mildred
Mohammed Mohammad Muhammad Molly Nadia Natalie Nathan Neil Nicholas Nicola Noah Norman Oliver Olivia Oscar Pamela
Patricia Patrick Paul Pauline Peter Philip Phoebe Poppy Priya Rachel Raymond Rebecca Richard Robert Robyn Ronald
Ryan Samantha Samuel Sandra Sarah Scott Sean Sharon Shirley Simon Sophie Stacey Stephen Stuart Susan Teresa
Terence Thomas Tina Tony Tracey Tracy Trevor Valerie Vera Victoria Violet Wayne William Yasmin Yvonne Zara Zoe
"""
FIRST_NAMES = frozenset(_FIRST_NAMES_TEXT.split())


def person_name_reason(text: str) -> str | None:
    """Why `text` looks like it names a person ("a title: 'Ms B'"), or None."""
    for pattern, reason in ((_TITLE, "a title"), (_PSEUDONYM, "a pseudonym"), (_DEATH_OF, "a death of someone")):
        found = pattern.search(text)
        if found is not None:
            return f"{reason}: {_whole_words(text, found.start(), found.end())!r}"
    for word in _WORD.finditer(text):
        name = word.group()
        if not name[0].isupper() or name.title() not in FIRST_NAMES:
            continue
        if _PLACE_BEFORE.search(text[:word.start()]) or _PLACE_AFTER.match(text[word.end():]):
            continue
        return f"a first name: {name!r}"
    return None


def _whole_words(text: str, start: int, end: int) -> str:
    while end < len(text) and (text[end].isalnum()):
        end += 1
    return text[start:end]


def person_name_warnings(plan: ParsedPlan) -> list[str]:
    """Import warnings for a review code, title or section that looks like it names a person."""
    warnings = []
    code_letters = re.match(r"[A-Za-z]+", plan.review_code or "")
    if code_letters and code_letters.group().title() in FIRST_NAMES:
        warnings.append(f"the review code {plan.review_code!r} looks like a first name: it is in every ref "
                        "sent out; give a code like RIV3 with --review")
    reason = person_name_reason(plan.title) if plan.title else None
    if reason:
        warnings.append(f"the review title {plan.title!r} looks like it names a person ({reason}); messages and "
                        "refs use only the review code and numbers, but the title is kept, shown and exported: "
                        "consider retitling the plan")
    for section in _distinct(rec.section for rec in plan.recommendations):
        reason = person_name_reason(section)
        if reason:
            warnings.append(f"section {section!r} looks like it names a person ({reason}); its refs use the "
                            "review code and numbers only: consider renaming the section in the plan")
    return warnings


def _distinct(sections: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(section for section in sections if section))
