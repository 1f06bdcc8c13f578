"""`dhr import` / `dhr export` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
import typer
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.commands import plans as plan_commands
from bot.models import Action, Review
from bot.plans import store
from tests.plans.plan_files import write_csv

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "riverside-dhr3-plan.csv"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    plan_commands.register(app)
    app.command("noop", hidden=True)(lambda: None)  # keeps typer in multi-command mode
    return app


@pytest.fixture
def database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DHR_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return engine


def test_dry_run_json_has_the_documented_shape_and_touches_nothing(app: typer.Typer, database: Engine) -> None:
    result = CliRunner().invoke(app, ["import", str(EXAMPLE), "--dry-run", "--json"])

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"review", "recommendations", "warnings"}
    assert data["review"] == "RIV3"
    rec = data["recommendations"][0]
    assert set(rec) == {"number", "text", "scope", "section", "ref", "actions"}  # "ref" was added
    action = rec["actions"][0]
    assert set(action) == {"description", "lead_agency", "target_text", "due", "precision", "status", "progress"}
    assert (action["due"], action["precision"]) == ("2026-03-31", "day")
    with Session(database) as session:
        assert session.exec(select(Review)).all() == []


def test_a_bulk_import_from_the_command_line_leaves_postgresql_vacuumed(
    app: typer.Typer, database: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    if database.dialect.name != "postgresql":
        pytest.skip("the visibility map is PostgreSQL's")
    monkeypatch.setattr(store, "ANALYZE_AFTER_ADDED", 10)  # the example plan's 18 actions make a bulk load

    result = CliRunner().invoke(app, ["import", str(EXAMPLE)])

    assert result.exit_code == 0, result.output
    with database.connect() as connection:  # VACUUM set the visibility map: every page of the table all visible
        pages = connection.execute(sa.text("SELECT relpages, relallvisible FROM pg_class WHERE relname = 'action'")).one()
    assert pages[0] > 0 and pages[1] == pages[0]


def test_import_prints_a_summary_and_reimport_prints_changes(app: typer.Typer, database: Engine, tmp_path: Path) -> None:
    first = CliRunner().invoke(app, ["import", str(EXAMPLE)])
    assert first.exit_code == 0, first.output
    assert "18 actions added" in first.output

    changed = tmp_path / "riv3.csv"
    changed.write_text(EXAMPLE.read_text().replace("31/01/2027", "28/02/2027"))
    second = CliRunner().invoke(app, ["import", str(changed), "--json"])

    assert second.exit_code == 0, second.output
    report = json.loads(second.stdout)
    assert report["updated"] == {"RIV3-3-1": ["target_text", "due"]}
    with Session(database) as session:
        assert len(session.exec(select(Action)).all()) == 18


def test_bad_file_exits_2_naming_file_row_and_column(app: typer.Typer, database: Engine, tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "bad.csv", [("Do it", "RP")], header=("Action", "Lead agency"), preamble=["A plan"])

    result = CliRunner().invoke(app, ["import", str(bad)])

    assert result.exit_code == 2
    assert "bad.csv, row 2, column 'recommendation'" in " ".join(result.stderr.split())
    with Session(database) as session:
        assert session.exec(select(Review)).all() == []


def test_export_writes_the_file(app: typer.Typer, database: Engine, tmp_path: Path) -> None:
    CliRunner().invoke(app, ["import", str(EXAMPLE)])
    out = tmp_path / "riv3.xlsx"

    result = CliRunner().invoke(app, ["export", "--review", "RIV3", "--format", "xlsx", "-o", str(out)])

    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    assert "Wrote 18 rows" in result.output


def test_export_unknown_format_is_refused(app: typer.Typer, database: Engine, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "--review", "RIV3", "--format", "pdf", "-o", str(tmp_path / "x")])

    assert result.exit_code == 2


def test_dry_run_reads_pasted_text_from_stdin(app: typer.Typer, database: Engine) -> None:
    pasted = "Recommendation\tLead agency\tTarget date\n1. Police to check addresses.\tRP\tSept 2026\n"

    result = CliRunner().invoke(app, ["import", "-", "--review", "RIV3", "--dry-run", "--json"], input=pasted)

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["recommendations"][0]["actions"][0]["due"] == "2026-09-30"
