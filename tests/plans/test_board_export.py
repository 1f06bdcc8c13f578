"""Exports a board can print as they are, that give back the same plan, and in which text never runs as a formula."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.db import session_scope
from bot.models import Action, Partnership
from bot.plans import PlanError, read_plan
from bot.plans.export import export_plan, format_for
from bot.plans.model import ParsedPlan
from bot.plans.store import import_plan
from tests.plans.coordinator_files import guidance_workbook, real_date
from tests.plans.test_export import _fields

TODAY = date(2031, 6, 1)
ROWS: list[list[object]] = [
    ["1", "Police to flag repeat callers.", "Audit the flags", "Larchfield Police", real_date(2025, 3, 31), "G",
     "=HYPERLINK(\"http://example.invalid\")"],
    ["1", None, "Tell the front door team", "Larchfield Children's Services", "30/04/2025", "Amber", "-2 weeks late"],
    ["2", "Housing to record disclosures.", "Add a field to the system", "Larchfield Homes", "Mar-26", "R", "@risk"],
]
HEADER = ("Ref", "Recommendation", "What we will do", "Owner", "By when", "RAG", "Notes")


def _imported(engine: Engine, tmp_path: Path) -> ParsedPlan:
    path = guidance_workbook(tmp_path / "larchfield.xlsx", ROWS, HEADER, merges=["A5:A6", "B5:B6"])
    plan = read_plan(path, review_code="LAR1", today=TODAY)
    with session_scope(engine) as session:
        partnership = Partnership(name="Larchfield CSP")
        session.add(partnership)
        session.flush()
        assert partnership.id is not None
        import_plan(session, plan, partnership_id=partnership.id, source_file=path.name, actor="test")
    return plan


def _export(engine: Engine, out: Path) -> Path:
    with Session(engine) as session:
        export_plan(session, "LAR1", format_for(out, None), out)
    return out


@pytest.mark.parametrize("suffix", ["xlsx", "docx", "csv"])
def test_import_export_import_gives_the_same_plan(engine: Engine, tmp_path: Path, suffix: str) -> None:
    plan = _imported(engine, tmp_path)

    again = read_plan(_export(engine, tmp_path / f"out.{suffix}"), review_code="LAR1", today=TODAY)

    assert _fields(again) == _fields(plan)


@pytest.mark.parametrize("suffix", ["xlsx", "docx", "csv"])
def test_every_column_of_the_plan_comes_back_in_its_order_with_the_bots_after(
    engine: Engine, tmp_path: Path, suffix: str
) -> None:
    _imported(engine, tmp_path)

    again = read_plan(_export(engine, tmp_path / f"out.{suffix}"), review_code="LAR1", today=TODAY)

    headers = list(again.column_headers.values())
    assert [header for header in headers if header in HEADER] == list(HEADER)
    assert headers == [*HEADER[:6], "Progress", "Notes"]  # the one column the bot fills that the plan lacked


def test_the_plans_rag_is_kept_and_the_bots_status_is_beside_it_in_words(engine: Engine, tmp_path: Path) -> None:
    _imported(engine, tmp_path)
    with session_scope(engine) as session:
        action = session.exec(select(Action).where(Action.ref == "LAR1-2-1")).one()
        action.status = "complete"
        action.due = date(2026, 5, 31)  # an extension was recorded

    sheet = load_workbook(_export(engine, tmp_path / "out.xlsx")).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[2]
    last = rows[-1]

    assert last[header.index("RAG")] == "R"
    assert last[header.index("Status (chaser)")] == "Complete"
    assert last[header.index("By when")] == "Mar-26"
    due = last[header.index("Due date (chaser)")]
    assert isinstance(due, datetime) and due.date() == date(2026, 5, 31)


def test_xlsx_cells_are_text_never_formulas_and_the_sheet_is_set_up_for_print(engine: Engine, tmp_path: Path) -> None:
    _imported(engine, tmp_path)

    sheet = load_workbook(_export(engine, tmp_path / "out.xlsx")).active
    assert sheet is not None
    notes = next(cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith("=HYPERLINK"))

    assert notes.data_type == "s"
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref is not None and sheet.auto_filter.ref.startswith("A3:")
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    due = next(row for row in sheet.iter_rows(min_row=4) if row[0].value == "1")
    assert any(cell.number_format == "dd/mm/yyyy" for cell in due)


def test_csv_cells_that_would_run_as_formulas_are_neutralised(engine: Engine, tmp_path: Path) -> None:
    _imported(engine, tmp_path)

    text = _export(engine, tmp_path / "out.csv").read_text(encoding="utf-8-sig")

    assert "'=HYPERLINK" in text and "'-2 weeks late" in text and "'@risk" in text
    assert ",=HYPERLINK" not in text


def test_word_export_is_a4_landscape_with_a_repeating_header_and_rows_kept_whole(
    engine: Engine, tmp_path: Path
) -> None:
    _imported(engine, tmp_path)

    document = docx.Document(str(_export(engine, tmp_path / "out.docx")))
    section = document.sections[0]
    table = document.tables[0]

    assert section.page_width is not None and section.page_height is not None
    assert section.page_width > section.page_height
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert all(row._tr.xpath("./w:trPr/w:cantSplit") for row in table.rows)
    status = [cell.text for cell in table.rows[0].cells].index("Status (chaser)")
    statuses = [row.cells[status].text for row in table.rows[1:]]
    assert statuses == ["In progress", "In progress", "Not started"]


def test_chase_log_is_one_line_per_event(engine: Engine, tmp_path: Path) -> None:
    from bot.plans.export import _chase_log_lines
    from tests.plans.test_export import _reply, _sent

    lines = _chase_log_lines([_sent("2026-10-01"), _sent("2026-10-15")], [_reply("2026-10-20")], "Europe/London")

    assert lines.splitlines() == [
        "Chaser sent 1 Oct 2026 asking for an update by 7 Oct 2026.", "No response received.",
        "Follow-up sent 15 Oct 2026 asking for an update by 21 Oct 2026.", "Reply received 20 Oct 2026.",
    ]


def test_output_suffix_chooses_the_format() -> None:
    assert format_for(Path("plan.docx"), None) == "docx"
    assert format_for(Path("plan.xlsx"), "csv") == "csv"
    with pytest.raises(PlanError, match="'pdf' is not one of"):
        format_for(Path("plan.pdf"), None)


@pytest.mark.parametrize("suffix", ["xlsx", "docx", "csv"])
def test_a_plan_whose_sections_restart_numbering_round_trips_with_the_same_refs(
    engine: Engine, tmp_path: Path, suffix: str
) -> None:
    from tests.plans.coordinator_files import sectioned_word_plan

    header = ("Rec", "Recommendation", "Lead Agency", "Action", "Timescale", "RAG")
    body: list[list[str] | str] = [
        "Overview Report Recommendations",
        ["1", "The CSP to review the pathway.", "Larchfield CSP", "Commission a review", "31/10/2024", "Amber"],
        "IMR recommendations: Larchfield Homes",
        ["1", "Homes to record disclosures.", "Larchfield Homes", "Add a field", "28 February 2025", "Red"],
    ]
    plan = read_plan(sectioned_word_plan(tmp_path / "plan.docx", header, body), review_code="LAR1", today=TODAY)
    with session_scope(engine) as session:
        partnership = Partnership(name="Larchfield CSP")
        session.add(partnership)
        session.flush()
        assert partnership.id is not None
        report = import_plan(session, plan, partnership_id=partnership.id, source_file="plan.docx", actor="test")

    again = read_plan(_export(engine, tmp_path / f"out.{suffix}"), review_code="LAR1", today=TODAY)

    assert report.added == ["LAR1-1-1", "LAR1-LH1-1"]
    assert _fields(again) == _fields(plan)
