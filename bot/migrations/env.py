"""Alembic environment: runs on the engine/connection handed over by bot.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import bot.models  # noqa: F401  (registers every table on SQLModel.metadata)
from bot.db import make_engine

target_metadata = SQLModel.metadata

# Tables that live in our database but are not ours to migrate.
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})


def include_name(name: str | None, type_: str, parent_names: object) -> bool:  # noqa: ARG001 (alembic's hook)
    return not (type_ == "table" and name in FOREIGN_TABLES)


def run_migrations() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        engine = config.attributes.get("engine") or make_engine(url or "sqlite:///dhr.db")
        with engine.begin() as fresh:
            _run(fresh)
    else:
        _run(connection)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite has almost no ALTER TABLE
        include_name=include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
