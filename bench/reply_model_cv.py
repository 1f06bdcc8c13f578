"""Leave-one-set-out cross-validation of the status model beside the rules (bot.reading.second_opinion).

    .venv/bin/python -m bench.reply_model_cv             (from the project root; needs the [test] extra)

For each labelled reply set S: train the model on every other set (plus the plan notes and the fictional
replies, never a fold), read S with the rules alone and with the rules and that model, exactly as the
reply flow reads (bench.reply_sets), and score both: status right, new date right, false closes without
confirmation, and genuine completions asked instead of applied (what the close veto costs).

The thresholds (bot.reading.second_opinion.THRESHOLDS) are chosen first, on the development sets alone
(development, held-out 1 and 2: each read by a model trained on the other two and the extras), by
`--choose`; the table is then made with them fixed. Caveat: the RULES were tuned on every one of these
sets, so leave-one-set-out flatters the rules part; the honest test is a set written blind.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from bench import reply_sets
from bench.reply_sets import ReplyCase, SetScore
from bench.train_reply_model import REPLY_SETS, Example, extra_examples, fit, reply_set_examples, training_sha256
from bot.reading.confirm import closes_action, needs_confirmation
from bot.reading.replies import ModelChoice, Reading
from bot.reading.second_opinion import THRESHOLDS, Opinion, Thresholds, combine
from bot.reading.status_model import StatusModel

DEVELOPMENT_SETS = ("development", "held-out 1", "held-out 2")


def model_from(examples: Sequence[Example]) -> StatusModel:
    """The pure-Python model the bot would ship if trained on `examples`."""
    from bench.train_reply_model import as_json

    return StatusModel.from_json(as_json(fit(examples), training_sha256(())))


@dataclass(frozen=True)
class Fold:
    name: str
    rules: SetScore
    combined: SetScore
    opinions: list[tuple[ReplyCase, Opinion | None]]  # for trying other thresholds without reading again


def _opinions(rows: list[dict[str, str]], model: ModelChoice) -> list[tuple[ReplyCase, Opinion | None]]:
    """Each case with the opinion the model gave of it (None where it was not asked)."""
    cases = reply_sets.cases_of(rows, model)
    opinions: list[Opinion | None] = []
    for row in rows:
        readings = reply_sets.read_row(row, model)
        for ref in reply_sets.expected_statuses(row):
            reading = readings.get(ref)
            opinions.append(reading.opinion if reading is not None else None)
    return list(zip(cases, opinions, strict=True))


def run_fold(name: str, training: Sequence[Example]) -> Fold:
    rows = reply_sets.read_rows(REPLY_SETS[name])
    with_model = _opinions(rows, model_from(training))
    return Fold(name, SetScore(reply_sets.cases_of(rows, None)), SetScore([c for c, _ in with_model]), with_model)


def examples_by_set() -> dict[str, list[Example]]:
    return {name: reply_set_examples(path) for name, path in REPLY_SETS.items()}


def loso(names: Sequence[str], by_set: dict[str, list[Example]], extras: list[Example]) -> list[Fold]:
    return [
        run_fold(name, [e for other in names if other != name for e in by_set[other]] + extras)
        for name in names
    ]


def rethresholded(case: ReplyCase, opinion: Opinion | None, thresholds: Thresholds) -> ReplyCase:
    """The case as it would read with other thresholds (status and closing only; dates are the rules')."""
    if opinion is None:
        return case
    status, confidence = combine(opinion.rules_status, opinion.rules_confidence, dict(opinion.probabilities), thresholds)
    reading = Reading(status, None, None, confidence)
    return replace(case, got=status, confirm=needs_confirmation(reading), closes=closes_action(reading))


def genuine_closed_at_once(score: SetScore) -> int:
    return sum(c.unambiguous and c.closes and not c.confirm for c in score.cases)


def choose_thresholds(folds: Sequence[Fold]) -> Thresholds:
    """The thresholds that read the development folds best: status right first, then no more false closes
    than the rules alone, then the fewest genuine completions asked; the veto is kept only where it costs
    at most one genuine completion in fifty."""
    genuine = sum(genuine_closed_at_once(f.rules) for f in folds)
    best: tuple[tuple[float, ...], Thresholds] | None = None
    for unsure, sure, close in itertools.product(
        (0.0, 0.3, 0.5, 0.6, 0.7, 0.75), (0.5, 0.6, 0.7, 0.8, 0.9, None), (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)
    ):
        thresholds = Thresholds(unsure, sure, close)
        scored = [SetScore([rethresholded(c, o, thresholds) for c, o in f.opinions]) for f in folds]
        asked = genuine - sum(genuine_closed_at_once(s) for s in scored)
        if asked * 50 > genuine:
            continue
        right = sum(len(s.status_right) for s in scored)
        false_closes = sum(len(s.unconfirmed_false_closes) for s in scored)
        # on a tie: the stronger veto, and the model deciding less often
        key = (right, -false_closes, close, -unsure, 2.0 if sure is None else sure)
        if best is None or key > best[0]:
            best = (key, thresholds)
    assert best is not None
    return best[1]


def veto_curve(folds: Sequence[Fold], name: str) -> str:
    """What each veto threshold costs (genuine completions asked) and saves (false closes), on `folds`."""
    genuine = sum(genuine_closed_at_once(f.rules) for f in folds)
    false_closes = sum(len(f.rules.unconfirmed_false_closes) for f in folds)
    lines = [f"| P(complete) needed to close unasked ({name}) | genuine completions asked, of {genuine} "
             f"| false closes unasked, of {false_closes} |", "|---|---|---|"]
    for close in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        thresholds = replace(THRESHOLDS, close_needs=close)
        scored = [SetScore([rethresholded(c, o, thresholds) for c, o in f.opinions]) for f in folds]
        lines.append(f"| {close} | {genuine - sum(genuine_closed_at_once(s) for s in scored)} "
                     f"| {sum(len(s.unconfirmed_false_closes) for s in scored)} |")
    return "\n".join(lines)


def _fraction(right: int, total: int) -> str:
    return f"{right}/{total} ({right / total:.0%})" if total else "-"


def markdown_table(folds: Sequence[Fold]) -> str:
    lines = [
        "| set read (model trained on the others) | status right: rules | rules + model | new date right: rules "
        "| rules + model | false closes unasked: rules | rules + model | genuine completions asked, not applied "
        "| model decided (right / wrong) | model alone, where asked |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    total = Fold("**all sets**", SetScore([c for f in folds for c in f.rules.cases]),
                 SetScore([c for f in folds for c in f.combined.cases]), [o for f in folds for o in f.opinions])
    for fold in [*folds, total]:
        decided = [(c, r) for c, r in zip(fold.combined.cases, fold.rules.cases, strict=True) if c.got is not r.got]
        asked = [(c, o) for c, o in fold.opinions if o is not None]
        lines.append(
            f"| {fold.name} | {_fraction(len(fold.rules.status_right), len(fold.rules.cases))} "
            f"| {_fraction(len(fold.combined.status_right), len(fold.combined.cases))} "
            f"| {_fraction(len(fold.rules.date_right), len(fold.rules.dated))} "
            f"| {_fraction(len(fold.combined.date_right), len(fold.combined.dated))} "
            f"| {len(fold.rules.unconfirmed_false_closes)} | {len(fold.combined.unconfirmed_false_closes)} "
            f"| {genuine_closed_at_once(fold.rules) - genuine_closed_at_once(fold.combined)} "
            f"of {genuine_closed_at_once(fold.rules)} "
            f"| {sum(c.got is c.expected for c, _ in decided)} / {sum(c.got is not c.expected for c, _ in decided)} "
            f"| {_fraction(sum(o.model_status is c.expected for c, o in asked), len(asked))} |"
        )
    return "\n".join(lines)


def changed(folds: Sequence[Fold]) -> list[str]:
    """One line per case the model changed, for reading the table."""
    lines = []
    for fold in folds:
        for rules, both in zip(fold.rules.cases, fold.combined.cases, strict=True):
            if (rules.got, rules.confirm) != (both.got, both.confirm):
                mark = "+" if both.got is both.expected and rules.got is not rules.expected else \
                    "-" if rules.got is rules.expected and both.got is not both.expected else " "
                lines.append(f"{mark} {fold.name} {both.name}: expected {both.expected.value}; rules "
                             f"{rules.got.value}{' (asked)' if rules.confirm else ''}, with model "
                             f"{both.got.value}{' (asked)' if both.confirm else ''}")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--choose", action="store_true", help="choose the thresholds on the development sets first")
    parser.add_argument("--changes", action="store_true", help="list every reading the model changed")
    args = parser.parse_args(argv)
    by_set, extras = examples_by_set(), extra_examples()
    report: Callable[[str], None] = print
    if args.choose:
        development = loso(DEVELOPMENT_SETS, by_set, extras)
        chosen = choose_thresholds(development)
        report(f"thresholds chosen on the development sets: {chosen} (shipped: {THRESHOLDS})\n")
        report(veto_curve(development, "development sets, each read by a model trained on the other two") + "\n")
    folds = loso(list(REPLY_SETS), by_set, extras)
    report(markdown_table(folds) + "\n")
    report(veto_curve(folds, "every set, leave-one-set-out"))
    if args.changes:
        report("\n".join(changed(folds)))


if __name__ == "__main__":
    main()
