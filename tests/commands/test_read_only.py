"""Commands that read never write: not a missing database, not a dry run, not a meeting from the config."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from bot.cli import app
from bot.db import make_engine, migrate, read_only_engine
from tests.factories import EXAMPLE_CONTACTS

runner = CliRunner()
EXAMPLE_PLAN = Path(__file__).parents[2] / "examples" / "riverside-dhr3-plan.csv"

READ_COMMANDS = [
    ["overdue"],
    ["overdue", "--json", "--as-of", "2027-06-01"],
    ["sweep", "--dry-run", "--as-of", "2027-02-15"],
    ["reviews"],
    ["action", "show", "RIV3-1-1"],
    ["outbox", "list"],
    ["contacts", "list"],
    ["import", str(EXAMPLE_PLAN), "--review", "RIV3", "--dry-run"],
    ["import", str(EXAMPLE_PLAN), "--review", "RIV4", "--dry-run", "--as-new-review"],
]


def _database(tmp_path: Path) -> Path:
    """Where the default SQLite database goes: beside the tests' config file."""
    return tmp_path / "dhr.db"


def _bytes_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dhr(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    "command",
    [c for c in READ_COMMANDS if "import" not in c] + [["export", "--review", "RIV3", "-o", "plan.csv"]],
)
def test_a_read_command_on_a_missing_database_says_so_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, command)
    assert result.exit_code == 2, result.output
    assert f"there is no database at {_database(tmp_path)} (run `dhr init`" in result.stderr
    assert "Nothing overdue" not in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dhr-test.toml"]


def test_import_dry_run_and_meetings_without_a_database_work_and_create_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = _dhr("import", str(EXAMPLE_PLAN), "--review", "RIV3", "--dry-run")
    assert f"There is no database at {_database(tmp_path)}" in out
    _dhr("meetings")
    assert not _database(tmp_path).exists()


def test_read_commands_and_dry_runs_leave_the_database_bytes_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DHR_CONTACTS_FILE", str(EXAMPLE_CONTACTS))
    _dhr("init")
    _dhr("import", str(EXAMPLE_PLAN), "--review", "RIV3")
    # Meetings in the settings the database has not seen: a dry run must not store them either.
    monkeypatch.setenv("DHR_BOARD", '{"meetings": ["2027-03-11", "2027-06-10"]}')
    monkeypatch.setenv("DHR_PARTNERSHIP__BOARD_NAME", "A board renamed in the settings")
    database = _database(tmp_path)
    before = _bytes_of(database)
    monkeypatch.chdir(tmp_path)
    sweep = _dhr("sweep", "--dry-run", "--as-of", "2027-02-15")
    assert "Would queue" in sweep and "Would queue 0 " not in sweep  # the dry run had something to not do
    for command in READ_COMMANDS:
        _dhr(*command)
        assert _bytes_of(database) == before, f"dhr {' '.join(command)} changed the database"
    _dhr("meetings")
    _dhr("export", "--review", "RIV3", "-o", str(tmp_path / "plan.csv"))
    assert _bytes_of(database) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("dhr.db")) == ["dhr.db"]


def test_a_database_without_tables_is_named_not_migrated(tmp_path: Path) -> None:
    _database(tmp_path).write_bytes(b"")
    result = runner.invoke(app, ["overdue"])
    assert result.exit_code == 2
    assert f"the database at {_database(tmp_path)}: it has no dhr-chaser tables yet (run `dhr init`)" in result.stderr
    assert _database(tmp_path).read_bytes() == b""


def test_a_schema_from_another_version_is_reported(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{_database(tmp_path)}")
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    engine.dispose()
    result = runner.invoke(app, ["reviews"])
    assert result.exit_code == 2
    assert "its schema (9999_from_the_future) was written by a newer version of dhr-chaser" in result.stderr


def test_a_database_without_the_configured_partnership_says_run_init(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{_database(tmp_path)}")
    migrate(engine)
    engine.dispose()
    result = runner.invoke(app, ["overdue"])
    assert result.exit_code == 2
    assert "has no partnership named 'Riverside Community Safety Partnership' (run `dhr init`)" in result.stderr


def test_the_read_only_engine_refuses_writes(engine: Engine) -> None:
    reader = read_only_engine(engine.url.render_as_string(hide_password=False))
    with reader.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM review")).scalar_one() == 0
    with pytest.raises(sa.exc.DBAPIError, match="(?i)read.?only"), reader.begin() as connection:
        connection.execute(sa.text("INSERT INTO partnership (name, board_name, timezone, created_at) "
                                   "VALUES ('x', 'y', 'Europe/London', CURRENT_TIMESTAMP)"))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM partnership")).scalar_one() == 0


def test_the_setup_steps_use_one_database_whichever_folder_they_run_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "partnership" / "config" / "dhr.toml"
    config.parent.mkdir(parents=True)
    config.write_text('contacts_file = "people.csv"\n[board]\nmeetings = ["2027-03-11"]\n')
    (config.parent / "people.csv").write_bytes(EXAMPLE_CONTACTS.read_bytes())
    monkeypatch.setenv("DHR_CONFIG", str(config))
    monkeypatch.delenv("DHR_OUTBOX_DIR")
    for step, folder in ((["init"], "a"), (["import", str(EXAMPLE_PLAN), "--review", "RIV3"], "b")):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)
        _dhr(*step)
    (tmp_path / "c").mkdir()
    monkeypatch.chdir(tmp_path / "c")
    assert "overdue as of 01 Jun 2027" in _dhr("overdue", "--as-of", "2027-06-01")
    assert "RIV3" in _dhr("reviews")
    assert sorted(p.name for p in config.parent.iterdir()) == ["dhr.db", "dhr.toml", "people.csv"]
    assert not any(p.name.endswith(".db") for folder in "abc" for p in (tmp_path / folder).iterdir())
