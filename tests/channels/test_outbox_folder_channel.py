from __future__ import annotations

import json
import stat
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest

from bot.channels.base import Envelope
from bot.channels.outbox_folder import OutboxFolderChannel

FIXED_NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def chaser(**overrides: Any) -> Envelope:
    values: dict[str, Any] = {
        "message_id": 7,
        "kind": "chaser",
        "to_address": "neil.carter@riverside.example.gov.uk",
        "to_name": "Neil Carter",
        "cc": ("morgan.blake@riverside.example.gov.uk",),
        "subject": "RIV3: housing action overdue",
        "text": "RIV3-2-1 (tenancy risk flags) was due on 31 January 2026.",
        "html": "<p>RIV3-2-1 (tenancy risk flags) was due on <b>31 January 2026</b>.</p>",
        "blocks": None,
        "ref_token": "DHR-7f3a",
    }
    return Envelope(**{**values, **overrides})


def channel(folder: Path) -> OutboxFolderChannel:
    return OutboxFolderChannel(folder, clock=lambda: FIXED_NOW)


@pytest.fixture
def outbox_dir(tmp_path: Path) -> Path:
    """A folder of its own: the shared conftest puts a settings file in the test's tmp_path."""
    return tmp_path / "outbox"


def test_mail_is_written_as_a_parseable_eml_beside_its_json(outbox_dir: Path) -> None:
    receipt = channel(outbox_dir).send(chaser())

    assert receipt.outbox_path == str(outbox_dir / "7-chaser.json")
    message = BytesParser(policy=policy.default).parsebytes((outbox_dir / "7-chaser.eml").read_bytes())
    assert message["Subject"] == "[DHR-7f3a] RIV3: housing action overdue"
    assert message["To"] == "Neil Carter <neil.carter@riverside.example.gov.uk>"
    assert message["Cc"] == "morgan.blake@riverside.example.gov.uk"
    assert message["Message-ID"] == receipt.internet_message_id
    assert message["x-dhr-ref"] == "DHR-7f3a"
    assert message["Date"].datetime == FIXED_NOW
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and "was due on 31 January 2026" in plain.get_content()
    assert html is not None and "<b>31 January 2026</b>" in html.get_content()
    record = json.loads((outbox_dir / "7-chaser.json").read_text())
    assert record["envelope"]["to_address"] == "neil.carter@riverside.example.gov.uk"
    assert record["body_file"] == "7-chaser.eml"


def test_sending_the_same_message_again_changes_nothing(outbox_dir: Path) -> None:
    outbox = channel(outbox_dir)
    first = outbox.send(chaser())
    eml_before = (outbox_dir / "7-chaser.eml").read_bytes()

    second = outbox.send(chaser(text="A different rendering that must not overwrite the first."))

    assert second == first
    assert (outbox_dir / "7-chaser.eml").read_bytes() == eml_before
    assert sorted(p.name for p in outbox_dir.iterdir()) == ["7-chaser.eml", "7-chaser.json"]


def test_slack_message_is_written_as_text(outbox_dir: Path) -> None:
    receipt = channel(outbox_dir).send(chaser(message_id=8, to_address="U0GRACE", to_name="Grace Lin", html=None))

    assert receipt.internet_message_id is None
    text = (outbox_dir / "8-chaser.txt").read_text()
    assert text.startswith("To: Grace Lin (U0GRACE)")
    assert "RIV3-2-1 (tenancy risk flags) was due on 31 January 2026." in text


def test_outbox_files_are_readable_only_by_their_owner(outbox_dir: Path) -> None:
    channel(outbox_dir).send(chaser())

    for path in outbox_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
