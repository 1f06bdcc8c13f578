"""`dhr parse-date` says why an impossible date was not read."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from bot.commands.dates import register

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """Keep parse-date a sub-command, as it is under `dhr`."""

    register(app)
    return app


def test_parse_date_json_gives_the_reason_an_impossible_date_was_not_read() -> None:
    result = runner.invoke(_app(), ["parse-date", "30 Feb 2026", "--json", "--today", "2026-01-05"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "text": "30 Feb 2026", "due": None, "precision": "none",
        "problem": "30 Feb 2026 is not a date: February 2026 has 28 days",
    }


def test_parse_date_readable_line_gives_the_reason_too() -> None:
    result = runner.invoke(_app(), ["parse-date", "31/04/2027", "--today", "2026-01-05"])
    assert "April 2027 has 30 days" in result.output


def test_parse_date_json_has_no_problem_key_for_a_real_date() -> None:
    result = runner.invoke(_app(), ["parse-date", "Q1 2026/27", "--json", "--today", "2026-01-05"])
    assert json.loads(result.output) == {"text": "Q1 2026/27", "due": "2026-06-30", "precision": "quarter"}
