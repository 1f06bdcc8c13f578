"""The schema, migrations and time handling, on every backend."""

import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, select

from bot.db import ensure_partnership, make_engine, migrate, session_scope
from bot.models import Event, Message, Partnership
from bot.settings import load_settings


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": lambda name, type_, _: name != "apscheduler_jobs"}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_migrate_twice_is_harmless(engine: Engine) -> None:
    migrate(engine)
    migrate(engine)


def test_threads_of_one_process_can_migrate_at_once(tmp_path: Path) -> None:
    """`dhr run` migrates in the HTTP server's thread while scheduler jobs migrate in theirs; alembic's
    proxies are process-wide, so unguarded this failed nearly every round (KeyError: 'script')."""
    failures: list[BaseException] = []

    def migrate_fresh(folder: Path) -> None:
        folder.mkdir()
        try:
            migrate(make_engine(f"sqlite:///{folder / 'dhr.db'}"))
        except Exception as error:  # collected: the main thread asserts on them
            failures.append(error)

    threads = [threading.Thread(target=migrate_fresh, args=(tmp_path / f"db{n}",)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_datetimes_come_back_aware_utc(engine: Engine) -> None:
    paris_noon = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    with session_scope(engine) as session:
        session.add(Event(at=paris_noon, actor="test", kind="test.time"))
    with session_scope(engine) as session:
        stored = session.exec(select(Event)).one()
    assert stored.at == paris_noon
    assert stored.at.tzinfo is not None and stored.at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), session_scope(engine) as session:
        session.add(Event(at=datetime(2026, 6, 1, 12, 0), actor="test", kind="test.time"))


def test_idempotency_key_is_unique(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Message(idempotency_key="k1", kind="chaser", channel="outbox"))
    with pytest.raises(sa.exc.IntegrityError), session_scope(engine) as session:
        session.add(Message(idempotency_key="k1", kind="chaser", channel="outbox"))
    with session_scope(engine) as session:
        assert len(session.exec(select(Message)).all()) == 1


def test_ensure_partnership_creates_once_and_follows_settings(engine: Engine) -> None:
    settings = load_settings()
    with session_scope(engine) as session:
        first = ensure_partnership(session, settings)
    with session_scope(engine) as session:
        again = ensure_partnership(session, settings)
        assert again.id == first.id
        assert len(session.exec(select(Partnership)).all()) == 1


def test_event_time_defaults_to_now(engine: Engine) -> None:
    before = datetime.now(UTC)
    with session_scope(engine) as session:
        session.add(Event(actor="test", kind="test.default"))
    with session_scope(engine) as session:
        assert session.exec(select(Event)).one().at >= before - timedelta(seconds=1)


def test_database_errors_never_quote_the_data(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Message(idempotency_key="k1", kind="chaser", channel="outbox", body_text="Reply naming Adult A"))
    with pytest.raises(sa.exc.IntegrityError) as caught, session_scope(engine) as session:
        session.add(Message(idempotency_key="k1", kind="chaser", channel="outbox", body_text="Reply naming Adult A"))
    assert "Adult A" not in str(caught.value)


def test_two_bot_processes_starting_at_once_share_one_partnership(engine: Engine) -> None:
    import threading

    settings = load_settings()
    ids: list[int | None] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        barrier.wait()
        with session_scope(engine) as session:
            ids.append(ensure_partnership(session, settings).id)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(ids) == 4 and len(set(ids)) == 1


def test_postgresql_connections_compile_no_jit_unless_asked(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("JIT is PostgreSQL's")
    asked = make_engine(engine.url.render_as_string(hide_password=False),
                        connect_args={"options": "-c jit=on -c application_name=asked"})
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW jit").scalar() == "off"
        with asked.connect() as connection:
            assert connection.exec_driver_sql("SHOW jit").scalar() == "on"
            assert connection.exec_driver_sql("SHOW application_name").scalar() == "asked"
    finally:
        asked.dispose()
