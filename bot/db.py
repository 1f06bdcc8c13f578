"""Engine, sessions and migrations. The schema is owned by alembic (bot/migrations)."""

from __future__ import annotations

import functools
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from bot import action_copies, decisions  # noqa: F401  (their listeners keep the copies and decision days true)
from bot.models import BoardMeeting, Partnership
from bot.settings import Settings, load_settings
from bot.textsafety import clean_parameters

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
log = logging.getLogger(__name__)
Row = TypeVar("Row", bound=SQLModel)
# Alembic's `op` and `context` are module-level proxies, so two threads of one process migrating at once
# (the HTTP server starting while a scheduler job runs) would tear each other's proxy down mid-upgrade.
_MIGRATING = threading.Lock()


def normalise_url(url: str) -> str:
    """Use psycopg 3 for postgresql:// URLs (SQLAlchemy would otherwise look for psycopg2)."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    # Errors must not carry SQL parameters (reply text, names) into logs and tracebacks.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        # Bolt's listener threads and the scheduler's pool share the engine.
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = sa.create_engine(url, pool_pre_ping=True, **_without_jit(kwargs))
    # One boundary for every write on both databases: no NUL or control character gets stored.
    sa.event.listen(engine, "before_cursor_execute", _clean_parameters, retval=True)
    return engine


def _without_jit(kwargs: dict[str, Any]) -> dict[str, Any]:
    """`kwargs` with PostgreSQL's JIT compilation turned off for the engine's connections (options the caller
    gives come after, so they can turn it back on).

    Its threshold is a planner cost, and without statistics (a freshly loaded database) the estimates of the
    bot's short indexed statements reach it: compiling then took 20-500 ms for a statement that runs in 2 ms.
    """
    connect_args = dict(kwargs.get("connect_args", {}))
    connect_args["options"] = " ".join(filter(None, ["-c jit=off", connect_args.get("options")]))
    return {**kwargs, "connect_args": connect_args}


def _clean_parameters(
    _connection: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _executemany: bool
) -> tuple[str, Any]:
    return statement, clean_parameters(parameters)


def _sqlite_from_hint(_compiler: Any, _table: Any, text: str | None) -> str | None:
    """A table hint written after the table's name, as SQLite reads one ("INDEXED BY ix_..."): SQLAlchemy's SQLite
    compiler drops hints (`Select.with_hint(..., dialect_name="sqlite")`) otherwise."""
    return text


SQLiteCompiler.get_from_hint_text = _sqlite_from_hint  # type: ignore[method-assign,assignment]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@cache
def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for a URL (default: the configured DHR_DATABASE_URL)."""
    return make_engine(url or load_settings().database_url)


@cache
def read_only_engine(url: str) -> Engine:
    """An engine for commands that only read: any write is refused by the database itself.

    SQLite: PRAGMA query_only; PostgreSQL: read-only transactions. Opening never creates or migrates.
    """
    engine = make_engine(url)
    sa.event.listen(engine, "connect", _refuse_writes)
    return engine


def _refuse_writes(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor.execute("PRAGMA query_only = ON")
    else:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        dbapi_connection.commit()  # psycopg opened a transaction for the SET: close it
    cursor.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision`. Safe to run at every start, and silent when there is nothing to do."""
    config = alembic_config(engine)
    wanted = ScriptDirectory.from_config(config).as_revision_number(revision)
    with _MIGRATING, _alembic_quiet(), engine.begin() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        if current == wanted:
            return
        log.info("migrating the database from %s to %s", current or "empty", wanted)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def schema_problem(engine: Engine) -> str | None:
    """Why this version cannot use the database as it is (no tables, an older or newer schema), or None."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    head = script.get_current_head()
    with _alembic_quiet(), engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current == head:
        return None
    if current is None:
        return "it has no dhr-chaser tables yet (run `dhr init`)"
    if current not in {revision.revision for revision in script.walk_revisions()}:
        return f"its schema ({current}) was written by a newer version of dhr-chaser: upgrade the bot"
    return f"its schema ({current}) is older than this version's ({head}): run `dhr init` to upgrade it"


@contextmanager
def _alembic_quiet() -> Iterator[None]:
    """Alembic's INFO lines ("Context impl SQLiteImpl.") say nothing an operator needs, on every job run."""
    alembic_log = logging.getLogger("alembic")
    previous = alembic_log.level
    alembic_log.setLevel(max(logging.WARNING, alembic_log.getEffectiveLevel()))
    try:
        yield
    finally:
        alembic_log.setLevel(previous)


def find_partnership(session: Session, settings: Settings) -> Partnership | None:
    """The partnership the settings name, as stored, without creating or updating anything."""
    return session.exec(select(Partnership).where(Partnership.name == settings.partnership.name)).first()


def ensure_partnership(session: Session, settings: Settings) -> Partnership:
    """The partnership the settings describe, created or updated to match them."""
    wanted = settings.partnership
    partnership = _first_or_insert(session, select(Partnership).where(Partnership.name == wanted.name),
                                   lambda: Partnership(name=wanted.name))
    partnership.board_name = wanted.board_name
    partnership.timezone = wanted.timezone
    partnership.board_slack_channel = wanted.board_slack_channel
    partnership.board_email = wanted.board_email
    partnership.keep_unmasked_replies = settings.safety.keep_unmasked_replies
    session.add(partnership)
    session.flush()
    assert partnership.id is not None
    for meeting_date in settings.board.meetings:
        _first_or_insert(
            session,
            select(BoardMeeting).where(BoardMeeting.partnership_id == partnership.id, BoardMeeting.date == meeting_date),
            functools.partial(BoardMeeting, partnership_id=partnership.id, date=meeting_date),
        )
    session.flush()
    return partnership


def _first_or_insert(session: Session, query: SelectOfScalar[Row], make: Callable[[], Row]) -> Row:
    """The row `query` finds, else a new one from `make()`; safe when two bot processes start at once."""
    found = session.exec(query).first()
    if found is not None:
        return found
    try:
        with session.begin_nested():
            row = make()
            session.add(row)
            session.flush()
        return row
    except sa.exc.IntegrityError:
        return session.exec(query).one()  # the other process inserted it first
