"""After a restart or a lease take-over the jobs run at once, not an interval later."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from bot.jobs import runner as runner_module
from bot.jobs.runner import SchedulerRunner
from bot.jobs.scheduler import JOBS, build_scheduler
from bot.lease import SCHEDULER_LEASE, acquire
from bot.runtime import Runtime
from bot.settings import load_settings

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _next_runs(engine: Engine, now: datetime) -> dict[str, datetime]:
    scheduler = build_scheduler(load_settings(), engine, now=now)
    scheduler.start(paused=True)
    try:
        return {job.id: job.next_run_time for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)


def test_every_job_runs_at_once_when_the_scheduler_starts(engine: Engine) -> None:
    runs = _next_runs(engine, START)
    assert set(runs) == {job_id for job_id, _, _ in JOBS}
    assert all(when == START for when in runs.values())


def test_a_restart_does_not_keep_the_old_process_next_run_times(engine: Engine) -> None:
    _next_runs(engine, START)  # the first process, whose next sweep and digest check were due later
    restarted_at = START + timedelta(minutes=7)
    runs = _next_runs(engine, restarted_at)
    assert runs["sweep"] == restarted_at and runs["digest"] == restarted_at


RAN: list[str] = []


def sweep_probe() -> None:
    RAN.append("sweep")


def digest_probe() -> None:
    RAN.append("digest")


PROBES = (("sweep", f"{__name__}:sweep_probe", 15), ("digest", f"{__name__}:digest_probe", 60))


def test_the_process_taking_over_a_stale_lease_runs_the_sweep_and_digest_check_at_once(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner_module, "build_scheduler", lambda settings, db: build_scheduler(settings, db, PROBES))
    RAN.clear()
    now = datetime.now(UTC)
    assert acquire(engine, SCHEDULER_LEASE, "dead-process", now - timedelta(minutes=5), timedelta(minutes=2))
    runner = SchedulerRunner(Runtime(load_settings(), engine, {}))
    try:
        runner.tick(now)  # the dead process's lease has expired: this one takes over
        assert runner.leading
        deadline = time.monotonic() + 20
        while sorted(RAN) != ["digest", "sweep"]:
            assert time.monotonic() < deadline, f"only {RAN} ran after the take-over"
            time.sleep(0.05)
    finally:
        runner._stand_down()
