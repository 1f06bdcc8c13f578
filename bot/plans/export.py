"""A review's plan back out as xlsx, docx or csv, with the progress column filled in.

The progress column ends with the chase log, written from the outbox and the replies (never
typed by hand). It starts with "Chase log:" so that importing the file again leaves it out.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.models import Action, Agency, Message, MessageAction, ProgressUpdate, Recommendation, Review
from bot.plans.columns import Field
from bot.plans.finish import CHASE_LOG_MARKER
from bot.plans.model import PlanError
from bot.rules.statuses import MessageKind, MessageState, UpdateSource

ExportFormat = Literal["xlsx", "docx", "csv"]
#: Plan field -> the header written when the plan had no column of its own for it, in the
#: order plan_rows fills each row. Every one is a synonym in columns.py, so it reads back.
STANDARD_HEADERS: dict[str, str] = {
    Field.NUMBER.value: "Rec No",
    Field.RECOMMENDATION.value: "Recommendation",
    Field.SECTION.value: "Section",
    Field.SCOPE.value: "Scope",
    Field.ACTION.value: "Action",
    Field.LEAD.value: "Lead agency",
    Field.EVIDENCE.value: "Evidence",
    Field.TARGET.value: "Target date",
    Field.STATUS.value: "Status",
    Field.PROGRESS.value: "Progress",
}
HEADERS = tuple(STANDARD_HEADERS.values())
#: Fields that belong to the recommendation: their cells are merged over its actions' rows.
_RECOMMENDATION_FIELDS = frozenset({Field.NUMBER.value, Field.RECOMMENDATION.value, Field.SECTION.value, Field.SCOPE.value})
_CHASING_KINDS = {MessageKind.CHASER, MessageKind.BOARD_UPDATE_REQUEST, MessageKind.ESCALATION}
_REPLY_BY = re.compile(r"\b(?:reply|respond|update[a-z ]*?) by (\d{1,2} [A-Za-z]{3,9} \d{4})", re.IGNORECASE)
_ESCALATED_TO = {2: "the agency manager", 3: "the board"}


def uk_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def chase_log(messages: Sequence[Message], updates: Sequence[ProgressUpdate], *, timezone: str = "Europe/London") -> str:
    """The sentences coordinators used to type, from what the bot sent and what came back.

    "Chaser sent 20 Jan 2016 asking for an update by 11 Feb 2016. No response received.
    Follow-up sent 16 Feb 2016." Only sent chasers, board update requests and escalations
    count; replies are any update that did not come from importing the plan.
    """
    zone = ZoneInfo(timezone)
    sent = sorted(
        (m for m in messages if m.state == MessageState.SENT and m.sent_at and m.kind in _CHASING_KINDS),
        key=lambda m: m.sent_at,  # type: ignore[arg-type,return-value]
    )
    replies = sorted((u.at for u in updates if u.source != UpdateSource.IMPORT), key=lambda at: at)
    local = lambda moment: moment.astimezone(zone).date()  # noqa: E731
    sentences: list[str] = []
    for index, message in enumerate(sent):
        assert message.sent_at is not None
        day = uk_day(local(message.sent_at))
        if message.kind == MessageKind.ESCALATION:
            sentence = f"Escalated to {_ESCALATED_TO.get(message.level, 'the agency manager')} {day}"
        elif index == 0 or sent[index - 1].kind == MessageKind.ESCALATION:
            sentence = f"Chaser sent {day}"
        else:
            sentence = f"Follow-up sent {day}"
        reply_by = _reply_by(message)
        sentences.append(f"{sentence} asking for an update by {reply_by}." if reply_by else f"{sentence}.")
        until = sent[index + 1].sent_at if index + 1 < len(sent) else None
        answered = [at for at in replies if at >= message.sent_at and (until is None or at < until)]
        if answered:
            sentences.append(f"Reply received {uk_day(local(answered[0]))}.")
        elif until is not None:
            sentences.append("No response received.")
    if not sent and replies:
        sentences.append(f"Update received {uk_day(local(replies[-1]))}.")
    return " ".join(sentences)


def _reply_by(message: Message) -> str | None:
    for text in (message.subject, message.body_text):
        match = _REPLY_BY.search(text or "")
        if match:
            return match.group(1)
    return None


def export_columns(column_headers: Mapping[str, str]) -> list[tuple[str, str]]:
    """(field, header) for each exported column: the plan's own headers in its own order, and the
    standard header for each field it lacked, placed after the field that precedes it as standard.

    {"number": "Recommendation No", "action": "Key actions"} -> [("number", "Recommendation No"),
    ("recommendation", "Recommendation"), ..., ("action", "Key actions"), ...].
    """
    standard = list(STANDARD_HEADERS)
    order = [name for name in column_headers if name in STANDARD_HEADERS]
    for index, name in enumerate(standard):
        if name in order:
            continue
        before = [earlier for earlier in standard[:index] if earlier in order]
        order.insert(order.index(before[-1]) + 1 if before else 0, name)
    return [(name, column_headers.get(name) or STANDARD_HEADERS[name]) for name in order]


@dataclass
class _Row:
    cells: list[str]
    first_of_rec: bool
    rec_span: int


def plan_rows(session: Session, review: Review, *, timezone: str = "Europe/London") -> list[_Row]:
    recs = session.exec(
        select(Recommendation).where(Recommendation.review_id == review.id).order_by(Recommendation.position)  # type: ignore[arg-type]
    ).all()
    actions_by_rec: dict[int, list[Action]] = defaultdict(list)
    rec_ids = [r.id for r in recs]
    for action in session.exec(
        select(Action).where(Action.recommendation_id.in_(rec_ids)).order_by(Action.position)  # type: ignore[union-attr]
    ):
        actions_by_rec[action.recommendation_id].append(action)
    action_ids = [a.id for actions in actions_by_rec.values() for a in actions]
    agencies = {a.id: a.name for a in session.exec(select(Agency))}
    messages: dict[int, list[Message]] = defaultdict(list)
    for link, message in session.exec(
        select(MessageAction, Message).join(Message).where(MessageAction.action_id.in_(action_ids))  # type: ignore[arg-type,attr-defined]
    ):
        messages[link.action_id].append(message)
    updates: dict[int, list[ProgressUpdate]] = defaultdict(list)
    for update in session.exec(select(ProgressUpdate).where(ProgressUpdate.action_id.in_(action_ids))):  # type: ignore[attr-defined]
        updates[update.action_id].append(update)

    rows: list[_Row] = []
    for rec in recs:
        rec_cells = [rec.number, rec.text, rec.section or "", rec.scope or ""]
        actions = actions_by_rec.get(rec.id or -1, [])
        if not actions:
            rows.append(_Row(rec_cells + [""] * 6, True, 1))
            continue
        for index, action in enumerate(actions):
            assert action.id is not None
            log = chase_log(messages[action.id], updates[action.id], timezone=timezone)
            progress = "\n".join(part for part in (action.progress or "", f"{CHASE_LOG_MARKER} {log}" if log else "") if part)
            lead = action.lead_agency_text or agencies.get(action.lead_agency_id or -1, "")
            rows.append(
                _Row(
                    [*rec_cells, action.description, lead, action.evidence_expected or "", action.target_text or "",
                     action.status, progress],
                    index == 0,
                    len(actions),
                )
            )
    return rows


def export_plan(
    session: Session, review_code: str, fmt: ExportFormat, out: Path, *, timezone: str = "Europe/London"
) -> int:
    """Write the plan of `review_code` to `out`; returns the number of table rows written."""
    review = session.exec(select(Review).where(Review.code == review_code)).first()
    if review is None:
        raise PlanError(out, f"no review with code {review_code!r} in the database")
    writers = {"xlsx": _write_xlsx, "docx": _write_docx, "csv": _write_csv}
    if fmt not in writers:
        raise PlanError(out, f"unknown export format {fmt!r}: use xlsx, docx or csv")
    columns = export_columns(review.column_headers or {})
    standard = list(STANDARD_HEADERS)
    picks = [standard.index(name) for name, _header in columns]
    rows = [
        _Row([row.cells[index] for index in picks], row.first_of_rec, row.rec_span)
        for row in plan_rows(session, review, timezone=timezone)
    ]
    table = _Table(
        headers=[header for _name, header in columns],
        rows=rows,
        merged_columns=[index for index, (name, _header) in enumerate(columns) if name in _RECOMMENDATION_FIELDS],
    )
    preamble = [review.title or f"Action plan {review.code}", f"Review code: {review.code}"]
    writers[fmt](out, preamble, table)
    return len(rows)


@dataclass
class _Table:
    headers: list[str]
    rows: list[_Row]
    merged_columns: list[int]  # 0-based; the recommendation's cells, one per recommendation


def _write_csv(out: Path, preamble: list[str], table: _Table) -> None:
    with out.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        for line in preamble:
            writer.writerow([line])
        writer.writerow(table.headers)
        writer.writerows(row.cells for row in table.rows)


def _write_xlsx(out: Path, preamble: list[str], table: _Table) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Action plan"
    for line in preamble:
        sheet.append([line])
    sheet.append(table.headers)
    header_row = len(preamble) + 1
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for offset, row in enumerate(table.rows, start=header_row + 1):
        sheet.append(row.cells)
        for cell in sheet[offset]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row.first_of_rec and row.rec_span > 1:
            # One recommendation over its actions' rows, as coordinators lay plans out.
            for column in table.merged_columns:
                sheet.merge_cells(
                    start_row=offset, start_column=column + 1, end_row=offset + row.rec_span - 1, end_column=column + 1
                )
    workbook.save(out)


def _write_docx(out: Path, preamble: list[str], table: _Table) -> None:
    import docx

    document = docx.Document()
    document.add_heading(preamble[0], level=1)
    for line in preamble[1:]:
        document.add_paragraph(line)
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(header).bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row.cells, strict=True):
            cell.text = value
    for start, row in enumerate(table.rows, start=1):
        if row.first_of_rec and row.rec_span > 1:
            for column in table.merged_columns:
                top = grid.cell(start, column)
                top.merge(grid.cell(start + row.rec_span - 1, column))
                top.text = row.cells[column]
    document.save(str(out))
