"""What every Slack listener needs: who is asking, may they change this action, local dates, replies.

Listeners stay thin: they parse a payload, call these and the domain modules (updates, overdue,
outbox), render, and respond. Nothing here talks to Slack except through the functions given to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from bot import answers, policy
from bot.contacts import contact_for_slack_user, person_for
from bot.models import Action, Contact
from bot.render import mrkdwn
from bot.rules import permissions
from bot.rules.permissions import Person
from bot.runtime import Runtime

Clock = Callable[[], datetime]

REFUSAL = (
    "Sorry, you can't change {ref}: only its lead agency's contacts and the partnership "
    "coordinators can. Nothing was changed. If this looks wrong, please ask the coordinator."
)
NOT_YOURS_TO_SEE = (
    "Sorry, {what} is for the partnership coordinators and the board: you can see your own agency's "
    "actions (try `/dhr overdue mine`). If this looks wrong, please ask the coordinator."
)
UNKNOWN_REF = "I can't find an action called {ref}. Check the ref (like RIV3-2-1) and try again."
PASSED_ON = ("Thanks: you say {refs} is not yours, so I've asked the partnership coordinator to re-route it. "
             "Nothing was changed.")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Caller:
    """The person behind a Slack request, as the bot knows them."""

    slack_user_id: str
    contact: Contact | None
    person: Person

    @property
    def actor(self) -> str:
        return f"slack:{self.slack_user_id}"

    @property
    def coordinator(self) -> bool:
        return permissions.is_coordinator(self.person)

    @property
    def author(self) -> answers.Author:
        return answers.Author(self.contact, self.person, self.actor)


def caller(session: Session, runtime: Runtime, slack_user_id: str) -> Caller:
    contact = contact_for_slack_user(session, slack_user_id)
    return Caller(slack_user_id, contact, person_for(contact, runtime.settings, slack_user_id))


def may_change(_session: Session, _runtime: Runtime, who: Caller, action: Action) -> bool:
    """bot.rules.permissions.may_change for a Slack caller (the first two arguments are no longer needed)."""
    return permissions.may_change(
        who.person, action_agency_id=action.lead_agency_id, action_lead_contact_id=action.lead_contact_id
    )


def sees_everything(who: Caller) -> bool:
    return permissions.sees_everything(who.person)


def may_see(who: Caller, action: Action) -> bool:
    return permissions.may_see(
        who.person, action_agency_id=action.lead_agency_id, action_lead_contact_id=action.lead_contact_id
    )


def not_yours_to_see(what: str) -> str:
    return NOT_YOURS_TO_SEE.format(what=what)


def refusal(ref: str) -> str:
    return REFUSAL.format(ref=mrkdwn(ref))


def unknown_ref(ref: str) -> str:
    return UNKNOWN_REF.format(ref=mrkdwn(ref[:40]))


def passed_to_coordinator(refs: list[str]) -> str:
    """What a lead is told when their "not ours / new lead" became a coordinator's task."""
    return PASSED_ON.format(refs=", ".join(f"*{mrkdwn(ref)}*" for ref in refs))


def local_today(runtime: Runtime, now: datetime) -> date:
    return policy.local_today(runtime.settings, now)


def text_blocks(*paragraphs: str) -> list[dict[str, Any]]:
    """Plain mrkdwn sections, one per paragraph (callers escape inserted values)."""
    return [{"type": "section", "text": {"type": "mrkdwn", "text": p[:3000]}} for p in paragraphs if p]

