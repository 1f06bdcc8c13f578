"""Held-out action plans for measuring the importer: written before the importer was changed, never tuned on.

Each plan is written the way a coordinator keeps one (a workbook with a guidance sheet, a Word table with agency
sections, a CSV from a shared drive, text extracted from a PDF). The answers are what a coordinator reading the
plan would say: for every action, the recommendation's number as written, the start of the recommendation's
text (the ref itself when the plan has no recommendation column), the lead agency, and the first due date
("YYYY-MM" when the plan gives only a month, None when undated).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import docx
import openpyxl


@dataclass(frozen=True)
class Expected:
    number: str
    recommendation_starts: str
    lead: str | None
    due: str | None


@dataclass(frozen=True)
class HeldOutPlan:
    path: Path
    expected: list[Expected]


def write_all(folder: Path) -> list[HeldOutPlan]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        _thornbury_workbook(folder / "thornbury.xlsx"),
        _eastvale_word(folder / "eastvale.docx"),
        _kestrel_csv(folder / "kestrel.csv"),
        _harbour_pdf_text(folder / "harbour.txt"),
        _millbrook_refs_only(folder / "millbrook.xlsx"),
    ]


def _thornbury_workbook(path: Path) -> HeldOutPlan:
    book = openpyxl.Workbook()
    guide = book.active
    assert guide is not None
    guide.title = "Guidance"
    guide["A1"] = "How to complete this action plan"
    guide["A3"] = "Agencies should update the BRAG rating and the Update column before each panel meeting."
    guide["A4"] = "B = complete, R = not started or off track, A = in progress with concerns, G = on track."
    sheet = book.create_sheet("Action Plan")
    sheet["A1"] = "DHR Thornbury (Adult A) - Action Plan"
    sheet.merge_cells("A1:H1")
    sheet["A2"] = "Last updated 14 January 2025"
    header = ["No.", "Agency", "Recommendation", "Actions", "Lead officer", "Target Date", "BRAG rating", "Update"]
    for column, title in enumerate(header, start=1):
        sheet.cell(row=4, column=column, value=title)
    rows: list[list[object]] = [
        ["1", "Police", "Thornbury Police to review how repeat callers are flagged on the control room system.",
         "Audit flags on repeat callers", "DI Sam Okafor", dt.datetime(2025, 3, 31), "G", ""],
        [None, "Children's Social Care", None, "Share audit outcome with the front door team", "Team manager",
         dt.datetime(2025, 4, 30), "A", "Delayed by restructure"],
        [],
        ["2", "Adult Social Care", "Adult Social Care to include coercive control in carers' assessments.",
         "Revise carers' assessment form", "Head of Practice", "Mar-26", "R", ""],
        ["3", "Thornbury CCG", "GPs to be offered IRIS training on asking about domestic abuse.",
         "Commission IRIS training for all practices", "Safeguarding GP lead", "Completed", "Blue",
         "All practices trained"],
        ["4", "Community Safety Partnership",
         "The partnership to publish a directory of domestic abuse services in community languages.",
         "Translate and publish the directory", "CSP manager", "15/09/2025", "Green", ""],
    ]
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=5 + offset, column=column, value=value)
    sheet.merge_cells("A5:A6")
    sheet.merge_cells("C5:C6")
    book.save(path)
    return HeldOutPlan(path, [
        Expected("1", "Thornbury Police to review", "Police", "2025-03-31"),
        Expected("1", "Thornbury Police to review", "Children's Social Care", "2025-04-30"),
        Expected("2", "Adult Social Care to include", "Adult Social Care", "2026-03"),
        Expected("3", "GPs to be offered", "Thornbury CCG", None),
        Expected("4", "The partnership to publish", "Community Safety Partnership", "2025-09-15"),
    ])


def _eastvale_word(path: Path) -> HeldOutPlan:
    document = docx.Document()
    document.add_heading("Eastvale Domestic Homicide Review 'Ruth' - Action Plan", level=1)
    document.add_paragraph("Agreed by the Community Safety Partnership, May 2024")
    header = ["Rec", "Recommendation", "Lead Agency", "Action", "Timescale", "RAG"]
    body: list[list[str] | str] = [
        "Overview Report Recommendations",
        ["1", "Eastvale CSP to commission a review of the MARAC referral pathway.", "Eastvale CSP",
         "Commission independent review of MARAC pathway", "31/10/2024", "Amber"],
        ["2", "All agencies to ensure staff know how to make a MARAC referral.", "Eastvale Police",
         "Deliver MARAC briefings to response officers", "December 2024", "Green"],
        "IMR Recommendations: Eastvale Homes",
        ["1", "Eastvale Homes to record domestic abuse disclosures on the tenancy file.", "Eastvale Homes",
         "Add a domestic abuse field to the housing system", "28 February 2025", "Red"],
        header,
        ["2", "Eastvale Homes to train neighbourhood officers in DASH.", "Eastvale Homes",
         "DASH training for all neighbourhood officers", "Ongoing", "Amber"],
        "IMR Recommendations: Vale Mental Health Trust",
        ["1", "The Trust to ask about domestic abuse at every assessment.", "Vale Mental Health Trust",
         "Add routine enquiry to the assessment template", "30/06/2025", "Green"],
    ]
    table = document.add_table(rows=1, cols=len(header))
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = title
    for entry in body:
        row = table.add_row()
        if isinstance(entry, str):
            merged = row.cells[0].merge(row.cells[-1])
            merged.text = entry
        else:
            for cell, text in zip(row.cells, entry, strict=True):
                cell.text = text
    document.save(str(path))
    return HeldOutPlan(path, [
        Expected("1", "Eastvale CSP to commission", "Eastvale CSP", "2024-10-31"),
        Expected("2", "All agencies to ensure", "Eastvale Police", "2024-12"),
        Expected("1", "Eastvale Homes to record", "Eastvale Homes", "2025-02-28"),
        Expected("2", "Eastvale Homes to train", "Eastvale Homes", None),
        Expected("1", "The Trust to ask", "Vale Mental Health Trust", "2025-06-30"),
    ])


def _kestrel_csv(path: Path) -> HeldOutPlan:
    rows = [
        ["Rec No", "Recommendation", "Lead", "What we will do", "Deadline", "Status"],
        ["1001", "Kestrel Probation to check victim contact details before each supervision, quarterly.",
         "Probation Service", "Add a contact check to the supervision template", "01/10/2025", "In progress"],
        ["1002", "Kestrel Council to fund an IDVA post based in the hospital.", "Kestrel Council",
         "Agree funding of £25,000 for a hospital IDVA", "Complete", "Complete"],
        ["1003", "Agencies to review their domestic abuse policies against the statutory guidance.", "",
         "Each agency to review and report to the board", "March 2026", "Not started"],
        ["1004", "Kestrel Hospital to ensure A&E staff ask about injuries consistent with abuse.",
         "Kestrel Hospital NHS Trust", "Audit of A&E records; refresher training", "5/1/2026", "On track"],
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return HeldOutPlan(path, [
        Expected("1001", "Kestrel Probation to check", "Probation Service", "2025-10-01"),
        Expected("1002", "Kestrel Council to fund", "Kestrel Council", None),
        Expected("1003", "Agencies to review", None, "2026-03"),
        Expected("1004", "Kestrel Hospital to ensure", "Kestrel Hospital NHS Trust", "2026-01-05"),
    ])


def _harbour_pdf_text(path: Path) -> HeldOutPlan:
    banner = "OFFICIAL - SENSITIVE - Not to be published or circulated"
    lines = [
        banner,
        "Harbour Community Safety Partnership DHR 'Mary' Action Plan",
        "Action plan agreed: March 2019",
        "",
        "Recommendation\tLead Agency\tAction\tTarget Date\tProgress",
        "1. Harbour Police to ensure officers complete a DASH at every domestic incident.\tHarbour Police\t"
        "Dip-sample DASH completion monthly\t30th June\tSampling started",
        "2. The hospital to display information about domestic abuse services in A&E.\tHarbour Hospital\t"
        "Posters and cards in A&E toilets\t1st July and ongoing\t",
        "Page 1 of 2",
        banner,
        "Recommendation\tLead Agency\tAction\tTarget Date\tProgress",
        "3. Housing to prioritise transfer requests where abuse is disclosed.\tHarbour Housing\t"
        "Amend the allocations policy\tSeptember 2019\t",
        "4. The CSP to share this review's learning at a partnership event.\tHarbour CSP\t"
        "Hold a learning event\t31/12/2019\t",
        "Page 2 of 2",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return HeldOutPlan(path, [
        Expected("1", "Harbour Police to ensure", "Harbour Police", "2019-06-30"),
        Expected("2", "The hospital to display", "Harbour Hospital", "2019-07-01"),
        Expected("3", "Housing to prioritise", "Harbour Housing", "2019-09"),
        Expected("4", "The CSP to share", "Harbour CSP", "2019-12-31"),
    ])


def _millbrook_refs_only(path: Path) -> HeldOutPlan:
    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Cover"
    cover["B2"] = "Millbrook Safeguarding Partnership"
    cover["B3"] = "Domestic Homicide Review: Mr C"
    cover["B5"] = "Version 3"
    sheet = book.create_sheet("Actions")
    sheet["A1"] = "Millbrook DHR Mr C - actions"
    sheet["A3"] = "Status key: Red / Amber / Green / Complete"
    header = ["Ref", "Action", "Owner", "By when", "RAG", "Notes"]
    for column, title in enumerate(header, start=1):
        sheet.cell(row=5, column=column, value=title)
    rows: list[list[object]] = [
        ["R1", "Carry out a multi-agency audit of cases involving older victims", "Millbrook Safeguarding Adults Board",
         dt.datetime(2025, 6, 30), "Amber", ""],
        ["R2", "Add older people's services to the domestic abuse strategy", "Community Safety Partnership",
         "30/09/2025", "Red", ""],
        ["R3", "Brief GP practices on carer stress and abuse", "Millbrook ICB", "Complete", "Complete", "Done at PLT"],
    ]
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            sheet.cell(row=6 + offset, column=column, value=value)
    book.save(path)
    return HeldOutPlan(path, [
        Expected("R1", "R1", "Millbrook Safeguarding Adults Board", "2025-06-30"),
        Expected("R2", "R2", "Community Safety Partnership", "2025-09-30"),
        Expected("R3", "R3", "Millbrook ICB", None),
    ])
