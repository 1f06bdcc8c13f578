"""A review's plan back out as xlsx, docx or csv, with the progress column filled in.

The progress column ends with the chase log, written from the outbox and the replies (never
typed by hand). It starts with "Chase log:" so that importing the file again leaves it out.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.history_queries import in_plan
from bot.models import Action, Agency, BoardMeeting, Message, MessageAction, ProgressUpdate, Recommendation, Review
from bot.plans.columns import Field
from bot.plans.finish import CHASE_LOG_MARKER
from bot.plans.model import PlanError
from bot.rules.escalation import ReplyPolicy, reply_by
from bot.rules.history import LoggedAsk, is_answer
from bot.rules.history import chase_log as history_chase_log
from bot.rules.statuses import MessageState

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
_RECOMMENDATION_FIELDS = frozenset(
    {Field.NUMBER.value, Field.RECOMMENDATION.value, Field.SECTION.value, Field.SCOPE.value}
)
#: The chasing defaults, for an export made without the partnership's settings.
DEFAULT_REPLIES = ReplyPolicy()


def chase_log(
    messages: Sequence[Message],
    updates: Sequence[ProgressUpdate],
    *,
    timezone: str = "Europe/London",
    replies: ReplyPolicy = DEFAULT_REPLIES,
    meetings: Sequence[date] = (),
    today: date | None = None,
) -> str:
    """The chase log of one action (`history.chase_log`), from what the bot sent and what came back.

    Only messages that went out count, dated when they went; the reply-by day each asked for is
    worked out by `escalation.reply_by`, as the sweep worked it out when writing the message.
    """
    zone = ZoneInfo(timezone)

    def local(moment: datetime) -> date:
        return moment.astimezone(zone).date()

    asks = [
        LoggedAsk(m.kind, m.level, m.sent_at, reply_by(m.kind, local(m.sent_at), replies, meetings))
        for m in messages
        if m.state == MessageState.SENT and m.sent_at is not None
    ]
    answers = [u.at for u in updates if is_answer(u.source, refused=u.refused)]
    return history_chase_log(asks, answers, local, today=today)


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


def plan_rows(
    session: Session,
    review: Review,
    *,
    timezone: str = "Europe/London",
    replies: ReplyPolicy = DEFAULT_REPLIES,
    today: date | None = None,
) -> list[_Row]:
    """The plan's rows, each action's progress ending with its chase log; actions the plan no
    longer has are left out, so importing the export again does not bring them back."""
    recs = session.exec(
        select(Recommendation).where(Recommendation.review_id == review.id).order_by(col(Recommendation.position))
    ).all()
    actions_by_rec: dict[int, list[Action]] = defaultdict(list)
    rec_ids = [r.id for r in recs]
    for action in session.exec(
        select(Action).where(col(Action.recommendation_id).in_(rec_ids), in_plan()).order_by(col(Action.position))
    ):
        actions_by_rec[action.recommendation_id].append(action)
    action_ids = [a.id for actions in actions_by_rec.values() for a in actions]
    agencies = {a.id: a.name for a in session.exec(select(Agency))}
    messages: dict[int, list[Message]] = defaultdict(list)
    for link, message in session.exec(
        select(MessageAction, Message)
        .join(Message, col(Message.id) == col(MessageAction.message_id))
        .where(col(MessageAction.action_id).in_(action_ids))
    ):
        messages[link.action_id].append(message)
    updates: dict[int, list[ProgressUpdate]] = defaultdict(list)
    for update in session.exec(select(ProgressUpdate).where(col(ProgressUpdate.action_id).in_(action_ids))):
        updates[update.action_id].append(update)
    meetings = sorted(session.exec(
        select(col(BoardMeeting.date)).where(BoardMeeting.partnership_id == review.partnership_id)
    ).all())

    rows: list[_Row] = []
    for rec in recs:
        rec_cells = [rec.number, rec.text, rec.section or "", rec.scope or ""]
        actions = actions_by_rec.get(rec.id or -1, [])
        if not actions:
            rows.append(_Row(rec_cells + [""] * 6, True, 1))
            continue
        for index, action in enumerate(actions):
            assert action.id is not None
            log = chase_log(messages[action.id], updates[action.id], timezone=timezone, replies=replies,
                            meetings=meetings, today=today)
            logged = f"{CHASE_LOG_MARKER} {log}" if log else ""
            progress = "\n".join(part for part in (action.progress or "", logged) if part)
            lead = action.lead_agency_text or agencies.get(action.lead_agency_id or -1, "")
            rows.append(
                _Row(
                    [
                        *rec_cells,
                        action.description,
                        lead,
                        action.evidence_expected or "",
                        action.target_text or "",
                        action.status,
                        progress,
                    ],
                    index == 0,
                    len(actions),
                )
            )
    return rows


def export_plan(
    session: Session,
    review_code: str,
    fmt: ExportFormat,
    out: Path,
    *,
    timezone: str = "Europe/London",
    replies: ReplyPolicy = DEFAULT_REPLIES,
    today: date | None = None,
) -> int:
    """Write the plan of `review_code` to `out`; returns the number of table rows written.

    `today` (the partnership's date) lets the chase log say "No response received." of a last
    chaser whose reply-by day has passed, as the digest does.
    """
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
        for row in plan_rows(session, review, timezone=timezone, replies=replies, today=today)
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
