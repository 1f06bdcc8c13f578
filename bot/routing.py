"""Which transport reaches a person (or the board), given who they are and what is configured."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.models import Agency, Partnership
from bot.outbox import NewMessage, new_ref_token
from bot.render import context_to_json, render
from bot.rules.statuses import ChannelKind
from bot.settings import Settings


@dataclass(frozen=True)
class Route:
    channel: str  # ChannelKind value: the transport that will carry it
    address: str  # Slack user/channel id or mail address
    render_as: ChannelKind  # the outbox folder keeps both the Slack and the mail rendering


class Reachable(Protocol):
    """What routing reads of a person: a `Contact` row, or the columns of one."""

    @property
    def email(self) -> str | None: ...
    @property
    def slack_user_id(self) -> str | None: ...
    @property
    def slack_gone(self) -> str | None: ...
    @property
    def preferred_channel(self) -> str | None: ...


def choose_route(contact: Reachable, agency: Agency | None, settings: Settings) -> Route | None:
    """The contact's own preference, then the agency's, then Slack, then mail.

    A Slack id that Slack said is gone (`Contact.slack_gone`) is not used: the person is written to
    by mail instead, as a channel that failed for good is set aside. With no credentials at all
    every message goes to the outbox folder. With credentials, a person the configured transports
    cannot reach gets None, so coordinators are told instead of the message going nowhere.
    """
    slack_id = contact.slack_user_id if contact.slack_gone is None else None
    reachable: dict[str, str] = {}
    if slack_id and settings.slack_enabled:
        reachable[ChannelKind.SLACK.value] = slack_id
    if contact.email and settings.outlook_enabled:
        reachable[ChannelKind.EMAIL.value] = contact.email
    if not settings.slack_enabled and not settings.outlook_enabled:
        address = slack_id or contact.email
        return Route(ChannelKind.OUTBOX.value, address, ChannelKind.OUTBOX) if address else None
    preferences = [contact.preferred_channel, agency.preferred_channel if agency else None, "slack", "email"]
    for wanted in preferences:
        if wanted in reachable:
            return Route(wanted, reachable[wanted], ChannelKind(wanted))
    return None


def board_route(partnership: Partnership, settings: Settings) -> Route | None:
    if settings.slack_enabled and partnership.board_slack_channel:
        return Route(ChannelKind.SLACK.value, partnership.board_slack_channel, ChannelKind.SLACK)
    if settings.outlook_enabled and partnership.board_email:
        return Route(ChannelKind.EMAIL.value, partnership.board_email, ChannelKind.EMAIL)
    if not settings.slack_enabled and not settings.outlook_enabled:
        address = partnership.board_slack_channel or partnership.board_email
        return Route(ChannelKind.OUTBOX.value, address, ChannelKind.OUTBOX) if address else None
    return None


def rendered_message(
    kind: str,
    key: str,
    route: Route,
    context: Mapping[str, Any],
    *,
    contact_id: int | None = None,
    action_ids: Sequence[int] = (),
    not_before: datetime | None = None,
    level: int = 1,
    cc: Sequence[str] = (),
) -> NewMessage:
    """A message of `kind` rendered for `route`, ready for the outbox, with a fresh random ref token."""
    ref_token = new_ref_token()
    rendered = render(kind, route.render_as, dict(context) | {"ref_token": ref_token})
    return _addressed(kind, key, route, ref_token, contact_id=contact_id, action_ids=action_ids,
                      not_before=not_before, level=level, cc=cc, subject=rendered.subject, body_text=rendered.text,
                      body_html=rendered.html, blocks=rendered.blocks)


def queued_message(
    kind: str,
    key: str,
    route: Route,
    context: Mapping[str, Any],
    *,
    contact_id: int | None = None,
    action_ids: Sequence[int] = (),
    not_before: datetime | None = None,
    level: int = 1,
    cc: Sequence[str] = (),
) -> NewMessage:
    """As `rendered_message`, but keeping the context for the sending transport to render.

    Rendering is most of what composing a message costs, and a sweep composes thousands; the
    stored context (with its ref token) renders the same bytes on every try, after a crash too.
    `NewMessage.rendering()` shows it now, for a preview.
    """
    if route.render_as.value != route.channel:
        raise ValueError(f"route {route}: a queued context is rendered for the channel that sends it")
    ref_token = new_ref_token()
    stored = context_to_json(dict(context) | {"ref_token": ref_token})
    return _addressed(kind, key, route, ref_token, contact_id=contact_id, action_ids=action_ids,
                      not_before=not_before, level=level, cc=cc, subject="", body_text="", render_context=stored)


def _addressed(
    kind: str, key: str, route: Route, ref_token: str, *, contact_id: int | None, action_ids: Sequence[int],
    not_before: datetime | None, level: int, cc: Sequence[str], subject: str, body_text: str, **content: Any,
) -> NewMessage:
    """The outbox row's fields for `route`, with what it carries (a rendering, or a context to render)."""
    return NewMessage(
        idempotency_key=key,
        kind=kind,
        channel=route.channel,
        recipient_contact_id=contact_id,
        recipient_address=route.address,
        subject=subject,
        body_text=body_text,
        action_ids=action_ids,
        cc_addresses=cc,
        level=level,
        not_before=not_before,
        ref_token=ref_token,
        **content,
    )
