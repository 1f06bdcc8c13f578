"""The chasing commands end to end through `dhr`: init, contacts, overdue, sweep, deliver, outbox."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import app
from bot.db import session_scope
from bot.models import Agency, Contact, Message
from bot.settings import load_settings
from tests.factories import EXAMPLE_CONTACTS, small_plan
from tests.fakes.fixtures import fake_slack  # noqa: F401
from tests.fakes.slack_api import FakeSlackApi

runner = CliRunner()


@pytest.fixture
def database(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Engine:
    monkeypatch.setenv("DHR_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("DHR_OUTBOX_DIR", str(tmp_path / "outbox"))
    return engine


def plan(engine: Engine) -> None:
    """Dates in the past of the real clock, so `dhr deliver` (which sends what is due now) sends."""
    with session_scope(engine) as session:
        small_plan(session, load_settings(), [
            ("1-1", "Riverside Police", date(2026, 5, 20), "in_progress"),
            ("2-1", "Riverside Council Housing", date(2026, 5, 2), "not_started"),
            ("3-1", "Riverside Hospitals NHS Trust", date(2027, 3, 1), "not_started"),
        ])


def dhr(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_init_then_contacts_import_reports_what_changed(database: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHR_CONTACTS_FILE", str(EXAMPLE_CONTACTS))
    assert "contacts: 9 added" in dhr("init")
    assert "0 added, 9 updated" in dhr("contacts", "import", str(EXAMPLE_CONTACTS))


def test_bad_contacts_file_exits_2_and_names_the_row(database: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "people.csv"
    bad.write_text("agency,name,email,role\nRiverside Police,Priya Shah,priya@x.org,chief\n")
    result = runner.invoke(app, ["contacts", "import", str(bad)])
    assert result.exit_code == 2 and "people.csv: row 2: column role" in result.stderr


def test_overdue_json_lists_what_is_past_its_date(database: Engine) -> None:
    plan(database)
    data = json.loads(dhr("overdue", "--as-of", "2026-06-01", "--json"))
    assert [a["ref"] for a in data["actions"]] == ["RIV3-2-1", "RIV3-1-1"]
    assert data["actions"][0]["days_overdue"] == 30
    only_police = json.loads(dhr("overdue", "--as-of", "2026-06-01", "--agency", "police", "--json"))
    assert [a["ref"] for a in only_police["actions"]] == ["RIV3-1-1"]


def test_an_unknown_agency_is_an_error_not_an_empty_list(database: Engine) -> None:
    plan(database)
    result = runner.invoke(app, ["overdue", "--agency", "Fire Service"])
    assert result.exit_code == 2 and "no agency matches 'Fire Service'" in result.stderr
    assert "Riverside Police" in result.stderr


def test_bad_as_of_is_named(database: Engine) -> None:
    result = runner.invoke(app, ["overdue", "--as-of", "next tuesday"])
    assert result.exit_code == 2 and "--as-of" in result.stderr


def test_dry_run_sweep_changes_nothing_then_sweep_and_deliver_write_the_outbox(database: Engine, tmp_path: Path) -> None:
    plan(database)
    assert "Would queue 2 message(s)" in dhr("sweep", "--as-of", "2026-06-02", "--dry-run")
    with session_scope(database) as session:
        assert session.exec(select(Message)).all() == []
    assert "Queued 2 message(s)" in dhr("sweep", "--as-of", "2026-06-02")
    assert "Sent 2" in dhr("deliver")
    assert len(list((tmp_path / "outbox").glob("*.json"))) == 2
    assert {m["state"] for m in json.loads(dhr("outbox", "list", "--json"))} == {"sent"}


def test_a_dead_message_can_be_sent_again(database: Engine) -> None:
    plan(database)
    dhr("sweep", "--as-of", "2026-06-02")
    with session_scope(database) as session:
        message = session.exec(select(Message)).first()
        assert message is not None
        message.state, message.last_error = "dead", "users_not_found"
        session.add(message)
        dead_id = message.id
    dead = json.loads(dhr("outbox", "list", "--state", "dead", "--json"))
    assert [(m["id"], m["last_error"]) for m in dead] == [(dead_id, "users_not_found")]
    dhr("outbox", "retry", str(dead_id))
    with session_scope(database) as session:
        assert session.get(Message, dead_id).state == "pending"  # type: ignore[union-attr]
    again = runner.invoke(app, ["outbox", "retry", str(dead_id)])
    assert again.exit_code == 2 and "not dead" in again.stderr


def test_contacts_without_a_slack_id_are_linked_by_mail_address(
    database: Engine, monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlackApi
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-riverside-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    fake_slack.add_user("U0SAM", "sam.boateng@probation.example.org", "Sam Boateng")
    monkeypatch.setenv("DHR_CONTACTS_FILE", str(EXAMPLE_CONTACTS))
    assert "Slack ids found for 1" in dhr("init")
    with session_scope(database) as session:
        sam = session.exec(select(Contact).where(Contact.name == "Sam Boateng")).one()
    assert sam.slack_user_id == "U0SAM"
    assert "Slack ids found for 0" in dhr("contacts", "link-slack")


def test_plan_text_that_looks_like_markup_is_printed_as_it_is(database: Engine) -> None:
    plan(database)
    with session_scope(database) as session:
        police = session.exec(select(Agency).where(Agency.name == "Riverside Police")).one()
        police.name = "[/b]"  # once a crash: rich read it as a closing tag
        session.add(police)

    out = dhr("overdue", "--as-of", "2026-06-01")

    assert "[/b]" in out
