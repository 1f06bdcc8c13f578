"""What every command needs: settings, a migrated database, friendly errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.db import ensure_partnership, get_engine, migrate, session_scope
from bot.models import Partnership
from bot.settings import Settings, SettingsError, load_settings

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
