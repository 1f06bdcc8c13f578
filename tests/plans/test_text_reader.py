"""Pasted and PDF-extracted text: HTML bits, sections, page headers, continuation rows, numbering."""

from __future__ import annotations

from datetime import date

import pytest

from bot.plans import PlanError, read_plan_text
from bot.plans.assemble import split_number
from bot.plans.text import html_to_text

TODAY = date(2026, 11, 25)
TITLE = "Riverside DHR 3 (Adult A) Action Plan"
HEADER = "Recommendation\tScope\tAction to take\tEvidence of Achievement\tTarget date\tProgress report"

PLAN = "\n".join(
    [
        TITLE,
        "",
        HEADER,
        "<b>Riverside Police</b>\t\t\t\t\t",
        "<p>1. Police to review call handling for repeat addresses.</p>\tLocal\t<p>Update the call script.</p>"
        "\tScript signed off\t31 <sup>st</sup> March 2026\t<p>Script live.</p> <p><b>COMPLETED</b></p>",
        "2) Police to brief officers on the new script and on the\tLocal\tBrief every team.\tBriefing notes\tSept 2026\t",
        "---\t---\t---\t---\t---\t---",
        "",
        f"**{TITLE}**",
        "",
        HEADER,
        "importance of recording children present.\t\t\t\t\tFour of six teams briefed so far.",
        "**Individual Management Report Recommendations**",
        "Recommendation No 3 All agencies to share the learning.\tLocal\t<b>RHT:</b> Add it to ward training.\tTraining slides\tAutumn 2026\t",
        "\tLocal\t<b>HOUSING:</b> Brief the repairs teams.\tBriefing notes\ttbc\t",
        "\t\t\t\t\t<ul><li>• Slides drafted.</li><li>• Dates being agreed.</li></ul>",
        "Rec 9c Probation to check licence addresses.\tRegional\t<p>Add a check to the release checklist.</p>"
        "\tChecklist\ta) October 2026 b) December 2026\t",
    ]
)


def test_html_fragments_become_plain_text_with_list_items_as_lines() -> None:
    assert html_to_text("<p>31 <sup>st</sup> May</p> <p><b>DONE</b></p>") == "31st May\nDONE"
    assert html_to_text('<ul style="x"><li>• one</li> <li>• two &amp; three</li></ul>') == "one\ntwo & three"


@pytest.mark.parametrize(
    ("cell", "number", "rest"),
    [
        ("9. The board to agree", "9", "The board to agree"),
        ("1) Police to", "1", "Police to"),
        ("Recommendation No 3", "3", ""),
        ("Recommendation No. 3: Police", "3", "Police"),
        ("Rec 2a Housing", "2a", "Housing"),
        ("9c", "9c", ""),
        ("a. Not a number", None, "a. Not a number"),
        ("The school should", None, "The school should"),
    ],
)
def test_recommendation_numbering_styles(cell: str, number: str | None, rest: str) -> None:
    assert split_number(cell) == (number, rest)


def test_pasted_plan_reads_sections_numbers_and_dates() -> None:
    plan = read_plan_text(PLAN, review_code="RIV3", today=TODAY)

    assert plan.title == TITLE
    assert [rec.number for rec in plan.recommendations] == ["1", "2", "3", "9c"]
    first = plan.recommendations[0]
    assert first.section == "Riverside Police"
    assert first.actions[0].lead_agency == "Riverside Police"
    assert first.actions[0].due == date(2026, 3, 31)
    assert first.actions[0].progress == "Script live.\nCOMPLETED"
    assert first.actions[0].status == "complete"
    assert plan.recommendations[2].section == "Individual Management Report Recommendations"


def test_row_broken_over_a_page_is_joined_and_page_headers_skipped() -> None:
    plan = read_plan_text(PLAN, review_code="RIV3", today=TODAY)

    second = plan.recommendations[1]
    assert second.text.endswith("on the\nimportance of recording children present.")
    assert len(second.actions) == 1
    assert second.actions[0].progress == "Four of six teams briefed so far."


def test_continuation_rows_with_empty_first_cell_add_per_agency_sub_actions() -> None:
    plan = read_plan_text(PLAN, review_code="RIV3", today=TODAY)

    shared = plan.recommendations[2]
    assert [(a.lead_agency, a.description) for a in shared.actions] == [
        ("RHT", "Add it to ward training."),
        ("HOUSING", "Brief the repairs teams."),
    ]
    assert shared.actions[1].progress == "Slides drafted.\nDates being agreed."
    assert shared.actions[1].due is None and shared.actions[1].target_text == "tbc"


def test_lettered_target_dates_are_due_at_the_last_part() -> None:
    plan = read_plan_text(PLAN, review_code="RIV3", today=TODAY)

    assert plan.recommendations[3].actions[0].due == date(2026, 12, 31)


def test_empty_text_is_an_error() -> None:
    with pytest.raises(PlanError, match="empty"):
        read_plan_text("  \n\n", file="paste")


def test_text_without_a_header_is_an_error() -> None:
    with pytest.raises(PlanError, match="no recognisable header"):
        read_plan_text("just some notes\nabout a meeting", file="notes.txt")
