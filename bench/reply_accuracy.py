"""How well the bot reads progress text and replies.

    .venv/bin/python -m bench.reply_accuracy        (from the project root)

Prints markdown tables for BENCHMARKS.md:

1. per status, on the real plan progress notes (tests/data/progress_notes.tsv, quoting the progress
   columns of the published plans in ../shared/plans/, labelled by hand) and the fictional Riverside
   replies (tests/data/replies_fictional.tsv);
2. on the labelled reply sets written for issue 11: the development set the rules are tuned on
   (tests/data/replies_dev.tsv) and the held-out set they are never tuned on
   (tests/data/replies_heldout.tsv). Each is read exactly as the bot reads a reply (headers first,
   quoted history cut), and scored for status, new date (where the label gives one), automatic replies,
   false completes, and false closes without confirmation: a reading that would close the action at
   once although its label is not an unambiguous completion. That last figure is the one that must be 0.

"False complete" counts replies read as complete that are labelled otherwise: the costly error,
since it stops chasing.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench import reply_sets
from bot.reading.replies import CONFIDENT, read_replies, read_reply
from bot.reading.status import read_status
from bot.rules.statuses import ReadStatus

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
NOTES_FILE = DATA / "progress_notes.tsv"
REPLIES_FILE = DATA / "replies_fictional.tsv"


@dataclass(frozen=True)
class Case:
    source: str  # "notes" or "replies"
    name: str  # plan file and row, or reply id and ref
    expected: ReadStatus
    got: ReadStatus
    confidence: float


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    for number, row in enumerate(rows, start=2):
        if None in row or any(value is None for value in row.values()):
            raise ValueError(f"{path.name}: row {number} has the wrong number of columns")
    return rows


def note_cases(rows: Iterable[dict[str, str]]) -> list[Case]:
    cases = []
    for number, row in enumerate(rows, start=2):
        got, confidence = read_status(row["text"])
        cases.append(Case("notes", f"{row['source_plan']} row {number}", ReadStatus(row["status"]), got, confidence))
    return cases


def reply_cases(rows: Iterable[dict[str, str]]) -> list[Case]:
    cases = []
    for row in rows:
        text = row["text"].replace("\\n", "\n")
        today = date.fromisoformat(row["today"])
        refs = row["known_refs"].split(",")
        if "=" in row["expected"]:
            expected = dict(pair.split("=") for pair in row["expected"].split(";"))
            readings = read_replies(text, today=today, known_refs=refs)
            for ref, status in expected.items():
                reading = readings.get(ref)
                got = reading.status if reading else ReadStatus.UNCLEAR
                confidence = reading.confidence if reading else 0.0
                cases.append(Case("replies", f"{row['id']} {ref}", ReadStatus(status), got, confidence))
        else:
            reading = read_reply(text, today=today, known_refs=refs)
            cases.append(Case("replies", row["id"], ReadStatus(row["expected"]), reading.status, reading.confidence))
    return cases


def all_cases() -> list[Case]:
    return note_cases(read_tsv(NOTES_FILE)) + reply_cases(read_tsv(REPLIES_FILE))


def accuracy(cases: list[Case]) -> float:
    return sum(case.got is case.expected for case in cases) / len(cases) if cases else 0.0


def false_completes(cases: list[Case]) -> list[Case]:
    return [c for c in cases if c.got is ReadStatus.COMPLETE and c.expected is not ReadStatus.COMPLETE]


def markdown_table(cases: list[Case]) -> str:
    lines = [
        "| status | real notes | fictional replies | all |",
        "|---|---|---|---|",
    ]

    def cell(selected: list[Case]) -> str:
        if not selected:
            return "-"
        right = sum(case.got is case.expected for case in selected)
        return f"{right}/{len(selected)} ({right / len(selected):.0%})"

    for status in ReadStatus:
        of_status = [case for case in cases if case.expected is status]
        if not of_status:
            continue
        notes = [case for case in of_status if case.source == "notes"]
        replies = [case for case in of_status if case.source == "replies"]
        lines.append(f"| {status.value} | {cell(notes)} | {cell(replies)} | {cell(of_status)} |")
    notes = [case for case in cases if case.source == "notes"]
    replies = [case for case in cases if case.source == "replies"]
    lines.append(f"| **overall** | {cell(notes)} | {cell(replies)} | {cell(cases)} |")
    wrong_complete = false_completes(cases)
    confident_wrong = [case for case in wrong_complete if case.confidence >= CONFIDENT]
    lines.append("")
    lines.append(
        f"False completes (read complete, labelled otherwise): {len(wrong_complete)} of "
        f"{sum(case.expected is not ReadStatus.COMPLETE for case in cases)} not-complete cases; "
        f"{len(confident_wrong)} of them at or above the confidence threshold {CONFIDENT} "
        "(the rest would be confirmed with the sender first)."
    )
    return "\n".join(lines)


REPLY_SETS = {
    "development set": reply_sets.DEV_FILE,
    "held-out 1 (seen once, then a second dev set)": reply_sets.HELDOUT_FILE,
    "held-out 2 (seen once, then fixed)": reply_sets.HELDOUT2_FILE,
    "held-out 3 (written without seeing the reader)": reply_sets.HELDOUT3_FILE,
    "held-out 4 (the same, after held-out 3's fixes)": reply_sets.HELDOUT4_FILE,
    "held-out 5 (the same, after held-out 4's fixes)": reply_sets.HELDOUT5_FILE,
    "held-out 6 (the same, after held-out 5's fixes)": reply_sets.HELDOUT6_FILE,
    "held-out 7 (session 4, read blind, then its false closes built as kinds)": reply_sets.HELDOUT7_FILE,
    "held-out 8 (the same)": reply_sets.HELDOUT8_FILE,
    "held-out 9 (session 5, read blind after 7 and 8's kinds were built)": reply_sets.HELDOUT9_FILE,
    "held-out 10 (session 5, read blind after 9's kinds were built)": reply_sets.HELDOUT10_FILE,
    "held-out 11 (session 6, read blind after 10's kinds were built)": reply_sets.HELDOUT11_FILE,
    "held-out 12 (session 6, read blind with the same reader as 11)": reply_sets.HELDOUT12_FILE,
    "held-out 13 (session 6, read blind after 11 and 12's kinds were built)": reply_sets.HELDOUT13_FILE,
    "held-out 14 (session 6, read blind after 13's kinds were built)": reply_sets.HELDOUT14_FILE,
    "held-out 15 (session 6, read blind after 14's kinds were built)": reply_sets.HELDOUT15_FILE,
}


def main() -> None:
    print(markdown_table(all_cases()))
    print()
    # As the bot reads: the rules with the shipped status model beside them (trained on all these sets).
    print(reply_sets.markdown_table({name: reply_sets.score(path) for name, path in REPLY_SETS.items()}))
    print()
    print("Rules alone (no status model; bench.reply_model_cv compares the two set by set, unseen by the model):")
    print()
    print(reply_sets.markdown_table({name: reply_sets.score(path, None) for name, path in REPLY_SETS.items()}))


if __name__ == "__main__":
    main()
