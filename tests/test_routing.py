"""Which transport reaches a person, and how a Slack id that Slack says is gone sends them to mail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.channels.base import DeliveryError, Envelope, Receipt
from bot.contacts import read_contacts_csv, store_contacts
from bot.db import session_scope
from bot.models import Contact, Event, Message
from bot.outbox import NewMessage, deliver_due, enqueue
from bot.routing import Route, choose_route
from bot.rules.statuses import ChannelKind
from bot.settings import Settings, load_settings
from tests.factories import EXAMPLE_CONTACTS, riverside_people

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)


def both_transports() -> Settings:
    return load_settings(slack_bot_token="xoxb-test", slack_signing_secret="secret", ms_client_id="client",
                         ms_tenant_id="tenant", ms_client_secret="secret", mailbox="dhr@riverside.example.org")


class GoneSlack:
    """Slack answering `user_not_found` for everyone, as it does for a deleted user."""

    kind = ChannelKind.SLACK

    def send(self, envelope: Envelope) -> Receipt:
        raise DeliveryError("Slack conversations.open failed: user_not_found (HTTP 200)", permanent=True,
                            code="user_not_found", recipient_gone=True)

    def find_sent(self, envelope: Envelope, since: datetime) -> Receipt | None:
        return None


def priya(engine: Engine) -> Contact:
    with session_scope(engine) as session:
        riverside_people(session, load_settings())
        return session.exec(select(Contact).where(Contact.name == "Priya Shah")).one()


def chase_priya_on_slack(engine: Engine, contact: Contact) -> None:
    with session_scope(engine) as session:
        enqueue(session, NewMessage("chaser-1", "chaser", "slack", contact.id, "U0PRIYA", "Update needed", "RIV3-2-1?"),
                now=NOW, actor="test")
    deliver_due(engine, {"slack": GoneSlack()}, lambda: NOW, worker="w1")


def test_a_lead_who_prefers_slack_is_reached_on_slack(engine: Engine) -> None:
    assert choose_route(priya(engine), None, both_transports()) == Route("slack", "U0PRIYA", ChannelKind.SLACK)


def test_after_slack_says_the_id_is_gone_the_next_message_goes_by_mail(engine: Engine) -> None:
    contact = priya(engine)
    chase_priya_on_slack(engine, contact)
    with session_scope(engine) as session:
        learned = session.get(Contact, contact.id)
        assert learned is not None and learned.slack_gone == "user_not_found"
        assert session.exec(select(Message.state)).one() == "dead"
        assert [e.kind for e in session.exec(select(Event).where(Event.entity == "contact",
                                                                  Event.kind == "contact.slack_gone"))] == [
            "contact.slack_gone"]
        route = choose_route(learned, None, both_transports())
    assert route == Route("email", "priya.shah@police.example.org", ChannelKind.EMAIL)


def test_a_gone_slack_id_without_a_mail_address_leaves_the_person_unreachable(engine: Engine) -> None:
    contact = priya(engine)
    contact.slack_gone, contact.email = "user_disabled", None
    assert choose_route(contact, None, both_transports()) is None


def test_a_new_slack_id_from_the_contacts_is_tried_again(engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    contact = priya(engine)
    chase_priya_on_slack(engine, contact)
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(EXAMPLE_CONTACTS.read_text().replace("U0PRIYA", "U0PRIYA2"))
    with session_scope(engine) as session:
        store_contacts(session, read_contacts_csv(contacts), actor="test")
        again = session.get(Contact, contact.id)
        assert again is not None and again.slack_gone is None
        assert choose_route(again, None, both_transports()) == Route("slack", "U0PRIYA2", ChannelKind.SLACK)


class SlackWithoutPriya:
    """Slack as it answers once Priya's account is deactivated: `user_disabled` for her, fine for others."""

    kind = ChannelKind.SLACK

    def __init__(self) -> None:
        self.sent: list[Envelope] = []

    def send(self, envelope: Envelope) -> Receipt:
        if envelope.to_address == "U0PRIYA":
            raise DeliveryError("Slack conversations.open failed: user_disabled (HTTP 200)", permanent=True,
                                code="user_disabled", recipient_gone=True)
        self.sent.append(envelope)
        return Receipt(slack_channel="D" + envelope.to_address, slack_ts=f"{len(self.sent)}.0001")

    def find_sent(self, envelope: Envelope, since: datetime) -> Receipt | None:
        return None


class Mailbox:
    kind = ChannelKind.EMAIL

    def send(self, envelope: Envelope) -> Receipt:
        return Receipt(internet_message_id=f"<{envelope.message_id}@riverside.example.org>")

    def find_sent(self, envelope: Envelope, since: datetime) -> Receipt | None:
        return None


def test_a_deactivated_slack_account_tells_the_coordinator_once_and_moves_the_lead_to_mail(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import date, timedelta

    from bot.sweep import sweep
    from tests.factories import small_plan

    monkeypatch.setenv("DHR_BOARD__MEETINGS", '["2027-03-11"]')
    settings = both_transports()
    wednesday = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    with session_scope(engine) as session:
        small_plan(session, settings, [("1-1", "Riverside Police", date(2026, 11, 20), "in_progress")])
    channels = {"slack": SlackWithoutPriya(), "email": Mailbox()}
    sweep(engine, settings, wednesday)
    deliver_due(engine, channels, lambda: wednesday, worker="w1")

    told = sweep(engine, settings, wednesday + timedelta(hours=1))
    again = sweep(engine, settings, wednesday + timedelta(hours=2))
    next_week = sweep(engine, settings, wednesday + timedelta(days=7))

    assert [(m.kind, m.recipient_address) for m in told.queued] == [("undeliverable", "U0MORGAN")]
    assert "user_disabled" in told.queued[0].rendering().text
    assert again.queued == []
    assert [(m.kind, m.channel, m.recipient_address) for m in next_week.queued] == [
        ("chaser", "email", "priya.shah@police.example.org")]
