"""Issue 16's goals, each figure beside the floor measured in the same run, gathered for `make bench`.

A benchmark calls `record` for each figure a goal speaks of. When `GOALS_FILE_ENV` names a file
(bench/run_all.py sets it), the row is appended there as one JSON line; run_all reads them all back
and prints one table at the end: goal, figure, floor, ratio, target and whether the figure meets it.
Run on its own, a benchmark records nothing and prints only its own table.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

GOALS_FILE_ENV = "DHR_BENCH_GOALS"


@dataclass(frozen=True)
class GoalFigure:
    goal: str  # what is measured, with backend and size ("first sweep, 100k actions, SQLite")
    figure: float
    unit: str
    target: float
    floor_name: str
    floor: float | None
    #: "at most" (times, memory) or "at least" (throughput, ratios of a ceiling).
    direction: str = "at most"

    @property
    def met(self) -> bool:
        return self.figure <= self.target if self.direction == "at most" else self.figure >= self.target

    @property
    def ratio(self) -> float | None:
        return self.figure / self.floor if self.floor else None


def record(goal: GoalFigure) -> None:
    path = os.environ.get(GOALS_FILE_ENV)
    if path:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(asdict(goal)) + "\n")


def read_goals(path: Path) -> list[GoalFigure]:
    if not path.exists():
        return []
    return [GoalFigure(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]


def goals_table(goals: list[GoalFigure]) -> str:
    lines = ["| goal | figure | target | floor | floor value | ratio | met |", "|---|---:|---|---|---:|---:|---|"]
    for g in goals:
        floor = f"{g.floor:.3f} {g.unit}" if g.floor is not None else "-"
        ratio = f"{g.ratio:.1f}" if g.ratio is not None else "-"
        lines.append(f"| {g.goal} | {g.figure:.3f} {g.unit} | {g.direction} {g.target:g} {g.unit} | {g.floor_name} "
                     f"| {floor} | {ratio} | {'yes' if g.met else '**no**'} |")
    return "\n".join(lines)
