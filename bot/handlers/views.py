"""What the Slack answers show: the overdue list, an action's status, App Home. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.db import ensure_partnership
from bot.handlers.common import Caller, not_yours_to_see, sees_everything, text_blocks
from bot.history_queries import in_plan, live_action
from bot.models import Action, Agency, ProgressUpdate, Recommendation, Review
from bot.overdue import OverdueFilter, OverdueRow, matching_agency_ids, overdue_page
from bot.render import Page, Rendered, mrkdwn, render, status_label, ukdate
from bot.rules.history import is_live
from bot.rules.statuses import ChannelKind
from bot.runtime import Runtime

HOME_ACTIONS_SHOWN = 40  # App Home allows 100 blocks; one section per action plus headers


@dataclass(frozen=True)
class OverdueQuery:
    agency: str | None = None
    review: str | None = None
    mine: bool = False
    page: int = 1


def parse_overdue_args(words: list[str], review_codes: set[str]) -> OverdueQuery:
    """`[agency|review|mine] [page]`: a trailing number is the page; a review code beats an agency."""
    page = 1
    if words and words[-1].isdigit():
        page = max(int(words[-1]), 1)
        words = words[:-1]
    wanted = " ".join(words).strip()
    if not wanted:
        return OverdueQuery(page=page)
    if wanted.lower() == "mine":
        return OverdueQuery(mine=True, page=page)
    if wanted.upper() in review_codes:
        return OverdueQuery(review=wanted.upper(), page=page)
    return OverdueQuery(agency=wanted, page=page)


def review_codes(session: Session) -> set[str]:
    return {code.upper() for code in session.exec(select(Review.code)).all()}


def overdue_answer(
    session: Session, runtime: Runtime, who: Caller, args: str, page: int | None, today: date
) -> Rendered:
    """The `/dhr overdue` answer for `args` (as typed), on `page` (else the page in `args`)."""
    query = parse_overdue_args(args.split(), review_codes(session))
    partnership = ensure_partnership(session, runtime.settings)
    assert partnership.id is not None
    if not sees_everything(who):
        if query.agency and not _own_agency(session, who, query.agency):
            refused = not_yours_to_see(f"another agency's overdue list ({mrkdwn(query.agency[:40])})")
            return Rendered(subject="", text=refused, html=None, blocks=text_blocks(refused))
        # A lead or manager sees only their own agency's actions, whatever else they asked for.
        query = OverdueQuery(agency=query.agency, review=query.review, mine=query.agency is None, page=query.page)
    where = OverdueFilter(
        agency=query.agency, review=query.review,
        lead_contact_id=who.contact.id if query.mine and who.contact else None,
    )
    if query.mine and who.contact is None:
        shown: Page[OverdueRow] = Page([], 1, 1, 0)
    else:
        shown = overdue_page(session, partnership.id, today, runtime.settings.partnership.timezone, where,
                             page=page or query.page)
    scope = _scope(query)
    query_text = " ".join(w for w in args.split() if not w.isdigit())
    context: dict[str, Any] = {
        "as_of": today, "scope": scope, "query": query_text, "partnership_name": partnership.name,
        **shown.context(),
        "actions": [
            {"ref": r.ref, "agency": r.agency, "due": r.due, "days_overdue": r.days_overdue,
             "last_chased": r.last_chased}
            for r in shown.actions
        ],
    }
    return render("overdue", ChannelKind.SLACK, context)


def _scope(query: OverdueQuery) -> str:
    if query.agency:
        return query.agency
    if query.review:
        return f"{query.review}, your actions" if query.mine else query.review
    return "your actions" if query.mine else "all agencies"


def _own_agency(session: Session, who: Caller, agency: str) -> bool:
    own = who.contact.agency_id if who.contact else None
    return own is not None and set(matching_agency_ids(session, agency)) == {own}


def status_blocks(session: Session, action: Action, today: date, tz: str) -> tuple[str, list[dict[str, Any]]]:
    """Where one action stands; dates are shown in the partnership's timezone `tz`."""
    agency = session.get(Agency, action.lead_agency_id) if action.lead_agency_id else None
    latest = session.exec(
        select(ProgressUpdate).where(ProgressUpdate.action_id == action.id).order_by(col(ProgressUpdate.at).desc())
    ).first()
    due = ukdate(action.due) if action.due else mrkdwn(action.target_text or "no date")
    overdue = action.due is not None and action.due < today and is_live(action.status, action.removed_from_plan_at)
    late = f" ({(today - action.due).days} days overdue)" if overdue and action.due else ""
    lines = [
        f"*{mrkdwn(action.ref)}* · {mrkdwn(agency.name if agency else action.lead_agency_text or 'No lead agency')}",
        f"Status: *{status_label(action.status)}* · due {due}{late}",
    ]
    if action.snoozed_until and action.snoozed_until >= today:
        lines.append(f"Not chased until {ukdate(action.snoozed_until)}")
    if latest is not None:
        state = "" if latest.confirmed else " (waiting for confirmation)"
        on = ukdate(latest.at.astimezone(ZoneInfo(tz)).date())
        lines.append(f"Last update {on} via {latest.source.replace('_', ' ')}{state}")
    summary = " ".join(action.description.split()[:25])
    text = "\n".join(lines)
    return text, text_blocks(text, mrkdwn(summary))


def home_view(session: Session, runtime: Runtime, who: Caller, today: date) -> dict[str, Any]:
    if who.coordinator:
        blocks = _overview_blocks(session, runtime, today)
    elif who.contact is not None and who.contact.agency_id is not None:
        blocks = _lead_blocks(session, who.contact.agency_id, today)
    else:
        blocks = text_blocks("Hello. I chase DHR action plan updates. You are not on the contacts list, "
                             "so there is nothing to show here; the partnership coordinator can add you.")
    return {"type": "home", "blocks": blocks[:100]}


def _lead_blocks(session: Session, agency_id: int, today: date) -> list[dict[str, Any]]:
    agency = session.get(Agency, agency_id)
    actions = session.exec(
        select(Action).where(Action.lead_agency_id == agency_id, live_action())
        .order_by(col(Action.due), col(Action.ref))
    ).all()
    title = f"Open actions: {agency.name if agency else 'your agency'}"[:150]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title}},
        *text_blocks(f"{len(actions)} open as of {ukdate(today)}. "
                     "Use `/dhr update REF what has happened` to send an update."),
    ]
    for action in actions[:HOME_ACTIONS_SHOWN]:
        late = " · *overdue*" if action.due and action.due < today else ""
        due = ukdate(action.due) if action.due else mrkdwn(action.target_text or "no date")
        blocks += text_blocks(f"*{mrkdwn(action.ref)}* · due {due} · {status_label(action.status)}{late}")
    if len(actions) > HOME_ACTIONS_SHOWN:
        more = len(actions) - HOME_ACTIONS_SHOWN
        blocks += text_blocks(f"and {more} more: `/dhr overdue mine` lists the overdue ones.")
    return blocks


def _overview_blocks(session: Session, runtime: Runtime, today: date) -> list[dict[str, Any]]:
    partnership = ensure_partnership(session, runtime.settings)
    is_overdue = sa.and_(col(Action.due) < today, live_action())
    rows = session.execute(
        sa.select(
            sa.func.coalesce(col(Agency.name), "No lead agency"),
            sa.func.count(),
            sa.func.sum(sa.case((live_action(), 1), else_=0)),
            sa.func.sum(sa.case((is_overdue, 1), else_=0)),
        )
        .select_from(Action)
        .join(Recommendation, col(Recommendation.id) == col(Action.recommendation_id))
        .join(Review, col(Review.id) == col(Recommendation.review_id))
        .outerjoin(Agency, col(Agency.id) == col(Action.lead_agency_id))
        # An action the plan no longer has is kept for the record, not counted in the plan.
        .where(col(Review.partnership_id) == partnership.id, in_plan())
        .group_by(col(Agency.name))
        .order_by(col(Agency.name))
    ).all()
    total_overdue = sum(int(r[3] or 0) for r in rows)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"{partnership.name}: action plans"[:150]}},
        *text_blocks(f"As of {ukdate(today)}: *{total_overdue}* overdue across {len(rows)} agencies. "
                     "`/dhr overdue` lists them; `/dhr digest` previews the board digest."),
    ]
    for name, total, open_, overdue in rows[:HOME_ACTIONS_SHOWN]:
        blocks += text_blocks(f"*{mrkdwn(name)}*: {int(open_ or 0)} open of {total}, {int(overdue or 0)} overdue")
    return blocks
