"""How well bot/reading/pii.py masks personal data in progress text.

    .venv/bin/python -m bench.pii_accuracy        (from the project root)

Two marked sets (one reply or note a line, [[kind|text]] around what must be masked): the tuning set the
rules were written against (tests/data/pii_cases.txt, which the tests check line by line) and the
held-out set written before the code and never tuned on (bench/data/pii_held_out.txt). A marked item
counts as masked right when a masked span of the same kind overlaps it; a false mask is a masked span
overlapping no marked item (an ordinary date, ref, amount or number masked by mistake).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.reading.pii import PiiKind, mask_personal_data

ROOT = Path(__file__).resolve().parent.parent
SETS = {"tuning (tests/data/pii_cases.txt)": ROOT / "tests" / "data" / "pii_cases.txt",
        "held out (bench/data/pii_held_out.txt)": ROOT / "bench" / "data" / "pii_held_out.txt"}
KNOWN = ("priya.shah@riversidepolice.example.gov.uk", "sam.jones@riverside.example.gov.uk",
         "board@riverside.example.gov.uk", "coordinator@riverside.example.gov.uk")
MARKER = re.compile(r"\[\[(dob|nhs|phone|email)\|(.+?)\]\]")
KINDS = {"dob": PiiKind.DATE_OF_BIRTH, "nhs": PiiKind.NHS_NUMBER, "phone": PiiKind.PHONE_NUMBER,
         "email": PiiKind.EMAIL_ADDRESS}


@dataclass
class Score:
    lines: int = 0
    marked: int = 0
    masked_right: int = 0
    false_masks: int = 0
    wrong_kind: int = 0


def marked_items(line: str) -> tuple[str, list[tuple[int, int, PiiKind]]]:
    """The line as written, and where its marked items are in it."""
    text, items, position = [], [], 0
    for match in MARKER.finditer(line):
        text.append(line[position:match.start()])
        start = sum(len(part) for part in text)
        text.append(match.group(2))
        items.append((start, start + len(match.group(2)), KINDS[match.group(1)]))
        position = match.end()
    text.append(line[position:])
    return "".join(text), items


def score(path: Path, verbose: bool = False) -> Score:
    result = Score()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        text, items = marked_items(line)
        spans = mask_personal_data(text, KNOWN).spans
        result.lines += 1
        result.marked += len(items)
        for start, end, kind in items:
            overlapping = [s for s in spans if s.start < end and start < s.end]
            if any(s.kind is kind for s in overlapping):
                result.masked_right += 1
            elif overlapping:
                result.wrong_kind += 1
            elif verbose:
                print(f"missed {kind}: {text[start:end]!r} in {text!r}")
        for span in spans:
            if not any(span.start < end and start < span.end for start, end, _ in items):
                result.false_masks += 1
                if verbose:
                    print(f"false mask {span.kind}: {text[span.start:span.end]!r} in {text!r}")
    return result


def main() -> None:
    import sys

    verbose = "--verbose" in sys.argv
    print("| set | lines | marked items | masked right | masked as another kind | false masks |")
    print("|---|---|---|---|---|---|")
    for name, path in SETS.items():
        s = score(path, verbose)
        print(f"| {name} | {s.lines} | {s.marked} | {s.masked_right} ({s.masked_right / s.marked:.0%}) | "
              f"{s.wrong_kind} | {s.false_masks} |")


if __name__ == "__main__":
    main()
