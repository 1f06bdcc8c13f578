"""Runs the scheduler only while this process holds the scheduler lease.

Every RENEW_EVERY seconds the lease is taken or renewed. On taking it (at start, or from a
process that stopped renewing) the scheduler is built afresh, so the sweep, the delivery, the
inbox poll and the digest check all run at once (see bot.jobs.scheduler); on losing it the
scheduler stops without waiting for running jobs (they are idempotent, and the new holder
repeats whatever was cut short).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.jobs.scheduler import build_scheduler
from bot.lease import SCHEDULER_LEASE, acquire, release
from bot.runtime import Runtime

log = logging.getLogger(__name__)

LEASE_TTL = timedelta(minutes=2)
RENEW_EVERY = 30.0  # seconds; several renewals fit in one TTL, so a slow database is no takeover


class SchedulerRunner:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="dhr-scheduler-lease", daemon=True)
        self._scheduler: BackgroundScheduler | None = None

    @property
    def leading(self) -> bool:
        return self._scheduler is not None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._stand_down("shutting down: the scheduler stops and its lease is released")
        release(self.runtime.engine, SCHEDULER_LEASE, self.runtime.worker_id)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.tick(datetime.now(UTC))
            except Exception:  # the database may be briefly unreachable: keep trying
                log.exception("scheduler lease check failed")
                self._stand_down("the lease could not be checked; standing down until it can")
            self._stop.wait(RENEW_EVERY)

    def tick(self, now: datetime) -> None:
        holds = acquire(self.runtime.engine, SCHEDULER_LEASE, self.runtime.worker_id, now, LEASE_TTL)
        if holds and self._scheduler is None:
            log.info("this process now runs the scheduler")
            self._scheduler = build_scheduler(self.runtime.settings, self.runtime.engine)
            self._scheduler.start()
        elif not holds:
            self._stand_down("another process runs the scheduler; standing down")

    def _stand_down(self, why: str = "the scheduler stops in this process") -> None:
        if self._scheduler is not None:
            log.info(why)
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
