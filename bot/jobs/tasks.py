"""The scheduled jobs. Module-level functions without arguments, so the persistent job store can
keep them by name; each reads the process runtime and the clock once, then calls the domain."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot import runtime
from bot.digest.sending import send_due_digests
from bot.outages import deliver_watching_outages
from bot.outbox import DELIVERY_WAIT
from bot.policy import delivery_policy
from bot.slack_dedupe import forget_deliveries
from bot.sweep import sweep

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def sweep_job() -> None:
    rt = runtime.current()
    now = _now()
    forget_deliveries(rt.engine, now)
    report = sweep(rt.engine, rt.settings, now)
    if report.unassigned_refs or report.unroutable:
        log.warning(
            "sweep: %d actions have no lead contact, %d people cannot be reached",
            len(report.unassigned_refs), len(report.unroutable),
        )


def deliver_job() -> None:
    rt = runtime.current()
    report = deliver_watching_outages(
        rt.engine, rt.channels, _now, worker=rt.worker_id,
        policy=delivery_policy(rt.settings), wait_up_to=DELIVERY_WAIT,
    )
    if report.sent or report.dead or report.retrying or report.paused:
        log.info("delivery: %d sent, %d retrying, %d dead, %d held by a paused channel",
                 len(report.sent), len(report.retrying), len(report.dead), len(report.paused))


def digest_job() -> None:
    rt = runtime.current()
    for sent in send_due_digests(rt.engine, rt.settings, _now()):
        log.info("digest for the %s meeting: %d message(s) queued", sent.meeting_date, len(sent.message_keys))


def inbox_job() -> None:
    """Read replies from the Outlook Inbox; nothing to do when Outlook is not configured."""
    rt = runtime.current()
    if not rt.settings.outlook_enabled:
        return
    from bot.channels.outlook import OutlookChannel
    from bot.inbox.poll import poll_inbox

    # Reuse the sending channel's client, so one msal token cache serves both.
    channel = rt.channels.get("email")
    graph = channel.graph if isinstance(channel, OutlookChannel) else runtime.graph_client(rt.settings)
    report = poll_inbox(rt.engine, graph, rt.settings, _now())
    if report.handled or report.unmatched:
        log.info("inbox: %d handled, %d left for a person", report.handled, report.unmatched)
