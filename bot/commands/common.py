"""What every command needs: settings, the database (migrated for commands that write, as it is for
commands that only read), friendly errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.db import (
    ensure_partnership,
    find_partnership,
    get_engine,
    migrate,
    read_only_engine,
    schema_problem,
    session_scope,
)
from bot.models import Partnership
from bot.settings import Settings, SettingsError, load_settings, sqlite_path

console = Console(soft_wrap=True)  # long lines stay whole, for logs and for copying
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    # soft_wrap: a file path in an error must survive a copy and paste from a narrow terminal.
    err_console.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def settings_or_exit() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise fail(str(exc)) from None


_migrated: set[str] = set()


def ready_engine(settings: Settings) -> Engine:
    """The configured database, migrated to the latest schema (once per process)."""
    engine = get_engine(settings.database_url)
    if settings.database_url not in _migrated:
        migrate(engine)
        _migrated.add(settings.database_url)
    return engine


@contextmanager
def partnership_session(settings: Settings) -> Iterator[tuple[Session, Partnership]]:
    with session_scope(ready_engine(settings)) as session:
        yield session, ensure_partnership(session, settings)


def database_place(settings: Settings) -> str:
    """The database as a person would name it: the SQLite file, or the URL without its password."""
    path = sqlite_path(settings.database_url)
    if path is not None:
        return str(path.absolute())
    return sa.make_url(settings.database_url).render_as_string(hide_password=True)


def existing_engine(settings: Settings, *, read_only: bool = True) -> Engine:
    """The configured database as it is, for commands that change nothing: never created, never migrated.

    `read_only` False is for a dry run that writes inside a transaction it rolls back.
    """
    path = sqlite_path(settings.database_url)
    if path is not None and not path.is_file():
        raise fail(f"there is no database at {path.absolute()} (run `dhr init` to create it)")
    engine = read_only_engine(settings.database_url) if read_only else get_engine(settings.database_url)
    try:
        problem = schema_problem(engine)
    except sa.exc.OperationalError as exc:
        raise fail(f"cannot open the database at {database_place(settings)}: {exc.orig}") from None
    if problem is not None:
        raise fail(f"the database at {database_place(settings)}: {problem}")
    return engine


@contextmanager
def reading_session(settings: Settings) -> Iterator[Session]:
    """A session on the database as it is; whatever happens, nothing is committed."""
    session = Session(existing_engine(settings), expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()  # rolls back, and leaves what was read readable


def stored_partnership(session: Session, settings: Settings) -> Partnership:
    """The configured partnership as stored; a clear error when `dhr init` has not stored it yet."""
    partnership = find_partnership(session, settings)
    if partnership is None:
        raise fail(f"the database at {database_place(settings)} has no partnership named "
                   f"{settings.partnership.name!r} (run `dhr init`)")
    return partnership


def parse_as_of(value: str | None, settings: Settings) -> datetime:
    """--as-of DATE means that day at noon local time; no value means now."""
    if value is None:
        return datetime.now(UTC)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise fail(f"--as-of: {value!r} is not a date like 2026-11-25") from None
    local = datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(settings.partnership.timezone))
    return local.astimezone(UTC)
