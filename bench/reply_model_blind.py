"""The status model as if it had existed when a held-out set was first read blind: the one honest test here.

    .venv/bin/python -m bench.reply_model_blind          (from the project root, in a git checkout; needs [test])

Held-out 5 and 6 were each read once, before anything was changed for them, at a known commit (BENCHMARKS.md,
"Held-out 5 and 6"). For each: the bot's reader at that commit (`git archive` into a temporary folder, run
in a child process) reads the set and every labelled file that existed then; a model is trained, with
today's training code, only on those earlier files; and the set is scored with those old rules alone and
with the model beside them (bot.reading.replies.with_second_opinion, today's combination). Neither the rules
nor the model had seen the set, so this, unlike leave-one-set-out, says what the veto would have caught.
Labels are today's (a few were corrected since).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from bench import reply_sets
from bench.reply_model_cv import genuine_closed_at_once, model_from
from bench.reply_sets import SetScore
from bench.train_reply_model import Example, _unique_per_text
from bot.reading.replies import Reading, with_second_opinion
from bot.reading.second_opinion import THRESHOLDS, Opinion, Thresholds
from bot.rules.statuses import ReadStatus

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class BlindRead:
    name: str
    file: str
    commit: str  # where the set was first read, before anything was changed for it


BLIND_READS = (
    BlindRead("held-out 5", "replies_heldout5.tsv", "5585e4c"),
    BlindRead("held-out 6", "replies_heldout6.tsv", "e0eff3c"),
)
REPLY_FILES = ("replies_dev.tsv", "replies_heldout.tsv", "replies_heldout2.tsv", "replies_heldout3.tsv",
               "replies_heldout4.tsv", "replies_heldout5.tsv", "replies_heldout6.tsv")

# Run with the old bot on the path: every reading of every row of the given files, as JSON.
_DUMP = r'''
import csv, json, sys
from datetime import date
from bot.reading.replies import read_replies
from bot.reading.confirm import closes_action, needs_confirmation

def headers_of(cell):
    headers = {}
    for item in filter(None, cell.split("|")):
        name, _, value = item.partition(":")
        headers[name.strip()] = value.strip()
    return headers

out = {}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    read = []
    for row in rows:
        readings = read_replies(row["text"].replace("\\n", "\n"), today=date.fromisoformat(row["today"]),
                                known_refs=row["known_refs"].split(","), headers=headers_of(row.get("headers") or ""))
        read.append({ref: {"status": r.status.value, "confidence": r.confidence,
                           "new_due": r.new_due.isoformat() if r.new_due else None, "text": r.read_text,
                           "automatic": r.automatic, "redirect_to": r.redirect_to, "date_problem": r.date_problem,
                           "closes": closes_action(r), "confirm": needs_confirmation(r)}
                     for ref, r in readings.items()})
    out[path] = {"rows": rows, "readings": read}
json.dump(out, sys.stdout)
'''


def _git(*args: str) -> bytes:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {done.stderr.decode().strip()} (this bench needs the project's "
                         "git history: a full clone, not a shallow one)")
    return done.stdout


def old_readings(commit: str, files: Sequence[str], measured: str) -> dict[str, Any]:
    """{file: {"rows": [...], "readings": [{ref: reading as JSON}]}} by the bot as it was at `commit`: the
    training `files` as they were then, the `measured` set as it is labelled today."""
    with tempfile.TemporaryDirectory(prefix="dhr-blind-") as folder:
        with tarfile.open(fileobj=io.BytesIO(_git("archive", "--format=tar", commit, "bot"))) as archive:
            archive.extractall(folder, filter="data")
        paths = []
        for name in [*files, measured]:
            path = Path(folder) / name
            path.write_bytes((reply_sets.DATA / name).read_bytes() if name == measured else
                             _git("show", f"{commit}:tests/data/{name}"))
            paths.append(str(path))
        done = subprocess.run([sys.executable, "-c", _DUMP, *paths], cwd=folder, check=True, capture_output=True,
                              env={**os.environ, "PYTHONPATH": folder})
        found: dict[str, Any] = json.loads(done.stdout)
        return {Path(path).name: value for path, value in found.items()}


def _reading(data: dict[str, Any]) -> Reading:
    return Reading(ReadStatus(data["status"]), date.fromisoformat(data["new_due"]) if data["new_due"] else None,
                   None, data["confidence"], text=data["text"], automatic=data["automatic"],
                   redirect_to=data["redirect_to"], date_problem=data["date_problem"])


def _examples(read: dict[str, Any], fictional: bool) -> list[Example]:
    examples: list[Example] = []
    for row, readings in zip(read["rows"], read["readings"], strict=True):
        if fictional:
            refs = row["known_refs"].split(",")
            expected = dict(pair.split("=", 1) for pair in row["expected"].split(";")) if "=" in row["expected"] \
                else dict.fromkeys(refs, row["expected"])
        else:
            expected = reply_sets.expected_statuses(row)
        examples += _unique_per_text(
            (readings[ref]["text"], status) for ref, status in expected.items()
            if ref in readings and not readings[ref]["automatic"]
        )
    return examples


@dataclass(frozen=True)
class BlindScore:
    name: str
    commit: str
    rules: SetScore
    combined: SetScore
    trained_on: list[str]
    opinions: list[Opinion | None]  # per case: what the model said, where it was asked


def measure(blind: BlindRead, thresholds: Thresholds = THRESHOLDS) -> BlindScore:
    existing = set(_git("ls-tree", "--name-only", blind.commit, "tests/data/").decode().split())
    earlier = [name for name in REPLY_FILES if f"tests/data/{name}" in existing and name != blind.file]
    read = old_readings(blind.commit, [*earlier, "replies_fictional.tsv"], measured=blind.file)
    notes = csv.DictReader(io.StringIO(_git("show", f"{blind.commit}:tests/data/progress_notes.tsv").decode()),
                           delimiter="\t", quoting=csv.QUOTE_NONE)
    examples = [e for name in earlier for e in _examples(read[name], fictional=False)]
    examples += _examples(read["replies_fictional.tsv"], fictional=True)
    examples += [Example(row["text"], row["status"]) for row in notes if row["text"].strip()]
    model = model_from(examples)
    rules_cases, combined_cases = [], []
    opinions: list[Opinion | None] = []
    target = read[blind.file]
    for row, readings in zip(target["rows"], target["readings"], strict=True):
        old = {ref: _reading(data) for ref, data in readings.items()}
        rules_cases += reply_sets.row_cases(row, old)
        today = date.fromisoformat(row["today"])
        combined = {ref: with_second_opinion(r, model, today, thresholds) for ref, r in old.items()}
        combined_cases += reply_sets.row_cases(row, combined)
        opinions += [combined[ref].opinion if ref in combined else None for ref in reply_sets.expected_statuses(row)]
    # The old policy decided closing then; it is the same function today (checked, not assumed).
    for case, (row, readings) in zip(rules_cases, _per_case(target), strict=True):
        assert (case.closes, case.confirm) == (readings["closes"], readings["confirm"]), (row["id"], case.name)
    return BlindScore(blind.name, blind.commit, SetScore(rules_cases), SetScore(combined_cases), earlier, opinions)


def _per_case(target: dict[str, Any]) -> list[tuple[dict[str, str], dict[str, Any]]]:
    missing = {"closes": False, "confirm": True}  # an action the old reader gave no reading: unclear, asked
    return [
        (row, readings.get(ref, missing))
        for row, readings in zip(target["rows"], target["readings"], strict=True)
        for ref in reply_sets.expected_statuses(row)
    ]


def _fraction(right: int, total: int) -> str:
    return f"{right}/{total} ({right / total:.0%})" if total else "-"


def markdown_table(scores: Sequence[BlindScore]) -> str:
    lines = ["| first blind reading | status right | new date right | false closes unasked "
             "| genuine completions closed at once | model decided (right / wrong) |", "|---|---|---|---|---|---|"]
    for score in scores:
        for label, s in ((f"{score.name} at {score.commit}, rules alone", score.rules),
                         (f"{score.name}, rules + model (trained on {len(score.trained_on)} earlier sets)",
                          score.combined)):
            decided = [c for c, r in zip(s.cases, score.rules.cases, strict=True) if c.got is not r.got]
            lines.append(
                f"| {label} | {_fraction(len(s.status_right), len(s.cases))} "
                f"| {_fraction(len(s.date_right), len(s.dated))} | {len(s.unconfirmed_false_closes)} "
                f"| {genuine_closed_at_once(s)} "
                f"| {sum(c.got is c.expected for c in decided)} / {sum(c.got is not c.expected for c in decided)} |"
            )
    lines += ["", "| where the model was asked (statements: not automatic, redirects or a bare yes/no) "
                  "| rules alone right | model alone right |", "|---|---|---|"]
    for score in scores:
        asked = [(c, o) for c, o in zip(score.rules.cases, score.opinions, strict=True) if o is not None]
        lines.append(f"| {score.name} | {_fraction(sum(c.got is c.expected for c, _ in asked), len(asked))} "
                     f"| {_fraction(sum(o.model_status is c.expected for c, o in asked), len(asked))} |")
    return "\n".join(lines)


def details(score: BlindScore) -> list[str]:
    lines = []
    for rules, both in zip(score.rules.cases, score.combined.cases, strict=True):
        if (rules.got, rules.confirm) != (both.got, both.confirm) or rules in score.rules.unconfirmed_false_closes:
            lines.append(f"{score.name} {both.name}: expected {both.expected.value}"
                         f"{' (unambiguous)' if both.unambiguous else ''}; rules {rules.got.value}"
                         f"{' (asked)' if rules.confirm else ''}; with model {both.got.value}"
                         f"{' (asked)' if both.confirm else ''}")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--decide", nargs=2, type=float, metavar=("RULES_UNSURE_BELOW", "MODEL_SURE_AT"),
                        help="let the model decide statuses (not what is shipped: for comparison)")
    parser.add_argument("--close-needs", type=float, help="another veto threshold (for comparison)")
    parser.add_argument("--model-may-complete", choices=("yes", "no"),
                        help="whether the model may read as complete what the rules read otherwise")
    args = parser.parse_args(argv)
    thresholds = THRESHOLDS
    if args.model_may_complete:
        thresholds = replace(thresholds, model_may_complete=args.model_may_complete == "yes")
    if args.decide:
        thresholds = replace(thresholds, rules_unsure_below=args.decide[0], model_sure_at=args.decide[1])
    if args.close_needs is not None:
        thresholds = replace(thresholds, close_needs=args.close_needs)
    scores = [measure(blind, thresholds) for blind in BLIND_READS]
    print(f"thresholds: {thresholds}")
    print(markdown_table(scores))
    for score in scores:
        print("\n".join(details(score)))


if __name__ == "__main__":
    main()
