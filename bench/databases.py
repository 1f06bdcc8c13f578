"""A fresh, throw-away database for one benchmark size: a SQLite file, or a new PostgreSQL database."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Callable

import sqlalchemy as sa

from bot.db import make_engine, normalise_url


def fresh_database(postgres: str | None) -> tuple[str, Callable[[], None]]:
    """(url, drop): a new empty database and the function that removes it afterwards."""
    if not postgres:
        path = tempfile.mktemp(suffix=".db")

        def remove() -> None:
            if os.path.exists(path):
                os.remove(path)

        return f"sqlite:///{path}", remove
    admin = make_engine(postgres, isolation_level="AUTOCOMMIT")
    name = f"dhr_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(normalise_url(postgres)).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"), {"n": name}
            )
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url, drop
