"""After a crash between sending and recording, each transport can tell whether a message went out."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.channels.base import Envelope
from bot.channels.graph import GraphClient
from bot.channels.outbox_folder import OutboxFolderChannel
from bot.channels.outlook import OutlookChannel
from bot.channels.slack import SlackChannel
from bot.db import session_scope
from bot.models import Message
from bot.outbox import DeliveryPolicy, NewMessage, deliver_due, enqueue
from tests.fakes.microsoft import FakeMicrosoft
from tests.fakes.slack_api import FakeSlackApi

SINCE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SHORT_CLAIM = DeliveryPolicy(claim_for=timedelta(seconds=10))


def envelope(**overrides: Any) -> Envelope:
    values: dict[str, Any] = {
        "message_id": 41, "kind": "chaser", "to_address": "U0PRIYA", "to_name": "Priya Shah", "cc": (),
        "subject": "Update needed", "text": "RIV3-7-1 is overdue.", "html": None, "blocks": None,
        "ref_token": "DHR-0a1b2c3d",
    }
    return Envelope(**{**values, **overrides})


def test_slack_finds_a_posted_message_by_its_ref_token(slack_client: WebClient) -> None:
    channel = SlackChannel(slack_client)
    assert channel.find_sent(envelope(), SINCE) is None
    sent = channel.send(envelope())
    channel.send(envelope(message_id=42, ref_token="DHR-99999999"))
    assert channel.find_sent(envelope(), SINCE) == sent


def test_outlook_finds_a_sent_mail_by_the_key_on_its_draft_though_sent_items_drops_our_headers(
    graph_client: GraphClient, fake_microsoft: FakeMicrosoft
) -> None:
    channel = OutlookChannel(graph_client, sent_copy_hold=timedelta(0))
    mail = envelope(to_address="sam.boateng@probation.example.org")
    assert channel.find_sent(mail, SINCE) is None
    sent = channel.send(mail)
    wait_for_sent_items(fake_microsoft, 1)
    assert all("internetMessageHeaders" not in m for m in fake_microsoft.folder_messages("sentitems"))
    found = channel.find_sent(mail, SINCE)
    assert found is not None and found.internet_message_id == sent.internet_message_id


def wait_for_sent_items(fake: FakeMicrosoft, count: int) -> None:
    deadline = time.monotonic() + 10
    while len(fake.folder_messages("sentitems")) < count:
        assert time.monotonic() < deadline, "the sent copy never reached Sent Items"
        time.sleep(0.05)


class MailClock:
    """One clock for the bot and the fake mailbox, moved by the test."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeMicrosoft, MailClock]]:
    clock = MailClock(SINCE)
    with FakeMicrosoft(clock=clock, sent_copy_delay=timedelta(minutes=3)) as fake:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", fake.ca_path)
        yield fake, clock


def outlook(fake: FakeMicrosoft, clock: MailClock) -> dict[str, OutlookChannel]:
    graph = GraphClient(fake.tenant_id, fake.client_id, fake.client_secret, fake.authority_url, fake.graph_url,
                        fake.mailbox, verify=fake.ca_path)
    return {"email": OutlookChannel(graph, sent_copy_hold=timedelta(minutes=10), clock=clock)}


def queue_mail(engine: Engine, count: int = 1) -> None:
    with session_scope(engine) as session:
        for n in range(count):
            enqueue(session, NewMessage(f"mail-{n}", "chaser", "email", None, f"lead{n}@police.example.org",
                                        "Update needed", f"RIV3-{n}-1 is overdue."), now=SINCE, actor="test")


def test_killed_right_after_sending_mail_the_restarted_bot_does_not_mail_again(
    engine: Engine, mailbox: tuple[FakeMicrosoft, MailClock]
) -> None:
    fake, clock = mailbox
    queue_mail(engine)

    def die_after_sending(step: str, message_id: int) -> None:
        if step == "sent":
            raise Crash

    with pytest.raises(Crash):
        deliver_due(engine, outlook(fake, clock), clock, worker="bot-1", hook=die_after_sending, policy=SHORT_CLAIM)
    # Restarted after the claim ran out, while the Sent Items copy is still on its way: it waits.
    clock.now = SINCE + timedelta(minutes=2)
    report = deliver_due(engine, outlook(fake, clock), clock, worker="bot-2", policy=SHORT_CLAIM)
    assert report.sent == [] and len(fake.sent) == 1
    with session_scope(engine) as session:
        waiting = session.exec(select(Message)).one()
        assert waiting.state == "failed" and waiting.attempts == 1 and "send_unconfirmed" in (waiting.last_error or "")
    # The copy lands; the next run records the mail as sent, without a second send.
    clock.now = SINCE + timedelta(minutes=11)
    report = deliver_due(engine, outlook(fake, clock), clock, worker="bot-2", policy=SHORT_CLAIM)
    assert len(report.recovered) == 1 and len(fake.sent) == 1
    with session_scope(engine) as session:
        row = session.exec(select(Message)).one()
        assert row.state == "sent" and row.internet_message_id == fake.sent[0]["internetMessageId"]


def test_a_mail_whose_send_failed_unclearly_goes_out_once_after_the_hold_and_leaves_no_draft(
    engine: Engine, mailbox: tuple[FakeMicrosoft, MailClock]
) -> None:
    fake, clock = mailbox
    queue_mail(engine)
    fake.fail_next("send", status=503, retry_after=30)
    deliver_due(engine, outlook(fake, clock), clock, worker="bot-1")
    assert fake.sent == [] and len(fake.folder_messages("drafts")) == 1

    clock.now = SINCE + timedelta(minutes=5)
    deliver_due(engine, outlook(fake, clock), clock, worker="bot-1")
    assert fake.sent == [], "sent again while the first attempt might still be on its way"

    clock.now = SINCE + timedelta(minutes=11)
    deliver_due(engine, outlook(fake, clock), clock, worker="bot-1")
    assert len(fake.sent) == 1 and fake.folder_messages("drafts") == []


def test_recovery_finds_the_mail_among_many_newer_ones_in_sent_items(
    engine: Engine, mailbox: tuple[FakeMicrosoft, MailClock]
) -> None:
    fake, clock = mailbox
    queue_mail(engine, 61)

    def die_after_the_first(step: str, message_id: int) -> None:
        if step == "sent" and message_id == 1:
            raise Crash

    with pytest.raises(Crash):
        deliver_due(engine, outlook(fake, clock), clock, worker="bot-1", hook=die_after_the_first, policy=SHORT_CLAIM)
    clock.now = SINCE + timedelta(seconds=30)
    deliver_due(engine, outlook(fake, clock), clock, worker="bot-2", policy=SHORT_CLAIM)  # the other 60
    clock.now = SINCE + timedelta(minutes=15)
    report = deliver_due(engine, outlook(fake, clock), clock, worker="bot-2", policy=SHORT_CLAIM)
    assert report.recovered == [1]
    assert len(fake.sent) == 61 and len(fake.folder_messages("sentitems")) == 61


def test_outbox_folder_finds_what_it_wrote(tmp_path: Path) -> None:
    channel = OutboxFolderChannel(tmp_path)
    assert channel.find_sent(envelope(), SINCE) is None
    channel.send(envelope())
    assert channel.find_sent(envelope(), SINCE) is not None


class Crash(BaseException):
    pass


def test_killed_after_posting_to_slack_the_restarted_bot_does_not_post_again(
    engine: Engine, fake_slack: FakeSlackApi, slack_client: WebClient
) -> None:
    channels = {"slack": SlackChannel(slack_client)}
    with session_scope(engine) as session:
        for n in range(3):
            enqueue(session, NewMessage(f"k{n}", "chaser", "slack", None, "U0PRIYA", "Update needed", f"RIV3-{n}-1"),
                    now=SINCE, actor="test")

    def die_after_second_post(step: str, message_id: int) -> None:
        if step == "sent" and message_id == 2:
            raise Crash

    with pytest.raises(Crash):
        deliver_due(engine, channels, lambda: SINCE, worker="bot-1", hook=die_after_second_post)
    deliver_due(engine, {"slack": SlackChannel(slack_client)}, lambda: SINCE + timedelta(minutes=10), worker="bot-2")

    assert len(fake_slack.calls("chat.postMessage")) == 3
    with session_scope(engine) as session:
        rows = session.exec(select(Message).order_by(Message.id)).all()
    assert [m.state for m in rows] == ["sent"] * 3
    assert len({m.slack_ts for m in rows}) == 3
