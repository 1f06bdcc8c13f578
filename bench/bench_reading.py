"""Reading one reply: milliseconds per KB at 1 to 40 KB, for ordinary and pathological shapes (issue 15).

    .venv/bin/python -m bench.bench_reading [--sizes 1 2 5 10 20 40] [--repeat 3] [--rules-alone]

Each shape is one unit repeated to the size and read with read_replies against 30 known refs. The ratio is
ms/KB relative to 1 KB: about 1.0 (flat) means linear. Beyond READ_LIMIT (20 KB) nothing more is parsed,
so 40 KB costs what 20 KB does and its ms/KB halves. `--rules-alone` reads without the status model
(bot.reading.status_model), to see what the model's second opinion costs.
"""

from __future__ import annotations

import argparse
import time as clock
from datetime import date

from bot.reading.replies import READ_LIMIT, SHIPPED, ModelChoice, read_replies
from bot.reading.status_model import shipped_status_model

TODAY = date(2027, 1, 11)
REFS = [f"RIV3-{rec}-{action}" for rec in range(1, 7) for action in range(1, 6)]
SHAPES = {
    "refs named 1,600x": "RIV3-1-1 done. ",
    "bullets per ref": "- RIV3-2-1 in progress, new date end of June\n",
    "one huge line": "we have been working on this with the partners and it is going well ",
    "many 'done by'": "completed by 3 March ",
    "many dates": "moved to 12 March 2027, then next week, ",
    "capitalised run": "March April May June Jane Okafor ",
    "quoted lines": "> On 3 May 2027 Grace wrote: is it done?\n",
    "blank lines": "\n",
    "suffix refs": "1-1 2-2 3-3 ",
}


def reply_of(unit: str, kilobytes: int) -> str:
    size = kilobytes * 1024
    return (unit * (size // len(unit) + 1))[:size]


def ms_per_kb(text: str, kilobytes: int, repeat: int, model: ModelChoice = SHIPPED) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = clock.perf_counter()
        read_replies(text, today=TODAY, known_refs=REFS, model=model)
        best = min(best, clock.perf_counter() - started)
    return best * 1000 / kilobytes


def model_ms_per_kb(text: str, kilobytes: int, repeat: int, model: ModelChoice = SHIPPED) -> float:
    """The status model alone on the text (it is given at most READ_LIMIT, as the reader gives it)."""
    del model
    status_model = shipped_status_model()
    best = float("inf")
    for _ in range(repeat):
        started = clock.perf_counter()
        status_model.probabilities(text[:READ_LIMIT])
        best = min(best, clock.perf_counter() - started)
    return best * 1000 / kilobytes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 2, 5, 10, 20, 40])
    parser.add_argument("--repeat", type=int, default=3, help="best of this many reads per size")
    parser.add_argument("--rules-alone", action="store_true", help="read without the status model")
    parser.add_argument("--model-only", action="store_true", help="time the status model's probabilities alone")
    args = parser.parse_args()
    model: ModelChoice = None if args.rules_alone else SHIPPED
    print(f"READ_LIMIT = {READ_LIMIT // 1024} KB; each cell is ms/KB (ratio to 1 KB)\n")
    print("| shape | " + " | ".join(f"{size} KB" for size in args.sizes) + " |")
    print("|---|" + "---:|" * len(args.sizes))
    for name, unit in SHAPES.items():
        cells: list[str] = []
        baseline: float | None = None
        for size in args.sizes:
            figure = (model_ms_per_kb if args.model_only else ms_per_kb)(reply_of(unit, size), size, args.repeat, model)
            baseline = baseline or figure
            cells.append(f"{figure:.1f} ({figure / baseline:.2f})")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
