"""Plans as coordinators keep them: each kind the importer used to get wrong, in the format it comes in."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.plans import PlanError, read_plan, read_plan_text
from bot.plans.columns import Field, parse_mapping
from bot.plans.finish import read_target
from bot.plans.model import ParsedPlan
from bot.rules.statuses import ActionStatus
from tests.plans.coordinator_files import guidance_workbook, real_date, sectioned_word_plan
from tests.plans.plan_files import write_csv

TODAY = date(2031, 6, 1)  # long after every plan here: a year taken from today shows as wrong

OWNER_ROWS: list[list[object]] = [
    ["1", "Police to flag repeat callers.", "Audit the flags", "Larchfield Police", real_date(2025, 3, 31), "G"],
    ["1", None, "Tell the front door team", None, "30/04/2025", "Amber"],
    [],
    ["2", "Housing to record disclosures.", "Add a field to the system", "Larchfield Homes", "Mar-26", "R"],
    ["3", "GPs to be offered training.", "Commission training", "Larchfield ICB", "Complete", "Blue"],
]


@pytest.fixture
def owner_plan(tmp_path: Path) -> ParsedPlan:
    path = guidance_workbook(tmp_path / "larchfield.xlsx", OWNER_ROWS, merges=["A5:A6", "B5:B6", "D5:D6"])
    return read_plan(path, review_code="LAR1", today=TODAY)


def test_workbook_plan_is_found_behind_a_guidance_sheet_with_its_header_on_row_4(owner_plan: ParsedPlan) -> None:
    assert [rec.number for rec in owner_plan.recommendations] == ["1", "2", "3"]
    assert owner_plan.title == "Larchfield DHR 'Ann' action plan"


def test_what_we_will_do_is_the_action_and_a_merged_owner_leads_each_row(owner_plan: ParsedPlan) -> None:
    first = owner_plan.recommendations[0]
    assert [a.description for a in first.actions] == ["Audit the flags", "Tell the front door team"]
    assert [a.lead_agency for a in first.actions] == ["Larchfield Police", "Larchfield Police"]


def test_merged_rows_keep_their_own_targets(owner_plan: ParsedPlan) -> None:
    first = owner_plan.recommendations[0]
    assert [a.due for a in first.actions] == [date(2025, 3, 31), date(2025, 4, 30)]


def test_rag_values_are_statuses_and_kept_as_written(owner_plan: ParsedPlan) -> None:
    actions = [a for rec in owner_plan.recommendations for a in rec.actions]
    assert [a.status for a in actions] == [
        ActionStatus.IN_PROGRESS, ActionStatus.IN_PROGRESS, ActionStatus.NOT_STARTED, ActionStatus.COMPLETE,
    ]
    assert [a.plan_cells.get("status") for a in actions] == ["G", "Amber", "R", "Blue"]


def test_month_dash_year_is_that_month_and_complete_in_the_target_is_a_status(owner_plan: ParsedPlan) -> None:
    second, third = owner_plan.recommendations[1].actions[0], owner_plan.recommendations[2].actions[0]
    assert second.due == date(2026, 3, 31)
    assert third.due is None and third.status is ActionStatus.COMPLETE


def test_the_dry_run_knows_which_column_gave_each_field(owner_plan: ParsedPlan) -> None:
    assert owner_plan.mapping_used == [
        ("Ref", "number"), ("Recommendation", "recommendation"), ("What we will do", "action"),
        ("Owner", "lead_agency"), ("By when", "target"), ("RAG", "status"),
    ]


def test_a_plan_of_refs_and_actions_uses_the_ref_as_the_recommendation(tmp_path: Path) -> None:
    header = ("Ref", "Action", "Owner", "By when", "Notes")
    rows: list[list[object]] = [["R1", "Audit older victims' cases", "Safeguarding Adults Board", "30/06/2025", "x"],
                                ["R2", "Brief GP practices", "Larchfield ICB", "Sept 2025", ""]]
    plan = read_plan(guidance_workbook(tmp_path / "refs.xlsx", rows, header, header_row=6), today=TODAY)

    assert [(rec.number, rec.text) for rec in plan.recommendations] == [("R1", "R1"), ("R2", "R2")]
    assert plan.recommendations[0].actions[0].plan_cells == {"Notes": "x"}
    assert any("'Notes' is not read" in warning for warning in plan.warnings)


WORD_HEADER = ("Rec", "Recommendation", "Lead Agency", "Action", "Timescale", "RAG")


def _word_plan(tmp_path: Path) -> ParsedPlan:
    body: list[list[str] | str] = [
        "Overview Report Recommendations",
        ["1", "The CSP to review the MARAC pathway.", "Larchfield CSP", "Commission a review", "31/10/2024", "Amber"],
        "Individual Management Review recommendations: Larchfield Homes",
        ["1", "Homes to record disclosures.", "Larchfield Homes", "Add a field", "28 February 2025", "Red"],
        list(WORD_HEADER),
        ["2", "Homes to train officers in DASH.", "Larchfield Homes", "DASH training", "Ongoing", "Amber"],
    ]
    return read_plan(sectioned_word_plan(tmp_path / "plan.docx", WORD_HEADER, body), review_code="LAR2", today=TODAY)


def test_word_section_rows_are_sections_and_repeated_headers_are_skipped(tmp_path: Path) -> None:
    plan = _word_plan(tmp_path)

    assert [rec.text for rec in plan.recommendations] == [
        "The CSP to review the MARAC pathway.", "Homes to record disclosures.", "Homes to train officers in DASH.",
    ]
    assert plan.recommendations[1].section == "Individual Management Review recommendations: Larchfield Homes"


def test_sections_restarting_their_numbering_keep_the_numbers_and_get_a_ref_part(tmp_path: Path) -> None:
    plan = _word_plan(tmp_path)

    assert [rec.number for rec in plan.recommendations] == ["1", "1", "2"]
    assert [rec.ref_key for rec in plan.recommendations] == ["1", "LH1", "LH2"]


PDF_TEXT = """CONFIDENTIAL - not to be published
Hollins CSP action plan
Action plan agreed: March 2019
Recommendation\tLead Agency\tAction\tTarget Date
1. Police to complete a DASH at every incident.\tHollins Police\tDip-sample DASH\t30th June
Page 1 of 2
CONFIDENTIAL - not to be published
Recommendation\tLead Agency\tAction\tTarget Date
2. The hospital to display help cards.\tHollins Hospital\tCards in A&E\t1st July and ongoing
3. Housing to prioritise transfers.\tHousing to amend the allocations policy so that it is fair.\t\tSeptember 2019
Page 2 of 2
"""


def test_pdf_page_banners_and_page_numbers_are_not_sections() -> None:
    plan = read_plan_text(PDF_TEXT, review_code="HOL1", today=TODAY)

    assert [rec.number for rec in plan.recommendations] == ["1", "2", "3"]
    assert all(rec.section is None for rec in plan.recommendations)
    assert plan.title == "Hollins CSP action plan"


def test_dates_without_a_year_take_the_plans_own_year_not_todays() -> None:
    plan = read_plan_text(PDF_TEXT, review_code="HOL1", today=TODAY)

    assert [rec.actions[0].due for rec in plan.recommendations[:2]] == [date(2019, 6, 30), date(2019, 7, 1)]


def test_a_sentence_in_the_lead_column_is_a_warning_not_an_agency() -> None:
    plan = read_plan_text(PDF_TEXT, review_code="HOL1", today=TODAY)

    shifted = plan.recommendations[2].actions[0]
    assert shifted.lead_agency is None
    assert shifted.description.startswith("Housing to amend")
    assert any("row 10" in warning and "columns may have shifted" in warning for warning in plan.warnings)


def test_several_milestone_dates_in_one_cell_are_due_at_the_last() -> None:
    # Decision: one action, due when its last milestone is; the target is shown as written, so the
    # board sees every milestone, and the action is not chased as done before its last part.
    assert read_target("May 2025\nJune 2025\nSept 2025", today=TODAY)[0] == date(2025, 9, 30)


def test_csv_row_with_an_extra_field_is_an_error_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("Rec,Recommendation,Lead,Action,Deadline\n"
                    "1,Fund an IDVA,Council,Agree funding,01/10/2025\n"
                    "2,Fund a post,Council,Agree £25,000 for it,01/11/2025\n", encoding="utf-8")

    with pytest.raises(PlanError, match=r"row 3: 6 fields where the header has 5"):
        read_plan(path, review_code="K1", today=TODAY)


def test_csv_with_short_headers_and_four_digit_numbers(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "plan.csv", [("1001", "Probation to check contacts.", "Probation", "Add a check",
                                              "01/10/2025")],
                     ("Rec No", "Recommendation", "Lead", "Action", "Deadline"))

    plan = read_plan(path, review_code="K2", today=TODAY)

    assert plan.recommendations[0].number == "1001"
    assert plan.recommendations[0].actions[0].due == date(2025, 10, 1)


def test_columns_in_any_order_with_a_scope_column(tmp_path: Path) -> None:
    header = ("Lead agency", "Scope", "Target date", "Action", "Recommendation")
    path = write_csv(tmp_path / "plan.csv", [("Hollins Police", "Local", "31/12/2025", "Brief officers",
                                              "1. Police to brief officers.")], header)

    rec = read_plan(path, review_code="K3", today=TODAY).recommendations[0]

    assert (rec.number, rec.scope, rec.actions[0].lead_agency, rec.actions[0].description) == (
        "1", "Local", "Hollins Police", "Brief officers")


def test_map_names_columns_the_synonyms_do_not_know(tmp_path: Path) -> None:
    header = ("Ref", "Recommendation", "Deliverable", "Accountable body", "Target date")
    path = write_csv(tmp_path / "plan.csv", [("1", "Police to brief officers.", "Brief them", "Hollins Police",
                                              "31/12/2025")], header)

    plan = read_plan(path, review_code="K4", today=TODAY,
                     column_overrides=parse_mapping("Deliverable=action,Accountable body=lead"))

    assert plan.recommendations[0].actions[0].description == "Brief them"
    assert plan.recommendations[0].actions[0].lead_agency == "Hollins Police"


def test_map_with_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValueError, match="'Deliverable=thing' is not HEADER=FIELD"):
        parse_mapping("Deliverable=thing")
    assert parse_mapping("Owner=lead") == {"owner": Field.LEAD}


def test_map_naming_a_column_the_plan_lacks_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "plan.csv", [("1", "Police to brief.", "Brief", "31/12/2025")],
                     ("Ref", "Recommendation", "Action", "Target date"))

    with pytest.raises(PlanError, match="'tasks'"):
        read_plan(path, review_code="K5", today=TODAY, column_overrides=parse_mapping("Tasks=action"))



def test_dotted_recommendation_numbers_are_kept_whole(tmp_path: Path) -> None:
    rows = [("3.1", "Homes to flag tenancies.", "Hollins Homes", "Add a flag", "30/06/2021"),
            ("3.2", "Care to assess carers.", "Adult Social Care", "Update guidance", "Sept 2021")]
    header = ("Ref", "Recommendation", "Lead organisation", "Actions", "Timescale")
    path = write_csv(tmp_path / "plan.csv", rows, header)

    plan = read_plan(path, review_code="K6", today=TODAY)

    assert [rec.number for rec in plan.recommendations] == ["3.1", "3.2"]


def test_a_running_footer_with_a_page_number_in_its_own_cell_is_dropped() -> None:
    text = ("Rec\tRecommendation\tAgency\tAction\tDeadline\n"
            "1\tPolice to record repeat victims.\tHollins Police\tUpdate the policy\t31/03/2020\n"
            "Hollins DHR action plan\tPage 1\n"
            "2\tThe council to fund an IDVA.\tHollins Council\tAgree funding\tApril 2020\n")

    plan = read_plan_text(text, review_code="HOL2", today=TODAY)

    assert [rec.number for rec in plan.recommendations] == ["1", "2"]
    assert plan.recommendations[0].actions[0].description == "Update the policy"


def test_an_excel_date_shown_as_month_and_year_is_due_at_the_end_of_that_month(tmp_path: Path) -> None:
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Rec", "Recommendation", "Lead agency", "Action", "Target date"])
    sheet.append(["1", "Police to audit risk reviews.", "Police", "Audit 40 cases", datetime(2026, 3, 1)])
    sheet.append(["2", "Council to fund an IDVA.", "Council", "Agree funding", datetime(2026, 3, 1)])
    sheet["E2"].number_format = "mmm-yy"  # what Excel stores when someone types "Mar-26"
    sheet["E3"].number_format = "dd/mm/yyyy"
    book.save(tmp_path / "plan.xlsx")

    plan = read_plan(tmp_path / "plan.xlsx", review_code="K1", today=TODAY)

    month, day = (rec.actions[0].due for rec in plan.recommendations)
    assert (month, day) == (date(2026, 3, 31), date(2026, 3, 1))


def test_a_note_typed_under_the_table_in_its_first_column_is_not_an_action(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Owner", "By when", "What we will do", "Ref"])
    sheet.append(["Police", "31/03/2026", "Refresh the call handler training", "1.1"])
    sheet.append(["Council", "30/04/2026", "Review the decant process.", "2.1"])
    sheet.append([])
    sheet.append(["Key: the RAG column is explained on the guidance sheet. Last reviewed in January."])
    book.save(tmp_path / "plan.xlsx")

    plan = read_plan(tmp_path / "plan.xlsx", review_code="K1", today=TODAY)

    assert [(rec.number, len(rec.actions)) for rec in plan.recommendations] == [("1.1", 1), ("2.1", 1)]
    assert any("row 5: text outside the table ignored" in warning for warning in plan.warnings)
