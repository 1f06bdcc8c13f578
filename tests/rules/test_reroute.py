"""Who a "not ours / new lead" reply names, among known agencies and contacts (bot.rules.reroute), and
what the coordinator is told (bot.reroute.task_summary)."""

from __future__ import annotations

import pytest

from bot.reroute import task_summary
from bot.rules.reroute import KnownAgency, KnownContact, Suggestion, suggest_new_owner

AGENCIES = [
    KnownAgency(1, "Riverside Police"),
    KnownAgency(2, "Riverside Council Housing"),
    KnownAgency(3, "Riverside Hospitals NHS Trust", ("RHT",)),
    KnownAgency(4, "Probation Service"),
    KnownAgency(5, "Clinical Commissioning Group"),
    KnownAgency(6, "Children's Services"),
]
PEOPLE = [
    KnownContact(10, "Priya Shah", 1, "U0PRIYA"),
    KnownContact(11, "Jane Okafor", 2, None),
    KnownContact(12, "Tom Okafor", 3, "U0TOM"),
    KnownContact(13, "Dr Ellis Reed", None, "U0ELLIS"),
    KnownContact(14, "Sam Boateng", 4),
    KnownContact(15, "Sam Patel", 1),
]


@pytest.mark.parametrize(("named", "expected"), [
    ("the housing team", Suggestion(2, None)),
    ("Housing", Suggestion(2, None)),
    ("the CCG", Suggestion(5, None)),  # initials of the agency's name
    ("RHT", Suggestion(3, None)),  # a configured alias
    ("Probation", Suggestion(4, None)),
    ("Childrens Services", Suggestion(6, None)),  # a typo-level difference
    ("Jane", Suggestion(2, 11)),  # a first name brings the person and their agency
    ("Jane Okafor", Suggestion(2, 11)),
    ("Jayne Okafor", Suggestion(2, 11)),
    ("Ellis Reed", Suggestion(None, 13)),
    ("<@U0TOM>", Suggestion(3, 12)),  # a Slack mention
    ("<@U0TOM|tom>", Suggestion(3, 12)),
])
def test_a_named_owner_is_matched_to_a_known_agency_or_person(named: str, expected: Suggestion) -> None:
    assert suggest_new_owner(named, AGENCIES, PEOPLE) == expected


@pytest.mark.parametrize("named", [
    None, "", "Riverside",  # fits every Riverside agency equally
    "Sam",  # two Sams: a guess could send the action to the wrong one
    "Okafor",  # a surname alone is not read as a first name
    "the Fire Service", "Mark", "<@U0NOBODY>", "the ICB",
])
def test_an_unknown_or_ambiguous_name_suggests_nothing(named: str | None) -> None:
    assert suggest_new_owner(named, AGENCIES, PEOPLE).empty


def test_the_wording_is_true_when_nobody_was_named() -> None:
    said = task_summary(None, None, None, "Riverside Police")
    assert "named nobody" in said and "re-route it to" not in said


def test_the_wording_says_a_named_owner_matched_nothing_known() -> None:
    said = task_summary("the Fire Service", None, None, "Riverside Police")
    assert "the Fire Service" in said and "matches no agency or contact" in said


def test_the_wording_suggests_a_new_contact_at_the_same_agency_or_a_re_route() -> None:
    assert task_summary("Jane", "Riverside Police", "Jane Okafor", "Riverside Police").endswith(
        "make Jane Okafor the lead contact?")
    assert task_summary("the CCG", "Clinical Commissioning Group", None, "Riverside Police").endswith(
        "re-route it to Clinical Commissioning Group?")
    assert task_summary("Jane", "Riverside Council Housing", "Jane Okafor", "Riverside Police").endswith(
        "re-route it to Riverside Council Housing (Jane Okafor)?")


def test_the_wording_says_when_the_named_owner_already_leads_it() -> None:
    said = task_summary("the Police", None, None, "Riverside Police", names_current_lead=True)
    assert "already its lead" in said and "matches no agency" not in said
