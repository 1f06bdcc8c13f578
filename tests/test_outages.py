"""A credential outage pauses a channel: nothing dead, nothing counted as a chase, the coordinators
told once by another channel, delivery resumed by itself once the credential works again.

End to end against the fake Slack Web API and the fake Microsoft login + Graph, on SQLite and
PostgreSQL. The Grace Lin case is the one from issue 15: Slack answered `invalid_auth` for one
delivery run, 25 messages were dead-lettered, the coordinators' notice died the same way, and
three weeks later her manager was told "we have asked Grace Lin 2 times" though she got nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.app import health
from bot.channels.base import Channel
from bot.channels.graph import GraphClient
from bot.channels.outbox_folder import OutboxFolderChannel
from bot.channels.outlook import OutlookChannel
from bot.channels.slack import SlackChannel, make_slack_client
from bot.db import ensure_partnership, make_engine, session_scope
from bot.digest.content import build_digest
from bot.models import ChannelPause, Message
from bot.outages import deliver_watching_outages
from bot.outbox import DeliveryReport, NewMessage, enqueue
from bot.settings import Settings, load_settings
from bot.sweep import sweep
from tests.factories import small_plan
from tests.fakes.fixtures import SLACK_TEST_TOKEN, fake_microsoft, fake_slack  # noqa: F401
from tests.fakes.microsoft import FakeMicrosoft
from tests.fakes.slack_api import FakeSlackApi

WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)  # within the send window (09:30-16:30 London)
OVERDUE = date(2026, 11, 20)
QUEUED = 25


def both_transports() -> Settings:
    return load_settings(slack_bot_token="xoxb-test", slack_signing_secret="secret", ms_client_id="client",
                         ms_tenant_id="tenant", ms_client_secret="secret", mailbox="dhr@riverside.example.org")


@pytest.fixture
def graph(fake_microsoft: FakeMicrosoft) -> Iterator[GraphClient]:
    fake = fake_microsoft
    client = GraphClient(fake.tenant_id, fake.client_id, fake.client_secret, fake.authority_url, fake.graph_url,
                         fake.mailbox, verify=fake.ca_path)
    yield client
    client.close()


def slack_channel(fake: FakeSlackApi) -> SlackChannel:
    return SlackChannel(make_slack_client(SLACK_TEST_TOKEN, fake.url))


def deliver(engine: Engine, channels: dict[str, Channel], now: datetime) -> DeliveryReport:
    return deliver_watching_outages(engine, channels, lambda: now, worker="w1")


def queue_others(engine: Engine, channel: str, count: int, address: str) -> None:
    """`count` more messages on `channel`, due now: the rest of one delivery run."""
    with session_scope(engine) as session:
        for n in range(count):
            enqueue(session, NewMessage(f"other-{n}", "chaser", channel, None, address.format(n=n), "Update needed",
                                        f"RIV3-9-{n} is overdue.", not_before=WEDNESDAY), now=WEDNESDAY, actor="test")


def messages(engine: Engine, channel: str | None = None) -> list[Message]:
    with session_scope(engine) as session:
        rows = session.exec(select(Message).order_by(col(Message.id))).all()
        return [m for m in rows if channel is None or m.channel == channel]


def escalations(engine: Engine) -> list[Message]:
    return [m for m in messages(engine) if m.kind == "escalation"]


def posted_refs(fake: FakeSlackApi) -> list[str]:
    return [c.body["metadata"]["event_payload"]["ref"] for c in fake.calls("chat.postMessage") if c.error is None]


def no_response_refs(engine: Engine, settings: Settings, now: datetime) -> list[str]:
    with session_scope(engine) as session:
        partnership = ensure_partnership(session, settings)
        return [item.ref for item in build_digest(session, partnership, date(2027, 3, 11), now).no_response]


def test_grace_lin_slack_invalid_auth_pauses_tells_by_mail_and_resumes_once_fixed(
    engine: Engine, fake_slack: FakeSlackApi, fake_microsoft: FakeMicrosoft, graph: GraphClient,
) -> None:
    settings = both_transports()
    with session_scope(engine) as session:
        small_plan(session, settings, [("1-1", "Riverside Council Housing", OVERDUE, "in_progress")])
    channels: dict[str, Channel] = {"slack": slack_channel(fake_slack), "email": OutlookChannel(graph)}
    sweep(engine, settings, WEDNESDAY)  # Grace's chaser, by Slack
    queue_others(engine, "slack", QUEUED - 1, "U{n:07d}X")
    fake_slack.break_token("invalid_auth")

    first = deliver(engine, channels, WEDNESDAY)
    again = deliver(engine, channels, WEDNESDAY + timedelta(minutes=1))

    held = messages(engine, "slack")
    assert len(held) == QUEUED and first.dead == [] and again.dead == []
    assert {(m.state, m.attempts) for m in held} == {("pending", 0)}
    assert len(fake_slack.calls("conversations.open")) == 1  # one refusal paused the channel
    alerts = [m for m in fake_microsoft.sent if "Slack delivery is paused" in m["subject"]]
    assert [a["toRecipients"][0]["emailAddress"]["address"] for a in alerts] == [
        "morgan.blake@riverside.example.gov.uk"]
    with session_scope(engine) as session:
        pause = session.get(ChannelPause, "slack")
        assert pause is not None and (pause.error, pause.since, pause.alerted_via) == ("invalid_auth", WEDNESDAY, "email")
    assert health(engine, lambda: True)[0] == 200  # paused, but the coordinators know

    # Three weeks of sweeps while nobody fixes the token: chasers queue, none is delivered.
    for week in (1, 2, 3):
        now = WEDNESDAY + timedelta(days=7 * week)
        sweep(engine, settings, now)
        deliver(engine, channels, now)
        assert escalations(engine) == [], f"week {week}: escalated on chasers Grace never received"
    assert no_response_refs(engine, settings, WEDNESDAY + timedelta(days=21)) == []
    assert posted_refs(fake_slack) == []
    assert len([m for m in fake_microsoft.sent if "Slack delivery is paused" in m["subject"]]) == 1

    fake_slack.fix_token()
    fixed = WEDNESDAY + timedelta(days=21, minutes=10)
    deliver(engine, channels, fixed)
    deliver(engine, channels, fixed + timedelta(minutes=1))

    waiting = messages(engine, "slack")
    assert {m.state for m in waiting} == {"sent"}
    in_order = [m.ref_token for m in sorted(waiting, key=lambda m: (m.not_before or m.created_at, m.id or 0))]
    assert posted_refs(fake_slack) == in_order  # each exactly once, in the order they were written
    grace = [m for m in waiting if m.recipient_address == "U0GRACE"]
    assert len(grace) >= 2 and {m.sent_at for m in grace} == {fixed}
    resumed = [m for m in fake_microsoft.sent if "Slack delivery has resumed" in m["subject"]]
    assert len(resumed) == 1
    with session_scope(engine) as session:
        assert session.get(ChannelPause, "slack") is None
    # Her chasers reached her just now: her manager hears nothing until she has had time to answer.
    sweep(engine, settings, fixed + timedelta(hours=1))
    sweep(engine, settings, fixed + timedelta(days=1))
    assert escalations(engine) == []


def test_a_slack_outage_with_no_other_channel_logs_an_error_and_turns_healthz_unhealthy(
    engine: Engine, fake_slack: FakeSlackApi, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    folder = tmp_path / "outbox"
    channels: dict[str, Channel] = {"slack": slack_channel(fake_slack), "outbox": OutboxFolderChannel(folder)}
    settings = load_settings(slack_bot_token="xoxb-test", slack_signing_secret="secret")
    with session_scope(engine) as session:
        small_plan(session, settings, [("1-1", "Riverside Council Housing", OVERDUE, "in_progress")])
    queue_others(engine, "slack", 3, "U{n:07d}X")
    fake_slack.break_token("token_revoked")

    with caplog.at_level(logging.ERROR, logger="bot.outages"):
        deliver(engine, channels, WEDNESDAY)
        deliver(engine, channels, WEDNESDAY + timedelta(minutes=6))

    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "no other channel reaches the coordinators" in errors[0].getMessage()
    status, body = health(engine, lambda: True)
    assert status == 503 and body["ok"] is False
    assert body["paused_channels"] == [{"channel": "slack", "since": WEDNESDAY.isoformat(), "error": "token_revoked",
                                        "coordinators_told": False}]
    assert {m.state for m in messages(engine)} == {"pending"}
    assert not folder.exists() or list(folder.iterdir()) == []  # no notice pretended to go anywhere

    fake_slack.fix_token()
    deliver(engine, channels, WEDNESDAY + timedelta(minutes=12))

    assert health(engine, lambda: True) == (200, {"ok": True, "database": "ok", "scheduler": "leader",
                                                  "paused_channels": []})
    assert len(posted_refs(fake_slack)) == 3 + 1
    # They never heard of the pause; they hear of its end by the channel that came back.
    assert [m.channel for m in fake_slack.messages() if "Slack works again" in m.text] == [
        fake_slack.dm_channel_for("U0MORGAN")]


def test_an_expired_client_secret_pauses_mail_tells_by_slack_and_resumes_once_renewed(
    engine: Engine, fake_slack: FakeSlackApi, fake_microsoft: FakeMicrosoft, graph: GraphClient,
) -> None:
    settings = both_transports()
    with session_scope(engine) as session:
        small_plan(session, settings, [("1-1", "Probation Service", OVERDUE, "in_progress")])
    channels: dict[str, Channel] = {"slack": slack_channel(fake_slack), "email": OutlookChannel(graph)}
    sweep(engine, settings, WEDNESDAY)  # Sam Boateng's chaser, by mail
    queue_others(engine, "email", QUEUED - 1, "lead{n}@agency.example.org")
    fake_microsoft.expire_client_secret(7000222)

    deliver(engine, channels, WEDNESDAY)
    for week in (1, 2):
        sweep(engine, settings, WEDNESDAY + timedelta(days=7 * week))
        deliver(engine, channels, WEDNESDAY + timedelta(days=7 * week))

    held = messages(engine, "email")
    assert fake_microsoft.sent == [] and {(m.state, m.attempts) for m in held} == {("pending", 0)}
    assert escalations(engine) == []
    alerts = [m for m in fake_slack.messages() if "cannot send by Outlook mail" in m.text]
    assert [a.channel for a in alerts] == [fake_slack.dm_channel_for("U0MORGAN")]
    assert "AADSTS7000222" in alerts[0].text
    with session_scope(engine) as session:
        pause = session.get(ChannelPause, "email")
        assert pause is not None and pause.error == "AADSTS7000222"

    fake_microsoft.renew_client_secret()
    renewed = WEDNESDAY + timedelta(days=14, minutes=10)
    deliver(engine, channels, renewed)

    refs = [m["subject"].split("]")[0].lstrip("[") for m in fake_microsoft.sent]
    assert sorted(refs) == sorted(m.ref_token for m in held) and len(set(refs)) == len(held) >= QUEUED
    assert {m.state for m in messages(engine, "email")} == {"sent"}
    assert len([m for m in fake_slack.messages() if "Outlook mail works again" in m.text]) == 1


def test_a_graph_401_pauses_mail_and_a_working_token_resumes_it(
    engine: Engine, fake_slack: FakeSlackApi, fake_microsoft: FakeMicrosoft, graph: GraphClient,
) -> None:
    settings = both_transports()
    with session_scope(engine) as session:
        small_plan(session, settings, [("1-1", "Probation Service", OVERDUE, "in_progress")])
    channels: dict[str, Channel] = {"slack": slack_channel(fake_slack), "email": OutlookChannel(graph)}
    graph.probe()  # a token in msal's cache
    queue_others(engine, "email", 4, "lead{n}@agency.example.org")
    fake_microsoft.revoke_tokens()
    fake_microsoft.expire_client_secret(7000215)  # and no new token either, for now

    deliver(engine, channels, WEDNESDAY)
    with session_scope(engine) as session:
        pause = session.get(ChannelPause, "email")
        assert pause is not None and pause.error == "InvalidAuthenticationToken"
    assert {m.state for m in messages(engine, "email")} == {"pending"}

    fake_microsoft.renew_client_secret()
    deliver(engine, channels, WEDNESDAY + timedelta(minutes=5))

    assert len(fake_microsoft.sent) == 4 and {m.state for m in messages(engine, "email")} == {"sent"}


def test_a_restart_during_the_pause_keeps_it_and_probes_no_sooner_than_the_policy_says(
    engine: Engine, fake_slack: FakeSlackApi, fake_microsoft: FakeMicrosoft, graph: GraphClient,
) -> None:
    queue_others(engine, "slack", 5, "U{n:07d}X")
    with session_scope(engine) as session:
        small_plan(session, both_transports(), [("1-1", "Riverside Council Housing", OVERDUE, "in_progress")])
    fake_slack.break_token("invalid_auth")
    deliver(engine, {"slack": slack_channel(fake_slack), "email": OutlookChannel(graph)}, WEDNESDAY)
    engine.dispose()

    # Another process, started afresh: new engine, new clients, nothing in memory.
    restarted = make_engine(engine.url.render_as_string(hide_password=False))
    channels: dict[str, Channel] = {"slack": slack_channel(fake_slack), "email": OutlookChannel(graph)}
    fake_slack.fix_token()
    deliver(restarted, channels, WEDNESDAY + timedelta(minutes=4))
    assert posted_refs(fake_slack) == [] and fake_slack.calls("auth.test") == []
    with session_scope(restarted) as session:
        assert session.get(ChannelPause, "slack") is not None

    deliver(restarted, channels, WEDNESDAY + timedelta(minutes=5))

    assert len(fake_slack.calls("auth.test")) == 1
    assert len(posted_refs(fake_slack)) == 5
    assert len([m for m in fake_microsoft.sent if "Slack delivery is paused" in m["subject"]]) == 1
    restarted.dispose()
