"""Many new rows into one table at once: COPY on PostgreSQL, one plain executemany on SQLite; and many ids in
one parameter (`with_ids`).

A Core `insert(table)` executemany spends most of its time in SQLAlchemy's per-row parameter handling
(20,000 actions: about 1 s of 1.3 s on SQLite, more on PostgreSQL, where psycopg then adapts every row
again). Here each column's own bind processing runs once per value and the rows go to the driver as
plain tuples. What is stored is what the Core insert stores: the same columns' Python defaults for the
keys a row leaves out (server defaults for the rest), the same type processing (aware datetimes to
naive UTC, JSON as text), and the same text cleaning as every other write (bot/textsafety.py): the
engine's hook sees the executemany on SQLite, and the COPY rows are cleaned here, since COPY passes no
hook. Runs on the session's connection, so inside its transaction: a failure rolls back with the rest.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from bot.textsafety import clean_parameters


def insert_rows(session: Session, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys, column name -> value) into `table`."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    unknown = [name for name in names if name not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column {unknown[0]!r}")
    defaults = {column.name: _default(column) for column in table.columns
                if column.name not in names and column.default is not None}
    columns = [table.c[name] for name in (*names, *defaults)]
    processors = [_memoised(process) if _is_time(column) else process
                  for column, process in ((column, _processor(column, dialect)) for column in columns)]
    default_values = list(defaults.values())
    tuples = []
    for row in rows:
        if len(row) != len(names):
            raise ValueError(f"every row into {table.name} needs the same columns: {sorted(row)} != {sorted(names)}")
        values = [row[name] for name in names] + default_values
        tuples.append(tuple(value if process is None or value is None else process(value)
                            for value, process in zip(values, processors, strict=True)))
    quote = dialect.identifier_preparer.quote
    column_list = ", ".join(quote(column.name) for column in columns)
    if dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None
        statement = f"COPY {quote(table.name)} ({column_list}) FROM STDIN"
        driver_error = dialect.loaded_dbapi.Error
        try:
            with driver.cursor() as cursor, cursor.copy(statement) as copy:
                for values in clean_parameters(tuples):
                    copy.write_row(values)
        except driver_error as error:
            # As SQLAlchemy wraps what the driver raises (a key taken meanwhile: IntegrityError), so callers catch
            # one kind of error whichever way the rows went in, and need not import the driver.
            raise sa.exc.DBAPIError.instance(statement, None, error, driver_error) from error
        return
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({column_list}) VALUES ({marks})", tuples)


def _default(column: sa.Column[Any]) -> Any:
    """The column's Python default as a Core insert would fill it in (callables take no context here)."""
    default = column.default
    assert isinstance(default, sa.ColumnDefault)
    if default.is_callable:
        return default.arg(None)
    if default.is_scalar:
        return default.arg
    raise ValueError(f"column {column.name} has a default that is not a value or a function")


def _processor(column: sa.Column[Any], dialect: sa.Dialect) -> Callable[[Any], Any] | None:
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _is_time(column: sa.Column[Any]) -> bool:
    kind = column.type
    return isinstance(kind, sa.Date | sa.DateTime) or isinstance(getattr(kind, "impl", None), sa.Date | sa.DateTime)


def _memoised(process: Callable[[Any], Any] | None) -> Callable[[Any], Any] | None:
    """`process`, run once per distinct date or datetime (an import stamps every row with the same time)."""
    if process is None:
        return None
    done: dict[Any, Any] = {}

    def once(value: Any) -> Any:
        if type(value) not in _PURE_KEYS:
            return process(value)
        key = (value, getattr(value, "tzinfo", None))  # equal instants in two zones are written apart
        if key not in done:
            done[key] = process(value)
        return done[key]

    return once


#: Values whose processing depends on nothing but the value itself (equal values give equal results).
_PURE_KEYS: frozenset[type] = frozenset({datetime, date})


def with_ids(column: Any, ids: Collection[int] | Collection[str], dialect: str) -> sa.ColumnElement[bool]:
    """`column IN ids` for any number of ids (integer keys, or text keys such as a message's idempotency key): one
    array (PostgreSQL) or one JSON text (SQLite), not one bound parameter each, whose expansion and per-value
    processing cost more than the query at 10,000s of ids (and psycopg parses a statement's text for its
    placeholders at every execution: a long IN list is a long parse)."""
    condition: sa.ColumnElement[bool]
    if dialect == "postgresql":
        # The array's type is the column's, not guessed from the ids: an empty set of text keys is no integer array
        # (varchar = ANY(integer[]) is refused, and leaves the transaction broken).
        condition = column == sa.any_(sa.bindparam(None, sorted(ids), type_=postgresql.ARRAY(column.type)))
    elif dialect == "sqlite":
        each = sa.func.json_each(sa.bindparam(None, json.dumps(sorted(ids)), type_=sa.String)).table_valued("value")
        condition = column.in_(sa.select(each.c.value))
    else:
        condition = column.in_(sorted(ids))
    return condition
