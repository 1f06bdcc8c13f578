"""How many of the fields that matter the importer gets right on the held-out plans (bench/heldout_plans.py).

    python -m bench.plan_accuracy [--verbose] [--second | --third]

--second measures the second held-out set (bench/heldout_plans_second.py) instead of the first;
--third the third (bench/heldout_plans_third.py, written by someone who had not seen the importer).

Three fields per action: the recommendation (its number as written and the start of its text), the lead
agency, and the first due date (a month-only answer "2026-03" matches any day of that month). Each expected
action is paired with the imported action that agrees with it on the most fields (each imported action used
once); an expected action with no partner scores 0, and imported actions the plan does not have count as
wrong fields too, so inventing rows cannot raise the score.
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench import heldout_plans, heldout_plans_second, heldout_plans_third
from bench.heldout_plans import Expected, HeldOutPlan
from bot.plans import PlanError, read_plan

#: The plans are read as of a day long after all of them, so a year taken from "today" shows up as wrong.
TODAY = date(2031, 6, 1)


@dataclass(frozen=True)
class Found:
    number: str
    recommendation: str
    lead: str | None
    due: str | None


def _fold(text: str | None) -> str:
    return " ".join((text or "").casefold().split())


def field_scores(expected: Expected, found: Found) -> tuple[bool, bool, bool]:
    recommendation = found.number == expected.number and _fold(found.recommendation).startswith(
        _fold(expected.recommendation_starts)
    )
    lead = _fold(found.lead) == _fold(expected.lead)
    due = found.due is None if expected.due is None else (found.due or "").startswith(expected.due)
    return recommendation, lead, due


def found_actions(plan: HeldOutPlan) -> list[Found]:
    parsed = read_plan(plan.path, review_code="HELD", today=TODAY)
    return [
        Found(rec.number, rec.text, action.lead_agency, action.due.isoformat() if action.due else None)
        for rec in parsed.recommendations
        for action in rec.actions
    ]


def score_plan(plan: HeldOutPlan, *, verbose: bool = False) -> tuple[int, int]:
    """(fields right, fields counted) for one plan."""
    try:
        found = found_actions(plan)
    except PlanError as exc:
        if verbose:
            print(f"  refused: {exc}")
        return 0, 3 * len(plan.expected)
    unused = list(found)
    right = 0
    for expected in plan.expected:
        best = max(unused, key=lambda candidate: sum(field_scores(expected, candidate)), default=None)
        if best is None:
            if verbose:
                print(f"  missing: {expected}")
            continue
        unused.remove(best)
        scores = field_scores(expected, best)
        right += sum(scores)
        if verbose and not all(scores):
            print(f"  wrong {scores}: expected {expected}\n                     found {best}")
    if verbose:
        for extra in unused:
            print(f"  extra: {extra}")
    return right, 3 * (len(plan.expected) + len(unused))


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    plans = (heldout_plans_third if "--third" in argv
             else heldout_plans_second if "--second" in argv else heldout_plans)
    total_right = total = 0
    with tempfile.TemporaryDirectory() as folder:
        for plan in plans.write_all(Path(folder)):
            if verbose:
                print(plan.path.name)
            right, counted = score_plan(plan, verbose=verbose)
            total_right += right
            total += counted
            print(f"{plan.path.name:16} {right:3}/{counted:<3} {right / counted:.2f}")
    print(f"{'all':16} {total_right:3}/{total:<3} {total_right / total:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
