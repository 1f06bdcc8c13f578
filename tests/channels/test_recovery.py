"""After a crash between sending and recording, each transport can tell whether a message went out."""

from __future__ import annotations

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
from bot.outbox import NewMessage, deliver_due, enqueue
from tests.fakes.slack_api import FakeSlackApi

SINCE = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


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


def test_outlook_finds_a_sent_mail_by_its_message_id_header(graph_client: GraphClient) -> None:
    channel = OutlookChannel(graph_client)
    mail = envelope(to_address="sam.boateng@probation.example.org")
    assert channel.find_sent(mail, SINCE) is None
    sent = channel.send(mail)
    found = channel.find_sent(mail, SINCE)
    assert found is not None and found.internet_message_id == sent.internet_message_id


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
