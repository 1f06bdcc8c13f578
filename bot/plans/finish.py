"""One row's cells -> ParsedAction: lead agency, target date and status read from the text."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from bot.plans.columns import Field
from bot.plans.model import ParsedAction
from bot.reading.status import read_status
from bot.rules.dates import parse_target_date, split_lettered_dates
from bot.rules.statuses import ActionStatus, Precision, action_status_for

#: Plans name the lead in front of the action when one recommendation has many agencies:
#: "POLICE: Review timescales…". Short, capitalised, and followed by a colon.
_AGENCY_PREFIX = re.compile(r"^([A-Z][A-Za-z'’&.\-]*(?: [A-Za-z'’&.\-]+){0,4})\s*:\s+(\S.*)$", re.DOTALL)
_NOT_AGENCY_WORDS = {"note", "update", "action", "actions", "evidence", "outcome", "progress", "a", "b", "c"}

#: "Reminder to be sent April each year" names no single deadline.
_RECURRING = re.compile(r"\b(each|every|annual(ly)?|yearly|monthly|quarterly)\b", re.IGNORECASE)

#: The derived chase log written by export_plan; it is never part of the plan's own text.
CHASE_LOG_MARKER = "Chase log:"
#: ParsedAction.plan_cells key of the status column as written ("Amber"), which export writes back.
STATUS_AS_WRITTEN = "status"

#: RAG / BRAG ratings, as plans write them. Blue is done; green and amber are under way; red is not yet.
RAG_STATUSES: dict[str, ActionStatus] = {
    "b": ActionStatus.COMPLETE, "blue": ActionStatus.COMPLETE,
    "g": ActionStatus.IN_PROGRESS, "green": ActionStatus.IN_PROGRESS,
    "a": ActionStatus.IN_PROGRESS, "amber": ActionStatus.IN_PROGRESS,
    "r": ActionStatus.NOT_STARTED, "red": ActionStatus.NOT_STARTED,
    "completed": ActionStatus.COMPLETE, "done": ActionStatus.COMPLETE, "closed": ActionStatus.COMPLETE,
    "on track": ActionStatus.IN_PROGRESS, "ongoing": ActionStatus.IN_PROGRESS, "open": ActionStatus.IN_PROGRESS,
}
_COMPLETE_TARGET = re.compile(r"^\s*(?:action\s+)?complete(?:d)?\b", re.IGNORECASE)
#: "Mar-27", "Sept-2026": a month and a year joined by a dash, as Excel shows a month-formatted date.
_MONTH_DASH_YEAR = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\s*[-'’]\s*(\d{2})\b",
                              re.IGNORECASE)

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
#: What a person meant as a date even when it is not one: "32/13/2026", "31 Feb 2015", "Feb 30".
_DATE_SHAPED = re.compile(
    r"\b\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?![a-z])"
    rf"|\b{_MONTH}\s+\d{{1,4}}\b",
    re.IGNORECASE,
)


def finish_action(
    cells: dict[Field, str],
    *,
    row: int,
    agency_from_prefix: bool,
    fallback_lead: str | None,
    today: date | None,
    warnings: list[str],
    file: str = "",
    target_column: str = "Target date",
    plan_cells: dict[str, str] | None = None,
) -> ParsedAction:
    """`file` and `target_column` (the header as written) name where a warning points to."""
    description = cells.get(Field.ACTION, "")
    lead = _one_line(cells.get(Field.LEAD, ""))
    if lead and reads_as_a_sentence(lead):
        # The columns shifted in this part of the plan: an agency named after a sentence helps nobody.
        warnings.append(
            f"row {row}: the lead agency column holds a sentence ({lead[:40]!r}...): the columns may have shifted "
            "here; the action has no lead agency until it is set (dhr action set REF --lead AGENCY)"
        )
        if not description:
            description = cells.get(Field.LEAD, "")
        lead = ""
    if not lead and agency_from_prefix:
        prefix, rest = agency_prefix(description)
        if prefix:
            lead, description = prefix, rest
    target_text = cells.get(Field.TARGET, "") or None
    due, precision = read_target(target_text, today=today)
    if due is None and looks_like_a_date(target_text):
        place = ", ".join(part for part in (file, f"row {row}", f"column {target_column!r}") if part)
        warnings.append(f"{place}: {_one_line(target_text or '')!r} is not a date; the action is treated as undated")
    progress = strip_chase_log(cells.get(Field.PROGRESS, "")) or None
    status = read_action_status(cells.get(Field.STATUS, ""), progress, target_text, precision)
    kept = dict(plan_cells or {})
    if cells.get(Field.STATUS) and _one_line(cells[Field.STATUS]).casefold() != status.replace("_", " "):
        kept[STATUS_AS_WRITTEN] = cells[Field.STATUS]  # "Amber", "B": a rating, written back as it was
    if not description and not lead:
        warnings.append(f"row {row}: an action with no description and no lead agency")
    return ParsedAction(
        description=description,
        lead_agency=lead or fallback_lead,
        evidence_expected=cells.get(Field.EVIDENCE) or None,
        target_text=target_text,
        due=due,
        precision=precision,
        status=status,
        progress=progress,
        source_row=row,
        plan_cells=kept,
    )


def agency_prefix(text: str) -> tuple[str | None, str]:
    """'POLICE: Review…' -> ('POLICE', 'Review…'); anything else -> (None, text)."""
    match = _AGENCY_PREFIX.match(text)
    if match is None or match.group(1).casefold() in _NOT_AGENCY_WORDS:
        return None, text
    return match.group(1).strip(), match.group(2).strip()


#: Plans repeat their targets and progress notes ("March 2027", "No update received."): both readings
#: are pure, so each distinct text is read once while a plan is read (see forget_readings).
_READINGS_KEPT = 4096


def forget_readings() -> None:
    """Empty the readings' caches once a plan is read: its progress notes may name people, and a
    long-running bot need not hold one plan's texts until the next."""
    read_target.cache_clear()
    read_action_status.cache_clear()


@lru_cache(maxsize=_READINGS_KEPT)
def read_target(text: str | None, *, today: date | None) -> tuple[date | None, Precision]:
    """The due date a target cell means. A cell with several dates (one per line, or "a) …
    b) …") is due when the last of them is: the action is not done before its last part."""
    if not text:
        return None, Precision.NONE
    text = _MONTH_DASH_YEAR.sub(lambda m: f"{m.group(1)} 20{m.group(2)}", text)
    candidates = list(split_lettered_dates(text, today=today).values()) or [
        parse_target_date(line, today=today) for line in text.splitlines() if line.strip()
    ]
    dated = [parsed for parsed in candidates if parsed.due is not None and not _RECURRING.search(parsed.text)]
    if not dated:
        return None, Precision.NONE
    latest = max(dated, key=lambda parsed: parsed.due)  # type: ignore[arg-type,return-value]
    return latest.due, Precision(latest.precision)


def looks_like_a_date(text: str | None) -> bool:
    """A target written as a date (digits in a d/m/y shape, a day or year with a month name),
    whether or not it is a real one. Recurring targets ("April 2015 and annually") are not."""
    return bool(text) and _DATE_SHAPED.search(text or "") is not None and not _RECURRING.search(text or "")


@lru_cache(maxsize=_READINGS_KEPT)
def read_action_status(
    status_cell: str, progress: str | None, target_text: str | None, precision: Precision
) -> ActionStatus:
    """The status column when it holds a status; else what the progress text says.

    Text that says nothing about the work ("No update received.", unclear) leaves the action
    not started: only a progress note that reads as progress makes it in progress."""
    stated = _as_status(status_cell)
    if stated is not None:
        return stated
    if target_text and precision is Precision.NONE and _COMPLETE_TARGET.match(target_text):
        return ActionStatus.COMPLETE  # "Complete" written where the date would be
    text = "\n".join(part for part in (status_cell, progress or "") if part)
    if not text and target_text and precision is Precision.NONE:
        text = target_text  # "Complete", "Action completed" written where the date would be
    if not text:
        return ActionStatus.NOT_STARTED
    reading, _confidence = read_status(text)
    return action_status_for(reading) or ActionStatus.NOT_STARTED


def strip_chase_log(progress: str) -> str:
    """Drop the chase log paragraph an export added: it is derived from the outbox, never typed."""
    kept = [line for line in progress.split("\n") if not line.startswith(CHASE_LOG_MARKER)]
    return "\n".join(kept).strip()


_SENTENCE_WORDS = frozenset({"to", "will", "should", "must", "be", "is", "are", "has", "have"})


def reads_as_a_sentence(lead: str) -> bool:
    """An agency is a name, not a sentence: several words ending in a full stop, or words that only
    sentences have ("to", "will", "should"...). A name and roles wrapped over lines are still a name."""
    words = lead.split()
    sentence_words = sum(word.casefold() in _SENTENCE_WORDS for word in words)
    return len(words) > 5 and (lead.rstrip().endswith(".") or sentence_words >= 2)


def _as_status(text: str) -> ActionStatus | None:
    words = " ".join(re.sub(r"[^a-z]+", " ", text.casefold()).split())
    if words in RAG_STATUSES:
        return RAG_STATUSES[words]
    key = words.replace(" ", "_")
    try:
        return ActionStatus(key)
    except ValueError:
        return None


def _one_line(text: str) -> str:
    return " ".join(text.split())
