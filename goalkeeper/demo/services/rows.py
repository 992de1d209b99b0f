"""Bulk writes for the demo loader: the ORM for rows others point to, plain INSERTs for the
millions that nothing points to, and SQLite settings for one large transaction.

At 10,000 people the demo writes about three million rows. Building a model instance and
preparing each of its values through the ORM costs several times the database's own work,
so measurements and check-ins are written as prepared tuples with `executemany`: the same
SQL on SQLite and PostgreSQL, with values adapted by the connection's own operations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connection, models

M = TypeVar("M", bound=models.Model)

BATCH_SIZE = 2000
# Rows per executemany: large enough that the per-statement cost vanishes, small enough
# that a chunk of prepared tuples stays a few megabytes.
CHUNK = 50_000
# SQLite's page cache during the load (KiB, negative as PRAGMA cache_size wants it): the
# indexes of a three-million-row table stay in memory instead of spilling mid-transaction.
LOAD_CACHE_KIB = 512 * 1024


def bulk(model: type[M], rows: Sequence[M]) -> int:
    """Insert model instances in batches through the ORM; primary keys are set on them."""
    if rows:
        model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


class RowWriter:
    """Plain INSERTs of prepared tuples into one model's table, flushed in chunks.

    Values must already be what the database driver takes: use `db_time` for datetimes.
    Primary keys are not read back, so only rows nothing else refers to belong here.
    """

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        meta = model._meta
        quote = connection.ops.quote_name
        columns = ", ".join(quote(_column(model, name)) for name in fields)
        marks = ", ".join(["%s"] * len(fields))
        # Names come from the model's metadata, quoted; values are always parameters.
        table = quote(meta.db_table)
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, rows: list[tuple[Any, ...]]) -> None:
        """Queue rows; they are written once a chunk is full."""
        self.rows += rows
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> int:
        """Write what is queued; returns how many rows were written in all."""
        if self.rows:
            with connection.cursor() as cursor:
                cursor.executemany(self.sql, self.rows)
            self.written += len(self.rows)
            self.rows = []
        return self.written


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.column:
        raise ValueError(f"{model.__name__}.{name}: not a column")
    return field.column


class DbTimes:
    """Datetimes as the database driver takes them, each adapted once.

    A large demo repeats a few thousand instants millions of times (every daily KPI has a
    value at each midnight), so adapting per row would cost more than the insert.
    """

    def __init__(self) -> None:
        self._adapt = connection.ops.adapt_datetimefield_value
        self._one: dict[dt.datetime, Any] = {}
        self._many: dict[tuple[str, int], list[Any]] = {}

    def __call__(self, value: dt.datetime) -> Any:
        """One datetime."""
        adapted = self._one.get(value)
        if adapted is None:
            adapted = self._one[value] = self._adapt(value)
        return adapted

    def series(self, key: tuple[str, int], stamps: Sequence[dt.datetime]) -> list[Any]:
        """A sequence of datetimes that `key` names (the same key, the same stamps)."""
        adapted = self._many.get(key)
        if adapted is None:
            adapted = self._many[key] = [self(stamp) for stamp in stamps]
        return adapted


@contextmanager
def bulk_load_settings() -> Iterator[None]:
    """On SQLite, settings for one large write, restored afterwards; elsewhere nothing.

    `synchronous=OFF` skips the syncs a checkpoint makes: a crash mid-load loses the load,
    which the single transaction discards anyway. SQLite refuses to change it inside a
    transaction, so within one (tests) only the cache grows.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache_size = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        outside = not connection.in_atomic_block
        cursor.execute(f"PRAGMA cache_size = {-LOAD_CACHE_KIB}")
        if outside:
            cursor.execute("PRAGMA synchronous = OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache_size)}")
            if outside:
                cursor.execute(f"PRAGMA synchronous = {int(synchronous)}")
