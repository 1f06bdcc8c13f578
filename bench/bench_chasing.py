"""Time `plan_chases` on 1k, 10k and 100k synthetic actions; growth should be linear.

    .venv/bin/python -m bench.bench_chasing [--repeat 3] [--seed 7]     (from the project root)

Prints, for each size, the best of `--repeat` runs (garbage collector paused, as timeit does),
the time per action, and that per-action time as a ratio of the smallest size's (about 1.0
everywhere means linear growth).
"""

from __future__ import annotations

import argparse
import gc
import random
import time as clock
from datetime import UTC, date, datetime, timedelta

from bot.rules.chasing import ActionState, Policy, plan_chases

SIZES = (1_000, 10_000, 100_000)
NOW = datetime(2026, 6, 17, 7, 0, tzinfo=UTC)
STATUSES = ("not_started", "in_progress", "blocked", "complete", "not_applicable")


def synthetic_actions(count: int, rng: random.Random) -> list[ActionState]:
    """A plan-shaped mix: mostly dated, some overdue, some undated, a few snoozed or unassigned."""
    today = NOW.date()
    contacts = max(1, count // 8)
    actions = []
    for i in range(count):
        undated = rng.random() < 0.15
        due = None if undated else today + timedelta(days=rng.randint(-120, 90))
        chased = rng.random() < 0.5
        replied = rng.random() < 0.3
        actions.append(
            ActionState(
                action_id=i + 1,
                ref=f"RIV3-{i // 10 + 1}-{i % 10 + 1}",
                status=rng.choice(STATUSES),
                due=due,
                precision="none" if undated else rng.choice(("day", "month", "season")),
                snoozed_until=today + timedelta(days=rng.randint(1, 20)) if rng.random() < 0.05 else None,
                contact_id=None if rng.random() < 0.02 else rng.randint(1, contacts),
                agency_id=rng.randint(1, 6),
                last_reply_at=NOW - timedelta(hours=rng.randint(1, 2000)) if replied else None,
                last_chase_at=NOW - timedelta(hours=rng.randint(1, 2000)) if chased else None,
                chases_since_reply=rng.randint(0, 4),
                deferred_until=today + timedelta(days=rng.randint(1, 10)) if rng.random() < 0.02 else None,
            )
        )
    return actions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    policy = Policy()
    meetings = [date(2026, 6, 25), date(2026, 9, 24)]
    plan_chases(synthetic_actions(100, random.Random(0)), policy, NOW, meetings)  # warm the holiday caches
    baseline: float | None = None
    print(f"{'actions':>8} {'best s':>9} {'us/action':>10} {'ratio':>6} {'intents':>8}")
    for size in SIZES:
        actions = synthetic_actions(size, random.Random(args.seed))
        best = float("inf")
        for _ in range(args.repeat):
            # As timeit does: the collector's full passes over every live object would make the
            # figure depend on what else the process holds, not on the rules.
            gc.collect()
            gc.disable()
            try:
                started = clock.perf_counter()
                plan = plan_chases(actions, policy, NOW, meetings)
                best = min(best, clock.perf_counter() - started)
            finally:
                gc.enable()
        per_action = best / size
        baseline = baseline or per_action
        print(f"{size:>8} {best:>9.3f} {per_action * 1e6:>10.2f} {per_action / baseline:>6.2f} {len(plan.intents):>8}")


if __name__ == "__main__":
    main()
