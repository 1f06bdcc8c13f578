"""`/dhr chase REF|agency`: queue a chaser now; the normal delivery sends it inside the send window."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.db import ensure_partnership
from bot.handlers.common import Caller, local_today, may_change, refusal, unknown_ref
from bot.models import Action, Agency, Contact
from bot.outbox import NewMessage, enqueue, new_ref_token
from bot.overdue import OverdueFilter, matching_agency_ids, overdue_actions
from bot.policy import send_window
from bot.render import counted, mrkdwn, render, ukdate
from bot.routing import choose_route
from bot.rules.history import is_live
from bot.rules.statuses import MessageKind, Role
from bot.rules.workdays import next_send_time
from bot.runtime import Runtime
from bot.sweep import action_context
from bot.updates import action_by_ref

REPLY_HINT = "Reply here in your own words, or use the buttons."


def chase_now(session: Session, runtime: Runtime, who: Caller, target: str, now: datetime) -> str:
    """Queue one chaser per lead for `target` (a ref, or an agency's overdue actions); a reply to show."""
    actions = _actions_to_chase(session, runtime, target, now)
    if actions is None:
        if "-" in target:
            return unknown_ref(target)
        return f"I can't find an action or agency called `{mrkdwn(target[:40])}`."
    if not actions:
        return f"Nothing of {mrkdwn(target[:60])} is open and overdue, so there is nobody to chase."
    refused = [a.ref for a in actions if not may_change(session, runtime, who, a)]
    if refused:
        if action_by_ref(session, target) is None:
            # Asked by agency: naming its refs would show another agency's overdue list to someone
            # `/dhr overdue` refuses it to.
            return refusal(f"the overdue actions of {target[:40]}")
        return refusal(", ".join(refused[:5]))
    by_lead: dict[int, list[Action]] = defaultdict(list)
    no_lead: list[str] = []
    for action in actions:
        lead = _lead_of(session, action)
        if lead is None:
            no_lead.append(action.ref)
        else:
            by_lead[lead].append(action)
    queued: list[str] = []
    # A chase asked for on a Saturday night waits, like every chaser, for a working day's send window.
    not_before = next_send_time(now, send_window(runtime.settings))
    for contact_id, chased in by_lead.items():
        contact = session.get(Contact, contact_id)
        assert contact is not None
        queued_to = _queue(session, runtime, who, contact, chased, target, now, not_before)
        if queued_to is None:
            no_lead.extend(a.ref for a in chased)
        else:
            queued.append(f"{mrkdwn(contact.name)} ({counted(len(chased), 'action')})")
    lines = []
    if queued:
        when = ("with the next delivery" if not_before <= now
                else f"when the send window opens, {_local(runtime, not_before)}")
        lines.append(f"Chaser queued for {', '.join(queued)}; it goes out {when}.")
    if no_lead:
        lines.append(f"No lead I can reach for {mrkdwn(', '.join(no_lead[:10]))}: please add one to the contacts.")
    return "\n".join(lines)


def _actions_to_chase(session: Session, runtime: Runtime, target: str, now: datetime) -> list[Action] | None:
    action = action_by_ref(session, target)
    if action is not None:
        return [action] if is_live(action.status, action.removed_from_plan_at) else []
    if not matching_agency_ids(session, target):
        return None
    partnership = ensure_partnership(session, runtime.settings)
    assert partnership.id is not None
    rows = overdue_actions(session, partnership.id, local_today(runtime, now), runtime.settings.partnership.timezone,
                           OverdueFilter(agency=target))
    refs = [r.ref for r in rows]
    if not refs:
        return []
    return list(session.exec(select(Action).where(col(Action.ref).in_(refs)).order_by(col(Action.ref))).all())


def _lead_of(session: Session, action: Action) -> int | None:
    if action.lead_contact_id is not None:
        return action.lead_contact_id
    if action.lead_agency_id is None:
        return None
    return session.exec(
        select(Contact.id).where(Contact.agency_id == action.lead_agency_id, Contact.role == Role.LEAD.value,
                                 Contact.active == True).order_by(Contact.id)  # type: ignore[arg-type]  # noqa: E712
    ).first()


def _queue(
    session: Session, runtime: Runtime, who: Caller, contact: Contact, actions: list[Action], target: str,
    now: datetime, not_before: datetime,
) -> str | None:
    agency = session.get(Agency, contact.agency_id) if contact.agency_id else None
    route = choose_route(contact, agency, runtime.settings)
    if route is None:
        return None
    partnership = ensure_partnership(session, runtime.settings)
    today = local_today(runtime, now)
    # The request (who asked, what, to whom, this minute) is the key: a double submit queues one chaser.
    key = f"chase-now:{who.slack_user_id}:{target.strip().lower()}:{contact.id}:{now:%Y-%m-%dT%H:%M}"
    ref_token = new_ref_token()
    context = {
        "recipient_name": contact.name,
        "partnership_name": partnership.name,
        "actions": [action_context(a, today) for a in actions],
        "reply_hint": REPLY_HINT,
        "ref_token": ref_token,
    }
    rendered = render(MessageKind.CHASER.value, route.render_as, context)
    new = NewMessage(
        idempotency_key=key, kind=MessageKind.CHASER.value, channel=route.channel, recipient_contact_id=contact.id,
        recipient_address=route.address, subject=rendered.subject, body_text=rendered.text, body_html=rendered.html,
        blocks=rendered.blocks, action_ids=[a.id for a in actions if a.id is not None], not_before=not_before,
        ref_token=ref_token,
    )
    enqueue(session, new, now=now, actor=who.actor)
    return route.address


def _local(runtime: Runtime, moment: datetime) -> str:
    local = moment.astimezone(ZoneInfo(runtime.settings.partnership.timezone))
    return f"{ukdate(local.date())} at {local:%H:%M}"
