"""The xlsx, docx and csv readers give the same plan, merged cells and repeated headers included."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from bot.plans import PlanError, read_plan, read_plan_text
from bot.plans.finish import read_action_status, read_target
from bot.plans.model import ParsedPlan
from bot.rules.statuses import ActionStatus, Precision
from tests.plans.plan_files import HEADER, ROWS, write_csv, write_docx, write_xlsx

TODAY = date(2026, 11, 25)


def _summary(plan: ParsedPlan) -> list[tuple[str, str, list[tuple[str | None, str | None, str]]]]:
    return [
        (rec.number, rec.text, [(a.lead_agency, a.target_text, a.description) for a in rec.actions])
        for rec in plan.recommendations
    ]


@pytest.fixture(params=["xlsx", "docx", "csv"])
def plan_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    writer = {"xlsx": write_xlsx, "docx": write_docx, "csv": write_csv}[request.param]
    return writer(tmp_path / f"plan.{request.param}", ROWS)


def test_every_format_reads_recommendations_and_sub_actions(plan_file: Path) -> None:
    plan = read_plan(plan_file, review_code="RIV3", today=TODAY)

    assert [rec.number for rec in plan.recommendations] == ["1", "2", "3"]
    assert plan.recommendations[1].text == "Agencies to brief staff on the referral pathway."
    assert [a.lead_agency for a in plan.recommendations[1].actions] == ["RHT", "Housing"]
    first = plan.recommendations[0].actions[0]
    assert (first.due, first.precision, first.status) == (date(2026, 3, 31), Precision.DAY, ActionStatus.COMPLETE)
    assert plan.recommendations[1].actions[1].target_text == "tbc"
    assert plan.recommendations[1].actions[1].due is None
    assert plan.recommendations[2].scope == "Regional"


def test_all_formats_agree(tmp_path: Path) -> None:
    plans = [
        read_plan(write_xlsx(tmp_path / "p.xlsx", ROWS), today=TODAY),
        read_plan(write_docx(tmp_path / "p.docx", ROWS), today=TODAY),
        read_plan(write_csv(tmp_path / "p.csv", ROWS), today=TODAY),
    ]
    assert _summary(plans[0]) == _summary(plans[1]) == _summary(plans[2])


def test_xlsx_merged_recommendation_cell_applies_to_every_row_it_spans(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "merged.xlsx", ROWS, merge_repeated_recommendations=True)
    with zipfile.ZipFile(path) as archive:
        assert b"mergeCell " in archive.read("xl/worksheets/sheet1.xml")  # the fixture really merges

    plan = read_plan(path, today=TODAY)

    assert len(plan.recommendations) == 3
    assert len(plan.recommendations[1].actions) == 2


def test_xlsx_header_repeated_mid_sheet_and_bold_section_row(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "p.xlsx", ROWS, section="Individual Management Report Recommendations", repeat_header_every=2)

    plan = read_plan(path, today=TODAY)

    assert [rec.number for rec in plan.recommendations] == ["1", "2", "3"]
    assert {rec.section for rec in plan.recommendations} == {"Individual Management Report Recommendations"}


def test_docx_table_continuing_over_two_pages_with_repeated_header(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "p.docx", ROWS, split_after=3)
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml")
    assert xml.count(b"<w:tbl>") == 2 and b"vMerge" in xml  # two 'pages', a vertically merged cell

    plan = read_plan(path, today=TODAY)

    assert [rec.number for rec in plan.recommendations] == ["1", "2", "3"]
    assert [a.lead_agency for a in plan.recommendations[1].actions] == ["RHT", "Housing"]


def test_header_synonyms_and_line_breaks_in_headers(tmp_path: Path) -> None:
    header = ("Recommendation No", "Recommendation", "Key actions", "BY WHOM\nWho is going to do it?",
              "Target date for\nCompletion", "Summary of Action Taken & Date")
    rows = [("Rec 2a", "Housing to flag tenancies.", "Add a flag.", "RCH", "Sept 2026", "Flag live. Complete.")]

    plan = read_plan(write_csv(tmp_path / "p.csv", rows, header=header), today=TODAY)

    rec = plan.recommendations[0]
    assert rec.number == "2a"
    assert rec.actions[0].lead_agency == "RCH"
    assert rec.actions[0].due == date(2026, 9, 30)
    assert rec.actions[0].progress == "Flag live. Complete."


def test_corrupt_xlsx_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a workbook")

    with pytest.raises(PlanError) as caught:
        read_plan(path)

    assert caught.value.file == str(path)
    assert "not a readable .xlsx" in str(caught.value)


def test_corrupt_docx_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_text("plain text pretending to be Word")

    with pytest.raises(PlanError, match="broken.docx: not a readable .docx"):
        read_plan(path)


@pytest.mark.parametrize("suffix", [".csv", ".txt", ".xlsx"])
def test_empty_file_is_an_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")

    with pytest.raises(PlanError, match="empty"):
        read_plan(path)


def test_blank_csv_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text(",,,\n,,,\n")

    with pytest.raises(PlanError, match="empty"):
        read_plan(path)


def test_no_recognisable_header_names_what_was_found_and_what_is_needed(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [("a", "b")], header=("Name", "Colour"))

    with pytest.raises(PlanError) as caught:
        read_plan(path)

    message = str(caught.value)
    assert "no recognisable header" in message
    assert "'Name'" in message and "'Colour'" in message
    assert "'Recommendation'" in message
    assert caught.value.row == 1


def test_missing_recommendation_column_names_row_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "p.csv", [("Do it", "RP", "May 2026")], header=("Action", "Lead agency", "Target date"),
                     preamble=["Riverside plan"])

    with pytest.raises(PlanError) as caught:
        read_plan(path)

    assert caught.value.row == 2
    assert caught.value.column == "recommendation"
    assert "'Action', 'Lead agency', 'Target date'" in str(caught.value)


def test_unknown_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(b"%PDF-1.4")

    with pytest.raises(PlanError, match="unknown plan format '.pdf'"):
        read_plan(path)


def test_header_row_must_be_mostly_headers() -> None:
    from bot.plans.columns import Field, field_for_header, map_header

    assert field_for_header("Scope of recommendation (e.g. local, regional)") is Field.SCOPE
    assert field_for_header("Date of completion & outcome") is Field.PROGRESS
    assert field_for_header("OUTCOME What do we intend to achieve?") is Field.EVIDENCE
    assert field_for_header("Action Required by Agency") is Field.LEAD
    assert field_for_header("Implementation Lead") is Field.LEAD
    assert field_for_header("Timescale") is Field.TARGET
    assert field_for_header("Scope of rec i.e. local or regional") is Field.SCOPE
    assert field_for_header("Recommendation No") is Field.NUMBER
    assert map_header(["3.", "Update the progress column", "Local", "RP", "May 2026"]) is None
    assert map_header(list(HEADER)) is not None


def test_a_data_row_that_mentions_evidence_and_updates_is_not_a_header(tmp_path: Path) -> None:
    rows = [
        ("1. Police to check addresses.", "Local", "Add a prompt.", "RP", "Script", "May 2026", ""),
        ("", "Local", "Action 2: brief teams", "RHT", "Evidence of completion", "June 2026", "No update received."),
    ]

    plan = read_plan(write_csv(tmp_path / "p.csv", rows), today=TODAY)

    assert [a.lead_agency for a in plan.recommendations[0].actions] == ["RP", "RHT"]


#: Recommendations numbered past 999, written the ways plans write them (a bare number, "Rec", a dot),
#: year-shaped ones included: "2019." is a number by its dot, the bare 2020 by following 2019.
LONG_PLAN_NUMBERS = (("998", "998 Police to"), ("999", "999. Police to"), ("1000", "1000 Police to"),
                     ("1001", "Rec 1001 Police to"), ("2019", "2019. Police to"), ("2020", "2020 Police to"),
                     ("12345", "12345. Police to"), ("12346", "Recommendation No 12346: Police to"))


def _long_plan_rows() -> list[tuple[str, ...]]:
    rows = []
    for number, start in LONG_PLAN_NUMBERS:
        for step in (1, 2):
            rows.append((f"{start} check record {number}.", "Local", f"Step {step} of {number}.", "RP", "Audit",
                         "31/03/2026", ""))
    return rows


@pytest.mark.parametrize("suffix", ["xlsx", "docx", "csv", "txt"])
def test_recommendation_numbers_of_four_digits_and_more_are_read_in_every_format(tmp_path: Path, suffix: str) -> None:
    rows = _long_plan_rows()
    if suffix == "txt":
        path = tmp_path / "plan.txt"
        path.write_text("\n".join("\t".join(row) for row in [HEADER, *rows]), encoding="utf-8")
    else:
        path = {"xlsx": write_xlsx, "docx": write_docx, "csv": write_csv}[suffix](tmp_path / f"plan.{suffix}", rows)

    plan = read_plan(path, review_code="RIV3", today=TODAY)

    assert [rec.number for rec in plan.recommendations] == [number for number, _start in LONG_PLAN_NUMBERS]
    assert [[a.description for a in rec.actions] for rec in plan.recommendations] == [
        [f"Step 1 of {number}.", f"Step 2 of {number}."] for number, _start in LONG_PLAN_NUMBERS]
    assert plan.recommendations[2].text == "Police to check record 1000."


def test_a_year_at_the_start_of_a_line_is_text_unless_the_numbering_reaches_it() -> None:
    text = "\n".join("\t".join(row) for row in [
        HEADER,
        ("3. Police to review the 2019 policy", "Local", "Review it.", "RP", "Audit", "31/03/2026", ""),
        ("2019 guidance to be replaced.", "", "", "", "", "", ""),
        ("4. Housing to brief staff.", "Local", "Brief them.", "Housing", "Notes", "31/03/2026", ""),
    ])

    plan = read_plan_text(text, review_code="RIV3", today=TODAY)

    assert [rec.number for rec in plan.recommendations] == ["3", "4"]
    assert plan.recommendations[0].text == "Police to review the 2019 policy\n2019 guidance to be replaced."


def test_a_plans_targets_and_progress_notes_are_not_kept_once_it_is_read(tmp_path: Path) -> None:
    plan = read_plan(write_xlsx(tmp_path / "plan.xlsx", ROWS), review_code="RIV3", today=TODAY)

    assert plan.action_count() > 0
    assert read_target.cache_info().currsize == 0
    assert read_action_status.cache_info().currsize == 0
