"""Shared fixtures. `engine` is a migrated, empty database: SQLite always, and the real PostgreSQL
when DHR_TEST_POSTGRES_URL is set (CI sets it and requires it).

Each test run gets its own PostgreSQL database, so parallel runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from bot.db import make_engine, migrate, normalise_url

POSTGRES_URL = os.environ.get("DHR_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's own config file or credentials."""
    for name in list(os.environ):
        if name.startswith(("DHR_", "SLACK_", "MS_", "GRAPH_")) and name != "DHR_TEST_POSTGRES_URL":
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DHR_CONFIG", str(_empty_config(tmp_path)))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))  # nor ~/.config/dhr-chaser/dhr.toml
    monkeypatch.setenv("DHR_OUTBOX_DIR", str(tmp_path / "outbox"))


def _empty_config(tmp_path: Path) -> Path:
    path = tmp_path / "dhr-test.toml"
    path.write_text("# tests start from the defaults\n")
    return path


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[str]:
    assert POSTGRES_URL
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"dhr_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(normalise_url(POSTGRES_URL)).set(database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(scope="session")
def _migrated_engines() -> Iterator[dict[str, Engine]]:
    engines: dict[str, Engine] = {}
    yield engines
    for engine in engines.values():
        engine.dispose()


def _engine_for(backend: str, request: pytest.FixtureRequest, cache: dict[str, Engine]) -> Engine:
    if backend not in cache:
        if backend == "sqlite":
            path = request.getfixturevalue("tmp_path_factory").mktemp("db") / "dhr-test.db"
            url = f"sqlite:///{path}"
        else:
            url = request.getfixturevalue("_postgres_database")
        engine = make_engine(url)
        migrate(engine)
        cache[backend] = engine
    return cache[backend]


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, _migrated_engines: dict[str, Engine]) -> Iterator[Engine]:
    """A migrated database with no rows, on each backend in turn."""
    engine = _engine_for(request.param, request, _migrated_engines)
    _empty_all_tables(engine)
    yield engine
    _empty_all_tables(engine)


def _empty_all_tables(engine: Engine) -> None:
    tables = list(reversed(SQLModel.metadata.sorted_tables))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
            if sa.inspect(connection).has_table("sqlite_sequence"):
                connection.execute(sa.text("DELETE FROM sqlite_sequence"))
