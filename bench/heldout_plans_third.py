"""A third held-out set of action plans, written by someone who has not seen the importer. Measure once.

Same answer shape as heldout_plans.py: for every action, the recommendation's number as written, the start of
the recommendation's text (the ref itself when the plan has no recommendation column), the lead agency as
written, and the due date a coordinator would read. Unlike the first two sets, `due` is always a full ISO date:
the last day of the month, quarter (UK financial year: Q1 = April-June) or season meant, None when undated
('Ongoing', 'Complete', 'TBC'). All partnerships, people and places are invented.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import docx
import openpyxl
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl.styles import Alignment, Font, PatternFill

from bench.heldout_plans import Expected, HeldOutPlan


def write_all(folder: Path) -> list[HeldOutPlan]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        _hollinsford_workbook(folder / "hollinsford.xlsx"),
        _marlowe_word(folder / "marlowe_vale.docx"),
        _penhallow_csv(folder / "penhallow.csv"),
        _kestrel_pdf_text(folder / "kestrel_bay.txt"),
        _thornbury_workbook(folder / "thornbury_fold.xlsx"),
    ]


def _hollinsford_workbook(path: Path) -> HeldOutPlan:
    """Plan on the third sheet, header on row 5, odd column order, no recommendation column, merged cells."""
    book = openpyxl.Workbook()
    guide = book.active
    assert guide is not None
    guide.title = "How to use"
    guide["A1"] = "Hollinsford Safer Communities Partnership"
    guide["A3"] = "Please update the Progress column only. RAG: R = not started / off track, A = under way, G = done."
    guide["A4"] = "Send updates to the DHR coordinator by the 1st of each month."
    contacts = book.create_sheet("Contacts")
    for row in [
        ["Agency", "Named contact", "Email"],
        ["Hollinsford Police", "DS Maya Thorne", "m.thorne@hollinsford-police.example.org"],
        ["Hollinsford and Dene NHS Trust", "Ruth Abara", "ruth.abara@hdnhs.example.org"],
        ["Hollinsford Borough Council - Housing", "Pete Wainwright", "p.wainwright@hollinsford.example.gov.uk"],
    ]:
        contacts.append(row)
    sheet = book.create_sheet("DHR 'Tess' plan")
    sheet["A1"] = "Domestic Homicide Review 'Tess' (HSCP/DHR/09)"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = "Action plan - version 3, agreed at the DHR panel 19/01/2026"
    sheet["A3"] = "OFFICIAL - SENSITIVE"
    header = ["Owner", "By when", "What we will do", "Ref", "Progress", "RAG"]
    for column, title in enumerate(header, start=1):
        cell = sheet.cell(row=5, column=column, value=title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
    rows: list[list[object]] = [
        ["Hollinsford Police", dt.datetime(2026, 3, 31),
         "Refresh call handler training on recognising coercive control in 999 and 101 calls", "1.1",
         "Two of five cohorts trained", "A"],
        [None, "Jun-26", "Add a repeat-caller prompt to the control room system for DA-flagged addresses", "1.2",
         "Change request raised with IT", "A"],
        [None, "Ongoing", "Dip-sample DA incident logs each quarter for evidence of coercive control being recorded",
         "1.3", "", "G"],
        ["Hollinsford and Dene NHS Trust", "Q2 2026/27",
         "Introduce routine enquiry about domestic abuse in the maternity booking appointment", "2.1",
         "Draft SOP written", "A"],
        [None, None, "Audit 40 maternity records for routine enquiry being asked and recorded", "2.2", "", "R"],
        ["Hollinsford Borough Council - Housing", "31/10/2026",
         "Review the decant process so that victims are not placed near the perpetrator's known addresses", "3.1",
         "Not started - waiting for new housing register system", "R"],
    ]
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            if value is not None:
                cell = sheet.cell(row=6 + offset, column=column, value=value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if isinstance(value, dt.datetime):
                    cell.number_format = "dd/mm/yyyy"
    sheet.merge_cells("A6:A8")  # police owns three actions
    sheet.merge_cells("A9:A10")  # trust owns two
    sheet.merge_cells("B9:B10")  # one date for both trust actions
    sheet["A13"] = "Key: see 'How to use' sheet. Last reviewed by the panel chair 19/01/2026."
    book.save(path)
    return HeldOutPlan(path, [
        Expected("1.1", "1.1", "Hollinsford Police", "2026-03-31"),
        Expected("1.2", "1.2", "Hollinsford Police", "2026-06-30"),
        Expected("1.3", "1.3", "Hollinsford Police", None),
        Expected("2.1", "2.1", "Hollinsford and Dene NHS Trust", "2026-09-30"),
        Expected("2.2", "2.2", "Hollinsford and Dene NHS Trust", "2026-09-30"),
        Expected("3.1", "3.1", "Hollinsford Borough Council - Housing", "2026-10-31"),
    ])


def _repeat_as_header(row) -> None:  # type: ignore[no-untyped-def]
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


def _marlowe_word(path: Path) -> HeldOutPlan:
    """Agency sections as full-width rows; the header row is typed again after a page break."""
    document = docx.Document()
    document.add_paragraph("OFFICIAL - SENSITIVE: not for onward circulation")
    document.add_heading("Marlowe Vale Community Safety Partnership", level=1)
    document.add_heading("Domestic Homicide Review into the death of 'Irene' - Action Plan", level=2)
    document.add_paragraph("Status at: 2 March 2026. Owners are asked to update the final column before each panel.")
    header = ["Rec", "Recommendation", "Actions to deliver it", "Lead", "Target date", "Update"]
    body: list[list[str] | str] = [
        "Marlowe Vale Police",
        ["1", "Marlowe Vale Police to make sure that officers attending domestic incidents speak to the victim "
              "away from the suspect, including where an interpreter is needed.",
         "Revise the DA attendance checklist", "Marlowe Vale Police", "30th April 2026", "Draft with Head of PPU"],
        ["", "", "Brief all response and neighbourhood sergeants on the revised checklist", "Marlowe Vale Police",
         "End of May 2026", ""],
        ["2", "The police to review how breaches of bail conditions in DA cases are recorded and acted on.",
         "Audit 30 breach reports from 2025", "Marlowe Vale Police", "31/07/2026", "Not started"],
        "Marlowe Vale Adult Social Care",
        ["3", "Adult social care to ensure that carers' assessments explore whether the carer is at risk of "
              "abuse from the person they care for.",
         "Add a safety question to the carer's assessment form", "", "June 2026", "IT change booked"],
        ["4", "Adult social care to offer safeguarding supervision to all reablement staff.",
         "Set up quarterly group supervision", "Marlowe Vale Adult Social Care", "Autumn 2026", ""],
        "PAGE BREAK",
        "GP practices (commissioned via Marlowe and Wickham ICB)",
        ["5", "The ICB to remind GP practices that a patient's disclosure of abuse must be recorded as a coded "
              "entry and not only in free text.",
         "Issue a practice bulletin and add to the GP safeguarding forum agenda", "Marlowe and Wickham ICB",
         "Q1 2026/27", ""],
        ["6", "The ICB to seek assurance that practices follow up missed appointments for patients known to be "
              "victims.",
         "Include in the annual safeguarding self-assessment (s11 audit)", "Marlowe and Wickham ICB",
         "Ongoing", "Included in 2026 audit tool"],
    ]
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = title
    _repeat_as_header(table.rows[0])
    for entry in body:
        if entry == "PAGE BREAK":
            # what a converted PDF or a pasted table leaves behind: the header typed again on the new page
            row = table.add_row()
            for cell, title in zip(row.cells, header, strict=True):
                cell.text = title
            row.cells[0].paragraphs[0].paragraph_format.page_break_before = True
            continue
        row = table.add_row()
        if isinstance(entry, str):
            row.cells[0].merge(row.cells[-1]).text = entry
        else:
            for cell, text in zip(row.cells, entry, strict=True):
                cell.text = text
    document.add_paragraph("")
    document.add_paragraph("Plan owner: DHR Coordinator, Marlowe Vale CSP. Next review: panel of 14 May 2026.")
    document.save(str(path))
    police_rec1 = "Marlowe Vale Police to make sure"
    return HeldOutPlan(path, [
        Expected("1", police_rec1, "Marlowe Vale Police", "2026-04-30"),
        Expected("1", police_rec1, "Marlowe Vale Police", "2026-05-31"),
        Expected("2", "The police to review how breaches", "Marlowe Vale Police", "2026-07-31"),
        Expected("3", "Adult social care to ensure that carers'", "Marlowe Vale Adult Social Care", "2026-06-30"),
        Expected("4", "Adult social care to offer", "Marlowe Vale Adult Social Care", "2026-11-30"),
        Expected("5", "The ICB to remind GP practices", "Marlowe and Wickham ICB", "2026-06-30"),
        Expected("6", "The ICB to seek assurance", "Marlowe and Wickham ICB", None),
    ])


def _penhallow_csv(path: Path) -> HeldOutPlan:
    """Saved from Excel as 'CSV UTF-8': a BOM, title rows padded with commas, quoted multi-line cells."""
    rows = [
        ["Penhallow Community Safety Partnership - DHR 'Kit' - Action Plan", "", "", "", "", ""],
        ["Last updated 11/02/2026 by the DHR coordinator", "", "", "", "", ""],
        ["", "", "", "", "", ""],
        ["Rec No", "Recommendation", "Agency", "Action(s)", "Target Date", "Status / Evidence"],
        ["1.1", "Penhallow Homes to train all housing officers to recognise economic abuse,\n"
                "including control of rent payments and benefit claims.",
         "Penhallow Homes", "- Commission training from a specialist provider\n- Make it mandatory for new starters",
         "31/05/2026", "Provider chosen"],
        ["1.2", "Penhallow Homes to add a domestic abuse question to the rent arrears process.",
         "Penhallow Homes", "Update the arrears script and letters", "Sept 2026", ""],
        ["2.1", "The hospital trust to make sure safeguarding referrals from the emergency department\n"
                "are followed up when the patient self-discharges.",
         "Penhallow and Tamar Hospitals NHS Trust",
         "Add a self-discharge prompt to the ED safeguarding pathway\n(see ED SOP section 4)", "30/04/2026",
         "In progress\nSOP redrafted 02/2026"],
        ["2.2", "The hospital trust to audit compliance with the revised pathway.",
         "Penhallow and Tamar Hospitals NHS Trust", "Audit 25 records", "TBC", ""],
        ["3.1", "Probation to share risk information with the IDVA service when a perpetrator is released.",
         "Probation Service - Penhallow PDU", "Agree an information sharing routine with the IDVA service",
         "28/02/2026", "Complete - agreed at MARAC steering group"],
        ["3.2", "Probation to check for new relationships at every supervision session.",
         "Probation Service - Penhallow PDU", "Reminder in team briefing; spot-check 10 case records",
         "30/06/2026", ""],
    ]
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        csv.writer(handle, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerows(rows)
    return HeldOutPlan(path, [
        Expected("1.1", "Penhallow Homes to train", "Penhallow Homes", "2026-05-31"),
        Expected("1.2", "Penhallow Homes to add", "Penhallow Homes", "2026-09-30"),
        Expected("2.1", "The hospital trust to make sure", "Penhallow and Tamar Hospitals NHS Trust", "2026-04-30"),
        Expected("2.2", "The hospital trust to audit", "Penhallow and Tamar Hospitals NHS Trust", None),
        Expected("3.1", "Probation to share risk", "Probation Service - Penhallow PDU", "2026-02-28"),
        Expected("3.2", "Probation to check for new", "Probation Service - Penhallow PDU", "2026-06-30"),
    ])


def _kestrel_pdf_text(path: Path) -> HeldOutPlan:
    """What pdftotext -layout gives for a two-page plan: running header/footer, wrapped cells, year-less dates."""
    head = "Kestrel Bay Community Safety Partnership                                      OFFICIAL-SENSITIVE"
    columns = "Rec   Recommendation                            Lead agency            Action                      Target"
    page1 = [
        head,
        "",
        "Domestic Homicide Review 'Mae' - Action Plan",
        "Agreed by the CSP Board on 3 February 2026. All target dates below fall in 2026.",
        "",
        columns,
        "1     Kestrel Bay Police to ensure that         Kestrel Bay Police     Brief all response          30 April",
        "      officers record whether children are                             officers; add a field to",
        "      present at every domestic incident.                              the incident log",
        "",
        "2     Kestrel Bay Council to include            Kestrel Bay Council    Revise the tenancy          31st July",
        "      domestic abuse in its tenancy                                    sustainment referral form",
        "      sustainment service criteria.",
        "",
        "3     The GP federation to provide training     Kestrel Bay GP         Two lunchtime sessions      end of",
        "      on recognising abuse in older couples.    Federation             for each locality           September",
        "",
        "DHR 'Mae' action plan v3                                                               Page 1 of 2",
    ]
    page2 = [
        head,
        "",
        columns,
        "4     Shoreline Women's Aid to offer            Shoreline Women's      Publicise the outreach      30/6",
        "      outreach appointments in the two          Aid                    offer through GP surgeries",
        "      rural market towns.                                              and libraries",
        "",
        "5     The partnership to publish a learning     Kestrel Bay CSP        Publish briefing and hold   1 December",
        "      briefing and hold a learning event.                              one learning event",
        "",
        "Actions will be reviewed at each quarterly CSP Board.",
        "",
        "DHR 'Mae' action plan v3                                                               Page 2 of 2",
    ]
    path.write_text("\n".join(page1) + "\n\f" + "\n".join(page2) + "\n", encoding="utf-8")
    return HeldOutPlan(path, [
        Expected("1", "Kestrel Bay Police to ensure", "Kestrel Bay Police", "2026-04-30"),
        Expected("2", "Kestrel Bay Council to include", "Kestrel Bay Council", "2026-07-31"),
        Expected("3", "The GP federation to provide", "Kestrel Bay GP Federation", "2026-09-30"),
        Expected("4", "Shoreline Women's Aid to offer", "Shoreline Women's Aid", "2026-06-30"),
        Expected("5", "The partnership to publish", "Kestrel Bay CSP", "2026-12-01"),
    ])


def _thornbury_workbook(path: Path) -> HeldOutPlan:
    """Target dates as coordinators type them: quarters, 'Mar-26' (which Excel stores as 1 March), text dates."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Action Plan"
    sheet["A1"] = "Thornbury Fold DHR 'Ray' - action plan monitoring"
    sheet["A2"] = "Updated for the panel of 08/09/2025"
    header = ["No.", "Recommendation", "Lead Agency", "Key actions", "Target", "Progress update"]
    for column, title in enumerate(header, start=1):
        sheet.cell(row=4, column=column, value=title).font = Font(bold=True)
    rows: list[list[object]] = [
        ["1", "All agencies to make sure that staff ask about domestic abuse when a man is the carer of a "
              "partner with dementia.", "Thornbury Fold Safeguarding Adults Board",
         "Multi-agency learning briefing", "Q3 2025/26", "Briefing drafted"],
        ["2", "Thornbury Fold Council to review how its adult social care front door screens for abuse between "
              "older partners.", "Thornbury Fold Council (Adult Social Care)", "Revise front door screening tool",
         dt.datetime(2026, 3, 1), ""],
        ["3", "The mental health trust to ensure that memory clinic staff consider the risk of abuse in every "
              "assessment.", "Fold Valley Mental Health NHS Trust", "Add a risk prompt to the memory clinic template",
         "31/01/2026", "On track"],
        ["4", "The ambulance service to share concerns about repeated falls with adult social care.",
         "North Fold Ambulance Service", "Remind crews of the referral route", "Complete",
         "Bulletin issued 07/2025"],
        ["5", "The CSP to include older people in its domestic abuse awareness campaigns.",
         "Thornbury Fold CSP", "Add older people's case studies to the campaign", "Ongoing", ""],
        ["6", "GP practices to record carer status and review it annually.", "Thornbury Fold Primary Care Network",
         "Search and recall for carers' annual review", "Q4 25/26", ""],
    ]
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=5 + offset, column=column, value=value)
            if isinstance(value, dt.datetime):
                cell.number_format = "mmm-yy"  # typed as 'Mar-26'
    book.save(path)
    return HeldOutPlan(path, [
        Expected("1", "All agencies to make sure", "Thornbury Fold Safeguarding Adults Board", "2025-12-31"),
        Expected("2", "Thornbury Fold Council to review", "Thornbury Fold Council (Adult Social Care)", "2026-03-31"),
        Expected("3", "The mental health trust to ensure", "Fold Valley Mental Health NHS Trust", "2026-01-31"),
        Expected("4", "The ambulance service to share", "North Fold Ambulance Service", None),
        Expected("5", "The CSP to include older people", "Thornbury Fold CSP", None),
        Expected("6", "GP practices to record carer", "Thornbury Fold Primary Care Network", "2026-03-31"),
    ])
