"""Plans as `pdftotext -layout` gives them: columns made of spaces, cells wrapped over lines, page
furniture on every page, and year-less targets whose year the plan's date line gives."""

from __future__ import annotations

from datetime import date

from bot.plans import read_plan_text
from bot.plans.layout_text import layout_rows, looks_laid_out

TODAY = date(2031, 6, 1)  # long after the plan: a year taken from today would show

PLAN = (
    "Northgate Safer Partnership                                     RESTRICTED\n"
    "\n"
    "Review NG4 - action plan\n"
    "Plan approved 12 March 2025; targets below are for 2025 unless stated.\n"
    "\n"
    "No.  Recommendation                         Lead agency           Action                        By when\n"
    "1    Housing to flag tenancies where a      Northgate Homes       Add a flag to the             30 June\n"
    "     victim has left in a hurry.                                  housing system\n"
    "\n"
    "                                            Northgate Council     Train the allocations team    end of\n"
    "                                                                                                 August\n"
    "\n"
    "2    The ambulance service to share         Midshire Ambulance    Agree a sharing protocol      Ongoing\n"
    "     repeat call patterns with the          Service NHS Trust\n"
    "     police.\n"
    "\n"
    "NG4 plan v2                                                                          Page 1 of 2\n"
    "\fNorthgate Safer Partnership                                     RESTRICTED\n"
    "\n"
    "No.  Recommendation                         Lead agency           Action                        By when\n"
    "3    Schools to record disclosures by       Northgate Education   Update the safeguarding       30/9\n"
    "     children about abuse at home.                                log template\n"
    "\n"
    "All actions are reviewed at the quarterly partnership meeting.\n"
    "\n"
    "NG4 plan v2                                                                          Page 2 of 2\n"
)


def test_a_space_laid_table_is_recognised_and_a_tab_separated_one_is_not() -> None:
    assert looks_laid_out(PLAN)
    assert not looks_laid_out("No.\tRecommendation\tLead agency\tAction\tBy when\n1\tA\tB\tC\t30 June\n")


def test_wrapped_cells_join_and_page_furniture_is_dropped() -> None:
    cells = [row.cells for row in layout_rows(PLAN)]
    assert ["1", "Housing to flag tenancies where a victim has left in a hurry.", "Northgate Homes",
            "Add a flag to the housing system", "30 June"] in cells
    assert ["", "", "Northgate Council", "Train the allocations team", "end of August"] in cells
    flat = " ".join(" ".join(row) for row in cells)
    assert "Page 1 of 2" not in flat and "RESTRICTED" not in flat


def test_the_plan_reads_with_its_own_year_and_every_action() -> None:
    plan = read_plan_text(PLAN, review_code="NG4", today=TODAY)

    found = [(rec.number, action.lead_agency, action.due) for rec in plan.recommendations for action in rec.actions]
    assert found == [
        ("1", "Northgate Homes", date(2025, 6, 30)),
        ("1", "Northgate Council", date(2025, 8, 31)),
        ("2", "Midshire Ambulance Service NHS Trust", None),
        ("3", "Northgate Education", date(2025, 9, 30)),
    ]
    assert plan.recommendations[1].text == "The ambulance service to share repeat call patterns with the police."
