"""One bad mail never blocks the inbox: it is quarantined with its reason and the polls move on."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

import bot.inbox.poll as poll
from bot.answers import handle_answer
from bot.db import session_scope
from bot.models import Action, Cursor, ProgressUpdate
from bot.plans.export import export_plan
from tests.inbox.conftest import SAM, TOM, Mailroom


def test_a_mail_that_fails_to_process_is_quarantined_and_later_mail_is_still_read(
    mailroom: Mailroom, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def breaks_on_poison(*args: Any, **kwargs: Any) -> Any:
        if "POISON" in kwargs["text"]:
            raise RuntimeError("Tom's reply about the Jones family")  # an error that quotes the reply
        return handle_answer(*args, **kwargs)

    monkeypatch.setattr(poll, "handle_answer", breaks_on_poison)
    mailroom.fake.deliver_reply(mailroom.sent_to(TOM), TOM, "POISON All done.")
    mailroom.fake.deliver_reply(mailroom.sent_to(SAM), SAM, "RIV3-4-1 is complete, signed off on Monday.")

    with caplog.at_level(logging.DEBUG):
        report = mailroom.poll()

    assert report.quarantined == 1
    assert mailroom.action("RIV3-4-1").status == "complete"
    [quarantined] = mailroom.events("mail.quarantined")
    assert quarantined.data["reason"] == "RuntimeError"
    assert "Jones" not in caplog.text and TOM not in caplog.text
    with session_scope(mailroom.engine) as session:
        assert session.get(Cursor, poll.INBOX_CURSOR) is not None
    # The next poll starts after it: nothing is seen again, nothing quarantined twice.
    again = mailroom.poll()
    assert (again.seen, again.quarantined) == (0, 0)
    assert len(mailroom.events("mail.quarantined")) == 1


def test_a_reply_with_nul_and_control_characters_is_stored_without_them(mailroom: Mailroom) -> None:
    mailroom.fake.deliver_reply(mailroom.sent_to(TOM), TOM, "All done,\x00 signed off\x01 last week.\x0cThanks")

    report = mailroom.poll()

    assert (report.handled, report.quarantined) == (1, 0)
    [update] = mailroom.updates("RIV3-5-1")
    assert update.raw_text is not None
    assert "\x00" not in update.raw_text and "\x01" not in update.raw_text and "signed off last week" in update.raw_text
    assert mailroom.action("RIV3-5-1").status == "complete"


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_control_characters_in_stored_text_never_break_an_export(mailroom: Mailroom, tmp_path: Path, fmt: str) -> None:
    with session_scope(mailroom.engine) as session:
        action = session.exec(select(Action).where(Action.ref == "RIV3-5-1")).one()
        action.progress = "Checklist\x01 agreed\x00 with the wards"
        action.description = "Discharge\x1b checklist"
        session.add(action)
        session.add(ProgressUpdate(action_id=action.id or 0, source="mail_reply", raw_text="done\x02", evidence="x\x03"))
    out = tmp_path / f"riv3.{fmt}"

    with Session(mailroom.engine) as session:
        assert export_plan(session, "RIV3", fmt, out) > 0  # type: ignore[arg-type]

    if fmt == "xlsx":
        sheet = load_workbook(out).active
        assert sheet is not None
        text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
        assert "Checklist agreed with the wards" in text
