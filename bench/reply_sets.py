"""Scoring the labelled reply sets (tests/data/replies_dev.tsv and replies_heldout.tsv).

Columns: id, style, today (the day the reply was sent), known_refs (the refs the chaser covered),
status (one status, or "REF=status;REF=status" for a reply about several actions), new_due (the
target date the reply gives, if any), complete (1 when the reply is an unambiguous statement that the
work is finished: the only replies that may close an action unasked), automatic (1 for machine
replies), redirect_to (who the reply says owns the action now, if named), headers ("Name: value|..."
for mail whose headers matter) and text (literal \\n for a new line).

For a reply about several actions, new_due, complete and redirect_to may each be written per ref like
the status ("REF=1;REF=0", "REF=2027-06-30"): a ref the cell leaves out has no date, is not an
unambiguous completion and names no new owner. Written plainly, complete and redirect_to apply to every
ref whose status fits (a completion, a redirect) and new_due is not scored for several actions.
A false close is counted per action, against that action's own label.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.reading.confirm import closes_action, needs_confirmation
from bot.reading.replies import SHIPPED, ModelChoice, Reading, read_replies
from bot.rules.statuses import ReadStatus

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
DEV_FILE = DATA / "replies_dev.tsv"
HELDOUT_FILE = DATA / "replies_heldout.tsv"
HELDOUT2_FILE = DATA / "replies_heldout2.tsv"
#: Written by someone who had not seen the reader, after all tuning; measured once.
HELDOUT3_FILE = DATA / "replies_heldout3.tsv"
#: The same, written after held-out 3's kinds were built; measured once before its own were.
HELDOUT4_FILE = DATA / "replies_heldout4.tsv"
#: The same again (242 replies), written after held-out 4's kinds were built; measured once, never tuned on.
HELDOUT5_FILE = DATA / "replies_heldout5.tsv"
#: The same again (222 replies, other writers' voices), written after held-out 5's kinds were built; measured once.
HELDOUT6_FILE = DATA / "replies_heldout6.tsv"
#: Two more (279 and 288 replies, new voices), written in session 4 by writers who saw neither the reader nor
#: the other sets; each read blind, the rules alone and then with the status model, before anything was
#: changed for them (BENCHMARKS.md, "Held-out 7 and 8"). Not training material for the status model.
HELDOUT7_FILE = DATA / "replies_heldout7.tsv"
HELDOUT8_FILE = DATA / "replies_heldout8.tsv"
#: 300 replies written in session 5 by a writer who saw neither the reader nor the other sets, after held-out 7
#: and 8's kinds were built and the status model retrained; read blind once (BENCHMARKS.md, "Held-out 9").
HELDOUT9_FILE = DATA / "replies_heldout9.tsv"
#: 250 more, written blind later in session 5 (new voices), after held-out 9's kinds were built; read once.
HELDOUT10_FILE = DATA / "replies_heldout10.tsv"
#: 300 more, written blind in session 6 (new voices: probation, ambulance, a Welsh health board, dictation), after
#: held-out 10's kinds were built; read once (BENCHMARKS.md, "Session 6").
HELDOUT11_FILE = DATA / "replies_heldout11.tsv"
#: 300 more, written blind in session 6 by another writer (a midwife, a transport police sergeant, a refuge, a
#: chatty lead who buries the status), read once with the same reader as held-out 11.
HELDOUT12_FILE = DATA / "replies_heldout12.tsv"
#: 300 more, written blind in session 6 by a third writer (a health visitor lead, a SARC manager, a shared team
#: mailbox, a one-line forward), read once after held-out 11 and 12's kinds were built.
HELDOUT13_FILE = DATA / "replies_heldout13.tsv"
#: 300 more, written blind at the end of session 6 by a fourth writer (a midwife, a crisis team, progress given as the
#: dates of sessions still to run, a pasted list), read once after held-out 13's kinds were built.
HELDOUT14_FILE = DATA / "replies_heldout14.tsv"
#: 300 more, written blind at the end of session 6 by a fifth writer (a detective sergeant, a coroner's officer, a
#: voice-note transcription, a manager answering for three leads), read once after held-out 14's kinds were built.
HELDOUT15_FILE = DATA / "replies_heldout15.tsv"


@dataclass(frozen=True)
class ReplyCase:
    name: str  # reply id, and the ref when the reply covers several
    expected: ReadStatus
    got: ReadStatus
    expected_due: date | None
    got_due: date | None
    unambiguous: bool  # labelled an unambiguous completion
    expected_automatic: bool
    got_automatic: bool
    confirm: bool
    closes: bool
    redirect_expected: str | None
    redirect_got: str | None
    model_got: ReadStatus | None = None  # the status model's own status, where the reader asked it
    rules_got: ReadStatus | None = None  # the rules' status before the model's opinion was combined in, there


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    for number, row in enumerate(rows, start=2):
        if None in row or any(value is None for value in row.values()):
            raise ValueError(f"{path.name}: row {number} has the wrong number of columns")
        for status in expected_statuses(row).values():
            ReadStatus(status)
        _check_per_ref_labels(row, f"{path.name}: row {number}")
    return rows


def _check_per_ref_labels(row: dict[str, str], where: str) -> None:
    refs = set(row["known_refs"].split(","))
    for column in ("status", "new_due", "complete", "redirect_to"):
        if "=" in row[column] and not set(_per_ref(row[column])) <= refs:
            raise ValueError(f"{where}: {column} names a ref the chaser did not cover")
    completes = _per_ref(row["complete"]).values() if "=" in row["complete"] else [row["complete"] or "0"]
    if not set(completes) <= {"0", "1"}:
        raise ValueError(f"{where}: complete must be 0 or 1 (per ref or for the whole reply)")


def expected_statuses(row: dict[str, str]) -> dict[str, str]:
    refs = row["known_refs"].split(",")
    if "=" in row["status"]:
        return _per_ref(row["status"])
    return {refs[0]: row["status"]} if len(refs) == 1 else dict.fromkeys(refs, row["status"])


def _per_ref(cell: str) -> dict[str, str]:
    """ "REF=value;REF=value" as {ref: value}."""
    return dict(pair.split("=", 1) for pair in cell.split(";"))


def label_for(cell: str, ref: str) -> str | None:
    """A label cell's value for one action: its own part of a per-ref cell ("REF=1;REF=0"), else the whole
    cell; None when the cell is empty or leaves the action out."""
    if "=" in cell:
        return _per_ref(cell).get(ref) or None
    return cell or None


def headers_of(cell: str) -> dict[str, str]:
    headers: dict[str, str] = {}
    for item in filter(None, cell.split("|")):
        name, _, value = item.partition(":")
        headers[name.strip()] = value.strip()
    return headers


def read_row(row: dict[str, str], model: ModelChoice = SHIPPED) -> dict[str, Reading]:
    """The readings the bot makes of one labelled reply, exactly as the reply flow reads it (`model`: the
    status model beside the rules, None for the rules alone)."""
    return read_replies(
        row["text"].replace("\\n", "\n"),
        today=date.fromisoformat(row["today"]),
        known_refs=row["known_refs"].split(","),
        headers=headers_of(row["headers"]),
        model=model,
    )


def cases_of(rows: list[dict[str, str]], model: ModelChoice = SHIPPED) -> list[ReplyCase]:
    return [case for row in rows for case in row_cases(row, read_row(row, model))]


def row_cases(row: dict[str, str], readings: dict[str, Reading]) -> list[ReplyCase]:
    """One labelled reply scored against the readings made of it, one case per action it covers."""
    cases = []
    expected = expected_statuses(row)
    several = len(expected) > 1
    for ref, status in expected.items():
        reading = readings.get(ref) or Reading(ReadStatus.UNCLEAR, None, None, 0.0)
        labelled = ReadStatus(status)
        # a plain date is not scored for several actions: it could be any one's
        due = label_for(row["new_due"], ref) if not several or "=" in row["new_due"] else None
        redirect = label_for(row["redirect_to"], ref)
        cases.append(ReplyCase(
            name=f"{row['id']} {ref}" if several else row["id"],
            expected=labelled,
            got=reading.status,
            expected_due=date.fromisoformat(due) if due else None,
            got_due=reading.new_due,
            unambiguous=label_for(row["complete"], ref) == "1" and labelled is ReadStatus.COMPLETE,
            expected_automatic=row["automatic"] == "1",
            got_automatic=reading.automatic,
            confirm=needs_confirmation(reading),
            closes=closes_action(reading),
            # a plain new owner belongs to the actions the reply redirects, not to one it says is in progress
            redirect_expected=redirect if not several or labelled is ReadStatus.REDIRECT else None,
            redirect_got=reading.redirect_to,
            model_got=reading.opinion.model_status if reading.opinion is not None else None,
            rules_got=reading.opinion.rules_status if reading.opinion is not None else None,
        ))
    return cases


@dataclass(frozen=True)
class SetScore:
    cases: list[ReplyCase]

    @property
    def status_right(self) -> list[ReplyCase]:
        return [c for c in self.cases if c.got is c.expected]

    @property
    def dated(self) -> list[ReplyCase]:
        return [c for c in self.cases if c.expected_due is not None]

    @property
    def date_right(self) -> list[ReplyCase]:
        return [c for c in self.dated if c.got_due == c.expected_due]

    @property
    def false_completes(self) -> list[ReplyCase]:
        return [c for c in self.cases if c.got is ReadStatus.COMPLETE and c.expected is not ReadStatus.COMPLETE]

    @property
    def unconfirmed_false_closes(self) -> list[ReplyCase]:
        """Readings that would close the action at once although the reply is not an unambiguous completion."""
        return [c for c in self.cases if c.closes and not c.confirm and not c.unambiguous]

    @property
    def automatic_right(self) -> list[ReplyCase]:
        return [c for c in self.cases if c.got_automatic == c.expected_automatic]

    @property
    def redirects(self) -> list[ReplyCase]:
        return [c for c in self.cases if c.redirect_expected]

    @property
    def redirect_named(self) -> list[ReplyCase]:
        return [c for c in self.redirects if c.redirect_got and _same_name(c.redirect_got, c.redirect_expected)]


def _same_name(got: str, expected: str | None) -> bool:
    """The label names the person or organisation as written, sometimes with a role or team after a comma
    ("Sandra Lowe, Housing Options"): the reading must contain the name itself."""
    if expected is None:
        return False
    name = expected.split(",", 1)[0] if not expected.startswith("<@") else expected
    return name.strip().lower().removeprefix("the ") in got.lower()


def score(path: Path, model: ModelChoice = SHIPPED) -> SetScore:
    return SetScore(cases_of(read_rows(path), model))


def _fraction(right: int, total: int) -> str:
    return f"{right}/{total} ({right / total:.0%})" if total else "-"


def markdown_table(scores: dict[str, SetScore]) -> str:
    names = list(scores)
    lines = ["| measure | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]

    def row(label: str, cell: Callable[[SetScore], str]) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(scores[name]) for name in names) + " |")

    row("status right", lambda s: _fraction(len(s.status_right), len(s.cases)))
    row("new date right (where one is given)", lambda s: _fraction(len(s.date_right), len(s.dated)))
    row("automatic reply recognised (both ways)", lambda s: _fraction(len(s.automatic_right), len(s.cases)))
    row("new owner named (redirects that name one)", lambda s: _fraction(len(s.redirect_named), len(s.redirects)))
    if any(c.model_got is not None for s in scores.values() for c in s.cases):
        row("status model alone right, where the reader asked it", lambda s: _fraction(
            sum(c.model_got is c.expected for c in s.cases if c.model_got), sum(1 for c in s.cases if c.model_got)))
        row("rules alone right, on those same readings", lambda s: _fraction(
            sum(c.rules_got is c.expected for c in s.cases if c.model_got), sum(1 for c in s.cases if c.model_got)))
    row("false completes (read complete, labelled otherwise)", lambda s: str(len(s.false_completes)))
    row("**false closes without confirmation**", lambda s: f"**{len(s.unconfirmed_false_closes)}**")
    row("closed at once (unambiguous completions)", lambda s: str(sum(c.closes and not c.confirm for c in s.cases)))
    return "\n".join(lines)


def misses(scores: SetScore) -> list[str]:
    """One line per wrong reading, for working on the development set."""
    lines = []
    for case in scores.cases:
        if case.got is not case.expected:
            lines.append(f"status {case.name}: expected {case.expected.value}, got {case.got.value}")
        if case.expected_due is not None and case.got_due != case.expected_due:
            lines.append(f"date   {case.name}: expected {case.expected_due}, got {case.got_due}")
        if case.got_automatic != case.expected_automatic:
            lines.append(f"auto   {case.name}: expected {case.expected_automatic}, got {case.got_automatic}")
    return lines
