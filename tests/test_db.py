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


def test_migration_0003_gives_the_actions_already_there_their_activity_rows(tmp_path: Path) -> None:
    """Actions written before the triggers existed get their row, with the review, status, removal and last chase
    and answer their sources give; after it, the triggers keep them."""
    engine = make_engine(f"sqlite:///{tmp_path / 'before.db'}")
    migrate(engine, "0002")
    at = datetime(2026, 11, 2, 9, 0)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO partnership (id, name, board_name, timezone, keep_unmasked_replies, created_at)"
            " VALUES (1, 'Riverside', 'Board', 'Europe/London', 0, '2026-11-01')")
        run("INSERT INTO review (id, partnership_id, code, title, kind, created_at, column_headers)"
            " VALUES (1, 1, 'RIV3', 'Plan', 'DHR', '2026-11-01', '{}')")
        run("INSERT INTO recommendation (id, review_id, number, position, text, ref_part) VALUES (1, 1, '1', 0, '', '')")
        for n, status in ((1, "in_progress"), (2, "complete")):
            run("INSERT INTO action (id, recommendation_id, review_id, recommendation_position, ref, position,"
                " description, precision, status, plan_cells, imported_values, created_at, updated_at)"
                f" VALUES ({n}, 1, 1, 0, 'RIV3-1-{n}', {n}, '', 'none', '{status}', '{{}}', '{{}}', '{at}', '{at}')")
        run("INSERT INTO message (id, idempotency_key, kind, channel, cc_addresses, level, state, attempts, created_at)"
            f" VALUES (1, 'k1', 'chaser', 'slack', '[]', 1, 'sent', 1, '{at}')")
        run("INSERT INTO messageaction (message_id, action_id) VALUES (1, 1)")
        assert run("SELECT count(*) FROM action_activity").scalar_one() == 0

    migrate(engine)

    with engine.begin() as connection:
        rows = connection.exec_driver_sql("SELECT action_id, review_id, status, last_chased_at, last_answer_at"
                                          " FROM action_activity ORDER BY action_id").all()
        assert [tuple(row) for row in rows] == [(1, 1, "in_progress", str(at), None), (2, 1, "complete", None, None)]
        connection.exec_driver_sql("UPDATE action SET status = 'complete', removed_from_plan_at = '2026-11-03' WHERE id = 1")
        moved = connection.exec_driver_sql("SELECT status, removed_from_plan_at FROM action_activity WHERE action_id = 1")
        assert tuple(moved.one()) == ("complete", "2026-11-03")
    engine.dispose()
