"""`dhr digest`, driven through a fresh Typer app against the test database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
import typer
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.commands import digest as digest_command
from bot.settings import Settings
from tests.digest.history import seed_plan
from tests.factories import sweep_and_deliver

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    digest_command.register(app)

    @app.command("noop", hidden=True)
    def _noop() -> None:  # a second command keeps "digest" as a named subcommand
        """Unused."""

    return app


@pytest.fixture
def planned(engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DHR_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    seed_plan(engine, settings)
    sweep_and_deliver(engine, settings, datetime(2026, 12, 2, 10, 0, tzinfo=UTC))
    return engine


def test_preview_prints_the_summary_and_writes_a_word_file(planned: Engine, tmp_path: Path) -> None:
    out = tmp_path / "board.docx"
    result = runner.invoke(_app(), ["digest", "--as-of", "2027-01-07", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Meeting 14 Jan 2027; as of 7 Jan 2027" in result.output
    assert "Red 3" in result.output and "Riverside Police" in result.output
    assert ("RIV3-1-1 (Riverside Police): Chaser sent 2 Dec 2026 asking for an update by 8 Dec 2026. "
            "No response received.") in result.output
    assert any("RIV3-2-1" in cell.text for t in docx.Document(str(out)).tables for r in t.rows for cell in r.cells)


def test_preview_writes_html_for_an_earlier_meeting(planned: Engine, tmp_path: Path) -> None:
    out = tmp_path / "board.html"
    result = runner.invoke(_app(), ["digest", "--meeting", "2026-11-26", "--as-of", "2026-11-20", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "For the meeting on 26 Nov 2026." in out.read_text(encoding="utf-8")


def test_send_queues_the_digest_once(planned: Engine) -> None:
    first = runner.invoke(_app(), ["digest", "--as-of", "2027-01-07", "--send"])
    again = runner.invoke(_app(), ["digest", "--as-of", "2027-01-08", "--send"])
    assert first.exit_code == 0 and "Queued 1 digest message(s)" in first.output
    assert again.exit_code == 0 and "sent already; nothing queued" in again.output


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["-o", "board.pdf"], "must end in .docx or .html"),
        (["--meeting", "next week"], "--meeting: 'next week' is not a date"),
        (["--as-of", "2027-06-01"], "no board meeting after today"),
    ],
)
def test_bad_options_are_named(planned: Engine, args: list[str], error: str) -> None:
    result = runner.invoke(_app(), ["digest", *args])
    assert result.exit_code == 2 and error in result.output.replace("\n", " ")
