"""Lead agency names as plans write them -> one Agency row each.

Plans name the same agency many ways ("LPT", "London Probation Trust (LPT)", "C33 policy team",
"POLICE"). The configured aliases on Agency rows win; a short built-in list covers abbreviations
common in published plans. A name nobody knows becomes a new Agency, so nothing is dropped.
"""

from __future__ import annotations

import re

from sqlmodel import Session, select

from bot.models import Agency

#: Abbreviations seen in published plans, in the form they appear.
BUILT_IN_ALIASES: dict[str, str] = {
    "LPT": "London Probation Trust",
    "LTP": "London Probation Trust",
    "WCC": "Warwickshire County Council",
    "NBBC": "Nuneaton and Bedworth Borough Council",
    "GEH": "George Eliot Hospital",
    "CWPT": "Coventry and Warwickshire Partnership Trust",
    "WMAS": "West Midlands Ambulance Service",
    "SWFT": "South Warwickshire NHS Foundation Trust",
    "NMUHT": "North Middlesex University Hospital NHS Trust",
    "C33": "Circle 33",
    "ELFT": "East London NHS Foundation Trust",
    "MPS": "Metropolitan Police Service",
    "LBN": "London Borough of Newham",
    "DAAT": "Drug and Alcohol Action Team",
    "CYPS": "Children and Young People's Service",
    "CPS": "Crown Prosecution Service",
    "NPS": "National Probation Service",
    "CRC": "Community Rehabilitation Company",
}

#: Words that name a person's role or a team inside an agency, not the agency.
ROLE_WORDS = frozenset(
    [
        "senior", "project", "manager", "managers", "corporate", "nursing", "head", "heads", "of", "education",
        "communications", "policy", "team", "neighbourhood", "officer", "officers", "lead", "director", "coordinator",
        "co-ordinator", "named", "nurse",
    ]
)


def clean_agency_text(text: str) -> str:
    """'London Probation Trust (LPT)' -> 'London Probation Trust'; collapse spaces and line breaks."""
    text = re.sub(r"\s+", " ", text).strip(" :;,.-–")
    without_brackets = re.sub(r"\s*\([^)]*\)", "", text).strip()
    return without_brackets or text


def canonical_agency_name(text: str, aliases: dict[str, str]) -> str:
    """The agency a lead cell names, using `aliases` (lower-cased alias or name -> canonical name).

    Tries the whole text, then the part before a dash ("Warwickshire County Council – Community
    Safety"), then the first word ("C33 policy team"), then the text with role words trimmed
    from the end ("NMUHT Senior Project Manager").
    """
    cleaned = clean_agency_text(text)
    candidates = [cleaned]
    head = re.split(r"\s+[–-]\s+", cleaned, maxsplit=1)[0]
    candidates.append(head)
    words = cleaned.split()
    if words:
        candidates.append(words[0])
    trimmed = list(words)
    while len(trimmed) > 1 and trimmed[-1].casefold() in ROLE_WORDS:
        trimmed.pop()
    candidates.append(" ".join(trimmed))
    for candidate in candidates:
        found = aliases.get(candidate.casefold())
        if found:
            return found
    return " ".join(trimmed) if trimmed else cleaned


def alias_table(agencies: list[Agency]) -> dict[str, str]:
    """Built-in aliases first, so that configured names and aliases override them."""
    table = {alias.casefold(): name for alias, name in BUILT_IN_ALIASES.items()}
    table.update({name.casefold(): name for name in BUILT_IN_ALIASES.values()})
    for agency in agencies:
        table[agency.name.casefold()] = agency.name
        for alias in agency.aliases:
            table[alias.casefold()] = agency.name
    return table


class AgencyResolver:
    """Finds or creates the Agency for lead texts within one session (caches what it found)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.by_name: dict[str, Agency] = {a.name.casefold(): a for a in session.exec(select(Agency)).all()}
        self.aliases = alias_table(list(self.by_name.values()))
        self.created: list[str] = []
        #: Lead text -> its agency, while the alias table stays as it is (a plan repeats its leads).
        self._resolved: dict[str, Agency] = {}

    def resolve(self, text: str | None) -> Agency | None:
        if not text or not text.strip():
            return None
        if text in self._resolved:
            return self._resolved[text]
        name = canonical_agency_name(text, self.aliases)
        agency = self.by_name.get(name.casefold())
        if agency is None:
            agency = Agency(name=name)
            self.session.add(agency)
            self.session.flush()
            self.by_name[name.casefold()] = agency
            self.aliases[name.casefold()] = name
            self.created.append(name)
            # A new name can change what an earlier text resolves to ("Foo Bar team" after "Foo" exists).
            self._resolved.clear()
        self._resolved[text] = agency
        return agency
