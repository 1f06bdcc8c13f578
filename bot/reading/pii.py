"""Masking personal data in progress text before it is stored: dates of birth, NHS numbers, UK phone
numbers and the mail addresses of third parties.

A lead's reply ends up in the action's progress, the console, exports and board digests; the
people a review is about must not. What is masked is what a plain pattern can tell apart from the
dates, refs, amounts and years a plan is full of:

- a date of birth only when the text says it is one ("DOB 12/03/1985", "born 3 March 1985", "date of
  birth: ..."): a bare date is a target date far more often than a birthday;
- an NHS number when its modulus-11 check digit is right (so about one other 10-digit number in eleven
  is masked too), or when the text calls it an NHS number;
- a UK phone number: 10 or 11 digits starting 01, 02, 03, 05, 07 or 08, or the +44 forms;
- a mail address that is neither the sender's own nor a known contact's.

Each is replaced by a bracketed note saying what was removed, so the sentence still reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class PiiKind(StrEnum):
    DATE_OF_BIRTH = "date_of_birth"
    NHS_NUMBER = "nhs_number"
    PHONE_NUMBER = "phone_number"
    EMAIL_ADDRESS = "email_address"


REPLACEMENT = {
    PiiKind.DATE_OF_BIRTH: "[date of birth removed]",
    PiiKind.NHS_NUMBER: "[NHS number removed]",
    PiiKind.PHONE_NUMBER: "[phone number removed]",
    PiiKind.EMAIL_ADDRESS: "[email address removed]",
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: PiiKind


@dataclass(frozen=True)
class Masked:
    text: str
    spans: tuple[Span, ...]  # where, in the original text, each masked item was

    @property
    def kinds(self) -> tuple[PiiKind, ...]:
        """The kinds masked, each once, in a fixed order (for an audit event: kinds, never values)."""
        found = {span.kind for span in self.spans}
        return tuple(kind for kind in PiiKind if kind in found)


_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_ORDINAL = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}"  # 1988-05-17
    rf"|\d{{1,2}}[/.\-]\d{{1,2}}[/.\-](?:\d{{4}}|\d{{2}})"  # 12/03/1985, 5.6.90
    rf"|{_ORDINAL}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}"  # 3 March 1985, 9th of February 1975
    rf"|{_MONTH}\s+{_ORDINAL},?\s+\d{{4}}"  # March 3rd, 1985
    rf"|{_MONTH}\s+\d{{4}})"  # March 1985
)
_DOB_CUE = (r"(?:d\.?\s?o\.?\s?b\b\.?|date\s+of\s+birth|birth\s?date|born(?:\s+on)?)"
            r"(?:\s*(?:is|was|[:\-–=])\s*|\s+)")
_DATE_OF_BIRTH = re.compile(rf"\b{_DOB_CUE}{_DATE}(?![\d/.\-]*\d)", re.IGNORECASE)

# Ten digits as 3-3-4 (spaces or hyphens) or run together, not part of a longer number or amount.
_TEN_DIGITS = r"\d{3}[ \-]?\d{3}[ \-]?\d{4}"
_NHS_CUE = re.compile(r"\bnhs\s*(?:no\b\.?|number|num\b\.?|#)?\s*[:\-]?\s*$", re.IGNORECASE)
_NHS_CANDIDATE = re.compile(rf"(?<![\w£$€.,/\-]){_TEN_DIGITS}(?![\w/\-]|[.,]\d)")

# +44 7700 900123, +44 (0)1632 960832, 07700 900123, (01632) 960555, 0161-496-0000.
_PHONE_CANDIDATE = re.compile(
    r"(?<![\w£$€.,/\-+])(?:\+44\s?(?:\(0\)\s?)?|\(0|0)\d(?:[ \-]?\)?[ \-]?\d){7,10}(?![\w/\-]|[.,]\d)"
)
_UK_NATIONAL_PREFIXES = ("01", "02", "03", "05", "07", "08")

_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+'\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+", re.IGNORECASE)


def mask_personal_data(text: str, known_addresses: Iterable[str | None] = ()) -> Masked:
    """`text` with the personal data above replaced; `known_addresses` (the sender's own and the
    contacts') are left as they are."""
    known = {address.strip().casefold() for address in known_addresses if address}
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []

    def claim(start: int, end: int, kind: PiiKind) -> None:
        if any(start < other_end and other_start < end for other_start, other_end in taken):
            return
        taken.append((start, end))
        spans.append(Span(start, end, kind))

    for match in _EMAIL.finditer(text):
        address = match.group().rstrip(".'")
        if address.casefold() not in known:
            claim(match.start(), match.start() + len(address), PiiKind.EMAIL_ADDRESS)
    for match in _DATE_OF_BIRTH.finditer(text):
        claim(match.start(), match.end(), PiiKind.DATE_OF_BIRTH)
    for match in _NHS_CANDIDATE.finditer(text):
        before = max(0, match.start() - 20)
        cue = _NHS_CUE.search(text[before:match.start()])
        if cue is not None:  # "NHS no. 123 456 7890": masked whole, check digit or not (a typo is still one)
            claim(before + cue.start(), match.end(), PiiKind.NHS_NUMBER)
        elif is_nhs_number(match.group()):
            claim(match.start(), match.end(), PiiKind.NHS_NUMBER)
    for match in _PHONE_CANDIDATE.finditer(text):
        if is_uk_phone_number(match.group()):
            claim(match.start(), match.end(), PiiKind.PHONE_NUMBER)
    spans.sort(key=lambda span: span.start)
    masked, position = [], 0
    for span in spans:
        masked.append(text[position:span.start])
        masked.append(REPLACEMENT[span.kind])
        position = span.end
    masked.append(text[position:])
    return Masked("".join(masked), tuple(spans))


def is_nhs_number(text: str) -> bool:
    """Ten digits whose last is the NHS modulus-11 check digit of the other nine."""
    digits = [int(c) for c in text if c.isdigit()]
    if len(digits) != 10:
        return False
    remainder = sum(digit * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = (11 - remainder) % 11
    return check != 10 and check == digits[9]


def is_uk_phone_number(text: str) -> bool:
    """A UK number written nationally (0...) or internationally (+44...): 10 or 11 digits from 0."""
    digits = "".join(c for c in text if c.isdigit())
    if text.startswith("+44"):
        digits = "0" + digits[2:].removeprefix("0")
    return 10 <= len(digits) <= 11 and digits.startswith(_UK_NATIONAL_PREFIXES)
