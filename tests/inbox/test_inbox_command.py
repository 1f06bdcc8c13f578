"""`dhr inbox poll` and the scheduled inbox job, against the fake Outlook."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot import runtime
from bot.channels.outlook import OutlookChannel
from bot.cli import app
from bot.db import session_scope
from bot.inbox.poll import INBOX_CURSOR
from bot.jobs import tasks
from bot.jobs.scheduler import JOBS
from bot.models import Cursor
from bot.runtime import Runtime
from bot.settings import load_settings
from tests.inbox.conftest import TOM, Mailroom


def test_dhr_inbox_poll_records_a_reply_and_reports_it_as_json(
    mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DHR_DATABASE_URL", mailroom.engine.url.render_as_string(hide_password=False))
    mailroom.fake.deliver_reply(mailroom.sent_to(TOM), TOM, "All done, the guidance is signed off.")
    mailroom.fake.deliver_mail(TOM, "Lunch on Friday?", "Are you free?")

    result = CliRunner().invoke(app, ["inbox", "poll", "--json"])

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["applied"], report["handled"], report["unmatched"]) == (["RIV3-5-1"], 1, 1)
    assert mailroom.action("RIV3-5-1").status == "complete"


def test_dhr_inbox_poll_without_outlook_says_what_to_set() -> None:
    result = CliRunner().invoke(app, ["inbox", "poll"])

    assert result.exit_code == 2
    assert "MS_CLIENT_ID" in result.output


def test_inbox_job_is_scheduled_every_five_minutes() -> None:
    assert ("inbox", "bot.jobs.tasks:inbox_job", 5) in JOBS


def test_inbox_job_does_nothing_when_outlook_is_not_configured(engine, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    monkeypatch.setattr(runtime, "current", lambda: Runtime(settings, engine, {}))

    tasks.inbox_job()

    with session_scope(engine) as session:
        assert session.exec(select(Cursor)).all() == []


def test_inbox_job_reads_replies_with_the_sending_channels_client(
    mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    channels = {"email": OutlookChannel(mailroom.graph)}
    monkeypatch.setattr(runtime, "current", lambda: Runtime(mailroom.settings, mailroom.engine, channels))
    mailroom.fake.deliver_reply(mailroom.sent_to(TOM), TOM, "All done, the guidance is signed off.")

    tasks.inbox_job()

    assert mailroom.action("RIV3-5-1").status == "complete"
    with session_scope(mailroom.engine) as session:
        assert session.get(Cursor, INBOX_CURSOR) is not None
