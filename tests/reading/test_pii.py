"""Masking personal data in progress text (bot/reading/pii.py), on replies in the shapes leads write."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.reading.pii import REPLACEMENT, PiiKind, is_nhs_number, is_uk_phone_number, mask_personal_data

CASES = Path(__file__).parents[1] / "data" / "pii_cases.txt"
SENDER = "priya.shah@riversidepolice.example.gov.uk"
CONTACTS = ("sam.jones@riverside.example.gov.uk", "board@riverside.example.gov.uk",
            "coordinator@riverside.example.gov.uk")
MARKER = re.compile(r"\[\[(dob|nhs|phone|email)\|(.+?)\]\]")
KINDS = {"dob": PiiKind.DATE_OF_BIRTH, "nhs": PiiKind.NHS_NUMBER, "phone": PiiKind.PHONE_NUMBER,
         "email": PiiKind.EMAIL_ADDRESS}


def marked_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]


def unmarked(line: str) -> str:
    return MARKER.sub(lambda m: m.group(2), line)


def expected(line: str) -> str:
    return MARKER.sub(lambda m: REPLACEMENT[KINDS[m.group(1)]], line)


def test_the_case_set_is_varied_enough() -> None:
    lines = marked_lines(CASES)
    assert len(lines) >= 40
    assert {m.group(1) for line in lines for m in MARKER.finditer(line)} == set(KINDS)
    assert sum(1 for line in lines if not MARKER.search(line)) >= 20  # lines where nothing may be masked


@pytest.mark.parametrize("line", marked_lines(CASES))
def test_masks_exactly_what_is_marked(line: str) -> None:
    masked = mask_personal_data(unmarked(line), [SENDER, *CONTACTS])
    assert masked.text == expected(line)
    assert set(masked.kinds) == {KINDS[m.group(1)] for m in MARKER.finditer(line)}


@pytest.mark.parametrize(("number", "valid"), [
    ("943 476 5919", True), ("9434765919", True), ("401-023-2137", True),
    ("943 476 5918", False), ("1234567890", False), ("9991234560", False),  # the check digit would be 10
])
def test_nhs_check_digit(number: str, valid: bool) -> None:
    assert is_nhs_number(number) is valid


@pytest.mark.parametrize(("number", "uk"), [
    ("07700 900123", True), ("+44 7700 900123", True), ("+44 (0)20 7946 0018", True), ("0800 123 4567", True),
    ("0 123 45", False), ("09001 234567", False), ("+44 1234", False),
])
def test_uk_phone_numbers(number: str, uk: bool) -> None:
    assert is_uk_phone_number(number) is uk


def test_known_addresses_are_compared_without_case() -> None:
    masked = mask_personal_data("Ask Sam.Jones@Riverside.example.gov.uk or x.y@z.example.org.", CONTACTS)
    assert masked.text == "Ask Sam.Jones@Riverside.example.gov.uk or [email address removed]."
    assert masked.kinds == (PiiKind.EMAIL_ADDRESS,)


def test_text_without_personal_data_comes_back_unchanged() -> None:
    text = "Done by 31 March 2027 (ref NUN1-9c-1), £12,500, 2026/27, 09:30-12:00."
    masked = mask_personal_data(text)
    assert masked.text == text and masked.spans == () and masked.kinds == ()
