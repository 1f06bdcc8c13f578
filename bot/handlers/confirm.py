"""Asking "I read this as X: correct?", and settling the answer (bot.updates.confirm/reject_update)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from bot.answers import confirmation_context
from bot.blocks import confirm_value, read_confirm_value
from bot.handlers.common import Caller, may_change, refusal
from bot.handlers.recording import describe
from bot.models import Action, ProgressUpdate
from bot.outbox import ref_token_for
from bot.render import Rendered, mrkdwn, render
from bot.rules.statuses import ChannelKind
from bot.runtime import Runtime
from bot.updates import (
    UpdateRefused,
    confirm_update,
    pending_confirmation,
    reject_update,
)


def confirmation_for(
    session: Session, runtime: Runtime, who: Caller, unsure: Sequence[tuple[Action, ProgressUpdate]]
) -> Rendered:
    """The confirmation question for a `/dhr update`, answered at once (ephemeral) rather than queued."""
    ids = [u.id for _, u in unsure if u.id is not None]
    context = confirmation_context(session, runtime.settings, who.contact.name if who.contact else "there", unsure)
    return render("confirmation", ChannelKind.SLACK, context | {"ref_token": ref_token_for(confirm_value(ids))})


def settle(
    session: Session, runtime: Runtime, who: Caller, value: str, *, confirmed: bool, now: datetime
) -> tuple[bool, str]:
    """Apply (or set aside) every update a confirmation covers: (settled, what to tell them).

    Refuses all when any is not theirs. When not settled the caller rolls the session back, so a
    half-settled confirmation never sticks.
    """
    pending: list[tuple[ProgressUpdate, Action]] = []
    try:
        for update_id in read_confirm_value(value):
            pending.append(pending_confirmation(session, update_id))
    except (ValueError, UpdateRefused) as problem:
        return False, mrkdwn(str(problem))
    refused = [a.ref for _, a in pending if not may_change(session, runtime, who, a)]
    if refused:
        return False, refusal(", ".join(refused))
    lines = []
    try:
        for update, action in pending:
            assert update.id is not None
            if confirmed:
                confirm_update(session, update.id, actor=who.actor, now=now)
                lines.append(f"*{mrkdwn(action.ref)}*: {mrkdwn(describe(update))}")
            else:
                reject_update(session, update.id, actor=who.actor, now=now)
    except UpdateRefused as refused_update:
        return False, mrkdwn(str(refused_update))
    if confirmed:
        return True, f"Thanks <@{who.slack_user_id}>, recorded:\n" + "\n".join(lines)
    return True, (f"Thanks <@{who.slack_user_id}>: nothing was changed. Reply in this thread with a correction, "
            "or use `/dhr update REF ...`.")
