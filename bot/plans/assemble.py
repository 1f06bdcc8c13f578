"""Rows of cells -> ParsedPlan. Every reader (xlsx, docx, csv, text) ends here.

Real plans are tables that were laid out for paper, so a row of cells is one of:
- a header (possibly repeated on every page, possibly a second, different table);
- a page header or the title again; a separator row ("---", "---");
- a section row: an agency name or "Individual Management Report Recommendations" alone;
- a recommendation (its first cell usually starts with a number: "9.", "1)", "Rec 2a");
- a sub-action: an empty (or repeated, from a merged cell) recommendation cell, with
  another agency's action;
- the rest of the previous row, broken over a page: its cells are appended to that row's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from bot.plans.columns import (
    EXTRA_PREFIX,
    ColumnMap,
    Field,
    is_bot_header,
    map_header,
    missing_required,
    normalise_header,
)
from bot.plans.context import plan_reference_day, section_ref_parts
from bot.plans.finish import agency_prefix, finish_action, forget_readings
from bot.plans.layout import (
    action_from_recommendation,
    continues_lead,
    free_number,
    is_word_fragment,
    lead_from_section,
    same_recommendation,
)
from bot.plans.model import ParsedPlan, ParsedRecommendation, PlanError
from bot.plans.person_names import person_name_warnings


@dataclass
class RawRow:
    number: int  # 1-based row (or line) in the source, for messages
    cells: list[str]
    bold: bool = False  # the whole row is bold: a section heading in most plans


@dataclass
class _ActionDraft:
    row: int
    cells: dict[Field, str] = field(default_factory=dict)
    plan_cells: dict[str, str] = field(default_factory=dict)  # unread columns and the status as written


@dataclass
class _RecDraft:
    number: str | None
    text: str
    scope: str
    section: str | None
    row: int
    actions: list[_ActionDraft] = field(default_factory=list)


_NUMBER = re.compile(
    r"^\s*(?P<named>(?:recommendation|rec)\b\.?\s*(?:no\b\.?|number\b)?\s*)?"
    r"(?P<number>\d{1,9}(?:\.\d{1,2})*[a-z]?)(?P<after>\s*[.):]\s*|\s+|$)",
    re.IGNORECASE,
)
#: "2019 saw the launch of…": a bare number shaped like a year is read as one unless the numbering says otherwise.
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_SEPARATOR = re.compile(r"^[\s\-=:_|*]*$")
_REVIEW_CODE_LINE = re.compile(r"^review code\s*:\s*(\S+)", re.IGNORECASE)


def split_number(text: str, previous: str | None = None) -> tuple[str | None, str]:
    """'9. The MARAC…' -> ('9', 'The MARAC…'); 'Recommendation No 3' -> ('3', ''); no number -> (None, text).

    Numbers have any count of digits ('1000 Agencies to…', 'Rec 12345'), except that a bare year-shaped
    number followed by words ('2019 saw…') is text, unless it is `previous` (the recommendation above) or
    the one after it: a plan numbered past 1900 says so by counting there.
    """
    match = _NUMBER.match(text)
    if match is None:
        return None, text.strip()
    number, rest = match.group("number").lower(), text[match.end() :].strip()
    bare = not match.group("named") and match.group("after").strip() == "" and rest
    if bare and _YEAR.match(number) and not _continues(number, previous):
        return None, text.strip()
    return number, rest


def _continues(number: str, previous: str | None) -> bool:
    if previous is None:
        return False
    digits = re.match(r"\d+", previous)
    return digits is not None and int(number) in (int(digits.group()), int(digits.group()) + 1)


def assemble(
    rows: list[RawRow],
    *,
    file: str | Path,
    review_code: str | None = None,
    today: date | None = None,
    column_overrides: dict[str, Field] | None = None,
) -> ParsedPlan:
    if not any(any(cell.strip() for cell in row.cells) for row in rows):
        raise PlanError(file, "the file is empty: no rows with any text")
    builder = _Builder(file, column_overrides or {})
    tidy = [RawRow(row.number, spanned_cells([tidy_cell(cell) for cell in row.cells]), row.bold) for row in rows]
    builder.banners = page_furniture(tidy)
    seen: set[str] = set()
    for row in tidy:
        text = _lone_text(row)
        # The first copy above the table may be the title; below the header every copy is furniture.
        if text in builder.banners and (text in seen or builder.columns is not None or _PAGE_NUMBER.match(text or "")):
            continue
        if is_page_footer(row):
            continue
        seen.add(text or "")
        builder.add(row)
    if builder.columns is None:
        raise PlanError(file, builder.no_header_message(), row=1)
    try:
        return builder.finish(review_code, today)
    finally:
        forget_readings()


_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_BANNER_WORDS = re.compile(
    r"\b(?:confidential|sensitive|official|restricted|protect|not to be|not for|draft|executive summary)\b",
    re.IGNORECASE,
)


def _lone_text(row: RawRow) -> str | None:
    filled = [cell for cell in row.cells if cell]
    return filled[0] if len(filled) == 1 else None


def page_furniture(rows: list[RawRow]) -> set[str]:
    """Lines a PDF repeats on every page (banners, running headers) and page numbers: never plan rows.

    A lone line is furniture when it is a page number ("Page 3 of 9", "12"), when it appears on
    three or more pages, or twice and reads like a banner ("Confidential - not to be published").
    The first copy of the plan's title stays: it is the title (the builder drops its repeats).
    """
    counts: dict[str, int] = {}
    for row in rows:
        text = _lone_text(row)
        if text is not None:
            counts[text] = counts.get(text, 0) + 1
    furniture = {text for text in counts if _PAGE_NUMBER.match(text)}
    furniture |= {text for text, count in counts.items() if count >= 3 or (count == 2 and _BANNER_WORDS.search(text))}
    return furniture


_PAGE_WORD_NUMBER = re.compile(r"^page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)


def is_page_footer(row: RawRow) -> bool:
    """'Denholm DHR action plan <tab> Page 2': a running footer split over two cells."""
    filled = [cell for cell in row.cells if cell]
    return 1 < len(filled) <= 2 and any(_PAGE_WORD_NUMBER.match(cell) for cell in filled)


def spanned_cells(cells: list[str]) -> list[str]:
    """A cell merged across the whole row (a title, a Word section row) is read once, in the first column."""
    if len(cells) > 1 and cells[0] and all(cell == cells[0] for cell in cells):
        return [cells[0]] + [""] * (len(cells) - 1)
    return cells


class _Builder:
    def __init__(self, file: str | Path, overrides: dict[str, Field]) -> None:
        self.file = file
        self.overrides = overrides
        self.extra_columns: dict[int, str] = {}  # column index -> header, for columns no field reads
        self.banners: set[str] = set()
        self.columns: ColumnMap | None = None
        self.column_headers: dict[str, str] = {}
        self.preamble: list[str] = []
        self.seen_first_cells: list[str] = []
        self.recs: list[_RecDraft] = []
        self.section: str | None = None
        self.warnings: list[str] = []
        self.numbered = False

    # -- row kinds -------------------------------------------------------------------------
    def add(self, row: RawRow) -> None:
        filled = [cell for cell in row.cells if cell]
        if not filled or all(_SEPARATOR.match(cell) for cell in filled):
            return
        header = map_header(row.cells, self.overrides)
        if header is not None and (
            self.columns is None or Field.RECOMMENDATION in header.columns or header.headers == self.columns.headers
        ):
            # Once in a table, only a full header (with a recommendation column) starts another.
            self._header(row, header)
            return
        if self.columns is None:
            self.preamble.append(" ".join(filled))
            if len(self.seen_first_cells) < 8:
                self.seen_first_cells.extend(filled[:6])
            return
        joined = " ".join(filled)
        if len(filled) == 1 and _plain(joined) in {_plain(line) for line in self.preamble}:
            return  # the title repeated as a page header
        if self._is_section(row, filled):
            self.section = joined.strip("* ")
            return
        if (len(row.cells) == 1 and len(self.columns.headers) > 1) or self._is_note_under_table(row, filled):
            self.warnings.append(f"row {row.number}: text outside the table ignored")
            return
        self._content(row)

    def _header(self, row: RawRow, header: ColumnMap) -> None:
        if self.columns is not None and header.headers == self.columns.headers:
            return  # repeated on every page
        missing = missing_required(header)
        if missing:
            raise PlanError(
                self.file,
                f"required column {missing[0].value!r} is missing; the header row has "
                f"{', '.join(repr(h) for h in header.headers if h)}",
                row=row.number,
                column=missing[0].value,
            )
        unknown = set(self.overrides) - {normalise_header(text) for text in header.headers}
        if unknown and self.columns is None:
            raise PlanError(self.file, f"--map names a column the header row does not have: {sorted(unknown)[0]!r}",
                            row=row.number)
        self.columns = header
        used = set(header.columns.values())
        self.extra_columns = {
            index: text
            for index, text in enumerate(header.headers)
            if text and index not in used and not is_bot_header(text)
        }
        by_index = {index: column_field for column_field, index in header.columns.items()}
        for index, text in enumerate(header.headers):
            # A later table's header only adds fields the first one lacked; unread columns are kept by header.
            if index in by_index:
                self.column_headers.setdefault(by_index[index].value, text)
            elif text and not is_bot_header(text):
                self.column_headers.setdefault(f"{EXTRA_PREFIX}{text}", text)

    def _is_section(self, row: RawRow, filled: list[str]) -> bool:
        if len(filled) != 1 or not row.cells[0]:
            return False
        text = row.cells[0]
        if split_number(text)[0] is not None or text[:1].islower():
            return False
        if row.bold:
            return True
        return len(text) <= 120 and (len(row.cells) == 1 or not text.rstrip().endswith("."))

    def _is_note_under_table(self, row: RawRow, filled: list[str]) -> bool:
        """A key or note typed in the first columns below the table ("Key: see the guidance sheet. Last
        reviewed ..."): a sentence alone in the number or lead column, where no action can stand alone."""
        assert self.columns is not None
        if len(filled) != 1:
            return False
        index = next(i for i, cell in enumerate(row.cells) if cell)
        where = {column_index: column_field for column_field, column_index in self.columns.columns.items()}.get(index)
        text = filled[0].strip()
        return where in (Field.LEAD, Field.NUMBER, None) and len(text.split()) >= 6 and text.endswith((".", ":"))

    def _content(self, row: RawRow) -> None:
        assert self.columns is not None
        get = partial(self.columns.get, row.cells)
        rec_cell = get(Field.RECOMMENDATION)
        number_cell = get(Field.NUMBER)
        review_cell = get(Field.REVIEW)
        current = self.recs[-1] if self.recs else None

        if number_cell or review_cell:
            number = _combined_number(review_cell, number_cell)
            text = rec_cell
        else:
            number, text = split_number(rec_cell, current.number if current else None) if rec_cell else (None, "")
        if number is not None:
            self.numbered = True

        if current is not None and (
            (number is not None and number == current.number and (not text or text == current.text))
            or (number is None and text and text == current.text)
        ):
            self._sub_action(row, current)  # a merged recommendation cell, repeated on each row
        elif number is not None or (
            text and not self.numbered and not text[:1].islower() and (current is None or _ends_sentence(current.text))
        ):
            self._new_rec(row, number, text)
        elif current is None:
            self.warnings.append(f"row {row.number}: text before the first recommendation ignored")
        elif text:
            current.text = _append(current.text, text)  # a recommendation broken over a page
            self._continue(row, current)
        elif self._is_wrapped_line(row, current):
            self._continue(row, current)
        elif self._starts_new_action(row):
            self._sub_action(row, current)
        else:
            self._continue(row, current)

    def _new_rec(self, row: RawRow, number: str | None, text: str) -> None:
        assert self.columns is not None
        section = self.columns.get(row.cells, Field.SECTION) or self.section
        rec = _RecDraft(number, text, self.columns.get(row.cells, Field.SCOPE), section, row.number)
        self.recs.append(rec)
        if self._has_action_cells(row):
            rec.actions.append(self._draft(row))

    def _sub_action(self, row: RawRow, rec: _RecDraft) -> None:
        previous = rec.actions[-1] if rec.actions else None
        if previous is not None and not previous.cells.get(Field.ACTION):
            self._continue(row, rec)  # the previous row was only its start
            return
        if self._has_action_cells(row):
            rec.actions.append(self._draft(row))

    def _continue(self, row: RawRow, rec: _RecDraft) -> None:
        if not rec.actions:
            if self._has_action_cells(row):
                rec.actions.append(self._draft(row))
            return
        draft = rec.actions[-1]
        more = self._draft(row)
        for key, value in more.cells.items():
            draft.cells[key] = _append(draft.cells.get(key, ""), value)
        for header, value in more.plan_cells.items():
            draft.plan_cells[header] = _append(draft.plan_cells.get(header, ""), value)

    def _starts_new_action(self, row: RawRow) -> bool:
        assert self.columns is not None
        get = partial(self.columns.get, row.cells)
        if get(Field.SCOPE):
            return True
        if Field.LEAD not in self.columns.columns:
            return agency_prefix(get(Field.ACTION))[0] is not None
        return bool(get(Field.LEAD) or (get(Field.ACTION) and get(Field.TARGET)))

    def _is_wrapped_line(self, row: RawRow, rec: _RecDraft) -> bool:
        """A PDF line that is the rest of the previous action's cells, though its lead cell is filled:
        no target or status of its own, progress that carries on mid-sentence, and a lead that is
        a broken word ("Developm ent") or a role within the lead above ("Head of ...")."""
        assert self.columns is not None
        get = partial(self.columns.get, row.cells)
        lead = get(Field.LEAD)
        if not rec.actions or not lead or get(Field.TARGET) or get(Field.STATUS) or get(Field.SCOPE):
            return False
        previous = rec.actions[-1].cells
        if not previous.get(Field.LEAD):
            return False
        progress = get(Field.PROGRESS)
        if progress and _ends_sentence(previous.get(Field.PROGRESS, ".")) and not progress[:1].islower():
            return False  # a progress note of its own
        return is_word_fragment(lead) or continues_lead(previous[Field.LEAD], lead)

    def _has_action_cells(self, row: RawRow) -> bool:
        assert self.columns is not None
        return any(
            self.columns.get(row.cells, f)
            for f in (Field.ACTION, Field.LEAD, Field.EVIDENCE, Field.TARGET, Field.STATUS, Field.PROGRESS)
        )

    def _draft(self, row: RawRow) -> _ActionDraft:
        assert self.columns is not None
        cells = {
            f: self.columns.get(row.cells, f)
            for f in (Field.ACTION, Field.LEAD, Field.EVIDENCE, Field.TARGET, Field.STATUS, Field.PROGRESS)
        }
        kept = {header: row.cells[index] for index, header in self.extra_columns.items() if index < len(row.cells)}
        return _ActionDraft(row.number, {k: v for k, v in cells.items() if v}, {k: v for k, v in kept.items() if v})

    # -- the end -------------------------------------------------------------------------
    def no_header_message(self) -> str:
        found = ", ".join(repr(text[:40]) for text in self.seen_first_cells[:8]) or "nothing"
        return (
            "no recognisable header row: need at least a 'Recommendation' column and one of "
            "'Action', 'Lead agency', 'Target date', 'Progress'; the first cells found were " + found
        )

    def finish(self, review_code: str | None, today: date | None) -> ParsedPlan:
        code = review_code or self._code_from_preamble()
        title = next(
            (line for line in self.preamble
             if not _REVIEW_CODE_LINE.match(line) and not (line in self.banners and _BANNER_WORDS.search(line))),
            "",
        )
        plan = ParsedPlan(review_code=code, title=title.strip("* "), warnings=self.warnings)
        plan.column_headers = dict(self.column_headers)
        assert self.columns is not None
        plan.mapping_used = [
            (self.columns.headers[index], column_field.value)
            for column_field, index in sorted(self.columns.columns.items(), key=lambda item: item[1])
        ]
        for header in self.extra_columns.values():
            plan.warnings.append(f"column {header!r} is not read: its cells are kept and exported as written")
        if not self.recs:
            raise PlanError(self.file, "the table has a header but no recommendations under it")
        refs_only = Field.RECOMMENDATION not in self.columns.columns
        for draft in self.recs:
            if refs_only and not draft.text:
                draft.text = draft.number or ""  # a plan of refs and actions: the ref stands for the recommendation
        targets = [cells.cells.get(Field.TARGET, "") for draft in self.recs for cells in draft.actions]
        reference_day = plan_reference_day(self.preamble, targets) or today
        ref_parts = section_ref_parts([(draft.number, draft.section) for draft in self.recs])
        if not self.numbered:
            plan.warnings.append("recommendations are not numbered: numbered 1, 2, 3… in the order found")
        by_number: dict[str, ParsedRecommendation] = {}
        agency_from_prefix = self.columns is not None and Field.LEAD not in self.columns.columns
        for position, draft in enumerate(self.recs, start=1):
            number = draft.number or str(position)
            section_lead = lead_from_section(draft.section)
            actions = []
            inherited_lead: str | None = None
            for action_draft in draft.actions:
                action = finish_action(
                    action_draft.cells,
                    row=action_draft.row,
                    agency_from_prefix=agency_from_prefix,
                    fallback_lead=inherited_lead or section_lead,
                    today=reference_day,
                    warnings=plan.warnings,
                    file=str(self.file),
                    target_column=self._header_of(Field.TARGET),
                    plan_cells=action_draft.plan_cells,
                )
                inherited_lead = action.lead_agency if action_draft.cells.get(Field.LEAD) else inherited_lead
                actions.append(action)
            ref_part = ref_parts.get((draft.number, draft.section), "")
            existing = by_number.get(f"{ref_part}{number}")
            if existing is not None and same_recommendation(existing.text, draft.text):
                plan.warnings.append(
                    f"row {draft.row}: recommendation {number} appears again; its actions are added to the first"
                )
                existing.actions.extend(actions)
                continue
            if existing is not None:
                first_row = existing.source_row
                number = free_number(f"{ref_part}{number}", by_number)[len(ref_part):]
                plan.warnings.append(
                    f"row {draft.row}: a different recommendation has the number of the one at row {first_row}; "
                    f"it is kept as recommendation {number}"
                )
            rec = ParsedRecommendation(
                number=number,
                text=draft.text,
                scope=draft.scope or None,
                section=draft.section,
                actions=actions,
                source_row=draft.row,
                ref_part=ref_part,
            )
            by_number[rec.ref_key] = rec
            plan.recommendations.append(rec)
        for rec in plan.recommendations:
            if not rec.actions:
                rec.actions.append(action_from_recommendation(rec, agency_from_prefix, reference_day, plan.warnings))
        plan.warnings.extend(person_name_warnings(plan))
        return plan

    def _header_of(self, wanted: Field) -> str:
        assert self.columns is not None
        index = self.columns.columns.get(wanted)
        return self.columns.headers[index] if index is not None else wanted.value

    def _code_from_preamble(self) -> str | None:
        for line in self.preamble:
            match = _REVIEW_CODE_LINE.match(line)
            if match:
                return match.group(1).strip(",;")
        return None


def _combined_number(review_cell: str, number_cell: str) -> str | None:
    """Combined plans: ('Adult ZA (Chair …)', '5') -> 'ZA5'; a lone number cell -> its number."""
    number, _rest = split_number(number_cell) if number_cell else (None, "")
    number = number or (number_cell.strip() or None)
    if not review_cell:
        return number
    words = re.sub(r"\(.*?\)", " ", review_cell).split()
    prefix = re.sub(r"[^0-9A-Za-z]", "", words[-1]) if words else ""
    return f"{prefix}{number or ''}" or None


def tidy_cell(text: str) -> str:
    """Collapse runs of spaces; keep line breaks (list items), drop blank lines."""
    if text.isprintable() and "  " not in text and text.strip(" ") == text:
        return text  # no line break, tab or other space than single ASCII ones inside: already tidy
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "!", "?"))


def _append(before: str, more: str) -> str:
    if not more:
        return before
    if not before:
        return more
    return f"{before}\n{more}"


def _plain(text: str) -> str:
    return " ".join(text.replace("*", " ").split()).casefold()
