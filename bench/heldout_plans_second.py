"""A second held-out set, written after the importer changes and measured once, never tuned on.

The first set (heldout_plans.py) was written before the importer was changed, but its failures were
looked at while fixing the kinds the issue lists; this set keeps the figure honest. Same answer shape.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import docx
import openpyxl

from bench.heldout_plans import Expected, HeldOutPlan


def write_all(folder: Path) -> list[HeldOutPlan]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        _ashby_workbook(folder / "ashby.xlsx"),
        _brookside_word(folder / "brookside.docx"),
        _copeland_csv(folder / "copeland.csv"),
        _denholm_pdf_text(folder / "denholm.txt"),
    ]


def _ashby_workbook(path: Path) -> HeldOutPlan:
    book = openpyxl.Workbook()
    front = book.active
    assert front is not None
    front.title = "Front sheet"
    front["A1"] = "Ashby Community Safety Partnership"
    front["A2"] = "DHR 07 - action plan - RESTRICTED"
    sheet = book.create_sheet("DHR07 actions")
    sheet["B2"] = "DHR 07 action plan (monitoring)"
    sheet["B3"] = "Reviewed at panel: 12/09/2023"
    header = ["Rec No", "Scope", "Lead Agency", "Recommendation", "Action", "Target Date", "RAG status", "Comments"]
    for column, title in enumerate(header, start=2):
        sheet.cell(row=6, column=column, value=title)
    rows: list[list[object]] = [
        ["1", "Local", "Ashby Police", "Police to review training on stalking for call handlers.",
         "Deliver stalking input to all call handlers", dt.datetime(2023, 12, 31), "Green", ""],
        ["2", "Local", "Ashby Borough Council",
         "The council to review its homelessness assessment for victims of abuse.",
         "Revise the assessment form", "Jan-24", "Amber", "Draft with legal"],
        ["2", "Local", "Ashby Women's Aid", None, "Offer training to housing options staff",
         dt.datetime(2024, 2, 29), "Red", ""],
        ["3", "Regional", "NHS Ashby ICB", "The ICB to audit how GPs record domestic abuse disclosures.",
         "Audit 50 records across 5 practices", "Completed", "Blue", "Audit reported in July"],
    ]
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=2):
            if value is not None:
                sheet.cell(row=7 + offset, column=column, value=value)
    sheet.merge_cells("E8:E9")
    book.save(path)
    return HeldOutPlan(path, [
        Expected("1", "Police to review training", "Ashby Police", "2023-12-31"),
        Expected("2", "The council to review", "Ashby Borough Council", "2024-01"),
        Expected("2", "The council to review", "Ashby Women's Aid", "2024-02-29"),
        Expected("3", "The ICB to audit", "NHS Ashby ICB", None),
    ])


def _brookside_word(path: Path) -> HeldOutPlan:
    document = docx.Document()
    document.add_paragraph("OFFICIAL")
    document.add_heading("Brookside DHR 'Jo' Action Plan", level=1)
    document.add_paragraph("Date of last update: 5th October 2022")
    header = ["No.", "Recommendation", "Action", "Owner", "By when", "Status"]
    body: list[list[str] | str] = [
        "Overview report recommendations",
        ["1", "The partnership to develop a coercive control briefing for all agencies.",
         "Write and circulate the briefing", "Brookside CSP", "December 2022", "In progress"],
        ["2", "Agencies to ensure interpreters are used for all disclosures.",
         "Issue guidance on interpreters", "All agencies", "31/01/2023", "Not started"],
        "Agency recommendations: Brookside Probation",
        ["1", "Probation to check partner details at every supervision.",
         "Add a check to the supervision template", "Probation Service", "30 November", "Complete"],
        "Agency recommendations: Brookside Hospital Trust",
        ["1", "The Trust to train ED staff on routine enquiry.", "ED training sessions", "Brookside Hospital Trust",
         "March 2023", "In progress"],
    ]
    table = document.add_table(rows=1, cols=len(header))
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = title
    for entry in body:
        row = table.add_row()
        if isinstance(entry, str):
            row.cells[0].merge(row.cells[-1]).text = entry
        else:
            for cell, text in zip(row.cells, entry, strict=True):
                cell.text = text
    document.save(str(path))
    return HeldOutPlan(path, [
        Expected("1", "The partnership to develop", "Brookside CSP", "2022-12"),
        Expected("2", "Agencies to ensure", "All agencies", "2023-01-31"),
        Expected("1", "Probation to check", "Probation Service", "2022-11-30"),
        Expected("1", "The Trust to train", "Brookside Hospital Trust", "2023-03"),
    ])


def _copeland_csv(path: Path) -> HeldOutPlan:
    rows = [
        ["Copeland DHR 3 - action plan", "", "", "", ""],
        ["Ref", "Recommendation", "Lead organisation", "Actions", "Timescale"],
        ["3.1", "Copeland Homes to flag tenancies where abuse is disclosed.", "Copeland Homes",
         "Add a flag to the housing system", "30/06/2021"],
        ["3.2", "Adult social care to consider carers' needs in every assessment.", "Adult Social Care",
         "Update the assessment guidance", "Sept 2021"],
        ["3.3", "The CSP to publish this review's learning.", "Copeland CSP", "Publish a 7-minute briefing",
         "Ongoing"],
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return HeldOutPlan(path, [
        Expected("3.1", "Copeland Homes to flag", "Copeland Homes", "2021-06-30"),
        Expected("3.2", "Adult social care to consider", "Adult Social Care", "2021-09"),
        Expected("3.3", "The CSP to publish", "Copeland CSP", None),
    ])


def _denholm_pdf_text(path: Path) -> HeldOutPlan:
    lines = [
        "Denholm Safeguarding Partnership",
        "DHR 'Alan' - Action Plan - updated January 2020",
        "",
        "Rec\tRecommendation\tAgency\tAction\tDeadline",
        "1\tDenholm Police to improve the recording of repeat victims.\tDenholm Police\t"
        "Update the recording policy\t31st March",
        "2\tThe council to fund a specialist older people's IDVA.\tDenholm Council\t"
        "Agree funding for a pilot\tApril 2020",
        "3",
        "\t",
        "Denholm DHR Alan Action Plan\tPage 1",
        "3\tThe hospital to review its safeguarding referral form.\tDenholm Hospital\tRevise the form\t30/06/2020",
        "Denholm DHR Alan Action Plan\tPage 2",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return HeldOutPlan(path, [
        Expected("1", "Denholm Police to improve", "Denholm Police", "2020-03-31"),
        Expected("2", "The council to fund", "Denholm Council", "2020-04"),
        Expected("3", "The hospital to review", "Denholm Hospital", "2020-06-30"),
    ])
