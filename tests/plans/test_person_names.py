"""Names of people in a plan's headings: warned about at import, and never in a ref."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.db import session_scope
from bot.models import Partnership
from bot.plans import read_plan, read_plan_text
from bot.plans.context import section_code
from bot.plans.person_names import person_name_reason, person_name_warnings
from bot.plans.store import import_plan
from tests.plans.coordinator_files import sectioned_word_plan

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(("text", "reason"), [
    ("Adult A", "a pseudonym: 'Adult A'"),
    ("DHR into the death of Child C2", "a pseudonym: 'Child C2'"),
    ("Ms B", "a title: 'Ms B'"),
    ("IMR recommendations: Mrs. Okafor's GP practice", "a title: 'Mrs. Okafor'"),
    ("Dr Khan", "a title: 'Dr Khan'"),
    ("Jane", "a first name: 'Jane'"),
    ("Review into the death of Mary", "a death of someone: 'death of Mary'"),
    ("REVIEW INTO THE DEATH OF MARY", "a first name: 'MARY'"),
    ("Domestic Homicide Review: Jane's story", "a first name: 'Jane'"),
    ("Murder of Kowalski, 2024", "a death of someone: 'Murder of Kowalski'"),
])
def test_what_looks_like_a_person(text: str, reason: str) -> None:
    assert person_name_reason(text) == reason


@pytest.mark.parametrize("text", [
    "Riverside Police", "IMR Recommendations: Eastvale Homes", "St Mary's Hospital", "Adult Social Care",
    "Queen Elizabeth Hospital NHS Trust", "Child Protection", "Domestic Homicide Review 3", "Mary Seacole House",
    "Overview report recommendations", "GP practices", "Riverside DHR 3: action plan, March 2027",
    "Review into the death of a Riverside resident", "Royal Victoria Infirmary", "Amber actions", "Will and May",
    "Individual Management Review recommendations: Larchfield Homes", "Children's Services", "MARAC / IDVA",
])
def test_what_does_not(text: str) -> None:
    assert person_name_reason(text) is None


HEADER = ("Rec", "Recommendation", "Lead Agency", "Action", "Timescale", "RAG")


def test_a_section_named_for_a_person_gets_a_neutral_ref_part_and_a_warning(tmp_path: Path) -> None:
    body: list[list[str] | str] = [
        "Overview Report Recommendations",
        ["1", "The CSP to review the MARAC pathway.", "Larchfield CSP", "Commission a review", "31/10/2024", "Amber"],
        "IMR recommendations: Ms B's GP practice",
        ["1", "The practice to record disclosures.", "Larchfield GPs", "Add a field", "28 February 2025", "Red"],
        "IMR recommendations: Larchfield Homes",
        ["1", "Homes to train officers in DASH.", "Larchfield Homes", "DASH training", "Ongoing", "Amber"],
    ]
    plan = read_plan(sectioned_word_plan(tmp_path / "plan.docx", HEADER, body), review_code="LAR2", today=TODAY)

    # "S2" (the section's place) + "1": refs LAR2-S21-1, nothing from the name; LH from "Larchfield Homes".
    assert [rec.ref_key for rec in plan.recommendations] == ["1", "S21", "LH1"]
    assert [w for w in plan.warnings if "looks like" in w] == [
        "section \"IMR recommendations: Ms B's GP practice\" looks like it names a person (a title: 'Ms B'); its "
        "refs use the review code and numbers only: consider renaming the section in the plan"]


def test_section_codes_are_initials_unless_the_name_is_a_persons() -> None:
    assert section_code("IMR Recommendations: Vale Mental Health Trust") == "VMHT"
    assert section_code("IMR Recommendations: Mary Jones") == ""


TEXT_PLAN = """Review into the death of Adult A
Recommendation\tLead Agency\tAction\tTarget Date
1. Police to complete a DASH at every incident.\tRiverside Police\tDip-sample DASH\t30/06/2027
"""


def test_the_import_warns_about_the_title_and_a_name_like_code_and_refs_carry_neither(engine: Engine) -> None:
    plan = read_plan_text(TEXT_PLAN, review_code="JANE1", today=TODAY)
    warnings = person_name_warnings(plan)
    assert len(warnings) == 2
    assert warnings[0].startswith("the review code 'JANE1' looks like a first name")
    assert warnings[1].startswith("the review title 'Review into the death of Adult A' looks like it names a person "
                                  "(a pseudonym: 'Adult A')")
    with session_scope(engine) as session:
        partnership = Partnership(name="Riverside Community Safety Partnership")
        session.add(partnership)
        session.flush()
        assert partnership.id is not None
        report = import_plan(session, plan, partnership_id=partnership.id, source_file="plan.txt", actor="test")
    assert all(warning in report.warnings for warning in warnings)
    assert report.added == ["JANE1-1-1"]  # the code as given, then numbers: nothing from the title


def test_an_ordinary_plan_gets_no_name_warning() -> None:
    plan = read_plan_text(TEXT_PLAN.replace("Review into the death of Adult A", "Riverside DHR 3 action plan"),
                          review_code="RIV3", today=TODAY)
    assert person_name_warnings(plan) == []
