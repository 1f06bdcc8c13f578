from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine

from bot.lease import acquire, release

NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
TTL = timedelta(minutes=2)


def test_only_one_holder_at_a_time(engine: Engine) -> None:
    assert acquire(engine, "scheduler", "bot-a", NOON, TTL)
    assert not acquire(engine, "scheduler", "bot-b", NOON + timedelta(seconds=30), TTL)
    assert acquire(engine, "scheduler", "bot-a", NOON + timedelta(seconds=60), TTL)  # renewal


def test_a_dead_holder_is_replaced_after_expiry(engine: Engine) -> None:
    assert acquire(engine, "scheduler", "bot-a", NOON, TTL)
    assert not acquire(engine, "scheduler", "bot-b", NOON + TTL - timedelta(seconds=1), TTL)
    assert acquire(engine, "scheduler", "bot-b", NOON + TTL + timedelta(seconds=1), TTL)
    assert not acquire(engine, "scheduler", "bot-a", NOON + TTL + timedelta(seconds=2), TTL)


def test_release_lets_another_take_over_at_once(engine: Engine) -> None:
    assert acquire(engine, "scheduler", "bot-a", NOON, TTL)
    release(engine, "scheduler", "bot-a")
    assert acquire(engine, "scheduler", "bot-b", NOON, TTL)
