"""`dhr parse-reply`, driven through a fresh Typer app."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from bot.commands import replies


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
    assert json.loads(result.output) == {
        "status": "extension_requested",
        "new_due": "2027-06-30",
        "evidence": "we need more time, can we move it to June?",
        "confidence": 0.8,
    }


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
    line = "Done.\\n\\nFrom: Morgan Blake\\nSent: 24 February 2027\\nTo: Tom Okafor\\nSubject: is it done?\\n\\nnot started?\n"
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
