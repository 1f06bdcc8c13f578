"""`dhr parse-reply`, driven through a fresh Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from bot.commands import replies
from bot.rules.statuses import ReadStatus


def _app() -> typer.Typer:
    app = typer.Typer()
    replies.register(app)

    @app.command("noop", hidden=True)
    def _noop() -> None:  # a second command keeps "parse-reply" as a named subcommand
        """Unused."""

    return app


runner = CliRunner()


def test_parse_reply_json_for_an_extension() -> None:
    result = runner.invoke(
        _app(), ["parse-reply", "we need more time, can we move it to June?", "--json", "--today", "2027-03-01"]
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert {key: shown.pop(key) for key in list(shown) if key not in _MODEL_KEYS} == {
        "status": "extension_requested",
        "new_due": "2027-06-30",
        "evidence": "we need more time, can we move it to June?",
        "confidence": 0.8,
        "text": "we need more time, can we move it to June?",
        "automatic": False,
        "confirm": False,  # sure, and the action stays open: the new date is applied at once
    }
    # Added beside them (additive): the status model's second opinion and what the rules read alone.
    assert set(shown) == _MODEL_KEYS
    assert shown["rules_status"] == "extension_requested"
    assert shown["model_status"] in {status.value for status in ReadStatus}
    assert 0.0 < shown["model_confidence"] <= 1.0


_MODEL_KEYS = {"model_status", "model_confidence", "rules_status"}


def test_parse_reply_json_includes_out_of_office_return() -> None:
    text = "Automatic reply: I am out of the office, back on 3 March."
    result = runner.invoke(_app(), ["parse-reply", text, "--json", "--today", "2027-02-24"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["status"] == "no_response"
    assert shown["out_of_office_until"] == "2027-03-03"


def test_parse_reply_stdin_gives_one_json_object_per_line() -> None:
    lines = "done\nnot yet complete\nN/A - service decommissioned\n"
    result = runner.invoke(_app(), ["parse-reply", "-", "--json", "--today", "2027-03-01"], input=lines)
    assert result.exit_code == 0, result.output
    statuses = [json.loads(line)["status"] for line in result.output.splitlines()]
    assert statuses == ["complete", "in_progress", "not_applicable"]


def test_parse_reply_stdin_line_may_carry_a_quoted_mail() -> None:
    line = (
        "Done.\\n\\nFrom: Morgan Blake\\nSent: 24 February 2027\\nTo: Tom Okafor\\nSubject: is it done?\\n\\n"
        "not started?\n"
    )
    result = runner.invoke(_app(), ["parse-reply", "-", "--json", "--today", "2027-03-01"], input=line)
    assert json.loads(result.output)["status"] == "complete"


def test_parse_reply_plain_output_flags_low_confidence() -> None:
    result = runner.invoke(_app(), ["parse-reply", "Policy in place", "--today", "2027-03-01"])
    assert result.exit_code == 0, result.output
    assert "status: complete" in result.output
    assert "confirm" in result.output


def test_parse_reply_rejects_a_bad_today() -> None:
    result = runner.invoke(_app(), ["parse-reply", "done", "--today", "1 March"])
    assert result.exit_code == 2
    assert "--today" in result.output


def test_parse_reply_json_shows_the_text_as_read_and_whether_it_would_ask() -> None:
    text = (
        "Done, signed off on Friday.\\n\\nKind regards\\nPriya\\n\\n"
        "On Mon, 22 Feb 2027 at 09:15, Morgan Blake wrote:\\n> Is it done?"
    )
    result = runner.invoke(_app(), ["parse-reply", "-", "--json", "--today", "2027-03-01"], input=text + "\n")
    shown = json.loads(result.output)
    assert shown["text"] == "Done, signed off on Friday."
    assert shown["automatic"] is False
    assert shown["confirm"] is False  # an unambiguous completion is applied at once


def test_parse_reply_json_asks_before_applying_a_hedged_completion() -> None:
    result = runner.invoke(_app(), ["parse-reply", "done I think", "--json", "--today", "2027-03-01"])
    shown = json.loads(result.output)
    assert (shown["status"], shown["confirm"]) == ("complete", True)


def test_parse_reply_json_names_the_new_owner_of_a_redirected_action() -> None:
    result = runner.invoke(_app(), ["parse-reply", "not ours, that's the CCG", "--json", "--today", "2027-03-01"])
    shown = json.loads(result.output)
    assert (shown["status"], shown["redirect_to"], shown["confirm"]) == ("redirect", "the CCG", True)


def test_parse_reply_json_says_why_an_impossible_date_was_not_read() -> None:
    result = runner.invoke(_app(), ["parse-reply", "can we extend to 30 Feb 2027?", "--json", "--today", "2027-01-05"])
    shown = json.loads(result.output)
    assert shown["new_due"] is None
    assert "February 2027 has 28 days" in shown["date_problem"]


_HUMAN_OUTLOOK_MAIL = b"""From: Priya Shah <priya.shah@police.example.org>
To: DHR Chaser <dhr@riverside.example.gov.uk>
Subject: RE: [DHR-1a2b3c4d] RIV3-2-1 is overdue
X-Auto-Response-Suppress: All
Content-Type: text/plain; charset="utf-8"

This is complete - the new screening questions went live on 22 February.

Priya

From: DHR Chaser <dhr@riverside.example.gov.uk>
Sent: 24 February 2027 09:30
To: Priya Shah
Subject: [DHR-1a2b3c4d] RIV3-2-1 is overdue

Is RIV3-2-1 complete?
"""


def test_parse_reply_mail_reads_a_human_outlook_reply_despite_x_auto_response_suppress(tmp_path: Path) -> None:
    eml = tmp_path / "reply.eml"
    eml.write_bytes(_HUMAN_OUTLOOK_MAIL)
    result = runner.invoke(_app(), ["parse-reply", "--mail", str(eml), "--json", "--today", "2027-03-01"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert (shown["status"], shown["automatic"]) == ("complete", False)
    assert shown["text"].startswith("This is complete")


def test_parse_reply_mail_decides_automatic_replies_from_the_headers(tmp_path: Path) -> None:
    eml = tmp_path / "ooo.eml"
    eml.write_bytes(
        b"From: tom@example.org\nSubject: Re: RIV3-2-1\nAuto-Submitted: auto-replied\n\n"
        b"Thanks for your message, it's done and I am back on 8 March.\n"
    )
    result = runner.invoke(_app(), ["parse-reply", "--mail", str(eml), "--json", "--today", "2027-03-01"])
    shown = json.loads(result.output)
    assert (shown["status"], shown["automatic"], shown["confirm"]) == ("no_response", True, False)
    assert shown["out_of_office_until"] == "2027-03-08"


def test_parse_reply_mail_reads_a_delivery_report_as_automatic(tmp_path: Path) -> None:
    eml = tmp_path / "bounce.eml"
    eml.write_bytes(
        b"From: postmaster@example.org\nSubject: Undeliverable: RIV3-2-1\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\n\n'
        b"--b1\nContent-Type: text/plain\n\nYour message couldn't be delivered.\n"
        b"--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
        b"Final-Recipient: rfc822; tom@example.org\nAction: failed\nStatus: 5.1.1\n--b1--\n"
    )
    result = runner.invoke(_app(), ["parse-reply", "--mail", str(eml), "--json", "--today", "2027-03-01"])
    assert json.loads(result.output)["automatic"] is True


def test_parse_reply_mail_reads_a_txt_file_as_a_body(tmp_path: Path) -> None:
    body = tmp_path / "reply.txt"
    body.write_text("From: is not a header here\n\nStill in progress, half the teams trained.\n", encoding="utf-8")
    result = runner.invoke(_app(), ["parse-reply", "--mail", str(body), "--json", "--today", "2027-03-01"])
    assert json.loads(result.output)["status"] == "in_progress"


def test_parse_reply_mail_names_a_file_it_cannot_read(tmp_path: Path) -> None:
    result = runner.invoke(_app(), ["parse-reply", "--mail", str(tmp_path / "missing.eml")])
    assert result.exit_code == 2
    assert "missing.eml" in result.output
