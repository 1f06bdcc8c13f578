"""The digest goes out once per meeting, N working days before it."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from pathlib import Path

import docx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.channels.graph import GraphClient
from bot.channels.outlook import OutlookChannel
from bot.db import session_scope
from bot.digest.sending import send_due_digests
from bot.models import BoardMeeting, Message
from bot.outbox import deliver_due
from bot.settings import Settings, load_settings
from tests.digest.history import seed_plan
from tests.fakes.fixtures import fake_microsoft, graph_client  # noqa: F401
from tests.fakes.microsoft import FakeMicrosoft


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def digests(engine: Engine) -> list[Message]:
    with session_scope(engine) as session:
        return list(session.exec(select(Message).where(Message.kind == "digest").order_by(col(Message.id))).all())


def test_digest_waits_for_the_fifth_working_day_before_the_meeting(engine: Engine, settings: Settings) -> None:
    seed_plan(engine, settings)
    assert send_due_digests(engine, settings, at(date(2027, 1, 6))) == []
    [sent] = send_due_digests(engine, settings, at(date(2027, 1, 7)))
    assert sent.meeting_date == date(2027, 1, 14)
    assert sent.message_keys == ["digest:1:2027-01-14:outbox"]


def test_running_the_job_twice_sends_the_digest_once(engine: Engine, settings: Settings) -> None:
    seed_plan(engine, settings)
    send_due_digests(engine, settings, at(date(2027, 1, 7), 9))
    assert send_due_digests(engine, settings, at(date(2027, 1, 7), 10)) == []
    assert send_due_digests(engine, settings, at(date(2027, 1, 11))) == []
    [message] = digests(engine)
    assert message.channel == "outbox" and message.recipient_address == "C0BOARD"
    assert "RIV3-1-1" in (message.body_text or "") and message.blocks and message.body_html
    with session_scope(engine) as session:
        meeting = session.exec(select(BoardMeeting).where(BoardMeeting.date == date(2027, 1, 14))).one()
    assert meeting.digest_sent_at == at(date(2027, 1, 7), 9)


def test_a_digest_decided_overnight_goes_out_in_the_send_window(engine: Engine, settings: Settings) -> None:
    seed_plan(engine, settings)
    send_due_digests(engine, settings, at(date(2027, 1, 7), 3))
    [message] = digests(engine)
    assert message.not_before == datetime(2027, 1, 7, 9, 30, tzinfo=UTC)


def test_digest_counts_working_days_across_christmas_bank_holidays(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    # Tuesday 5 January 2027: 1 Jan, 28 Dec (Boxing Day's substitute) and 25 Dec are not working days.
    monkeypatch.setenv("DHR_BOARD__MEETINGS", '["2027-01-05"]')
    settings = load_settings()
    seed_plan(engine, settings)
    assert send_due_digests(engine, settings, at(date(2026, 12, 23))) == []
    assert [s.meeting_date for s in send_due_digests(engine, settings, at(date(2026, 12, 24)))] == [date(2027, 1, 5)]
    assert send_due_digests(engine, settings, at(date(2026, 12, 29))) == []
    assert len(digests(engine)) == 1


def test_no_digest_after_the_meeting_has_happened(engine: Engine, settings: Settings) -> None:
    seed_plan(engine, settings)
    assert send_due_digests(engine, settings, at(date(2027, 1, 14))) == []
    assert send_due_digests(engine, settings, at(date(2026, 11, 27))) == []  # the 26 November meeting is past
    assert digests(engine) == []


def test_with_slack_and_outlook_the_board_gets_both(engine: Engine, monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    for name, value in {
        "SLACK_BOT_TOKEN": "xoxb-test", "SLACK_SIGNING_SECRET": "secret", "MS_TENANT_ID": "tenant",
        "MS_CLIENT_ID": "client", "MS_CLIENT_SECRET": "secret", "DHR_MAILBOX": "dhr@riverside.example.gov.uk",
    }.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    seed_plan(engine, settings)
    send_due_digests(engine, settings, at(date(2027, 1, 7)))
    routes = sorted((m.channel, m.recipient_address, m.idempotency_key) for m in digests(engine))
    assert routes == [
        ("email", "board@riverside.example.gov.uk", "digest:1:2027-01-14:email"),
        ("slack", "C0BOARD", "digest:1:2027-01-14:slack"),
    ]
    email = next(m for m in digests(engine) if m.channel == "email")
    assert email.ref_token and email.ref_token in (email.subject or "") and email.body_html


def test_the_word_report_is_written_beside_the_outbox(engine: Engine, settings: Settings) -> None:
    seed_plan(engine, settings)
    [sent] = send_due_digests(engine, settings, at(date(2027, 1, 7)))
    assert sent.report_path == Path(settings.outbox_dir) / "digests" / "digest-1-2027-01-14.docx"
    document = docx.Document(str(sent.report_path))
    assert any("RIV3-1-1" in cell.text for table in document.tables for r in table.rows for cell in r.cells)


def test_the_scheduled_job_sends_the_due_digest_once(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import runtime
    from bot.jobs import scheduler, tasks

    seed_plan(engine, settings)
    monkeypatch.setattr(runtime, "current", lambda: runtime.Runtime(settings, engine, {}))
    monkeypatch.setattr(tasks, "_now", lambda: at(date(2027, 1, 7)))
    tasks.digest_job()
    tasks.digest_job()
    assert len(digests(engine)) == 1
    assert ("digest", "bot.jobs.tasks:digest_job", 60) in scheduler.JOBS


def test_with_nowhere_to_send_it_the_digest_waits_until_the_board_is_configured(
    engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_plan(engine, settings)
    monkeypatch.delenv("DHR_PARTNERSHIP__BOARD_EMAIL")
    monkeypatch.delenv("DHR_PARTNERSHIP__BOARD_SLACK_CHANNEL")
    assert send_due_digests(engine, load_settings(), at(date(2027, 1, 7))) == []
    [sent] = send_due_digests(engine, settings, at(date(2027, 1, 8)))
    assert sent.meeting_date == date(2027, 1, 14) and sent.message_keys


def test_the_board_digest_mail_carries_the_word_report(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, settings: Settings, fake_microsoft: FakeMicrosoft,
    graph_client: GraphClient,
) -> None:
    for name, value in fake_microsoft.env().items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    seed_plan(engine, settings)
    [queued] = send_due_digests(engine, settings, at(date(2027, 1, 7)))

    deliver_due(engine, {"email": OutlookChannel(graph_client)}, lambda: at(date(2027, 1, 7), 11), worker="test")

    [mail] = fake_microsoft.sent
    [report] = mail["attachments"]
    assert report["name"] == "digest-1-2027-01-14.docx"
    assert report["contentType"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert queued.report_path is not None
    assert base64.b64decode(report["contentBytes"]) == queued.report_path.read_bytes()
