"""The scheduled jobs. Module-level functions without arguments, so the persistent job store can
keep them by name; each reads the process runtime and the clock once, then calls the domain."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot import runtime
from bot.outbox import DeliveryPolicy, deliver_due
from bot.sweep import sweep

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def delivery_policy(max_attempts: int) -> DeliveryPolicy:
    return DeliveryPolicy(max_attempts=max_attempts)


def sweep_job() -> None:
    rt = runtime.current()
    report = sweep(rt.engine, rt.settings, _now())
    if report.unassigned_refs or report.unroutable:
        log.warning(
            "sweep: %d actions have no lead contact, %d people cannot be reached",
            len(report.unassigned_refs), len(report.unroutable),
        )


def deliver_job() -> None:
    rt = runtime.current()
    report = deliver_due(
        rt.engine, rt.channels, _now, worker=rt.worker_id,
        policy=delivery_policy(rt.settings.policy.max_delivery_attempts),
    )
    if report.sent or report.dead or report.retrying:
        log.info("delivery: %d sent, %d retrying, %d dead", len(report.sent), len(report.retrying), len(report.dead))
