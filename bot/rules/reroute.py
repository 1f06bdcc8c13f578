"""Who a "not ours / new lead" reply names, among the agencies and contacts the bot knows.

Pure: the reader gives the owner as written ("the CCG", "Jane", "the housing team", "<@U0TOM>"),
the caller gives the known agencies and contacts as plain values, and `suggest_new_owner` says which
agency and/or contact to suggest to the coordinator, or nothing. A guess is only a suggestion (the
coordinator accepts it with one click), but a wrong one costs a click on the wrong button, so a name
that fits two agencies or two people equally well suggests neither.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz import fuzz, utils

__all__ = ["KnownAgency", "KnownContact", "Suggestion", "suggest_new_owner"]

#: How alike (rapidfuzz, 0-100) a name must be to a known agency or person to be suggested.
AGENCY_SCORE = 85
PERSON_SCORE = 88
#: Words that say what kind of body, not which one: "the housing team" is Housing.
_GENERIC = frozenset({"the", "team", "service", "services", "dept", "department", "our", "their", "colleagues", "at"})
_SMALL_WORDS = frozenset({"and", "of", "for", "the", "&"})
_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
T = TypeVar("T")


@dataclass(frozen=True)
class KnownAgency:
    id: int
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnownContact:
    id: int
    name: str
    agency_id: int | None
    slack_user_id: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Suggestion:
    agency_id: int | None = None
    contact_id: int | None = None

    @property
    def empty(self) -> bool:
        return self.agency_id is None and self.contact_id is None


def suggest_new_owner(
    named: str | None, agencies: Sequence[KnownAgency], contacts: Sequence[KnownContact]
) -> Suggestion:
    """The agency (and person, when a person is named) `named` most likely means; empty when unsure.

    A person found brings their agency with them: "copying in Jane who now leads on this" re-routes to
    Jane's agency when that is not the action's.
    """
    if not named or not named.strip():
        return Suggestion()
    person = _person(named, contacts)
    if person is not None:
        return Suggestion(person.agency_id, person.id)
    agency = _agency(named, agencies)
    return Suggestion(agency.id if agency else None, None)


def _person(named: str, contacts: Sequence[KnownContact]) -> KnownContact | None:
    mention = _MENTION.search(named)
    if mention:
        return next((c for c in contacts if c.slack_user_id == mention.group(1)), None)
    wanted = utils.default_process(named)
    if not wanted or " team" in f" {wanted}":
        return None
    words = wanted.split()
    scored: list[tuple[float, KnownContact]] = []
    for contact in contacts:
        full = utils.default_process(contact.name)
        parts = [p for p in full.split() if p not in {"dr", "mr", "mrs", "ms", "miss", "prof"}]
        if len(words) == 1:
            # A first name alone ("Jane"): only a first name that matches it, not any part of a surname.
            score = fuzz.ratio(wanted, parts[0]) if parts else 0.0
        else:
            score = fuzz.token_sort_ratio(wanted, " ".join(parts))
        if score >= PERSON_SCORE:
            scored.append((score, contact))
    return _unique_best(scored)


def _agency(named: str, agencies: Sequence[KnownAgency]) -> KnownAgency | None:
    wanted = _specific(named)
    if not wanted:
        return None
    scored: list[tuple[float, KnownAgency]] = []
    for agency in agencies:
        names = [agency.name, *agency.aliases]
        score = max(max(_agency_score(wanted, _plain(n)), _agency_score(wanted, _specific(n))) for n in names)
        if score >= AGENCY_SCORE:
            scored.append((score, agency))
    return _unique_best(scored)


def _agency_score(wanted: str, name: str) -> float:
    if wanted == name or wanted == _initials(name):
        return 100.0
    if len(wanted) <= 4 and " " not in wanted:
        # A short abbreviation matches only an abbreviation, never a look-alike word.
        return 100.0 if wanted in name.split() else 0.0
    # Every word of what the lead wrote is in the agency's name ("housing" in "Riverside Council Housing").
    return float(fuzz.token_set_ratio(wanted, name))


def _plain(text: str) -> str:
    """Lower case, no punctuation; "Children's" is one word, as people type it either way."""
    return utils.default_process(text.replace("'", "").replace("\u2019", ""))


def _specific(text: str) -> str:
    return " ".join(word for word in _plain(text).split() if word not in _GENERIC)


def _initials(name: str) -> str:
    return "".join(word[0] for word in name.split() if word not in _SMALL_WORDS)


def _unique_best(scored: list[tuple[float, T]]) -> T | None:
    if not scored:
        return None
    scored.sort(key=lambda pair: pair[0], reverse=True)
    if len(scored) > 1 and scored[1][0] >= scored[0][0] - 2:
        return None  # two equally likely: say nothing rather than guess
    return scored[0][1]
