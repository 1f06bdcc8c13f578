"""Policy from settings: the one place that turns Settings into the values the rules take.

The sweep, delivery, the digest, the export and the Slack handlers all build their policies here,
so nothing imports the sweep or the job module to learn how the partnership is configured.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from bot.outbox import DeliveryPolicy
from bot.rules.chasing import Policy
from bot.rules.escalation import EscalationPolicy, ReplyPolicy
from bot.rules.pacing import Pace
from bot.rules.statuses import ChannelKind
from bot.rules.workdays import SendWindow
from bot.settings import Settings

__all__ = [
    "DeliveryPolicy",
    "EscalationPolicy",
    "Policy",
    "ReplyPolicy",
    "SendWindow",
    "chasing_policy",
    "delivery_policy",
    "escalation_policy",
    "local_today",
    "reply_policy",
    "send_window",
    "sending_pace",
]


def send_window(settings: Settings) -> SendWindow:
    p = settings.policy
    return SendWindow(p.send_window_start, p.send_window_end, settings.partnership.timezone)


def local_today(settings: Settings, now: datetime) -> date:
    """The partnership's calendar date at `now`: every "today" the bot decides by."""
    return send_window(settings).local_date(now)


def chasing_policy(settings: Settings) -> Policy:
    p = settings.policy
    return Policy(
        heads_up_working_days=p.heads_up_working_days,
        repeat_every_working_days=p.repeat_every_working_days,
        board_update_working_days=p.board_update_working_days,
        send_window=send_window(settings),
        max_actions_per_message=p.max_actions_per_message,
    )


def reply_policy(settings: Settings) -> ReplyPolicy:
    """A chaser asks for an answer before the next one is due; an update request, by the digest day."""
    p = settings.policy
    return ReplyPolicy(
        reply_within_working_days=p.repeat_every_working_days,
        board_working_days_before=p.digest_working_days_before,
    )


def escalation_policy(settings: Settings, overrides: Mapping[str, Any] | None = None) -> EscalationPolicy:
    """The ladder for an agency with `overrides` (its `policy_overrides`), or the partnership's default."""
    p = settings.policy
    base = EscalationPolicy(
        escalate_after_chasers=p.escalate_after_chasers,
        board_after_working_days=p.board_after_working_days,
        # The lead has until the chaser's reply-by day; the manager hears the day after.
        grace_working_days=reply_policy(settings).reply_within_working_days,
    )
    return base.with_overrides(overrides) if overrides else base


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    return DeliveryPolicy(
        max_attempts=settings.policy.max_delivery_attempts,
        claim_for=timedelta(seconds=settings.policy.delivery_claim_seconds),
        probe_every=timedelta(minutes=settings.policy.outage_probe_minutes),
        pacing=sending_pace(settings),
    )


def sending_pace(settings: Settings) -> dict[str, Pace]:
    p = settings.policy
    return {
        ChannelKind.SLACK.value: Pace(
            p.slack_messages_per_conversation, timedelta(seconds=p.slack_pace_seconds), margin=p.pace_margin
        ),
        ChannelKind.EMAIL.value: Pace(
            p.mail_messages_per_mailbox, timedelta(seconds=p.mail_pace_seconds),
            concurrent=p.mail_concurrent_sends, margin=p.pace_margin,
        ),
    }
