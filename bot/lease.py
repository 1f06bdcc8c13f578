"""A lease row decides which bot process runs the scheduler when several replicas share a database.

The holder renews it well before it expires; a process that dies stops renewing and another takes
over once it has expired. Taking or renewing is one conditional UPDATE (or INSERT for the first
holder), so two processes can never both believe they hold it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.models import Lease

SCHEDULER_LEASE = "scheduler"


def acquire(engine: Engine, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease; True when `holder` holds it until now + ttl."""
    table = Lease.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        renewed = connection.execute(
            sa.update(table)
            .where(table.c.name == name, sa.or_(table.c.holder == holder, table.c.expires_at < now))
            .values(holder=holder, expires_at=now + ttl)
        ).rowcount
        if renewed == 1:
            return True
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(table).values(name=name, holder=holder, expires_at=now + ttl))
        return True
    except sa.exc.IntegrityError:
        return False  # someone else holds a live lease


def release(engine: Engine, name: str, holder: str) -> None:
    table = Lease.__table__  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(sa.delete(table).where(table.c.name == name, table.c.holder == holder))
