"""A review's plan back out as xlsx, docx or csv: the plan's own columns in its own order, then the bot's.

Every column of the source plan comes back (those the bot does not read as they were written, and
the plan's own RAG as written). The bot adds the action's ref (for `dhr action set`), the due
date as a real date beside the target as written (an extension shows its new date there), the
status in words when the plan has a status column of its own, and the chase log, one event a line.
Importing the export again ignores the bot's columns (columns.BOT_HEADERS), so the round trip
gives the same plan. Text never becomes a formula: xlsx cells are written as text, and CSV cells
starting with = + - @ or a tab are prefixed with an apostrophe (the CSV reader takes it off).

The files are laid out for a board pack: Word on A4 landscape with the header repeated on every
page and rows kept whole; Excel with a frozen, filtered header, wrapped text, print titles,
landscape and fit to width.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.history_queries import in_plan
from bot.models import (
    Action,
    Agency,
    BoardMeeting,
    Contact,
    Message,
    MessageAction,
    ProgressUpdate,
    Recommendation,
    Review,
)
from bot.plans.board_files import ExportTable, write_csv, write_docx, write_xlsx
from bot.plans.columns import BOT_HEADERS, EXTRA_PREFIX, Field
from bot.plans.finish import STATUS_AS_WRITTEN
from bot.plans.model import PlanError
from bot.rules.escalation import ReplyPolicy, reply_by
from bot.rules.history import LoggedAsk, delivered_at, is_answer
from bot.rules.history import chase_log as history_chase_log

ExportFormat = Literal["xlsx", "docx", "csv"]
FORMATS: tuple[ExportFormat, ...] = ("xlsx", "docx", "csv")
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
#: The bot's own columns, added after the plan's: key -> header (BOT_HEADERS, which import ignores).
BOT_COLUMNS: dict[str, str] = {
    "bot:ref": BOT_HEADERS["ref"],
    "bot:due": BOT_HEADERS["due"],
    "bot:status": BOT_HEADERS["status"],
    "bot:chase_log": BOT_HEADERS["chase_log"],
}
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
    roles: Mapping[int, str] | None = None,
) -> str:
    """The chase log of one action (`history.chase_log`), from what the bot sent and what came back.

    Only messages that went out count, dated when they went; the reply-by day each asked for is
    worked out by `escalation.reply_by`, as the sweep worked it out when writing the message.
    `roles` (contact id -> Role value) says who each escalation reached.
    """
    zone = ZoneInfo(timezone)

    def local(moment: datetime) -> date:
        return moment.astimezone(zone).date()

    asks = [
        LoggedAsk(m.kind, m.level, at, reply_by(m.kind, local(at), replies, meetings),
                  (roles or {}).get(m.recipient_contact_id or -1))
        for m in messages
        if (at := delivered_at(m.state, m.sent_at)) is not None
    ]
    answers = [u.at for u in updates if is_answer(u.source, refused=u.refused)]
    return history_chase_log(asks, answers, local, today=today)


#: Fields the export adds when the plan had no column for them only if some action has a value for them.
_ONLY_WHEN_FILLED = frozenset({Field.SECTION.value, Field.SCOPE.value, Field.EVIDENCE.value})


def export_columns(column_headers: Mapping[str, str], filled: set[str] | None = None) -> list[tuple[str, str]]:
    """(key, header) for each exported column: the plan's own headers in its own order (fields it
    does not read too), the standard header for each field it lacked (section, scope and evidence only
    when `filled` says some row has one), placed after the field that precedes it as standard, then
    the bot's columns: the due date right after the target.

    {"number": "Recommendation No", "action": "Key actions"} -> [("number", "Recommendation No"),
    ("recommendation", "Recommendation"), ..., ("action", "Key actions"), ..., ("bot:ref", "Action ref"), ...].
    """
    standard = list(STANDARD_HEADERS)
    order = [name for name in column_headers if name in STANDARD_HEADERS or name.startswith(EXTRA_PREFIX)]
    for index, name in enumerate(standard):
        if name in order or (filled is not None and name in _ONLY_WHEN_FILLED and name not in filled):
            continue
        before = [earlier for earlier in standard[:index] if earlier in order]
        order.insert(order.index(before[-1]) + 1 if before else 0, name)
    order.insert(order.index(Field.TARGET.value) + 1, "bot:due")
    order.append("bot:ref")
    if Field.STATUS.value in column_headers:
        order.append("bot:status")  # the plan's own status column keeps its RAG as written
    order.append("bot:chase_log")
    headers = {**STANDARD_HEADERS, **BOT_COLUMNS}
    return [(name, column_headers.get(name) or headers.get(name) or name.removeprefix(EXTRA_PREFIX)) for name in order]


def status_in_words(status: str) -> str:
    """'in_progress' -> 'In progress': how a board reads it, and how import reads it back."""
    return status.replace("_", " ").capitalize()


@dataclass
class _Row:
    values: dict[str, object]  # column key -> text, or a date for the due column
    first_of_rec: bool
    rec_span: int


def _chase_log_lines(
    messages: Sequence[Message],
    updates: Sequence[ProgressUpdate],
    timezone: str,
    *,
    replies: ReplyPolicy = DEFAULT_REPLIES,
    meetings: Sequence[date] = (),
    today: date | None = None,
    roles: Mapping[int, str] | None = None,
) -> str:
    """The chase log for one action, one event a line. The only call of chase_log: how the log is
    worked out lives there; how it is laid out on the page lives here."""
    text = chase_log(messages, updates, timezone=timezone, replies=replies, meetings=meetings, today=today,
                     roles=roles)
    return "\n".join(line.strip() for line in re.split(r"(?<=\.)\s+(?=[A-Z])", text) if line.strip())


def plan_rows(
    session: Session,
    review: Review,
    *,
    timezone: str = "Europe/London",
    replies: ReplyPolicy = DEFAULT_REPLIES,
    today: date | None = None,
) -> list[_Row]:
    """The plan's rows with the bot's columns; actions the plan no longer has are left out, so
    importing the export again does not bring them back."""
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
    roles = {contact_id: role for contact_id, role in session.exec(select(col(Contact.id), col(Contact.role)))
             if contact_id is not None}
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
        rec_values: dict[str, object] = {
            Field.NUMBER.value: rec.number,
            Field.RECOMMENDATION.value: rec.text,
            Field.SECTION.value: rec.section or "",
            Field.SCOPE.value: rec.scope or "",
        }
        actions = actions_by_rec.get(rec.id or -1, [])
        if not actions:
            rows.append(_Row(rec_values, True, 1))
            continue
        for index, action in enumerate(actions):
            assert action.id is not None
            cells = action.plan_cells or {}
            values = dict(rec_values)
            values.update(
                {f"{EXTRA_PREFIX}{header}": text for header, text in cells.items() if header != STATUS_AS_WRITTEN}
            )
            values.update({
                Field.ACTION.value: action.description,
                Field.LEAD.value: action.lead_agency_text or agencies.get(action.lead_agency_id or -1, ""),
                Field.EVIDENCE.value: action.evidence_expected or "",
                Field.TARGET.value: action.target_text or "",
                Field.STATUS.value: cells.get(STATUS_AS_WRITTEN) or status_in_words(action.status),
                Field.PROGRESS.value: action.progress or "",
                "bot:ref": action.ref,
                "bot:due": action.due,
                "bot:status": status_in_words(action.status),
                "bot:chase_log": _chase_log_lines(messages[action.id], updates[action.id], timezone, replies=replies,
                                                  meetings=meetings, today=today, roles=roles),
            })
            rows.append(_Row(values, index == 0, len(actions)))
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
    writers = {"xlsx": write_xlsx, "docx": write_docx, "csv": write_csv}
    if fmt not in writers:
        raise PlanError(out, f"unknown export format {fmt!r}: use xlsx, docx or csv")
    rows = plan_rows(session, review, timezone=timezone, replies=replies, today=today)
    filled = {key for row in rows for key, value in row.values.items() if value}
    columns = export_columns(review.column_headers or {}, filled)
    table = ExportTable(
        keys=[key for key, _header in columns],
        headers=[header for _key, header in columns],
        rows=[[row.values.get(key, "") for key, _header in columns] for row in rows],
        spans=[row.rec_span if row.first_of_rec else 0 for row in rows],
        merged_columns=[index for index, (key, _header) in enumerate(columns) if key in _RECOMMENDATION_FIELDS],
    )
    preamble = [review.title or f"Action plan {review.code}", f"Review code: {review.code}"]
    writers[fmt](out, preamble, table)
    return len(rows)


def format_for(out: Path, fmt: str | None) -> ExportFormat:
    """--format, or the output file's suffix: `-o plan.docx` writes Word."""
    wanted = (fmt or out.suffix.lstrip(".") or "xlsx").lower()
    for known in FORMATS:
        if wanted == known:
            return known
    raise PlanError(out, f"--format: {wanted!r} is not one of {', '.join(FORMATS)}")
