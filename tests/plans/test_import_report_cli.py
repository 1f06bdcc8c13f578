"""What the coordinator is told at import: columns used, the difference a re-import makes, what will never be chased."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.commands import plans as plan_commands
from bot.models import Action, Review

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "riverside-dhr3-plan.csv"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    plan_commands.register(app)
    app.command("noop", hidden=True)(lambda: None)
    return app


@pytest.fixture
def database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DHR_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return engine


def _run(app: typer.Typer, *args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_dry_run_prints_the_columns_it_read(app: typer.Typer, database: Engine) -> None:
    output = _run(app, "import", str(EXAMPLE), "--dry-run")

    assert "'Key actions' -> action" in output
    assert "--map" in output


def test_reimport_dry_run_shows_the_change_and_stores_nothing(
    app: typer.Typer, database: Engine, tmp_path: Path
) -> None:
    _run(app, "import", str(EXAMPLE))
    changed = tmp_path / EXAMPLE.name
    changed.write_text(EXAMPLE.read_text().replace("31/01/2027", "28/02/2027"))

    output = _run(app, "import", str(changed), "--dry-run")

    assert "Dry run: nothing was stored" in output
    assert "RIV3-3-1: target_text, due" in output
    with Session(database) as session:
        action = session.exec(select(Action).where(Action.ref == "RIV3-3-1")).one()
        assert action.target_text == "31/01/2027"


def test_the_same_file_under_a_second_code_is_refused_unless_asked(app: typer.Typer, database: Engine) -> None:
    _run(app, "import", str(EXAMPLE))

    refused = CliRunner().invoke(app, ["import", str(EXAMPLE), "--review", "RIV4"])
    assert refused.exit_code == 2
    assert "imported as review RIV3" in refused.output
    _run(app, "import", str(EXAMPLE), "--review", "RIV4", "--as-new-review")
    with Session(database) as session:
        assert sorted(r.code for r in session.exec(select(Review))) == ["RIV3", "RIV4"]


def test_a_code_differing_only_in_case_is_refused(app: typer.Typer, database: Engine, tmp_path: Path) -> None:
    _run(app, "import", str(EXAMPLE))
    copy = tmp_path / "other-name.csv"
    copy.write_text(EXAMPLE.read_text())

    refused = CliRunner().invoke(app, ["import", str(copy), "--review", "riv3"])

    assert refused.exit_code == 2
    assert "differs from it only in case" in refused.output


def test_import_says_which_actions_will_never_be_chased(app: typer.Typer, database: Engine, tmp_path: Path) -> None:
    plan = tmp_path / "plan.csv"
    plan.write_text("Review code: GP1\nRec,Recommendation,Lead agency,Action,Target date\n"
                    "1,Practices to adopt a policy.,General Practice,Write the policy,31/12/2026\n"
                    "2,Practices to train staff.,GP practice,Train reception staff,31/12/2026\n"
                    "3,Agencies to share learning.,,Hold an event,31/12/2026\n"
                    "4,Practices to audit records.,General Practice,Audit 20 records,tbc\n", encoding="utf-8")

    output = _run(app, "import", str(plan))

    assert "never chased (no lead agency): GP1-3-1" in output
    assert "GP1-1-1" in output.split("the lead agency has no contact")[1]
    assert "'GP practice' looks like 'General Practice'" in output
    assert 'dhr agency merge "GP practice" INTO "General Practice"' in output
    assert "no due date (the target is not a date): GP1-4-1 'tbc'" in output


def test_export_to_a_docx_path_writes_word(app: typer.Typer, database: Engine, tmp_path: Path) -> None:
    _run(app, "import", str(EXAMPLE))
    out = tmp_path / "plan.docx"

    _run(app, "export", "--review", "RIV3", "-o", str(out))

    import docx

    assert docx.Document(str(out)).tables[0].rows[0].cells[0].text == "Recommendation No"
