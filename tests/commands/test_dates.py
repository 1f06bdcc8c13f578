"""`dhr parse-date`: one cell from the argument, or one JSON object per line from stdin."""

from __future__ import annotations

import json

import pytest
import time_machine
import typer
from typer.testing import CliRunner

from bot.commands.dates import register


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """Keep parse-date a sub-command, as it is under `dhr`."""

    register(app)
    return app


runner = CliRunner()


def test_parse_date_json(app: typer.Typer) -> None:
    result = runner.invoke(app, ["parse-date", "31 <sup>st</sup> December 2014", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"text": "31 <sup>st</sup> December 2014", "due": "2014-12-31", "precision": "day"}


def test_parse_date_without_a_date_prints_null(app: typer.Typer) -> None:
    result = runner.invoke(app, ["parse-date", "tbc", "--json", "--today", "2026-11-25"])
    assert json.loads(result.output) == {"text": "tbc", "due": None, "precision": "none"}


def test_parse_date_reads_one_cell_per_stdin_line(app: typer.Typer) -> None:
    result = runner.invoke(
        app, ["parse-date", "-", "--json", "--today", "2026-11-25"], input="Autumn 2013\n\nby March\nQ3 2027\n"
    )
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.output.splitlines()] == [
        {"text": "Autumn 2013", "due": "2013-11-30", "precision": "season"},
        {"text": "", "due": None, "precision": "none"},
        {"text": "by March", "due": "2027-03-31", "precision": "month"},
        {"text": "Q3 2027", "due": "2027-09-30", "precision": "quarter"},
    ]


def test_parse_date_readable_line(app: typer.Typer) -> None:
    result = runner.invoke(app, ["parse-date", "Winter 2026 [bold]", "--today", "2026-11-25"])
    assert result.exit_code == 0, result.output
    assert "Sun 28 Feb 2027" in result.output
    assert "(season)" in result.output
    assert "[bold]" in result.output  # the cell's own text is shown, never read as markup


def test_parse_date_readable_line_without_a_date(app: typer.Typer) -> None:
    result = runner.invoke(app, ["parse-date", "Ongoing", "--today", "2026-11-25"])
    assert "no date" in result.output


def test_parse_date_today_defaults_to_the_partnership_day(app: typer.Typer) -> None:
    # 23:30 UTC on 30 June is already 1 July in London (BST), so 30 June has passed.
    with time_machine.travel("2026-06-30T23:30:00+00:00", tick=False):
        result = runner.invoke(app, ["parse-date", "30 June", "--json"])
    assert json.loads(result.output)["due"] == "2027-06-30"


def test_parse_date_rejects_a_bad_today(app: typer.Typer) -> None:
    result = runner.invoke(app, ["parse-date", "March", "--today", "25/11/2026"])
    assert result.exit_code == 2
    assert "--today" in result.output
